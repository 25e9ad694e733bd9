"""Scheduled scaling: one Application Auto Scaling ScheduledAction per schedule and dimension.

A ScheduledAction changes its scalable target's minCapacity and maxCapacity at
the scheduled time. Two consequences shape what is composed:

- AWS refuses a scheduled action for an unregistered target, so each waits for
  its Target to be Ready (sticky once observed, like Policies).
- The Target's own minCapacity and maxCapacity would be set back by the
  provider at its next poll, undoing the schedule. So a Target whose dimension
  has schedules gets them in ``spec.initProvider`` (applied at creation, then
  left to the schedules) and is managed without LateInitialize, which would
  copy the observed bounds back into ``forProvider`` (the Table's capacity
  hand-over has the same two parts, docs/autoscaling.md).
"""

from __future__ import annotations

import hashlib
from typing import Any

from function.api.autoscaling import Dimension, Scaled
from function.api.extras import ScheduledScaling
from function.render.apis import SCHEDULED_ACTION
from function.render.context import RenderContext
from function.render.names import scope
from function.render.policies import ALL_ACTIONS
from function.render.status import at_provider, reported_number

__all__ = [
    "bounds_left_behind",
    "hand_bounds_to_schedules",
    "render_scheduled_action",
    "schedule_name",
    "schedules_for",
]

_NAME_MAX = 63


def schedule_name(index: str | None, dim: Dimension, name: str) -> str:
    """``table-read-schedule-<name>``; too long ones end in 8 hex digits of the whole name."""
    full = f"{scope(index)}-{dim}-schedule-{name}"
    if len(full) <= _NAME_MAX:
        return full
    digest = hashlib.sha256(full.encode()).hexdigest()[:8]
    return f"{full[: _NAME_MAX - 9].rstrip('-')}.{digest}"


def schedules_for(scaled: Scaled, dim: Dimension) -> list[ScheduledScaling]:
    """The schedules of a table or index that set bounds for ``dim``."""
    return [s for s in scaled.schedules if (s.read if dim == "read" else s.write) is not None]


def hand_bounds_to_schedules(target: dict[str, Any], scaled: Scaled, dim: Dimension) -> None:
    """Leave a scheduled Target's bounds to its schedules after creation."""
    if not schedules_for(scaled, dim):
        return
    spec = target["spec"]
    fp = spec["forProvider"]
    spec["initProvider"] = {k: fp.pop(k) for k in ("minCapacity", "maxCapacity")}
    spec["managementPolicies"] = [a for a in ALL_ACTIONS if a != "LateInitialize"]


def bounds_left_behind(
    ctx: RenderContext, scaled: Scaled, dim: Dimension, name: str, observed_target: Any
) -> list[str]:
    """A scheduled Target's bound the claim changed but no schedule of it ever sets.

    Such a bound lives in ``initProvider``, which upjet applies only when it
    registers the Target, so AWS keeps the old number for good; unlike a
    minimum a recurring schedule restores, nothing will ever apply it.
    """
    if not schedules_for(scaled, dim):
        return []
    now = at_provider(observed_target)
    settings = scaled.scaling(dim)
    bounds = [s.read if dim == "read" else s.write for s in schedules_for(scaled, dim)]
    sets = {
        key
        for b in bounds
        if b is not None
        for key, value in (("minCapacity", b.min_capacity), ("maxCapacity", b.max_capacity))
        if value is not None
    }
    where = (
        "spec.autoScaling"
        if scaled.index is None
        else "spec.globalSecondaryIndexes"
        f"[{[g.name for g in ctx.spec.global_secondary_indexes].index(scaled.index)}].autoScaling"
    )
    out = []
    for key, want in (
        ("minCapacity", settings.min_capacity),
        ("maxCapacity", settings.max_capacity),
    ):
        have = reported_number(now.get(key))
        if key in sets or have is None or have == want:
            continue
        out.append(
            f"{where}.{dim}.{key}: {name} keeps {key} {have} in AWS, not {want}: a scheduled "
            f"Target's bounds are applied only when it is registered and then moved by its "
            f"schedules, and none of them sets {key}; add a schedule that sets it (a one-off "
            f"at(...) will do), or remove the {dim} schedules until the Target has it"
        )
    return out


def render_scheduled_action(
    ctx: RenderContext,
    ref: dict[str, str],
    dim: Dimension,
    schedule: ScheduledScaling,
) -> dict[str, Any]:
    """The ScheduledAction for one schedule of one dimension; ``ref`` names the target."""
    action = ctx.skeleton(SCHEDULED_ACTION)
    fp = action["spec"]["forProvider"]
    fp["name"] = schedule.name
    fp.update(ref)
    fp["schedule"] = schedule.schedule
    for key, value in (
        ("timezone", schedule.timezone),
        ("startTime", schedule.start_time),
        ("endTime", schedule.end_time),
    ):
        if value is not None:
            fp[key] = value
    bounds = schedule.read if dim == "read" else schedule.write
    # The provider types these as strings.
    fp["scalableTargetAction"] = {
        key: str(value)
        for key, value in (
            ("minCapacity", bounds.min_capacity if bounds else None),
            ("maxCapacity", bounds.max_capacity if bounds else None),
        )
        if value is not None
    }
    return action
