"""Effective CloudWatch alarm settings for a table, and their validation.

A claim's ``spec.alarms`` decides; without it the Composition's Input does
(``alarms.enabled``, off by default, and the SNS topics to notify). A claim's
``alarmActions`` or ``okActions``, when given, replace the Input's (an empty
list means no topic). Thresholds, periods and evaluation periods come only from
the claim, with the defaults in ``alarm_spec.py``.

Which alarms there are:

- throttles: ReadThrottleEvents and WriteThrottleEvents, Sum over the period,
  for the table and for each GSI;
- consumed capacity: for each PROVISIONED table or GSI whose capacity is fixed
  (not autoscaled: the autoscaler already reacts to the same signal), the
  ConsumedRead/WriteCapacityUnits Sum over the period against
  ``provisioned units x period seconds x percent / 100``: the metric counts
  units consumed in the period, the provisioned capacity is units per second.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from function.api.alarm_spec import CapacityAlarms, ThrottleAlarms
from function.api.autoscaling import Dimension, Scaled
from function.api.input import FunctionInput
from function.api.limits import (
    ALARM_EVALUATION_WINDOW_MAX,
    ALARM_PERIOD_STEP,
    SNS_TOPIC_ARN_PATTERN,
)
from function.api.rules import Violation
from function.api.spec import AwsDynamodbSpec, ProvisionedThroughput
from function.api.validation import Check, violation

__all__ = [
    "SNS_TOPIC_ARN",
    "AlarmPlan",
    "Topics",
    "Watched",
    "alarm_checks",
    "capacity_threshold",
    "check_alarm_input",
    "plan_alarms",
    "watched_capacity",
]

SNS_TOPIC_ARN = re.compile(SNS_TOPIC_ARN_PATTERN)


@dataclass(frozen=True)
class Topics:
    """SNS topic ARNs and the field they came from (a spec or an Input path)."""

    arns: tuple[str, ...]
    path: str


@dataclass(frozen=True)
class AlarmPlan:
    """A table's alarms are on: whom they notify and when they fire."""

    alarm_actions: Topics
    ok_actions: Topics
    throttles: ThrottleAlarms
    consumed_capacity: CapacityAlarms


def _topics(own: list[str] | None, own_path: str, fallback: list[str], path: str) -> Topics:
    if own is not None:
        return Topics(tuple(own), own_path)
    return Topics(tuple(fallback), path)


def plan_alarms(spec: AwsDynamodbSpec, fn_input: FunctionInput) -> AlarmPlan | None:
    """The table's alarm settings, or None when it has no alarms."""
    own, defaults = spec.alarms, fn_input.alarms
    if not (own.enabled if own is not None else defaults.enabled):
        return None
    if own is None:
        return AlarmPlan(
            Topics(tuple(defaults.alarm_actions), "input.alarms.alarmActions"),
            Topics(tuple(defaults.ok_actions), "input.alarms.okActions"),
            ThrottleAlarms(),
            CapacityAlarms(),
        )
    return AlarmPlan(
        _topics(
            own.alarm_actions,
            "spec.alarms.alarmActions",
            defaults.alarm_actions,
            "input.alarms.alarmActions",
        ),
        _topics(
            own.ok_actions, "spec.alarms.okActions", defaults.ok_actions, "input.alarms.okActions"
        ),
        own.throttles,
        own.consumed_capacity,
    )


def _arn_region(arn: str) -> str:
    return arn.split(":")[3]


def _arn_shapes(arns: Sequence[str], path: str) -> Iterator[Violation]:
    for i, arn in enumerate(arns):
        if not SNS_TOPIC_ARN.match(arn):
            yield violation(f"{path}[{i}]", "sns_topic_arn_format", f"got {arn!r}")


def check_alarm_input(fn_input: FunctionInput) -> list[Violation]:
    """The Input's topics must be SNS topic ARNs, whichever table uses them."""
    defaults = fn_input.alarms
    return [
        *_arn_shapes(defaults.alarm_actions, "input.alarms.alarmActions"),
        *_arn_shapes(defaults.ok_actions, "input.alarms.okActions"),
    ]


def check_alarm_fields(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    """What the claim's spec.alarms says, checked whether or not the alarms are on.

    Admission refuses the same whatever ``enabled`` says, so the function does too.
    """
    own = spec.alarms
    if own is None:
        return
    yield from _arn_shapes(own.alarm_actions or [], "spec.alarms.alarmActions")
    yield from _arn_shapes(own.ok_actions or [], "spec.alarms.okActions")
    blocks: list[tuple[str, ThrottleAlarms | CapacityAlarms]] = [
        ("spec.alarms.throttles", own.throttles),
        ("spec.alarms.consumedCapacity", own.consumed_capacity),
    ]
    for path, block in blocks:
        period = block.period_seconds
        if period % ALARM_PERIOD_STEP:
            yield violation(f"{path}.periodSeconds", "alarm_period_whole_minutes", f"got {period}")
        window = period * block.evaluation_periods
        if window > ALARM_EVALUATION_WINDOW_MAX:
            yield violation(
                f"{path}.evaluationPeriods",
                "alarm_evaluation_window_max",
                f"{block.evaluation_periods} x {period} = {window}",
            )


def check_topic_regions(spec: AwsDynamodbSpec, plan: AlarmPlan | None) -> Iterator[Violation]:
    """Every topic the table's alarms notify is in the table's region."""
    if plan is None or not spec.region:
        return  # no alarms, or region_required already says what is wrong
    for topics in (plan.alarm_actions, plan.ok_actions):
        for i, arn in enumerate(topics.arns):
            if SNS_TOPIC_ARN.match(arn) and _arn_region(arn) != spec.region:
                detail = f"{arn!r} is in {_arn_region(arn)}, the table in {spec.region}"
                if topics.path.startswith("input."):
                    detail += "; set spec.alarms.alarmActions and okActions for this table"
                yield violation(f"{topics.path}[{i}]", "alarm_topic_in_table_region", detail)


def alarm_checks(plan: AlarmPlan | None) -> list[Check]:
    """The alarm checks, to run after the core ones so problems read table first."""
    return [check_alarm_fields, lambda spec: check_topic_regions(spec, plan)]


@dataclass(frozen=True)
class Watched:
    """A table (``index`` None) or GSI whose fixed provisioned capacity gets an alarm."""

    index: str | None
    read: int
    write: int

    def units(self, dim: Dimension) -> int:
        """Provisioned capacity units per second of one dimension."""
        return self.read if dim == "read" else self.write


def _watched(index: str | None, pt: ProvisionedThroughput | None) -> list[Watched]:
    if pt is None or pt.read_capacity_units <= 0 or pt.write_capacity_units <= 0:
        return []
    return [Watched(index, pt.read_capacity_units, pt.write_capacity_units)]


def watched_capacity(
    spec: AwsDynamodbSpec, plan: AlarmPlan, scaled: Sequence[Scaled]
) -> list[Watched]:
    """The table and GSIs with provisioned, not autoscaled capacity, table first."""
    if spec.billing_mode != "PROVISIONED" or not plan.consumed_capacity.enabled:
        return []
    autoscaled = {s.index for s in scaled}
    out = [] if None in autoscaled else _watched(None, spec.provisioned_throughput)
    for gsi in spec.global_secondary_indexes:
        if gsi.name not in autoscaled:
            out += _watched(gsi.name, gsi.provisioned_throughput)
    return out


def capacity_threshold(units_per_second: int, settings: CapacityAlarms) -> float:
    """The Sum of consumed units over one period that is ``thresholdPercent`` of provisioned."""
    return units_per_second * settings.period_seconds * settings.threshold_percent / 100
