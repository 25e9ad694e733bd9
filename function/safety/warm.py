"""A table's warm throughput can only grow: provider-aws replaces the table to lower it.

The provider's own description of ``warmThroughput.readUnitsPerSecond`` says it:
"For the base table, decreasing this value will force a new resource." (An
index's may go up or down in place.) So a lower value than the observed
Table's is refused, like the other changes AWS cannot make in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from function.api.rules import Violation
from function.api.validation import violation
from function.render.status import at_provider

__all__ = ["warm_throughput_decreases"]

_PATHS = {"readUnitsPerSecond": "read", "writeUnitsPerSecond": "write"}


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def warm_throughput_decreases(
    desired_table: Mapping[str, Any], observed_table: Any
) -> list[Violation]:
    """Each table warm throughput the desired Table lowers below the observed one's."""
    if not isinstance(observed_table, dict):
        return []
    now = at_provider(observed_table).get("warmThroughput")
    spec = desired_table.get("spec")
    fp = spec.get("forProvider") if isinstance(spec, dict) else None
    wanted = fp.get("warmThroughput") if isinstance(fp, dict) else None
    if not isinstance(now, dict) or not isinstance(wanted, dict):
        return []
    out = []
    for key in _PATHS:
        before, after = _number(now.get(key)), _number(wanted.get(key))
        if before is not None and after is not None and after < before:
            out.append(
                violation(
                    f"spec.warmThroughput.{key}",
                    "warm_throughput_no_decrease",
                    f"{before:g} -> {after:g}",
                )
            )
    return out
