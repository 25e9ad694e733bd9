"""CloudWatch MetricAlarms on throttling and consumed capacity (docs/alarms.md).

Alarms are rendered with the table, in its region, and never wait for it:
PutMetricAlarm only names the metric's dimensions, which need the table's name
and not the table, so an alarm can exist before the table does (it reports no
data, treated as not breaching). Rendering everything in one answer also keeps
"a Fatal never half-builds" simple: a refused spec gets no alarm either.

Each alarm's external name, the alarm name in AWS, is unique per account and
region, as alarm names must be: ``dynamodb/<table>/read-throttles`` or
``dynamodb/<table>/index/<index>/read-throttles``. Table and index names never
contain ``/``, so two tables can never share an alarm name (a ``-`` separator
would let table ``a-b`` with index ``c`` collide with table ``a`` and index ``b-c``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any, Literal

from function.api.alarm_spec import CapacityAlarms, ThrottleAlarms
from function.api.alarms import AlarmPlan, capacity_threshold, watched_capacity
from function.api.autoscaling import DIMENSIONS, Dimension
from function.api.limits import ALARM_NAME_MAX
from function.render.apis import METRIC_ALARM
from function.render.autoscaling import index_slug
from function.render.context import RenderContext
from function.render.contribution import Contribution

__all__ = [
    "NAMESPACE",
    "alarm_name",
    "alarm_resource_name",
    "alarms_contribution",
    "render_alarm",
]

NAMESPACE = "AWS/DynamoDB"
Watch = Literal["throttles", "capacity"]
_METRIC: dict[tuple[Watch, Dimension], str] = {
    ("throttles", "read"): "ReadThrottleEvents",
    ("throttles", "write"): "WriteThrottleEvents",
    ("capacity", "read"): "ConsumedReadCapacityUnits",
    ("capacity", "write"): "ConsumedWriteCapacityUnits",
}
_WHAT = {"throttles": "throttles", "capacity": "consumed-capacity"}
# Composition resource names stay within 63 characters, like the autoscaling ones.
_RESOURCE_SUFFIX_MAX = len("-write-capacity-alarm")
_SLUG_MAX = 63 - len("index-") - _RESOURCE_SUFFIX_MAX
_SUFFIX = {"throttles": "throttle-alarm", "capacity": "capacity-alarm"}


def alarm_resource_name(index: str | None, dim: Dimension, watch: Watch) -> str:
    """``table-read-throttle-alarm``, ``index-<gsi>-write-capacity-alarm``, ..."""
    scope = "table" if index is None else f"index-{index_slug(index, _SLUG_MAX)}"
    return f"{scope}-{dim}-{_SUFFIX[watch]}"


def alarm_name(table: str, index: str | None, dim: Dimension, watch: Watch) -> str:
    """The alarm's name in AWS: readable, unique per table, at most 255 characters.

    A name too long (long table and index names) keeps its head and its last
    segment, with a hash of the whole between them; ``~`` is in no plain name.
    """
    tail = f"/{dim}-{_WHAT[watch]}"
    head = f"dynamodb/{table}" if index is None else f"dynamodb/{table}/index/{index}"
    if len(head) + len(tail) <= ALARM_NAME_MAX:
        return head + tail
    digest = hashlib.sha256((head + tail).encode()).hexdigest()[:8]
    return f"{head[: ALARM_NAME_MAX - len(tail) - 9]}~{digest}{tail}"


def _number(value: float) -> int | float:
    """Whole numbers as integers, so the rendered YAML reads 2400, not 2400.0."""
    return int(value) if float(value).is_integer() else round(value, 3)


def _description(
    ctx: RenderContext, index: str | None, metric: str, threshold: int | float, fp: dict[str, Any]
) -> str:
    where = f"table {ctx.table_name}" if index is None else f"index {index} of {ctx.table_name}"
    periods = fp["evaluationPeriods"]
    return (
        f"DynamoDB {where}: {metric} above {threshold} per {fp['period']} s, "
        f"{periods} period{'s' if periods > 1 else ''} in a row. "
        f"Composed by function-aws-dynamodb for {ctx.composite.name}."
    )


def render_alarm(
    ctx: RenderContext,
    plan: AlarmPlan,
    index: str | None,
    dim: Dimension,
    *,
    watch: Watch,
    threshold: float,
) -> dict[str, Any]:
    """One MetricAlarm: Sum of a DynamoDB metric over a period, above a threshold."""
    settings: ThrottleAlarms | CapacityAlarms = (
        plan.throttles if watch == "throttles" else plan.consumed_capacity
    )
    metric = _METRIC[(watch, dim)]
    alarm = ctx.skeleton(METRIC_ALARM, external_name=alarm_name(ctx.table_name, index, dim, watch))
    fp = alarm["spec"]["forProvider"]
    dimensions = {"TableName": ctx.table_name}
    if index is not None:
        dimensions["GlobalSecondaryIndexName"] = index
    value = _number(threshold)
    fp["namespace"] = NAMESPACE
    fp["metricName"] = metric
    fp["dimensions"] = dimensions
    fp["statistic"] = "Sum"
    fp["period"] = settings.period_seconds
    fp["evaluationPeriods"] = settings.evaluation_periods
    fp["threshold"] = value
    fp["comparisonOperator"] = "GreaterThanThreshold"
    # No traffic means no data points: that is no throttling, not an unknown state.
    fp["treatMissingData"] = "notBreaching"
    fp["alarmDescription"] = _description(ctx, index, metric, value, fp)
    # Always said, even empty: a topic dropped from the claim must leave the alarm.
    fp["alarmActions"] = list(plan.alarm_actions.arns)
    fp["okActions"] = list(plan.ok_actions.arns)
    if tags := ctx.child_tags:
        fp["tags"] = tags
    return alarm


def _alarm_names(ctx: RenderContext) -> list[str]:
    """Every alarm resource name this table could have, for stickiness while observing."""
    scopes = [None, *(g.name for g in ctx.spec.global_secondary_indexes)]
    return [
        alarm_resource_name(index, dim, watch)
        for index in scopes
        for dim in DIMENSIONS
        for watch in ("throttles", "capacity")
    ]


def alarms_contribution(ctx: RenderContext, observed: Mapping[str, Any]) -> Contribution:
    """Throttle alarms for the table and each GSI, and consumed-capacity alarms where they apply.

    Alarms wait only for the table's name to be known to be this claim's
    (safety/ownership.py): their external names are made from the table's, so
    an alarm rendered while the Table only observes could take over the alarm
    of another team's table of that name. Otherwise nothing waits, and nothing
    is kept once unwanted: an alarm of a removed GSI, or every alarm once
    alarms are switched off, leaves desired state, and Crossplane deletes it.
    Deleting an alarm loses no data.
    """
    out = Contribution()
    plan = ctx.alarms
    if plan is None:
        return out
    if ctx.observe_only and not any(name in observed for name in _alarm_names(ctx)):
        out.pending.append("alarms wait until the table is known to be this claim's")
        return out
    scopes = [None, *(g.name for g in ctx.spec.global_secondary_indexes)]
    for index in scopes:
        for dim in DIMENSIONS:
            out.resources[alarm_resource_name(index, dim, "throttles")] = render_alarm(
                ctx, plan, index, dim, watch="throttles", threshold=plan.throttles.threshold
            )
    for watched in watched_capacity(ctx.spec, plan, ctx.autoscaled):
        for dim in DIMENSIONS:
            threshold = capacity_threshold(watched.units(dim), plan.consumed_capacity)
            out.resources[alarm_resource_name(watched.index, dim, "capacity")] = render_alarm(
                ctx, plan, watched.index, dim, watch="capacity", threshold=threshold
            )
    return out
