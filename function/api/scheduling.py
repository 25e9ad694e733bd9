"""Checks of scheduled scaling and of per-dimension autoscaling (issue 12, item 7).

Schedules belong to the autoScaling block that lists them (the table's, or one
index's) and are not inherited. A schedule may only set bounds for a dimension
that block's table or index actually autoscales.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from function.api.autoscaling import DIMENSIONS, AutoscalingPlan
from function.api.extras import ScheduledScaling
from function.api.rules import Violation
from function.api.spec import AwsDynamodbSpec
from function.api.validation import Check, violation

__all__ = ["check_schedules", "schedule_checks"]


def _blocks(spec: AwsDynamodbSpec) -> Iterator[tuple[str, list[ScheduledScaling]]]:
    if spec.auto_scaling is not None:
        yield "spec.autoScaling", spec.auto_scaling.schedules
    for i, gsi in enumerate(spec.global_secondary_indexes):
        if gsi.auto_scaling is not None:
            yield f"spec.globalSecondaryIndexes[{i}].autoScaling", gsi.auto_scaling.schedules


def check_schedules(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    """Each schedule: a unique name, bounds for each dimension it names, min <= max."""
    for block, schedules in _blocks(spec):
        names = Counter(s.name for s in schedules)
        for j, schedule in enumerate(schedules):
            path = f"{block}.schedules[{j}]"
            if names[schedule.name] > 1:
                yield violation(f"{path}.name", "schedule_names_unique", repr(schedule.name))
            bounds = [(d, b) for d in DIMENSIONS if (b := getattr(schedule, d)) is not None]
            if not bounds:
                yield violation(path, "schedule_sets_capacity")
            for dim, b in bounds:
                lo, hi = b.min_capacity, b.max_capacity
                if lo is None and hi is None:
                    yield violation(f"{path}.{dim}", "schedule_sets_capacity")
                elif lo is not None and hi is not None and lo > hi:
                    yield violation(f"{path}.{dim}", "schedule_min_le_max", f"{lo} > {hi}")


def check_scheduled_dimensions(spec: AwsDynamodbSpec, plan: AutoscalingPlan) -> Iterator[Violation]:
    """A schedule's dimension must autoscale in its table or index."""
    units = {u.index: u for u in plan.units}
    owners = [None, *(g.name for g in spec.global_secondary_indexes)]
    blocks = [spec.auto_scaling, *(g.auto_scaling for g in spec.global_secondary_indexes)]
    paths = ["spec.autoScaling"] + [
        f"spec.globalSecondaryIndexes[{i}].autoScaling"
        for i in range(len(spec.global_secondary_indexes))
    ]
    for owner, block, path in zip(owners, blocks, paths, strict=True):
        unit = units.get(owner)
        if block is None or unit is None:
            continue
        scaled = unit.dimensions if unit.enabled else ()
        for j, schedule in enumerate(block.schedules):
            for dim in DIMENSIONS:
                if getattr(schedule, dim) is not None and dim not in scaled:
                    yield violation(f"{path}.schedules[{j}].{dim}", "schedule_dimension_scaled")


def schedule_checks(plan: AutoscalingPlan) -> list[Check]:
    """The scheduling checks, after the autoscaling ones."""
    return [check_schedules, lambda spec: check_scheduled_dimensions(spec, plan)]
