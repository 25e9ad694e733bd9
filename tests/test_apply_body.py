"""A composed resource that had ``spec.initProvider`` keeps a non-empty one (render/apply.py).

Found on the real provider (make e2e-aws): switching an on-demand table with an
index to PROVISIONED brings its GSI list back from initProvider to forProvider;
server-side apply then stored ``initProvider: null`` (also for ``{}``), the
Table's CRD refused it, and the switch never reached the provider.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from function.render.apply import KEEP_FIELD
from tests import crds
from tests.options_support import creating, live_index, ready, render
from tests.test_scheduled_scaling import SCHEDULED

ON_DEMAND: dict[str, Any] = {
    "billingMode": "PAY_PER_REQUEST",
    "attributeDefinitions": [{"name": "pk", "type": "S"}, {"name": "brand", "type": "S"}],
    "globalSecondaryIndexes": [
        {
            "name": "by-brand",
            "keySchema": [{"attributeName": "brand", "keyType": "HASH"}],
            "projection": {"type": "KEYS_ONLY_PROJECTION"},
        }
    ],
}
CAPACITY = {"readCapacityUnits": 10, "writeCapacityUnits": 6}
PROVISIONED: dict[str, Any] = {
    **ON_DEMAND,
    "billingMode": "PROVISIONED",
    "provisionedThroughput": CAPACITY,
    "globalSecondaryIndexes": [
        {**ON_DEMAND["globalSecondaryIndexes"][0], "provisionedThroughput": CAPACITY}
    ],
}
LIVE_INDEX = live_index("by-brand", "brand", "KEYS_ONLY")


def _live_on_demand(init_provider: dict[str, Any] | None) -> dict[str, Any]:
    table = creating(ON_DEMAND)
    if init_provider is not None:
        table["spec"]["initProvider"] = copy.deepcopy(init_provider)
    table["status"] = {
        "atProvider": {
            "id": "orders",
            "billingMode": "PAY_PER_REQUEST",
            "attribute": ON_DEMAND["attributeDefinitions"],
            "globalSecondaryIndex": [LIVE_INDEX],
            "tags": table["spec"]["forProvider"].get("tags", {}),
        },
        "conditions": [{"type": "Ready", "status": "True", "reason": "Available"}],
    }
    return table


@pytest.mark.parametrize(
    ("observed_init", "expected"),
    [
        pytest.param(
            {"globalSecondaryIndex": [LIVE_INDEX]},
            {"billingMode": "PROVISIONED"},
            id="had-the-gsi-list",
        ),
        pytest.param({}, {"billingMode": "PROVISIONED"}, id="had-an-empty-one"),
        pytest.param(None, None, id="never-had-one"),
    ],
)
def test_the_switch_to_provisioned_keeps_an_init_provider_object(
    observed_init: dict[str, Any] | None, expected: dict[str, Any] | None
) -> None:
    spec = render(PROVISIONED, {"table": _live_on_demand(observed_init)}).resources["table"]
    body = spec.body["spec"]
    # The switch itself carries the list, with its capacity.
    (index,) = body["forProvider"]["globalSecondaryIndex"]
    assert (index["readCapacity"], index["writeCapacity"]) == (10, 6)
    assert body.get("initProvider") == expected


def test_an_unchanged_table_keeps_its_list_in_init_provider() -> None:
    live = _live_on_demand({"globalSecondaryIndex": [LIVE_INDEX]})
    body = render(ON_DEMAND, {"table": live}).resources["table"].body["spec"]
    assert "globalSecondaryIndex" in body["initProvider"]


def test_a_target_whose_schedules_are_gone_keeps_an_init_provider_object() -> None:
    first = render(SCHEDULED)
    table = ready(first.resources["table"].body, {"globalSecondaryIndex": [{"name": "by-g"}]})
    target = render(SCHEDULED, {"table": table}).resources["table-read-target"].body
    assert "minCapacity" in target["spec"]["initProvider"]  # the schedule's, until now
    unscheduled = {**SCHEDULED, "autoScaling": {"write": {"enabled": False}}}
    observed = {"table": table, "table-read-target": ready(target)}
    spec = render(unscheduled, observed).resources["table-read-target"].body["spec"]
    assert spec["forProvider"]["minCapacity"] == 10  # the bounds are the Target's again
    assert spec["initProvider"] == {"serviceNamespace": "dynamodb"}


@pytest.mark.parametrize(
    ("crd", "kind"),
    [
        ("provider-upjet-aws/dynamodb.aws.upbound.io_tables.yaml", "Table"),
        ("provider-upjet-aws/dynamodb.aws.m.upbound.io_tables.yaml", "Table"),
        ("provider-upjet-aws/appautoscaling.aws.upbound.io_targets.yaml", "Target"),
        ("provider-upjet-aws/appautoscaling.aws.m.upbound.io_targets.yaml", "Target"),
    ],
)
def test_the_kept_field_is_in_both_schemas_of_the_pinned_crd(crd: str, kind: str) -> None:
    for version in crds.load(crd)["spec"]["versions"]:
        spec = version["schema"]["openAPIV3Schema"]["properties"]["spec"]["properties"]
        for where in ("forProvider", "initProvider"):
            assert KEEP_FIELD[kind] in spec[where]["properties"], (crd, version["name"], where)
