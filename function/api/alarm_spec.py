"""The ``spec.alarms`` block and the Input's alarm defaults: CloudWatch alarms on throttling.

A leaf module (only limits and pydantic), so both ``spec.py`` and ``input.py``
can use it; what the settings mean and how they are checked is in
``alarms.py``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from function.api.limits import (
    ALARM_ACTIONS_MAX,
    ALARM_EVALUATION_WINDOW_MAX,
    ALARM_PERIOD_MAX,
    ALARM_PERIOD_STEP,
    SNS_TOPIC_ARN_MAX,
)

__all__ = [
    "DEFAULT_CAPACITY_EVALUATION_PERIODS",
    "DEFAULT_CAPACITY_PERCENT",
    "DEFAULT_PERIOD_SECONDS",
    "DEFAULT_THROTTLE_EVALUATION_PERIODS",
    "DEFAULT_THROTTLE_THRESHOLD",
    "AlarmDefaults",
    "Alarms",
    "CapacityAlarms",
    "ThrottleAlarms",
]

# Defaults (docs/alarms.md): any throttled request within 5 minutes, and
# consumed capacity above 80% of provisioned for 15 minutes (3 x 5 minutes).
DEFAULT_PERIOD_SECONDS = 300
DEFAULT_THROTTLE_THRESHOLD = 0
DEFAULT_THROTTLE_EVALUATION_PERIODS = 1
DEFAULT_CAPACITY_PERCENT = 80.0
DEFAULT_CAPACITY_EVALUATION_PERIODS = 3


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, defer_build=True)


TopicArns = Annotated[
    list[Annotated[str, Field(max_length=SNS_TOPIC_ARN_MAX)]],
    Field(max_length=ALARM_ACTIONS_MAX),
]


def _period() -> Any:
    return Field(
        default=DEFAULT_PERIOD_SECONDS,
        alias="periodSeconds",
        ge=ALARM_PERIOD_STEP,
        le=ALARM_PERIOD_MAX,
        description=(
            f"Seconds per evaluated period: a multiple of {ALARM_PERIOD_STEP} "
            f"(default {DEFAULT_PERIOD_SECONDS})."
        ),
    )


def _evaluation_periods(default: int) -> Any:
    return Field(
        default=default,
        alias="evaluationPeriods",
        ge=1,
        le=ALARM_EVALUATION_WINDOW_MAX // ALARM_PERIOD_STEP,
        description=(
            f"Consecutive periods that must breach (default {default}); times periodSeconds "
            f"at most {ALARM_EVALUATION_WINDOW_MAX} (one day)."
        ),
    )


class ThrottleAlarms(_Model):
    """ReadThrottleEvents and WriteThrottleEvents alarms, for the table and each GSI."""

    threshold: int = Field(
        default=DEFAULT_THROTTLE_THRESHOLD,
        ge=0,
        description=(
            "Alarm when more throttled requests than this occur in one period "
            f"(default {DEFAULT_THROTTLE_THRESHOLD}: any)."
        ),
    )
    period_seconds: int = _period()
    evaluation_periods: int = _evaluation_periods(DEFAULT_THROTTLE_EVALUATION_PERIODS)


class CapacityAlarms(_Model):
    """Consumed-capacity alarms, for a PROVISIONED table or GSI whose capacity is not autoscaled."""

    enabled: bool = Field(
        default=True,
        description="Alarm on consumed capacity where capacity is provisioned and fixed.",
    )
    threshold_percent: float = Field(
        default=DEFAULT_CAPACITY_PERCENT,
        alias="thresholdPercent",
        gt=0,
        le=100,
        description=(
            "Alarm when consumed capacity is above this percentage of the provisioned "
            f"capacity (default {DEFAULT_CAPACITY_PERCENT:g})."
        ),
    )
    period_seconds: int = _period()
    evaluation_periods: int = _evaluation_periods(DEFAULT_CAPACITY_EVALUATION_PERIODS)


class Alarms(_Model):
    """CloudWatch alarms that report throttling (and capacity running out) to SNS topics."""

    enabled: bool = Field(
        default=True,
        description=(
            "Compose the alarms (default true when this block is present; without it, "
            "the Composition's Input decides)."
        ),
    )
    alarm_actions: TopicArns | None = Field(
        default=None,
        alias="alarmActions",
        description=(
            "SNS topic ARNs notified when an alarm fires, in the table's region "
            "(default: the Composition's Input)."
        ),
    )
    ok_actions: TopicArns | None = Field(
        default=None,
        alias="okActions",
        description=(
            "SNS topic ARNs notified when an alarm recovers (default: the Composition's Input)."
        ),
    )
    throttles: ThrottleAlarms = Field(
        default_factory=ThrottleAlarms, description="Throttled-request alarms."
    )
    consumed_capacity: CapacityAlarms = Field(
        default_factory=CapacityAlarms,
        alias="consumedCapacity",
        description="Consumed-capacity alarms (PROVISIONED capacity that is not autoscaled).",
    )


class AlarmDefaults(_Model):
    """Alarms for every table of the Composition; a claim's spec.alarms wins field by field."""

    enabled: bool = Field(
        default=False, description="Compose alarms for tables whose claim has no spec.alarms."
    )
    alarm_actions: TopicArns = Field(
        default_factory=list,
        alias="alarmActions",
        description="SNS topic ARNs notified when an alarm fires.",
    )
    ok_actions: TopicArns = Field(
        default_factory=list,
        alias="okActions",
        description="SNS topic ARNs notified when an alarm recovers.",
    )
