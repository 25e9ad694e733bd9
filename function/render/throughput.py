"""On-demand maximum and warm throughput of the table and its GSIs.

Warm throughput has a provider trap (provider-upjet-aws issue 1976): upjet
late-initialises the table's ``warmThroughput`` but not a GSI's, so a GSI
whose warm throughput AWS reports but the spec leaves out is "changed" on
every poll and the provider calls UpdateTable forever. An index the claim
says nothing about therefore gets the warm throughput the observed Table
reports for it, which is no change at all.
"""

from __future__ import annotations

from typing import Any

from function.api.extras import OnDemandThroughput, WarmThroughput
from function.api.spec import AwsDynamodbSpec
from function.render.status import at_provider

__all__ = ["mirror_gsi_warm_throughput", "render_throughput"]


def _on_demand(limits: OnDemandThroughput | None) -> dict[str, int] | None:
    if limits is None:
        return None
    out = {
        key: value
        for key, value in (
            ("maxReadRequestUnits", limits.max_read_request_units),
            ("maxWriteRequestUnits", limits.max_write_request_units),
        )
        if value is not None
    }
    return out or None


def _warm(warm: WarmThroughput | None) -> dict[str, int] | None:
    if warm is None:
        return None
    out = {
        key: value
        for key, value in (
            ("readUnitsPerSecond", warm.read_units_per_second),
            ("writeUnitsPerSecond", warm.write_units_per_second),
        )
        if value is not None
    }
    return out or None


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
