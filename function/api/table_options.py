"""Checks of the table options beyond Planton's API (issue 12): each yields Violations.

They run after the core checks (``compose`` passes them to ``validate_spec``),
so problems read table first, and they share the catalogue's messages.
"""

from __future__ import annotations

from collections.abc import Iterator

from function.api.rules import Violation
from function.api.spec import AwsDynamodbSpec
from function.api.validation import Check, violation

__all__ = ["TABLE_OPTION_CHECKS", "check_contributor_insights_mode", "check_pitr_period"]


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


TABLE_OPTION_CHECKS: list[Check] = [check_pitr_period, check_contributor_insights_mode]
