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

__all__ = [
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
