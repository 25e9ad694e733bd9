"""Advice, not rules: table designs known to cost money, throttle or lose data.

Each anti-pattern becomes one Warning result naming the field path and the
reason. The table is still rendered. Platform teams switch them off in the
function's Input: ``warnings.antiPatterns: false`` for all, or
``warnings.disabled: [id, ...]`` for some.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from function.api.autoscaling import gsi_autoscales, table_autoscales
from function.api.input import Warnings
from function.api.spec import AwsDynamodbSpec, ProvisionedThroughput

__all__ = ["ANTI_PATTERNS", "LOW_CARDINALITY_WORDS", "AntiPattern", "anti_pattern_warnings"]

# The last word of an attribute name that usually has few distinct values.
LOW_CARDINALITY_WORDS = frozenset(
    {
        "status",
        "state",
        "type",
        "kind",
        "category",
        "date",
        "day",
        "month",
        "year",
        "gender",
        "flag",
        "active",
        "enabled",
        "deleted",
        "level",
        "priority",
        "tier",
        "stage",
        "phase",
        "country",
        "region",
        "color",
        "colour",
        "bool",
        "boolean",
    }
)
_BOOLEAN_PREFIXES = frozenset({"is", "has"})
_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
LOW_CAPACITY = 5

Finding = tuple[str, str]  # (field path, why it is a problem)


@dataclass(frozen=True)
class AntiPattern:
    """One kind of advice: an id to switch it off by, and where it looks."""

    id: str
    summary: str
    find: Callable[[AwsDynamodbSpec], Iterator[Finding]]


def _provisioned(spec: AwsDynamodbSpec) -> bool:
    return spec.billing_mode == "PROVISIONED"


def _gsi_projection_all(spec: AwsDynamodbSpec) -> Iterator[Finding]:
    for i, gsi in enumerate(spec.global_secondary_indexes):
        if gsi.projection.type == "ALL":
            yield (
                f"spec.globalSecondaryIndexes[{i}].projection.type",
                "ALL (also the default) copies every attribute into the index, roughly "
                "doubling storage and write cost; project KEYS_ONLY_PROJECTION, or INCLUDE "
                "just the attributes the index's queries read",
            )


def _provisioned_without_autoscaling(spec: AwsDynamodbSpec) -> Iterator[Finding]:
    if not _provisioned(spec):
        return
    if not table_autoscales(spec):
        yield (
            "spec.autoScaling",
            "PROVISIONED capacity without autoscaling throttles when traffic outgrows it and "
            "is paid for when idle; enable autoScaling or use PAY_PER_REQUEST",
        )
    for i, gsi in enumerate(spec.global_secondary_indexes):
        if gsi.auto_scaling is not None and not gsi_autoscales(spec, gsi):
            yield (
                f"spec.globalSecondaryIndexes[{i}].autoScaling",
                "this index opts out of autoscaling with PROVISIONED capacity; a throttled "
                "GSI also throttles writes to the table",
            )


def _low(pt: ProvisionedThroughput | None) -> bool:
    return pt is not None and (
        0 < pt.read_capacity_units <= LOW_CAPACITY or 0 < pt.write_capacity_units <= LOW_CAPACITY
    )


def _provisioned_low_capacity(spec: AwsDynamodbSpec) -> Iterator[Finding]:
    if not _provisioned(spec):
        return
    why = (
        f"{LOW_CAPACITY} or fewer read or write capacity units (the console's old default) "
        "throttle under almost any real load, and nothing raises them without autoscaling"
    )
    if not table_autoscales(spec) and _low(spec.provisioned_throughput):
        yield "spec.provisionedThroughput", why
    for i, gsi in enumerate(spec.global_secondary_indexes):
        if not gsi_autoscales(spec, gsi) and _low(gsi.provisioned_throughput):
            yield f"spec.globalSecondaryIndexes[{i}].provisionedThroughput", why


def _pitr_disabled(spec: AwsDynamodbSpec) -> Iterator[Finding]:
    if spec.point_in_time_recovery_enabled is False:
        yield (
            "spec.pointInTimeRecoveryEnabled",
            "without point-in-time recovery an accidental delete or bad write cannot be "
            "undone; enable it on any table whose data matters",
        )


def looks_low_cardinality(attribute: str) -> bool:
    """A heuristic on the name alone: its last word, or an is/has boolean prefix."""
    words = [w.lower() for w in _WORDS.findall(attribute)]
    return bool(words) and (words[-1] in LOW_CARDINALITY_WORDS or words[0] in _BOOLEAN_PREFIXES)


def _low_cardinality_partition_key(spec: AwsDynamodbSpec) -> Iterator[Finding]:
    keys = [("spec.keySchema", spec.key_schema)] + [
        (f"spec.globalSecondaryIndexes[{i}].keySchema", g.key_schema)
        for i, g in enumerate(spec.global_secondary_indexes)
    ]
    for path, schema in keys:
        for j, key in enumerate(schema):
            if key.key_type == "HASH" and looks_low_cardinality(key.attribute_name):
                yield (
                    f"{path}[{j}].attributeName",
                    f"partition key {key.attribute_name!r} is named like an attribute with "
                    "few distinct values (a heuristic on the name only); few values mean hot "
                    "partitions that throttle whatever the capacity, and the key cannot be "
                    "changed later. Prefer a high-cardinality key such as an id",
                )


ANTI_PATTERNS: tuple[AntiPattern, ...] = (
    AntiPattern("gsi_projection_all", "a GSI projects ALL attributes", _gsi_projection_all),
    AntiPattern(
        "provisioned_without_autoscaling",
        "PROVISIONED billing without autoscaling",
        _provisioned_without_autoscaling,
    ),
    AntiPattern(
        "provisioned_low_capacity",
        f"PROVISIONED with {LOW_CAPACITY} or fewer RCU/WCU and no autoscaling",
        _provisioned_low_capacity,
    ),
    AntiPattern("pitr_disabled", "point-in-time recovery disabled", _pitr_disabled),
    AntiPattern(
        "low_cardinality_partition_key",
        "a partition key named like a low-cardinality attribute (heuristic)",
        _low_cardinality_partition_key,
    ),
)
_IDS = {p.id for p in ANTI_PATTERNS}


def anti_pattern_warnings(spec: AwsDynamodbSpec, settings: Warnings) -> list[str]:
    """One warning sentence per finding, minus what the Input switches off."""
    if not settings.anti_patterns:
        return []
    out = [
        f"input.warnings.disabled[{i}]: {pid!r} is not an anti-pattern id, so it switches "
        f"nothing off (known: {', '.join(sorted(_IDS))})"
        for i, pid in enumerate(settings.disabled)
        if pid not in _IDS
    ]
    off = set(settings.disabled)
    for pattern in ANTI_PATTERNS:
        if pattern.id in off:
            continue
        out.extend(
            f"{path}: {why} [{pattern.id}; switch off with warnings.disabled in the function Input]"
            for path, why in pattern.find(spec)
        )
    return out
