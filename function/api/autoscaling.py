"""Effective autoscaling settings for the table and each GSI, and their validation.

``spec.autoScaling`` applies to the table and to every GSI; a GSI's own
``autoScaling`` overrides it field by field, and ``enabled: false`` opts the
table or one index out. Both capacity dimensions (read and write) of an
autoscaled table or index are scaled unless a dimension says ``enabled: false``
(inherited like the numbers). Schedules belong to their own block only.

Numbers the spec leaves out get these defaults (docs/autoscaling.md):

- ``minCapacity``: the provisioned capacity of that table or index for that
  dimension (never above an explicit ``maxCapacity``), so autoscaling never
  takes capacity below what the spec asked for;
- ``maxCapacity``: four times the larger of ``minCapacity`` and the provisioned
  capacity, at most 40000;
- ``targetUtilization``: 70 percent, as CDK and terraform-aws-modules use;
- ``scaleInCooldownSeconds`` and ``scaleOutCooldownSeconds``: 60 seconds.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from function.api.extras import ScheduledScaling
from function.api.limits import CAPACITY_MAX
from function.api.rules import Violation
from function.api.spec import (
    DEFAULT_COOLDOWN_SECONDS,
    DEFAULT_MAX_FACTOR,
    DEFAULT_TARGET_UTILIZATION,
    AutoScaling,
    AutoScalingDimension,
    AwsDynamodbSpec,
    GlobalSecondaryIndex,
    ProvisionedThroughput,
)
from function.api.validation import Check, violation

__all__ = [
    "DEFAULT_COOLDOWN_SECONDS",
    "DEFAULT_MAX_FACTOR",
    "DEFAULT_TARGET_UTILIZATION",
    "DIMENSIONS",
    "AutoscalingPlan",
    "Dimension",
    "Scaled",
    "Scaling",
    "autoscaled",
    "autoscaling_checks",
    "check_autoscaling_billing",
    "check_autoscaling_bounds",
    "dimension_scales",
    "gsi_autoscales",
    "plan_autoscaling",
    "table_autoscales",
]

Dimension = Literal["read", "write"]
DIMENSIONS: tuple[Dimension, ...] = ("read", "write")


@dataclass(frozen=True)
class Scaling:
    """Target tracking for one capacity dimension of the table or of one GSI."""

    min_capacity: int
    max_capacity: int
    target_utilization: float
    scale_in_cooldown: int
    scale_out_cooldown: int


@dataclass(frozen=True)
class Scaled:
    """The table (``index`` None) or one GSI, autoscaled in one or both dimensions."""

    index: str | None
    read: Scaling | None
    write: Scaling | None
    schedules: tuple[ScheduledScaling, ...] = ()

    def dimension(self, dim: Dimension) -> Scaling | None:
        """The settings of one dimension; None when it does not scale."""
        return self.read if dim == "read" else self.write

    def scaling(self, dim: Dimension) -> Scaling:
        """The settings of a dimension that scales."""
        settings = self.dimension(dim)
        if settings is None:
            raise ValueError(f"{self.index or 'the table'} does not scale {dim} capacity")
        return settings

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        """The dimensions that scale, read first."""
        return tuple(d for d in DIMENSIONS if self.dimension(d) is not None)


@dataclass(frozen=True)
class _Sourced:
    """A setting's value and the spec field it came from ("" when defaulted)."""

    value: int | float
    path: str


@dataclass(frozen=True)
class _Resolved:
    """One dimension of one table or index, with where each number came from."""

    min: _Sourced
    max: _Sourced
    target: _Sourced
    scale_in: _Sourced
    scale_out: _Sourced
    provisioned: int
    provisioned_path: str
    enabled: bool = True

    def scaling(self) -> Scaling:
        return Scaling(
            min_capacity=int(self.min.value),
            max_capacity=int(self.max.value),
            target_utilization=float(self.target.value),
            scale_in_cooldown=int(self.scale_in.value),
            scale_out_cooldown=int(self.scale_out.value),
        )


_UNITS = {"read": "readCapacityUnits", "write": "writeCapacityUnits"}
_CAMEL = {
    "enabled": "enabled",
    "min_capacity": "minCapacity",
    "max_capacity": "maxCapacity",
    "target_utilization": "targetUtilization",
    "scale_in_cooldown_seconds": "scaleInCooldownSeconds",
    "scale_out_cooldown_seconds": "scaleOutCooldownSeconds",
}


def _explicit(
    field: str, levels: list[tuple[AutoScalingDimension | AutoScaling | None, str]]
) -> _Sourced | None:
    """The most specific level that sets ``field``, with its path."""
    for block, path in levels:
        if block is not None and field in block.model_fields_set:
            value = getattr(block, field)
            if value is not None:
                return _Sourced(value, f"{path}.{_CAMEL[field]}")
    return None


def _capacity(pt: ProvisionedThroughput | None, dim: Dimension) -> int:
    if pt is None:
        return 0
    return pt.read_capacity_units if dim == "read" else pt.write_capacity_units


def _dimension_block(block: AutoScaling | None, dim: Dimension) -> AutoScalingDimension | None:
    if block is None:
        return None
    return block.read if dim == "read" else block.write


def _resolve_dimension(
    dim: Dimension,
    blocks: list[tuple[AutoScaling | None, str]],
    pt: ProvisionedThroughput | None,
    pt_path: str,
) -> _Resolved:
    """Most specific explicit value first, then the documented default."""
    dims: list[tuple[AutoScalingDimension | AutoScaling | None, str]] = [
        (_dimension_block(block, dim), f"{path}.{dim}") for block, path in blocks
    ]
    tops: list[tuple[AutoScalingDimension | AutoScaling | None, str]] = list(blocks)
    provisioned = _capacity(pt, dim)
    explicit_min = _explicit("min_capacity", dims)
    explicit_max = _explicit("max_capacity", dims)

    if explicit_min is not None:
        min_ = explicit_min
    else:
        base = provisioned if provisioned > 0 else 1
        if explicit_max is not None:
            base = min(base, int(explicit_max.value))
        min_ = _Sourced(base, "")
    if explicit_max is not None:
        max_ = explicit_max
    else:
        ceiling = DEFAULT_MAX_FACTOR * max(int(min_.value), provisioned)
        max_ = _Sourced(max(int(min_.value), min(CAPACITY_MAX, ceiling)), "")
    target = _explicit("target_utilization", dims) or _Sourced(DEFAULT_TARGET_UTILIZATION, "")
    scale_in = _explicit("scale_in_cooldown_seconds", tops) or _Sourced(
        DEFAULT_COOLDOWN_SECONDS, ""
    )
    scale_out = _explicit("scale_out_cooldown_seconds", tops) or _Sourced(
        DEFAULT_COOLDOWN_SECONDS, ""
    )
    enabled = _explicit("enabled", dims)
    return _Resolved(
        min_,
        max_,
        target,
        scale_in,
        scale_out,
        provisioned,
        f"{pt_path}.{_UNITS[dim]}",
        enabled=True if enabled is None else bool(enabled.value),
    )


@dataclass(frozen=True)
class _Unit:
    """The table or one GSI: whether it scales, and its resolved dimensions."""

    index: str | None
    enabled: bool
    read: _Resolved
    write: _Resolved
    schedules: tuple[ScheduledScaling, ...] = ()

    @property
    def dimensions(self) -> tuple[Dimension, ...]:
        """The dimensions that scale when the unit does."""
        return tuple(d for d in DIMENSIONS if (self.read if d == "read" else self.write).enabled)


@dataclass(frozen=True)
class AutoscalingPlan:
    """The table, then each GSI in spec order, with resolved settings, autoscaled or not.

    Worked out once per request (``plan_autoscaling``) and handed to validation
    and rendering, which both need it: resolving costs about as much as
    rendering every Target.
    """

    units: tuple[_Unit, ...]


def plan_autoscaling(spec: AwsDynamodbSpec) -> AutoscalingPlan:
    """Resolve every unit's settings; empty for the many specs that never mention autoscaling."""
    if not _mentions_autoscaling(spec):
        return AutoscalingPlan(())
    return AutoscalingPlan(tuple(_each_unit(spec)))


def table_autoscales(spec: AwsDynamodbSpec) -> bool:
    """Whether spec.autoScaling switches autoscaling on for the table."""
    return spec.auto_scaling is not None and spec.auto_scaling.enabled


def gsi_autoscales(spec: AwsDynamodbSpec, gsi: GlobalSecondaryIndex) -> bool:
    """Whether an index autoscales: its own block decides, else it follows spec.autoScaling.

    The one place this is decided; generate/xrd.py's CEL mirrors it for admission.
    """
    own = gsi.auto_scaling
    return own.enabled if own is not None else table_autoscales(spec)


def dimension_scales(
    spec: AwsDynamodbSpec, gsi: GlobalSecondaryIndex | None, dim: Dimension
) -> bool:
    """Whether a dimension scales when its table or GSI does: the index's say, the table's, true."""
    for block in (gsi.auto_scaling if gsi is not None else None, spec.auto_scaling):
        own = _dimension_block(block, dim)
        if own is not None and own.enabled is not None:
            return own.enabled
    return True


def _each_unit(spec: AwsDynamodbSpec) -> Iterator[_Unit]:
    table_block = spec.auto_scaling
    table_path = "spec.autoScaling"
    table_levels: list[tuple[AutoScaling | None, str]] = [(table_block, table_path)]
    yield _Unit(
        index=None,
        enabled=table_autoscales(spec),
        read=_resolve_dimension(
            "read", table_levels, spec.provisioned_throughput, "spec.provisionedThroughput"
        ),
        write=_resolve_dimension(
            "write", table_levels, spec.provisioned_throughput, "spec.provisionedThroughput"
        ),
        schedules=tuple(table_block.schedules) if table_block is not None else (),
    )
    for i, gsi in enumerate(spec.global_secondary_indexes):
        own_path = f"spec.globalSecondaryIndexes[{i}].autoScaling"
        levels: list[tuple[AutoScaling | None, str]] = [
            (gsi.auto_scaling, own_path),
            (table_block, table_path),
        ]
        pt_path = f"spec.globalSecondaryIndexes[{i}].provisionedThroughput"
        yield _Unit(
            index=gsi.name,
            enabled=gsi_autoscales(spec, gsi),
            read=_resolve_dimension("read", levels, gsi.provisioned_throughput, pt_path),
            write=_resolve_dimension("write", levels, gsi.provisioned_throughput, pt_path),
            schedules=tuple(gsi.auto_scaling.schedules) if gsi.auto_scaling is not None else (),
        )


def _mentions_autoscaling(spec: AwsDynamodbSpec) -> bool:
    """Whether the spec says anything about autoscaling (most specs do not)."""
    return spec.auto_scaling is not None or any(
        g.auto_scaling is not None for g in spec.global_secondary_indexes
    )


def autoscaled(spec: AwsDynamodbSpec, plan: AutoscalingPlan) -> list[Scaled]:
    """The table and GSIs to autoscale, table first, with their effective settings.

    Empty unless billingMode is PROVISIONED: on-demand tables have no
    provisioned capacity to scale (validation refuses the combination).
    """
    if spec.billing_mode != "PROVISIONED":
        return []
    return [
        Scaled(
            u.index,
            u.read.scaling() if "read" in u.dimensions else None,
            u.write.scaling() if "write" in u.dimensions else None,
            u.schedules,
        )
        for u in plan.units
        if u.enabled and u.dimensions
    ]


def check_autoscaling_billing(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    """Autoscaling needs provisioned capacity: billingMode PROVISIONED."""
    if spec.billing_mode is None or spec.billing_mode == "PROVISIONED":
        return  # billing_mode_set reports a missing billing mode
    table = spec.auto_scaling
    if table is not None and table.enabled:
        yield violation("spec.autoScaling", "autoscaling_requires_provisioned")
    for i, gsi in enumerate(spec.global_secondary_indexes):
        own = gsi.auto_scaling
        if own is not None and own.enabled:
            path = f"spec.globalSecondaryIndexes[{i}].autoScaling"
            yield violation(path, "autoscaling_requires_provisioned")


def _where(source: _Sourced) -> str:
    return source.path or "default"


def check_autoscaling_bounds(spec: AwsDynamodbSpec, plan: AutoscalingPlan) -> Iterator[Violation]:
    """minCapacity <= maxCapacity, and the provisioned capacity lies between them.

    A table-level mistake that every GSI inherits is reported once, at the
    field that says it.
    """
    if not plan.units:
        return
    if spec.billing_mode is not None and spec.billing_mode != "PROVISIONED":
        return  # check_autoscaling_billing already refuses autoscaling here
    reported: set[tuple[str, str]] = set()

    def once(v: Violation) -> Iterator[Violation]:
        key = (v.path, v.rule)
        if key not in reported:
            reported.add(key)
            yield v

    for unit in plan.units:
        if not unit.enabled:
            continue
        for dim in unit.dimensions:
            r = unit.read if dim == "read" else unit.write
            lo, hi = int(r.min.value), int(r.max.value)
            if lo > hi:
                path = r.min.path or r.max.path
                detail = (
                    f"minCapacity {lo} from {_where(r.min)}, maxCapacity {hi} from {_where(r.max)}"
                )
                yield from once(violation(path, "autoscaling_min_le_max", detail))
                continue
            # A missing or zero capacity is the core throughput rules' to report.
            if r.provisioned > 0 and not lo <= r.provisioned <= hi:
                detail = (
                    f"{r.provisioned} is outside [{lo}, {hi}] "
                    f"(minCapacity from {_where(r.min)}, maxCapacity from {_where(r.max)})"
                )
                yield from once(
                    violation(r.provisioned_path, "autoscaling_capacity_in_range", detail)
                )


def autoscaling_checks(plan: AutoscalingPlan) -> list[Check]:
    """The autoscaling checks, to run after the core ones so problems read table first."""
    return [check_autoscaling_billing, lambda spec: check_autoscaling_bounds(spec, plan)]
