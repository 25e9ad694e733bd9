"""What AWS fills in on a live index, echoed into the index the Table asks for.

`globalSecondaryIndex` is a Terraform set: upjet diffs it element by element,
each keyed by a hash of every field, the optional-and-computed ones included.
The provider's refresh writes an index's `keySchema` beside its `hashKey` and
`rangeKey`, and its `readCapacity` and `writeCapacity` (0 on an on-demand
table). An index rendered without them hashes differently from the one AWS
has, so every poll finds a "changed" index and runs an update that changes
nothing, for ever: the real provider did this about 4 times a second on an
on-demand table with one GSI (docs/e2e.md, "What the real provider showed").
The Terraform fork's own CustomizeDiff that would clear it reads the raw plan,
which upjet sets to the prior state, so it does not help.

So an index the claim asks for, live in AWS with the same keys, gets AWS's key
schema and, where the claim sets no capacity, AWS's capacity numbers. Nothing
changes for an index AWS does not have yet (created as asked) or whose keys
differ (the key-change guard refuses that first), and nothing under
`initProvider`, which the provider ignores on an existing table.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from function.render.status import at_provider

__all__ = ["echo_live_gsi_fields"]

_CAPACITY = ("readCapacity", "writeCapacity")


def _keys(block: Mapping[str, Any]) -> tuple[Any, Any]:
    return block.get("hashKey") or None, block.get("rangeKey") or None


def _live(observed_table: Any) -> dict[str, Mapping[str, Any]]:
    reported = at_provider(observed_table).get("globalSecondaryIndex")
    return {
        g["name"]: g
        for g in (reported if isinstance(reported, list) else [])
        if isinstance(g, dict) and isinstance(g.get("name"), str)
    }


def echo_live_gsi_fields(table: dict[str, Any], observed_table: Any) -> None:
    """Give each asked-for index that AWS has with the same keys the fields AWS reports."""
    live = _live(observed_table)
    if not live:
        return
    for block in table["spec"]["forProvider"].get("globalSecondaryIndex", []):
        seen = live.get(block["name"])
        if seen is None or _keys(seen) != _keys(block):
            continue
        schema = seen.get("keySchema")
        if isinstance(schema, list) and schema:
            block["keySchema"] = [dict(k) for k in schema if isinstance(k, dict)]
        for field in _CAPACITY:
            if field not in block and isinstance(seen.get(field), int):
                block[field] = seen[field]
