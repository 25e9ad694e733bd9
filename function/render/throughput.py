"""On-demand maximum and warm throughput of the table and its GSIs.

Warm throughput has a provider trap (provider-upjet-aws issue 1976): upjet
late-initialises the table's ``warmThroughput`` but not a GSI's, so a GSI
whose warm throughput AWS reports but the spec leaves out is "changed" on
every poll and the provider calls UpdateTable forever. An index the claim
says nothing about therefore gets the warm throughput the observed Table
reports for it, which is no change at all.

A table's warm throughput can only grow: the provider's description of
``warmThroughput.readUnitsPerSecond`` says "For the base table, decreasing this
value will force a new resource", and AWS raises warm throughput by itself as
traffic grows. So the table's is never rendered below what AWS reports: a
lower number in the claim is held at AWS's, with a Warning, rather than
asking the provider to replace the table.
"""

from __future__ import annotations

from typing import Any

from function.api.extras import OnDemandThroughput, WarmThroughput
from function.api.spec import AwsDynamodbSpec
from function.render.status import at_provider

__all__ = ["hold_table_warm_throughput", "mirror_gsi_warm_throughput", "render_throughput"]


def _said(pairs: tuple[tuple[str, int | None], ...]) -> dict[str, int] | None:
    """The provider block of the numbers the spec sets, or None when it sets none."""
    out = {key: value for key, value in pairs if value is not None}
    return out or None


def _on_demand(limits: OnDemandThroughput | None) -> dict[str, int] | None:
    if limits is None:
        return None
    return _said(
        (
            ("maxReadRequestUnits", limits.max_read_request_units),
            ("maxWriteRequestUnits", limits.max_write_request_units),
        )
    )


def _warm(warm: WarmThroughput | None) -> dict[str, int] | None:
    if warm is None:
        return None
    return _said(
        (
            ("readUnitsPerSecond", warm.read_units_per_second),
            ("writeUnitsPerSecond", warm.write_units_per_second),
        )
    )


def render_throughput(spec: AwsDynamodbSpec, fp: dict[str, Any]) -> None:
    """What the spec says, on the table and on each rendered GSI (matched by name)."""
    for key, value in (
        ("onDemandThroughput", _on_demand(spec.on_demand_throughput)),
        ("warmThroughput", _warm(spec.warm_throughput)),
    ):
        if value is not None:
            fp[key] = value
    wanted = {g.name: g for g in spec.global_secondary_indexes}
    for block in fp.get("globalSecondaryIndex", []):
        gsi = wanted.get(block["name"])
        if gsi is None:
            continue
        for key, value in (
            ("onDemandThroughput", _on_demand(gsi.on_demand_throughput)),
            ("warmThroughput", _warm(gsi.warm_throughput)),
        ):
            if value is not None:
                block[key] = value


def mirror_gsi_warm_throughput(table: dict[str, Any], observed_table: Any) -> None:
    """Say what AWS reports for a GSI's warm throughput where the spec says nothing."""
    reported = at_provider(observed_table).get("globalSecondaryIndex")
    if not isinstance(reported, list):
        return
    warm = {
        g["name"]: g["warmThroughput"]
        for g in reported
        if isinstance(g, dict) and isinstance(g.get("warmThroughput"), dict)
    }
    spec = table["spec"]
    for params in (spec.get("forProvider", {}), spec.get("initProvider", {})):
        for block in params.get("globalSecondaryIndex", []):
            seen = warm.get(block["name"])
            if "warmThroughput" not in block and seen:
                block["warmThroughput"] = {
                    k: v
                    for k, v in seen.items()
                    if k in ("readUnitsPerSecond", "writeUnitsPerSecond") and isinstance(v, int)
                }


def _number(value: Any) -> int | None:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def hold_table_warm_throughput(table: dict[str, Any], observed_table: Any) -> list[str]:
    """Raise a rendered table warm throughput below AWS's to AWS's; say so."""
    fp = table["spec"]["forProvider"]
    wanted = fp.get("warmThroughput")
    now = at_provider(observed_table).get("warmThroughput")
    if not isinstance(wanted, dict) or not isinstance(now, dict):
        return []
    held = []
    for key, value in wanted.items():
        have = _number(now.get(key))
        if have is not None and value < have:
            wanted[key] = have
            held.append(f"{key} {value} -> {have}")
    if not held:
        return []
    return [
        f"spec.warmThroughput: a table's warm throughput cannot be lowered without replacing "
        f"the table, and AWS has more; keeping AWS's ({', '.join(held)})"
    ]
