"""On-demand maximum and warm throughput of the table and its GSIs.

Warm throughput has a provider trap (provider-upjet-aws issue 1976): upjet
late-initialises the table's ``warmThroughput`` but not a GSI's, so a GSI
whose warm throughput AWS reports but the spec leaves out is "changed" on
every poll and the provider calls UpdateTable forever. An index the claim
says nothing about therefore gets the warm throughput the observed Table
reports for it, which is no change at all.

Neither a table's nor an index's warm throughput may be rendered below what
AWS reports, and AWS raises both by itself as traffic grows, so a claim that
never changes can fall below AWS's:

- The table's: the provider's description of ``warmThroughput.readUnitsPerSecond``
  says "For the base table, decreasing this value will force a new resource".
- An index's: the provider's ``updateDiffGSI`` (terraform-provider-aws
  ``internal/service/dynamodb/table.go``) sets ``warmThroughPutDecreased`` when
  either number goes down, and ``gsiNeedsRecreate`` then deletes the index and
  creates it again: queries on it fail until the backfill ends. A number the
  block leaves out counts as 0 there (``expandWarmThroughput`` keeps no 0 and
  ``aws.ToInt64`` reads nil as 0), so a half-said block is a decrease too.

So each number is held at the larger of the claim's and AWS's, with a Warning
when the claim's was lower, and an index's block says both numbers.
"""

from __future__ import annotations

from typing import Any

from function.api.extras import OnDemandThroughput, WarmThroughput
from function.api.spec import AwsDynamodbSpec
from function.render.status import at_provider, reported_number

__all__ = ["hold_gsi_warm_throughput", "hold_table_warm_throughput", "render_throughput"]


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


def hold_table_warm_throughput(table: dict[str, Any], observed_table: Any) -> list[str]:
    """Raise a rendered table warm throughput below AWS's to AWS's; say so."""
    fp = table["spec"]["forProvider"]
    wanted = fp.get("warmThroughput")
    now = at_provider(observed_table).get("warmThroughput")
    if not isinstance(wanted, dict) or not isinstance(now, dict):
        return []
    held = []
    for key, value in wanted.items():
        have = reported_number(now.get(key))
        if have is not None and value < have:
            wanted[key] = have
            held.append(f"{key} {value} -> {have}")
    if not held:
        return []
    return [
        f"spec.warmThroughput: a table's warm throughput cannot be lowered without replacing "
        f"the table, and AWS has more; keeping AWS's ({', '.join(held)})"
    ]


_WARM_KEYS = ("readUnitsPerSecond", "writeUnitsPerSecond")


def _reported_gsi_warm(observed_table: Any) -> dict[str, dict[str, int]]:
    """Each observed index's warm throughput, as AWS reports it (numbers only)."""
    reported = at_provider(observed_table).get("globalSecondaryIndex")
    out: dict[str, dict[str, int]] = {}
    for g in reported if isinstance(reported, list) else []:
        if not isinstance(g, dict) or not isinstance(g.get("name"), str):
            continue
        warm = g.get("warmThroughput")
        numbers = {
            k: n
            for k in _WARM_KEYS
            if isinstance(warm, dict) and (n := reported_number(warm.get(k))) is not None
        }
        if numbers:
            out[g["name"]] = numbers
    return out


def hold_gsi_warm_throughput(
    table: dict[str, Any], observed_table: Any, spec: AwsDynamodbSpec
) -> list[str]:
    """Never render an index's warm throughput below AWS's; say so where the claim's was lower.

    An index the claim gives no warm throughput gets AWS's as well: upjet does
    not late-initialise a GSI's (provider-upjet-aws issue 1976), so leaving it
    out would be "changed" on every poll.
    """
    reported = _reported_gsi_warm(observed_table)
    if not reported:
        return []
    position = {g.name: i for i, g in enumerate(spec.global_secondary_indexes)}
    warnings = []
    params = table["spec"]
    for where in ("forProvider", "initProvider"):
        for block in params.get(where, {}).get("globalSecondaryIndex", []):
            seen = reported.get(block["name"])
            if seen is None:
                continue
            wanted = block.get("warmThroughput", {})
            held = [
                f"{k} {wanted[k]} -> {seen[k]}"
                for k in _WARM_KEYS
                if k in wanted and k in seen and wanted[k] < seen[k]
            ]
            keys = [k for k in _WARM_KEYS if k in wanted or k in seen]
            block["warmThroughput"] = {k: max(wanted.get(k, 0), seen.get(k, 0)) for k in keys}
            # initProvider is not applied to an existing table: nothing to warn about there.
            if held and where == "forProvider":
                warnings.append(
                    f"spec.globalSecondaryIndexes[{position.get(block['name'], 0)}]"
                    f".warmThroughput: lowering an index's warm throughput makes the provider "
                    f"delete and rebuild index {block['name']!r} (its queries fail until the "
                    f"backfill ends), and AWS has more; keeping AWS's ({', '.join(held)})"
                )
    return warnings
