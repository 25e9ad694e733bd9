"""Capacity hand-over to the autoscaler on an existing table: billing switch and new GSIs."""

from __future__ import annotations

import copy
from typing import Any

from function.compose import Outcome
from tests.test_autoscaling import _converge, _ready, _run, _table, _xr


def _aws_table(xr: dict[str, Any], billing: str, gsis: list[str] | None = None) -> dict[str, Any]:
    """atProvider of the XR's table as AWS reports it: keys, attributes, the GSIs named."""
    spec = xr["spec"]
    names = gsis if gsis is not None else [g["name"] for g in spec["globalSecondaryIndexes"]]
    by_name = {g["name"]: g for g in spec["globalSecondaryIndexes"]}
    return {
        "id": "orders",
        "arn": "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
        "billingMode": billing,
        "hashKey": "pk",
        "attribute": [dict(a) for a in spec["attributeDefinitions"]],
        "globalSecondaryIndex": [
            {"name": n, "hashKey": by_name[n]["keySchema"][0]["attributeName"]} for n in names
        ],
    }


def _kinds(outcome: Outcome, kind: str) -> list[str]:
    return sorted(n for n, c in outcome.resources.items() if c.body["kind"] == kind)


def _pending(outcome: Outcome) -> str:
    return " ".join(r.message for r in outcome.results if r.reason == "Pending")


# --- on-demand -> PROVISIONED with autoscaling, in one edit ------------------------------


def test_switch_to_provisioned_keeps_capacity_in_for_provider_and_holds_targets() -> None:
    xr = _xr("two-gsis.yaml")
    on_demand = _ready(_table(_run(xr)), **_aws_table(xr, "PAY_PER_REQUEST"))
    outcome = _run(xr, {"table": on_demand})
    spec = _table(outcome)["spec"]
    # Nothing handed over: only a copy that keeps the object from server-side apply's
    # null (render/apply.py).
    assert spec["initProvider"] == {"billingMode": "PROVISIONED"}
    fp = spec["forProvider"]
    assert (fp["billingMode"], fp["readCapacity"], fp["writeCapacity"]) == ("PROVISIONED", 10, 5)
    assert [
        (g["name"], g["readCapacity"], g["writeCapacity"]) for g in fp["globalSecondaryIndex"]
    ] == [
        ("by-status", 5, 5),
        ("ByCustomer.v2", 20, 5),
    ]
    assert _kinds(outcome, "Target") == []
    assert "switch from PAY_PER_REQUEST to PROVISIONED" in _pending(outcome)


def test_once_aws_bills_provisioned_capacity_is_handed_over_and_targets_render() -> None:
    xr = _xr("two-gsis.yaml")
    switched = _ready(_table(_run(xr)), **_aws_table(xr, "PROVISIONED"))
    outcome = _run(xr, {"table": switched})
    spec = _table(outcome)["spec"]
    assert set(spec["initProvider"]) == {"readCapacity", "writeCapacity", "globalSecondaryIndex"}
    assert "readCapacity" not in spec["forProvider"]
    assert len(_kinds(outcome, "Target")) == 6


# --- a GSI added or removed while GSIs are autoscaled ------------------------------------


def _add_by_region(xr: dict[str, Any], **extra: Any) -> None:
    """A new GSI on a new attribute, region."""
    xr["spec"]["attributeDefinitions"].append({"name": "region", "type": "S"})
    xr["spec"]["globalSecondaryIndexes"].append(
        {
            "name": "by-region",
            "keySchema": [{"attributeName": "region", "keyType": "HASH"}],
            "provisionedThroughput": {"readCapacityUnits": 5, "writeCapacityUnits": 5},
            **extra,
        }
    )


def _converged_with(xr: dict[str, Any]) -> dict[str, Any]:
    _, observed = _converge(xr)
    observed["table"]["status"]["atProvider"] = _aws_table(xr, "PROVISIONED")
    return observed


def test_a_new_gsis_attribute_waits_with_the_index() -> None:
    xr = _xr("two-gsis.yaml")
    observed = _converged_with(xr)
    edited = copy.deepcopy(xr)
    _add_by_region(edited)
    outcome = _run(edited, observed)
    attributes = _table(outcome)["spec"]["forProvider"]["attribute"]
    assert [a["name"] for a in attributes] == ["pk", "status", "customerId"]
    warning = next(r.message for r in outcome.results if "'by-region'" in r.message)
    assert "attributes are left out" in warning


def test_a_removed_live_gsis_attribute_stays_defined() -> None:
    xr = _xr("two-gsis.yaml")
    observed = _converged_with(xr)
    edited = copy.deepcopy(xr)
    edited["spec"]["globalSecondaryIndexes"].pop()  # ByCustomer.v2, on customerId
    edited["spec"]["attributeDefinitions"].pop()
    outcome = _run(edited, observed)
    attributes = _table(outcome)["spec"]["forProvider"]["attribute"]
    assert attributes == [
        {"name": "pk", "type": "S"},
        {"name": "status", "type": "S"},
        {"name": "customerId", "type": "S"},
    ]


def test_no_gsi_autoscaled_keeps_the_claims_attributes() -> None:
    xr = _xr("two-gsis.yaml")
    for gsi in xr["spec"]["globalSecondaryIndexes"]:
        gsi["autoScaling"] = {"enabled": False}
    observed = _converged_with(xr)
    edited = copy.deepcopy(xr)
    _add_by_region(edited, autoScaling={"enabled": False})
    attributes = _table(_run(edited, observed))["spec"]["forProvider"]["attribute"]
    assert [a["name"] for a in attributes] == ["pk", "status", "customerId", "region"]


def test_replica_targets_wait_for_the_switch_too() -> None:
    xr = _xr("two-gsis.yaml")
    spec = xr["spec"]
    spec.update(streamEnabled=True, streamViewType="NEW_AND_OLD_IMAGES")
    spec["replicas"] = [{"region": "us-east-1"}]
    on_demand = _aws_table(xr, "PAY_PER_REQUEST")
    on_demand["replica"] = [{"regionName": "us-east-1", "arn": "arn:aws:dynamodb:us-east-1:1:t"}]
    table = _ready(_table(_run(xr)), **on_demand)
    outcome = _run(xr, {"table": table})
    assert _kinds(outcome, "Target") == []
