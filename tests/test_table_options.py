"""Issue 12's table options, rendered: what each adds to the Table or composes beside it.

Every rendered resource is checked against the provider CRDs at the pinned
version, cluster-scoped and namespaced (.m.).
"""

from __future__ import annotations

from typing import Any

import pytest

from function.compose import Outcome, Request, compose
from tests.provider_crds import pinned_schema_errors

BASE: dict[str, Any] = {
    "region": "us-east-1",
    "attributeDefinitions": [{"name": "pk", "type": "S"}],
    "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
}


def xr(spec: dict[str, Any], namespaced: bool = False) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "orders"}
    if namespaced:
        meta["namespace"] = "team-a"
    return {
        "apiVersion": "aws.project-planton.org/v1",
        "kind": "XAwsDynamodb",
        "metadata": meta,
        "spec": {**BASE, **spec},
    }


def render(
    spec: dict[str, Any], observed: dict[str, Any] | None = None, namespaced: bool = False
) -> Outcome:
    outcome = compose(Request(composite=xr(spec, namespaced), observed=observed or {}))
    assert not outcome.fatal, outcome.results
    return outcome


def table_fp(outcome: Outcome) -> dict[str, Any]:
    fp: dict[str, Any] = outcome.resources["table"].body["spec"]["forProvider"]
    return fp


def assert_valid_for_the_provider(outcome: Outcome) -> None:
    for name, composed in outcome.resources.items():
        assert pinned_schema_errors(composed.body) == [], name


@pytest.mark.parametrize(
    ("spec", "want"),
    [
        ({}, {"enabled": True, "recoveryPeriodInDays": 35}),
        ({"pointInTimeRecoveryPeriodDays": 7}, {"enabled": True, "recoveryPeriodInDays": 7}),
        ({"pointInTimeRecoveryEnabled": False}, {"enabled": False}),
    ],
    ids=["default-window-said", "seven-days", "disabled-says-no-window"],
)
@pytest.mark.parametrize("namespaced", [False, True], ids=["cluster", "namespaced"])
def test_point_in_time_recovery_window(
    spec: dict[str, Any], want: dict[str, Any], namespaced: bool
) -> None:
    outcome = render(spec, namespaced=namespaced)
    assert table_fp(outcome)["pointInTimeRecovery"] == want
    assert_valid_for_the_provider(outcome)


GSI_INSIGHTS: dict[str, Any] = {
    "attributeDefinitions": [{"name": "pk", "type": "S"}, {"name": "g", "type": "S"}],
    "globalSecondaryIndexes": [
        {
            "name": "by-g",
            "keySchema": [{"attributeName": "g", "keyType": "HASH"}],
            "projection": {"type": "KEYS_ONLY_PROJECTION"},
            "contributorInsightsEnabled": True,
            "contributorInsightsMode": "THROTTLED_KEYS",
        },
        {"name": "plain", "keySchema": [{"attributeName": "g", "keyType": "HASH"}]},
    ],
}


def ready_table(outcome: Outcome, at_provider: dict[str, Any] | None = None) -> dict[str, Any]:
    body = outcome.resources["table"].body
    status = {"atProvider": at_provider or {}, "conditions": [{"type": "Ready", "status": "True"}]}
    return {**body, "status": status}


def pending(outcome: Outcome) -> str:
    return " ".join(r.message for r in outcome.results if r.reason == "Pending")


def test_index_insights_wait_for_the_table_then_the_index_then_stay() -> None:
    first = render(GSI_INSIGHTS)
    assert "index-by-g-insights" not in first.resources
    assert "index-by-g-insights waits for the table to be ready" in pending(first)

    # Ready, but AWS does not list the index yet (it is still being built).
    table = ready_table(first, {"globalSecondaryIndex": []})
    second = render(GSI_INSIGHTS, {"table": table})
    assert "index-by-g-insights" not in second.resources
    assert "index-by-g-insights waits for index 'by-g' to exist" in pending(second)

    table = ready_table(first, {"globalSecondaryIndex": [{"name": "by-g"}, {"name": "plain"}]})
    third = render(GSI_INSIGHTS, {"table": table})
    insights = third.resources["index-by-g-insights"].body
    assert insights["spec"]["forProvider"] == {
        "region": "us-east-1",
        "tableName": "orders",
        "indexName": "by-g",
        "mode": "THROTTLED_KEYS",
    }
    assert [n for n in third.resources if "insights" in n] == ["index-by-g-insights"]

    # The table updates (not Ready): the index's insights exist, so they stay.
    updating = {**table, "status": {"conditions": [{"type": "Ready", "status": "False"}]}}
    fourth = render(GSI_INSIGHTS, {"table": updating, "index-by-g-insights": insights})
    assert "index-by-g-insights" in fourth.resources


@pytest.mark.parametrize("namespaced", [False, True], ids=["cluster", "namespaced"])
def test_table_and_index_insights_are_valid_for_the_provider(namespaced: bool) -> None:
    spec = {**GSI_INSIGHTS, "contributorInsightsEnabled": True}
    first = render(spec, namespaced=namespaced)
    table = ready_table(first, {"globalSecondaryIndex": [{"name": "by-g"}]})
    outcome = render(spec, {"table": table}, namespaced=namespaced)
    assert {"contributor-insights", "index-by-g-insights"} <= set(outcome.resources)
    table_insights = outcome.resources["contributor-insights"].body["spec"]["forProvider"]
    assert table_insights["mode"] == "ACCESSED_AND_THROTTLED_KEYS"  # said, so removal reverts
    assert "indexName" not in table_insights
    assert_valid_for_the_provider(outcome)
