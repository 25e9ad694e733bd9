"""What an existing table already has moves to initProvider (render/settle.py).

AWS raises warm throughput by itself. The provider diffs its fresh reading
against what was rendered from the poll before, and acts in the same reconcile:
an index asked for less is deleted and rebuilt, a table asked for less is
refused as a replacement. So the GSI list and the table's warm throughput leave
``forProvider`` once AWS has them as rendered, and come back with a change to apply.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import pytest

from tests.options_support import creating, live_index, render

INDEX: dict[str, Any] = {
    "name": "by-status",
    "keySchema": [{"attributeName": "status", "keyType": "HASH"}],
    "projection": {"type": "INCLUDE", "nonKeyAttributes": ["title", "price"]},
    "warmThroughput": {"readUnitsPerSecond": 15000, "writeUnitsPerSecond": 5000},
}
SPEC: dict[str, Any] = {
    "billingMode": "PAY_PER_REQUEST",
    "attributeDefinitions": [{"name": "pk", "type": "S"}, {"name": "status", "type": "S"}],
    "warmThroughput": {"readUnitsPerSecond": 15000, "writeUnitsPerSecond": 5000},
    "globalSecondaryIndexes": [INDEX],
}
# The index as provider-aws v2.5.0 refreshes it (make e2e-aws).
LIVE_INDEX = live_index(
    "by-status",
    "status",
    "INCLUDE",
    nonKeyAttributes=["title", "price"],
    warmThroughput={"readUnitsPerSecond": 15000, "writeUnitsPerSecond": 5000},
)
LIVE_WARM = {"readUnitsPerSecond": 15000, "writeUnitsPerSecond": 5000}


@dataclass(frozen=True)
class Case:
    name: str
    spec: dict[str, Any] = field(default_factory=lambda: copy.deepcopy(SPEC))
    indexes: list[dict[str, Any]] = field(default_factory=lambda: [copy.deepcopy(LIVE_INDEX)])
    warm: dict[str, Any] | None = field(default_factory=lambda: dict(LIVE_WARM))
    attributes: list[dict[str, Any]] = field(
        default_factory=lambda: [{"name": "pk", "type": "S"}, {"name": "status", "type": "S"}]
    )
    # Where each block is rendered: "init" (the provider no longer compares it) or "for".
    gsis: str = "init"
    table_warm: str = "init"
    rendered_index_warm: tuple[int, int] = (15000, 5000)


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**copy.deepcopy(base), **changes}


ADDED = {
    "name": "by-day",
    "keySchema": [{"attributeName": "day", "keyType": "HASH"}],
    "projection": {"type": "KEYS_ONLY_PROJECTION"},
}

CASES = [
    Case("aws-has-everything-as-rendered"),
    Case(
        "aws-raised-the-index-warm-throughput",
        indexes=[
            _with(
                LIVE_INDEX,
                warmThroughput={"readUnitsPerSecond": 20000, "writeUnitsPerSecond": 5000},
            )
        ],
        rendered_index_warm=(20000, 5000),
    ),
    Case(
        "aws-raised-the-table-warm-throughput",
        warm={"readUnitsPerSecond": 20000, "writeUnitsPerSecond": 6000},
    ),
    Case(
        "numbers-as-protobuf-floats-and-names-in-another-order",
        indexes=[
            _with(
                LIVE_INDEX,
                nonKeyAttributes=["price", "title"],
                readCapacity=0.0,
                writeCapacity=0.0,
                warmThroughput={"readUnitsPerSecond": 15000.0, "writeUnitsPerSecond": 5000.0},
            )
        ],
        warm={"readUnitsPerSecond": 15000.0, "writeUnitsPerSecond": 5000.0},
    ),
    Case(
        "the-claim-adds-an-index",
        spec=_with(
            SPEC,
            attributeDefinitions=[*SPEC["attributeDefinitions"], {"name": "day", "type": "S"}],
            globalSecondaryIndexes=[INDEX, ADDED],
        ),
        gsis="for",
    ),
    Case(
        "aws-has-an-index-the-claim-removed",
        indexes=[
            copy.deepcopy(LIVE_INDEX),
            _with(
                LIVE_INDEX,
                name="by-day",
                hashKey="day",
                keySchema=[{"attributeName": "day", "keyType": "HASH"}],
            ),
        ],
        gsis="for",
    ),
    Case(
        "the-claim-asks-more-index-warm-throughput-than-aws-has",
        indexes=[
            _with(
                LIVE_INDEX,
                warmThroughput={"readUnitsPerSecond": 13000, "writeUnitsPerSecond": 5000},
            )
        ],
        gsis="for",
    ),
    Case(
        "an-index-projection-changed-outside-the-claim",
        indexes=[_with(LIVE_INDEX, nonKeyAttributes=["title"])],
        gsis="for",
    ),
    Case(
        # AWS rebuilds the index for it: applied through the list.
        "the-claim-changes-an-index-key-attribute-type",
        attributes=[{"name": "pk", "type": "S"}, {"name": "status", "type": "N"}],
        gsis="for",
    ),
    Case(
        "the-claim-asks-more-table-warm-throughput-than-aws-has",
        warm={"readUnitsPerSecond": 15000, "writeUnitsPerSecond": 4500},
        table_warm="for",
    ),
    Case(
        # The provider reports none at AWS's baseline (12000/4000).
        "table-warm-throughput-not-reported-yet",
        warm=None,
        table_warm="for",
    ),
]


def _observed(case: Case) -> dict[str, Any]:
    table = creating(case.spec)
    at_provider: dict[str, Any] = {
        "id": "orders",
        "attribute": case.attributes,
        "globalSecondaryIndex": case.indexes,
        "tags": table["spec"]["forProvider"].get("tags", {}),
    }
    if case.warm is not None:
        at_provider["warmThroughput"] = case.warm
    table["status"] = {
        "atProvider": at_provider,
        "conditions": [{"type": "Ready", "status": "True", "reason": "Available"}],
    }
    return table


def _where(spec: dict[str, Any], key: str) -> str:
    found = [w for w in ("forProvider", "initProvider") if key in spec.get(w, {})]
    assert len(found) == 1, f"{key} in {found}"
    return found[0][: -len("Provider")]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_blocks_aws_has_as_rendered_are_handed_to_init_provider(case: Case) -> None:
    spec = render(case.spec, {"table": _observed(case)}).resources["table"].body["spec"]
    assert _where(spec, "globalSecondaryIndex") == case.gsis
    assert _where(spec, "warmThroughput") == case.table_warm
    where = f"{case.gsis}Provider"
    (index,) = [g for g in spec[where]["globalSecondaryIndex"] if g["name"] == "by-status"]
    warm = index["warmThroughput"]
    assert (warm["readUnitsPerSecond"], warm["writeUnitsPerSecond"]) == case.rendered_index_warm


def test_a_table_not_created_yet_is_created_from_for_provider() -> None:
    spec = creating(SPEC)["spec"]
    assert "globalSecondaryIndex" in spec["forProvider"]
    assert "warmThroughput" in spec["forProvider"]
    assert "initProvider" not in spec
