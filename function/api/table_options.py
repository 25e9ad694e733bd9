"""Checks of the table options beyond Planton's API (issue 12): each yields Violations.

They run after the core checks (``compose`` passes them to ``validate_spec``),
so problems read table first, and they share the catalogue's messages.
"""

from __future__ import annotations

from collections.abc import Iterator

from function.api.extras import OnDemandThroughput, WarmThroughput
from function.api.limits import WARM_READ_MIN, WARM_WRITE_MIN
from function.api.rules import Violation
from function.api.spec import AwsDynamodbSpec
from function.api.validation import Check, violation

__all__ = [
    "TABLE_OPTION_CHECKS",
    "check_contributor_insights_mode",
    "check_create_sources",
    "check_on_demand_throughput",
    "check_pitr_period",
    "check_warm_throughput",
]


def check_pitr_period(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    """A recovery window needs point-in-time recovery: AWS refuses one without it."""
    if spec.point_in_time_recovery_period_days is not None and not (
        spec.point_in_time_recovery_enabled
    ):
        yield violation("spec.pointInTimeRecoveryPeriodDays", "pitr_period_requires_enabled")


def check_contributor_insights_mode(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    """A mode belongs to the table or index whose insights are on."""
    rule = "contributor_insights_mode_requires_enabled"
    if spec.contributor_insights_mode is not None and not spec.contributor_insights_enabled:
        yield violation("spec.contributorInsightsMode", rule)
    for i, gsi in enumerate(spec.global_secondary_indexes):
        if gsi.contributor_insights_mode is not None and not gsi.contributor_insights_enabled:
            yield violation(f"spec.globalSecondaryIndexes[{i}].contributorInsightsMode", rule)


def check_create_sources(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    """A restore or an import, each complete, never both."""
    sources = [
        (p, v)
        for p, v in (
            ("spec.restoreSourceTableArn", spec.restore_source_table_arn),
            ("spec.restoreSourceName", spec.restore_source_name),
        )
        if v is not None
    ]
    latest = bool(spec.restore_to_latest_time)
    points = int(spec.restore_date_time is not None) + int(latest)
    restoring = bool(sources) or spec.restore_date_time is not None or latest
    if restoring and spec.import_table is not None:
        yield violation("spec.importTable", "create_source_exclusive")
    if len(sources) > 1:
        yield violation(sources[1][0], "restore_source_exactly_one", side="both")
    if sources and points != 1:
        side = "none" if points == 0 else "both"
        yield violation("spec.restoreDateTime", "restore_point_exactly_one", side=side)
    elif not sources and points:
        yield violation("spec.restoreSourceName", "restore_source_exactly_one", side="none")
    imp = spec.import_table
    if imp is not None:
        if imp.csv is not None and imp.input_format != "CSV":
            yield violation("spec.importTable.csv", "import_csv_options_only_with_csv")
        if spec.local_secondary_indexes:
            yield violation("spec.localSecondaryIndexes", "import_table_no_lsis")


def _on_demand(spec: AwsDynamodbSpec) -> Iterator[tuple[str, OnDemandThroughput]]:
    if spec.on_demand_throughput is not None:
        yield "spec.onDemandThroughput", spec.on_demand_throughput
    for i, gsi in enumerate(spec.global_secondary_indexes):
        if gsi.on_demand_throughput is not None:
            yield f"spec.globalSecondaryIndexes[{i}].onDemandThroughput", gsi.on_demand_throughput


def check_on_demand_throughput(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    """Maximum on-demand throughput: only on on-demand tables, and never 0."""
    for path, limits in _on_demand(spec):
        if spec.billing_mode == "PROVISIONED":
            yield violation(path, "on_demand_throughput_requires_on_demand")
        for name, units in (
            ("maxReadRequestUnits", limits.max_read_request_units),
            ("maxWriteRequestUnits", limits.max_write_request_units),
        ):
            if units == 0:
                yield violation(f"{path}.{name}", "on_demand_units_valid")


def _warm(spec: AwsDynamodbSpec) -> Iterator[tuple[str, WarmThroughput]]:
    if spec.warm_throughput is not None:
        yield "spec.warmThroughput", spec.warm_throughput
    for i, gsi in enumerate(spec.global_secondary_indexes):
        if gsi.warm_throughput is not None:
            yield f"spec.globalSecondaryIndexes[{i}].warmThroughput", gsi.warm_throughput


def check_warm_throughput(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    """Warm throughput that asks for more than AWS's baseline, or nothing at all.

    The provider's flattenTableWarmThroughput and flattenGSIWarmThroughput
    report no warm throughput at exactly 12000/4000 (terraform-provider-aws
    internal/service/dynamodb/table.go), while a configured block stays in the
    diff, so a claim asking for the baseline would update the table forever.
    """
    for path, warm in _warm(spec):
        read, write = warm.read_units_per_second, warm.write_units_per_second
        if read is None and write is None:
            continue  # an empty block renders nothing
        if (read or 0) <= WARM_READ_MIN and (write or 0) <= WARM_WRITE_MIN:
            yield violation(path, "warm_throughput_above_baseline")


TABLE_OPTION_CHECKS: list[Check] = [
    check_on_demand_throughput,
    check_warm_throughput,
    check_pitr_period,
    check_contributor_insights_mode,
    check_create_sources,
]
