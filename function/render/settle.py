"""Hand what AWS already has to ``initProvider``, so AWS may raise it by itself.

AWS raises warm throughput by itself as traffic grows, on the table and on each
index. The provider reads the new value on its next poll and diffs it against
the one the function rendered from the poll before, in the same reconcile that
acts on the diff: for an index, ``updateDiffGSI`` sees a decrease and deletes
and rebuilds it (queries on it fail until the backfill ends); for the table, a
decrease forces a new resource, which upjet refuses. Holding the rendered value
at AWS's (render/throughput.py) comes one poll too late. The real provider
showed it (docs/e2e.md, "What the real provider showed").

Upjet leaves out of every diff a field set in ``spec.initProvider`` and absent
from ``spec.forProvider``. So once an existing table has everything a block
asks for, the block moves there, and the provider no longer compares it:

- the ``globalSecondaryIndex`` list, as a whole (a Terraform set; upjet can only
  ignore the whole block, render/capacity.py), when AWS has exactly the rendered
  indexes, each with every field the block says, with the same value, and
  exactly the rendered attributes (a key attribute's type is part of an index);
- the table's ``warmThroughput``, when AWS's is at least the rendered one.

When the claim changes something in them (an index added, removed or changed, a
capacity AWS does not have, more warm throughput), the block is back in
``forProvider`` for the provider to apply, and hands over again once AWS has it.
The function, not the provider, now notices an index changed outside the claim:
a difference in a field the block says is a change to apply like any other.
"""

from __future__ import annotations

from typing import Any

from function.render.status import at_provider, reported_number

__all__ = ["settle_applied_blocks"]

GSI_LIST = "globalSecondaryIndex"
TABLE_WARM = "warmThroughput"


def _same(rendered: Any, reported: Any) -> bool:
    """Whether AWS reports what is rendered (numbers by value, names in any order)."""
    if isinstance(rendered, bool) or isinstance(reported, bool):
        return rendered is reported
    if isinstance(rendered, int | float) and isinstance(reported, int | float):
        return rendered == reported
    if isinstance(rendered, dict) and isinstance(reported, dict):
        return all(k in reported and _same(v, reported[k]) for k, v in rendered.items())
    if isinstance(rendered, list) and isinstance(reported, list):
        if all(isinstance(x, str) for x in rendered + reported):
            return sorted(rendered) == sorted(reported)
        return len(rendered) == len(reported) and all(
            _same(a, b) for a, b in zip(rendered, reported, strict=True)
        )
    return bool(rendered == reported)


def _indexes_applied(rendered: list[Any], reported: Any) -> bool:
    if not isinstance(reported, list):
        return False
    live = {
        g["name"]: g for g in reported if isinstance(g, dict) and isinstance(g.get("name"), str)
    }
    if len(live) != len(reported) or set(live) != {b.get("name") for b in rendered}:
        return False
    return all(_same(block, live[block.get("name")]) for block in rendered)


def _attributes(block: Any) -> set[tuple[Any, Any]] | None:
    if not isinstance(block, list):
        return None
    pairs = [(a.get("name"), a.get("type")) for a in block if isinstance(a, dict)]
    if len(pairs) != len(block) or not all(isinstance(x, str) for p in pairs for x in p):
        return None  # not what the provider reports: not applied
    return set(pairs)


def _warm_reached(rendered: Any, reported: Any) -> bool:
    if not isinstance(rendered, dict) or not isinstance(reported, dict):
        return False
    for key, wanted in rendered.items():
        have = reported_number(reported.get(key))
        if have is None or have < wanted:
            return False
    return True


def settle_applied_blocks(table: dict[str, Any], observed_table: Any) -> None:
    """Move to ``initProvider`` the blocks an existing table already has as rendered."""
    live = at_provider(observed_table)
    if not live:
        return  # no table yet: created from forProvider as asked
    fp = table["spec"]["forProvider"]
    settled: dict[str, Any] = {}
    # A key attribute's new type rebuilds an index too: that change is applied
    # through the list, so the list stays until AWS has the attributes as well.
    attributes_applied = _attributes(fp.get("attribute")) == _attributes(live.get("attribute"))
    if GSI_LIST in fp and attributes_applied and _indexes_applied(fp[GSI_LIST], live.get(GSI_LIST)):
        settled[GSI_LIST] = fp.pop(GSI_LIST)
    if TABLE_WARM in fp and _warm_reached(fp[TABLE_WARM], live.get(TABLE_WARM)):
        settled[TABLE_WARM] = fp.pop(TABLE_WARM)
    if settled:
        table["spec"].setdefault("initProvider", {}).update(settled)
