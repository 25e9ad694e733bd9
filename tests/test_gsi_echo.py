"""An index AWS has is rendered as the provider refreshes it (render/gsi_echo.py).

Found on the real provider (make e2e-aws): an on-demand table whose GSI was
rendered with only hashKey, name and projectionType was "updated" by the provider
about 4 times a second, for ever, because the refreshed index also carries
keySchema and readCapacity/writeCapacity 0 and the set element's hash differs.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.options_support import creating, live_index, render

SPEC: dict[str, Any] = {
    "billingMode": "PAY_PER_REQUEST",
    "attributeDefinitions": [
        {"name": "pk", "type": "S"},
        {"name": "status", "type": "S"},
    ],
    "globalSecondaryIndexes": [
        {
            "name": "by-status",
            "keySchema": [{"attributeName": "status", "keyType": "HASH"}],
            "projection": {"type": "ALL"},
        }
    ],
}

# What provider-aws v2.5.0 reported for that index against the emulator.
LIVE_INDEX = live_index("by-status", "status", "ALL")


# Another index the claim adds, not live yet: the list stays in forProvider for the
# provider to apply (a list AWS has as rendered moves to initProvider, render/settle.py).
PENDING_SPEC: dict[str, Any] = {
    **SPEC,
    "attributeDefinitions": [*SPEC["attributeDefinitions"], {"name": "day", "type": "S"}],
    "globalSecondaryIndexes": [
        *SPEC["globalSecondaryIndexes"],
        {
            "name": "by-day",
            "keySchema": [{"attributeName": "day", "keyType": "HASH"}],
            "projection": {"type": "KEYS_ONLY_PROJECTION"},
        },
    ],
}


def _live(indexes: list[dict[str, Any]]) -> dict[str, Any]:
    table = creating(SPEC)
    tags = table["spec"]["forProvider"].get("tags", {})
    table["status"] = {
        "atProvider": {"id": "orders", "globalSecondaryIndex": indexes, "tags": tags},
        "conditions": [{"type": "Ready", "status": "True", "reason": "Available"}],
    }
    return table


def _rendered_index(indexes: list[dict[str, Any]]) -> dict[str, Any]:
    body = render(PENDING_SPEC, {"table": _live(indexes)}).resources["table"].body
    (index,) = [
        g for g in body["spec"]["forProvider"]["globalSecondaryIndex"] if g["name"] == "by-status"
    ]
    return dict(index)


def test_a_live_index_is_rendered_with_the_fields_aws_reports() -> None:
    index = _rendered_index([LIVE_INDEX])
    assert index["keySchema"] == LIVE_INDEX["keySchema"]
    assert (index["readCapacity"], index["writeCapacity"]) == (0, 0)
    assert index["hashKey"] == "status"


@pytest.mark.parametrize(
    "live",
    [
        pytest.param([], id="not-live-yet"),
        pytest.param(
            [
                {
                    **LIVE_INDEX,
                    "hashKey": "pk",
                    "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
                }
            ],
            id="other-keys",
        ),
    ],
)
def test_an_index_aws_does_not_have_as_asked_is_rendered_as_asked(
    live: list[dict[str, Any]],
) -> None:
    index = _rendered_index(copy.deepcopy(live))
    assert "keySchema" not in index
    assert "readCapacity" not in index and "writeCapacity" not in index
