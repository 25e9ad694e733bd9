"""Issue 12's table options, rendered: what each adds to the Table or composes beside it.

Every rendered resource is checked against the provider CRDs at the pinned
version, cluster-scoped and namespaced (.m.). Scheduled and per-dimension
autoscaling are in tests/test_scheduled_scaling.py.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from function.compose import Outcome, compose
from function.render.create_source import keep_create_sources
from tests.options_support import (
    assert_valid_for_the_provider,
    creating,
    pending,
    ready_table,
    render,
    table_fp,
    xr,
)
from tests.support import EXAMPLES, crossplane_request, load_all, load_yaml


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


IMPORT: dict[str, Any] = {
    "importTable": {
        "bucket": "exports.example-corp",
        "keyPrefix": "orders/",
        "inputFormat": "CSV",
        "inputCompressionType": "GZIP",
        "csv": {"delimiter": ";", "headerList": ["pk"]},
    }
}
RESTORE: dict[str, Any] = {"restoreSourceName": "orders-prod", "restoreToLatestTime": True}


@pytest.mark.parametrize("namespaced", [False, True], ids=["cluster", "namespaced"])
def test_create_sources_are_rendered_for_a_new_table(namespaced: bool) -> None:
    imported = render(IMPORT, namespaced=namespaced)
    assert table_fp(imported)["importTable"] == {
        "inputFormat": "CSV",
        "s3BucketSource": {"bucket": "exports.example-corp", "keyPrefix": "orders/"},
        "inputCompressionType": "GZIP",
        "inputFormatOptions": {"csv": {"delimiter": ";", "headerList": ["pk"]}},
    }
    restored = render(RESTORE, namespaced=namespaced)
    fp = table_fp(restored)
    assert (fp["restoreSourceName"], fp["restoreToLatestTime"]) == ("orders-prod", True)
    assert "importTable" not in fp
    assert_valid_for_the_provider(imported)
    assert_valid_for_the_provider(restored)


def _warnings(outcome: Outcome) -> list[str]:
    return [r.message for r in outcome.results if r.severity == "Warning"]


@pytest.mark.parametrize(
    ("created_with", "now", "kept"),
    [
        (RESTORE, {}, {"restoreSourceName": "orders-prod", "restoreToLatestTime": True}),
        (RESTORE, {"restoreSourceName": "other", "restoreToLatestTime": True}, None),
        (IMPORT, {}, None),
        ({}, RESTORE, {}),
    ],
    ids=["restore-removed", "restore-changed", "import-removed", "restore-added-later"],
)
def test_an_existing_table_keeps_what_it_was_created_from(
    created_with: dict[str, Any], now: dict[str, Any], kept: dict[str, Any] | None
) -> None:
    observed = {"table": ready_table(render(created_with), {"arn": ARN})}
    outcome = render(now, observed)
    fp = table_fp(outcome)
    before = table_fp(render(created_with))
    keys = ("restoreSourceName", "restoreSourceTableArn", "restoreDateTime")
    keys += ("restoreToLatestTime", "importTable")
    want = {k: before[k] for k in keys if k in before} if kept is None else kept
    assert {k: fp[k] for k in keys if k in fp} == want
    assert any("has no effect on an existing table" in w for w in _warnings(outcome))


def test_create_sources_apply_until_aws_has_the_table_and_never_to_an_adopted_one() -> None:
    # The Table exists as a managed resource but AWS reports no table yet: still creating.
    creating = render({}, {"table": ready_table(render({}))})
    assert "restoreSourceName" not in table_fp(creating)
    assert (
        table_fp(render(RESTORE, {"table": ready_table(render(RESTORE))}))["restoreSourceName"]
        == "orders-prod"
    )
    # A table that was found and only observed, then adopted: it was never restored.
    found = ready_table(render(RESTORE), {"arn": ARN})
    found["spec"] = {**found["spec"], "managementPolicies": ["Observe"]}
    adopted = render(RESTORE).resources["table"].body
    keep_create_sources(adopted, found)
    assert "restoreSourceName" not in adopted["spec"]["forProvider"]
    assert "restoreToLatestTime" not in adopted["spec"]["forProvider"]


def test_unchanged_create_sources_warn_about_nothing() -> None:
    observed = {"table": ready_table(render(RESTORE), {"arn": ARN})}
    assert not any("restore" in w for w in _warnings(render(RESTORE, observed)))


THROUGHPUT: dict[str, Any] = {
    "attributeDefinitions": [{"name": "pk", "type": "S"}, {"name": "g", "type": "S"}],
    "onDemandThroughput": {"maxReadRequestUnits": 2000, "maxWriteRequestUnits": -1},
    "warmThroughput": {"readUnitsPerSecond": 15000, "writeUnitsPerSecond": 5000},
    "globalSecondaryIndexes": [
        {
            "name": "by-g",
            "keySchema": [{"attributeName": "g", "keyType": "HASH"}],
            "projection": {"type": "KEYS_ONLY_PROJECTION"},
            "onDemandThroughput": {"maxReadRequestUnits": 500},
        },
        {
            "name": "by-h",
            "keySchema": [{"attributeName": "g", "keyType": "HASH"}],
            "projection": {"type": "KEYS_ONLY_PROJECTION"},
            "warmThroughput": {"readUnitsPerSecond": 13000},
        },
    ],
}


@pytest.mark.parametrize("namespaced", [False, True], ids=["cluster", "namespaced"])
def test_on_demand_and_warm_throughput_on_the_table_and_each_index(namespaced: bool) -> None:
    outcome = render(THROUGHPUT, namespaced=namespaced)
    fp = table_fp(outcome)
    assert fp["onDemandThroughput"] == {"maxReadRequestUnits": 2000, "maxWriteRequestUnits": -1}
    assert fp["warmThroughput"] == {"readUnitsPerSecond": 15000, "writeUnitsPerSecond": 5000}
    by_g, by_h = fp["globalSecondaryIndex"]
    assert by_g["onDemandThroughput"] == {"maxReadRequestUnits": 500}
    assert "warmThroughput" not in by_g
    assert by_h["warmThroughput"] == {"readUnitsPerSecond": 13000}
    assert_valid_for_the_provider(outcome)


def test_an_index_without_warm_throughput_gets_what_aws_reports_not_an_update_loop() -> None:
    # AWS reports no warm throughput at exactly 12000/4000 (the provider's flatten).
    reported = {"readUnitsPerSecond": 20000, "writeUnitsPerSecond": 5000}
    at_provider = {
        "globalSecondaryIndex": [
            {"name": "by-g", "warmThroughput": {**reported, "status": "ACTIVE"}},
            {
                "name": "by-h",
                "warmThroughput": {"readUnitsPerSecond": 12500, "writeUnitsPerSecond": 4000},
            },
        ]
    }
    observed = {"table": ready_table(render(THROUGHPUT), at_provider)}
    outcome = render(THROUGHPUT, observed)
    by_g, by_h = table_fp(outcome)["globalSecondaryIndex"]
    assert by_g["warmThroughput"] == reported  # mirrored: no diff for the provider to chase
    # The claim's read (above AWS's) wins; the write it leaves out is AWS's, not 0.
    assert by_h["warmThroughput"] == {"readUnitsPerSecond": 13000, "writeUnitsPerSecond": 4000}
    assert not [r for r in outcome.results if r.severity == "Warning"]


@pytest.mark.parametrize(
    ("asked", "rendered", "where", "warned"),
    [
        (14000, 15000, "initProvider", True),
        (15000, 15000, "initProvider", False),
        (20000, 20000, "forProvider", False),
    ],
    ids=["lower-held-at-aws", "same", "raised"],
)
def test_a_tables_warm_throughput_is_never_rendered_below_what_aws_has(
    asked: int, rendered: int, where: str, warned: bool
) -> None:
    observed_ap = {"warmThroughput": {"readUnitsPerSecond": 15000, "writeUnitsPerSecond": 5000}}
    observed = {"table": ready_table(render(THROUGHPUT), observed_ap)}
    spec = {**THROUGHPUT, "warmThroughput": {"readUnitsPerSecond": asked}}
    outcome = render(spec, observed)
    # What AWS has already is handed to initProvider (render/settle.py); only a raise
    # is for the provider to apply.
    table = outcome.resources["table"].body["spec"]
    assert table[where]["warmThroughput"] == {"readUnitsPerSecond": rendered}
    assert [w for w in ("forProvider", "initProvider") if "warmThroughput" in table.get(w, {})] == [
        where
    ]
    said = [r.message for r in outcome.results if "cannot be lowered" in r.message]
    assert bool(said) == warned


POLICY: dict[str, Any] = {
    "tableName": "orders",
    "resourcePolicy": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:role/reporting"},
                "Action": ["dynamodb:GetItem"],
                "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
            }
        ],
    },
}
ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/orders"


@pytest.mark.parametrize("namespaced", [False, True], ids=["cluster", "namespaced"])
def test_resource_policy_waits_for_the_tables_arn_then_stays(namespaced: bool) -> None:
    first = render(POLICY, namespaced=namespaced)
    assert "resource-policy" not in first.resources
    assert "resource-policy waits for the table to be ready" in pending(first)

    table = ready_table(first, {"arn": ARN})
    second = render(POLICY, {"table": table}, namespaced=namespaced)
    policy = second.resources["resource-policy"].body
    assert policy["kind"] == "ResourcePolicy"
    fp = policy["spec"]["forProvider"]
    assert fp["resourceArn"] == ARN
    assert json.loads(fp["policy"]) == POLICY["resourcePolicy"]
    assert " " not in fp["policy"].replace("2012-10-17", "")  # compact: counts toward 20 KB
    assert_valid_for_the_provider(second)

    # The table updates (not Ready, no status): the policy exists, so it stays on its ARN.
    updating = {**table, "status": {"conditions": [{"type": "Ready", "status": "False"}]}}
    third = render(POLICY, {"table": updating, "resource-policy": policy}, namespaced=namespaced)
    assert third.resources["resource-policy"].body["spec"]["forProvider"]["resourceArn"] == ARN


def test_once_the_table_exists_only_its_own_arn_is_accepted() -> None:
    other_account = ARN.replace("123456789012", "999999999999")
    spec = json.loads(json.dumps(POLICY))
    spec["resourcePolicy"]["Statement"][0]["Resource"] = other_account
    # Before the table exists any account's ARN of this name and region passes ...
    assert not compose(
        crossplane_request(composite=xr(spec), observed={"table": creating(spec)})
    ).fatal
    # ... afterwards only the one AWS reports.
    observed = {"table": ready_table(render(POLICY), {"arn": ARN})}
    outcome = compose(crossplane_request(composite=xr(spec), observed=observed))
    assert {(v.path, v.rule) for v in outcome.violations} == {
        ("spec.resourcePolicy.Statement[0].Resource", "resource_policy_resource")
    }


def test_a_policy_over_20_kb_is_refused() -> None:
    spec = json.loads(json.dumps(POLICY))
    spec["resourcePolicy"]["Statement"][0]["Sid"] = "x" * (20 * 1024)
    outcome = compose(crossplane_request(composite=xr(spec), observed={"table": creating(POLICY)}))
    assert {(v.path, v.rule) for v in outcome.violations} == {
        ("spec.resourcePolicy", "resource_policy_size")
    }


@pytest.mark.parametrize(
    ("example", "kinds"),
    [
        ("options", {"Table", "ContributorInsights", "ResourcePolicy"}),
        ("scheduled", {"Table", "Target", "Policy", "ScheduledAction"}),
    ],
)
def test_issue_12_examples_with_everything_observed_wait_for_nothing(
    example: str, kinds: set[str]
) -> None:
    folder = EXAMPLES / example
    observed = {
        d["metadata"]["annotations"]["crossplane.io/composition-resource-name"]: d
        for path in sorted(folder.glob("observed/*.yaml"))
        for d in load_all(path)
    }
    fn_input = load_yaml(EXAMPLES / "input.yaml")
    outcome = compose(
        crossplane_request(
            composite=load_yaml(folder / "xr.yaml"), observed=observed, input=fn_input
        )
    )
    assert [(r.severity, r.message) for r in outcome.results] == []
    assert {c.body["kind"] for c in outcome.resources.values()} == kinds
    assert set(observed) == set(outcome.resources)  # every observed resource still desired
