"""The autoscaling block of the spec: target tracking per dimension, cooldowns, schedules.

Its defaults are named here once; the field descriptions below and the effective
settings (autoscaling.py) read them.
"""

from __future__ import annotations

from pydantic import Field

from function.api.base import Model as _Model
from function.api.extras import ScheduledScaling
from function.api.limits import (
    CAPACITY_MAX,
    MAX_SCHEDULES,
    TARGET_UTILIZATION_MAX,
    TARGET_UTILIZATION_MIN,
)

__all__ = [
    "DEFAULT_COOLDOWN_SECONDS",
    "DEFAULT_MAX_FACTOR",
    "DEFAULT_TARGET_UTILIZATION",
    "AutoScaling",
    "AutoScalingDimension",
]

# Numbers a spec leaves out (docs/autoscaling.md).
DEFAULT_TARGET_UTILIZATION = 70.0  # percent, as CDK and terraform-aws-modules use
DEFAULT_COOLDOWN_SECONDS = 60
DEFAULT_MAX_FACTOR = 4  # maxCapacity: this many times the larger of min and provisioned


class AutoScalingDimension(_Model):
    """Target tracking for one capacity dimension (read or write)."""

    enabled: bool | None = Field(
        default=None,
        description=(
            "Scale this dimension (default true); false keeps its provisioned capacity fixed. "
            "An index inherits it from spec.autoScaling."
        ),
    )
    min_capacity: int | None = Field(
        default=None,
        alias="minCapacity",
        ge=1,
        le=CAPACITY_MAX,
        description="Lowest capacity the autoscaler may set (default: the provisioned capacity).",
    )
    max_capacity: int | None = Field(
        default=None,
        alias="maxCapacity",
        ge=1,
        le=CAPACITY_MAX,
        description=(
            "Highest capacity the autoscaler may set (default: "
            f"{DEFAULT_MAX_FACTOR}x the larger of minCapacity and the provisioned capacity, "
            f"at most {CAPACITY_MAX})."
        ),
    )
    target_utilization: float | None = Field(
        default=None,
        alias="targetUtilization",
        ge=TARGET_UTILIZATION_MIN,
        le=TARGET_UTILIZATION_MAX,
        description=(
            "Consumed-to-provisioned ratio to hold, in percent "
            f"({TARGET_UTILIZATION_MIN}-{TARGET_UTILIZATION_MAX}, "
            f"default {DEFAULT_TARGET_UTILIZATION:g})."
        ),
    )


class AutoScaling(_Model):
    """Application Auto Scaling for provisioned read and write capacity."""

    enabled: bool = Field(default=True, description="Scale this table or index.")
    read: AutoScalingDimension | None = Field(default=None, description="Read capacity scaling.")
    write: AutoScalingDimension | None = Field(default=None, description="Write capacity scaling.")
    scale_in_cooldown_seconds: int | None = Field(
        default=None,
        alias="scaleInCooldownSeconds",
        ge=0,
        description=(
            "Seconds after a scale-in before another scale-in "
            f"(default {DEFAULT_COOLDOWN_SECONDS})."
        ),
    )
    scale_out_cooldown_seconds: int | None = Field(
        default=None,
        alias="scaleOutCooldownSeconds",
        ge=0,
        description=(
            "Seconds after a scale-out before another scale-out "
            f"(default {DEFAULT_COOLDOWN_SECONDS})."
        ),
    )
    schedules: list[ScheduledScaling] = Field(
        default_factory=list,
        max_length=MAX_SCHEDULES,
        description=(
            "Scheduled changes of minCapacity and maxCapacity for this table or index only "
            f"(not inherited; at most {MAX_SCHEDULES})."
        ),
    )
