"""The AWS emulator of `make e2e-aws` (e2e/emulator.py), served as the harness serves it.

``python -m e2e.emulator`` runs on loopback and is called with boto3: the calls it adds
to moto keep moto's own state and answer in AWS's shapes (botocore parses every
answer against its service model), moto's own calls answer as before, and every
call is counted per access key.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.dynamodb.responses import DynamoHandler

from e2e import emulator, procs
from tests.support import ROOT

READ = "dynamodb:table:ReadCapacityUnits"


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = procs.free_port()
    log = tmp_path_factory.mktemp("emulator") / "emulator.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "e2e.emulator", f"--port={port}"],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        procs.wait_for("the emulator", lambda: procs.port_in_use(port), 60, log=log)
        yield f"http://{emulator.HOST}:{port}"
    finally:
        proc.terminate()
        proc.wait(15)


def client(url: str, service: str, key: tuple[str, str] = emulator.HARNESS_KEY) -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name=emulator.REGION,
        aws_access_key_id=key[0],
        aws_secret_access_key=key[1],
        config=Config(retries={"max_attempts": 1}),
    )


def make_table(ddb: Any, name: str, gsi: bool = False) -> None:
    extra: dict[str, Any] = {}
    attributes = [{"AttributeName": "pk", "AttributeType": "S"}]
    if gsi:
        attributes.append({"AttributeName": "gk", "AttributeType": "S"})
        extra["GlobalSecondaryIndexes"] = [
            {
                "IndexName": "by-gk",
                "KeySchema": [{"AttributeName": "gk", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ]
    ddb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=attributes,
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )


def error_code(exc: pytest.ExceptionInfo[ClientError]) -> str:
    return str(exc.value.response["Error"]["Code"])


# --- Contributor Insights ----------------------------------------------------------


def test_contributor_insights_start_disabled_and_enable_per_table_and_index(url: str) -> None:
    ddb = client(url, "dynamodb")
    make_table(ddb, "insights", gsi=True)
    first = ddb.describe_contributor_insights(TableName="insights")
    assert first["ContributorInsightsStatus"] == "DISABLED"
    assert "ContributorInsightsMode" not in first

    answer = ddb.update_contributor_insights(
        TableName="insights", ContributorInsightsAction="ENABLE"
    )
    assert answer["ContributorInsightsStatus"] == "ENABLING"
    table = ddb.describe_contributor_insights(TableName="insights")
    assert table["TableName"] == "insights"
    assert table["ContributorInsightsStatus"] == "ENABLED"
    assert table["ContributorInsightsMode"] == "ACCESSED_AND_THROTTLED_KEYS"
    index = ddb.describe_contributor_insights(TableName="insights", IndexName="by-gk")
    assert (index["IndexName"], index["ContributorInsightsStatus"]) == ("by-gk", "DISABLED")

    ddb.update_contributor_insights(
        TableName="insights",
        IndexName="by-gk",
        ContributorInsightsAction="ENABLE",
        ContributorInsightsMode="THROTTLED_KEYS",
    )
    index = ddb.describe_contributor_insights(TableName="insights", IndexName="by-gk")
    assert index["ContributorInsightsStatus"] == "ENABLED"
    assert index["ContributorInsightsMode"] == "THROTTLED_KEYS"


def test_contributor_insights_disable_and_follow_the_table_by_arn(url: str) -> None:
    ddb = client(url, "dynamodb")
    make_table(ddb, "insights-off")
    arn = ddb.describe_table(TableName="insights-off")["Table"]["TableArn"]
    ddb.update_contributor_insights(TableName=arn, ContributorInsightsAction="ENABLE")
    answer = ddb.update_contributor_insights(
        TableName="insights-off", ContributorInsightsAction="DISABLE"
    )
    assert answer["ContributorInsightsStatus"] == "DISABLING"
    described = ddb.describe_contributor_insights(TableName=arn)
    assert described["ContributorInsightsStatus"] == "DISABLED"


def test_contributor_insights_of_a_table_made_again_start_disabled(url: str) -> None:
    ddb = client(url, "dynamodb")
    make_table(ddb, "insights-again")
    ddb.update_contributor_insights(TableName="insights-again", ContributorInsightsAction="ENABLE")
    ddb.delete_table(TableName="insights-again")
    make_table(ddb, "insights-again")
    described = ddb.describe_contributor_insights(TableName="insights-again")
    assert described["ContributorInsightsStatus"] == "DISABLED"


@pytest.mark.parametrize(
    ("call", "kwargs"),
    [
        ("describe_contributor_insights", {"TableName": "no-such-table"}),
        ("describe_contributor_insights", {"TableName": "insights", "IndexName": "no-index"}),
        (
            "update_contributor_insights",
            {"TableName": "no-such-table", "ContributorInsightsAction": "ENABLE"},
        ),
        (
            "update_contributor_insights",
            {
                "TableName": "insights",
                "IndexName": "no-index",
                "ContributorInsightsAction": "ENABLE",
            },
        ),
        ("list_contributor_insights", {"TableName": "no-such-table"}),
    ],
    ids=["describe-table", "describe-index", "update-table", "update-index", "list-table"],
)
def test_contributor_insights_of_what_does_not_exist_are_not_found(
    url: str, call: str, kwargs: dict[str, Any]
) -> None:
    ddb = client(url, "dynamodb")
    if "insights" not in ddb.list_tables()["TableNames"]:
        make_table(ddb, "insights", gsi=True)
    with pytest.raises(ClientError) as exc:
        getattr(ddb, call)(**kwargs)
    assert error_code(exc) == "ResourceNotFoundException"


def test_list_contributor_insights_has_the_table_and_each_gsi_in_pages(url: str) -> None:
    ddb = client(url, "dynamodb")
    make_table(ddb, "insights-list", gsi=True)
    ddb.update_contributor_insights(
        TableName="insights-list", IndexName="by-gk", ContributorInsightsAction="ENABLE"
    )
    first = ddb.list_contributor_insights(TableName="insights-list", MaxResults=1)
    second = ddb.list_contributor_insights(
        TableName="insights-list", MaxResults=1, NextToken=first["NextToken"]
    )
    assert "NextToken" not in second
    summaries = first["ContributorInsightsSummaries"] + second["ContributorInsightsSummaries"]
    assert summaries == [
        {"TableName": "insights-list", "ContributorInsightsStatus": "DISABLED"},
        {
            "TableName": "insights-list",
            "IndexName": "by-gk",
            "ContributorInsightsStatus": "ENABLED",
            "ContributorInsightsMode": "ACCESSED_AND_THROTTLED_KEYS",
        },
    ]
    everything = ddb.list_contributor_insights()["ContributorInsightsSummaries"]
    assert {"TableName": "insights-list", "ContributorInsightsStatus": "DISABLED"} in everything


# --- Application Auto Scaling tags -------------------------------------------------


def register(aas: Any, table: str, **extra: Any) -> str:
    answer = aas.register_scalable_target(
        ServiceNamespace="dynamodb",
        ResourceId=f"table/{table}",
        ScalableDimension=READ,
        MinCapacity=1,
        MaxCapacity=10,
        **extra,
    )
    return str(answer["ScalableTargetARN"])


def test_target_tags_from_register_then_tag_and_untag(url: str) -> None:
    aas = client(url, "application-autoscaling")
    arn = register(aas, "tagged", Tags={"owner": "shop/orders", "team": "shop"})
    assert aas.list_tags_for_resource(ResourceARN=arn)["Tags"] == {
        "owner": "shop/orders",
        "team": "shop",
    }
    aas.tag_resource(ResourceARN=arn, Tags={"team": "web", "cost": "42"})
    aas.untag_resource(ResourceARN=arn, TagKeys=["owner", "not-there"])
    assert aas.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"team": "web", "cost": "42"}


def test_register_on_an_existing_target_keeps_its_tags_and_moto_answers_as_before(
    url: str,
) -> None:
    aas = client(url, "application-autoscaling")
    arn = register(aas, "retagged", Tags={"team": "shop"})
    again = aas.register_scalable_target(
        ServiceNamespace="dynamodb",
        ResourceId="table/retagged",
        ScalableDimension=READ,
        MinCapacity=2,
        MaxCapacity=20,
        Tags={"team": "web"},
    )
    # AWS: Tags tag a target when it is created; TagResource tags an existing one.
    assert again["ScalableTargetARN"] == arn
    assert aas.list_tags_for_resource(ResourceARN=arn)["Tags"] == {"team": "shop"}
    (target,) = aas.describe_scalable_targets(
        ServiceNamespace="dynamodb", ResourceIds=["table/retagged"]
    )["ScalableTargets"]
    assert (target["MinCapacity"], target["MaxCapacity"]) == (2, 20)


def test_an_untagged_target_lists_no_tags(url: str) -> None:
    aas = client(url, "application-autoscaling")
    arn = register(aas, "untagged")
    assert aas.list_tags_for_resource(ResourceARN=arn)["Tags"] == {}


@pytest.mark.parametrize("call", ["list_tags_for_resource", "tag_resource", "untag_resource"])
def test_tags_of_a_deregistered_target_are_not_found(url: str, call: str) -> None:
    aas = client(url, "application-autoscaling")
    arn = register(aas, f"gone-{call}", Tags={"team": "shop"})
    aas.deregister_scalable_target(
        ServiceNamespace="dynamodb", ResourceId=f"table/gone-{call}", ScalableDimension=READ
    )
    kwargs: dict[str, Any] = {"ResourceARN": arn}
    kwargs |= {"tag_resource": {"Tags": {"a": "b"}}, "untag_resource": {"TagKeys": ["a"]}}.get(
        call, {}
    )
    with pytest.raises(ClientError) as exc:
        getattr(aas, call)(**kwargs)
    assert error_code(exc) == "ResourceNotFoundException"


# --- what moto already has, and the call counts ------------------------------------


def calls(url: str, method: str = "GET") -> list[dict[str, Any]]:
    req = urllib.request.Request(url + emulator.CALLS_PATH, method=method)
    with urllib.request.urlopen(req, timeout=10) as rsp:
        return list(json.loads(rsp.read()))


def test_calls_are_counted_per_key_service_and_action(url: str) -> None:
    calls(url, "DELETE")
    provider = client(url, "dynamodb", emulator.PROVIDER_KEY)
    harness = client(url, "dynamodb")
    provider.list_tables()
    provider.list_tables()
    harness.list_tables()
    client(url, "iam", emulator.PROVIDER_KEY).list_policies()
    client(url, "cloudwatch", emulator.PROVIDER_KEY).describe_alarms()
    counted = {(c["key"], c["service"], c["action"]): c["count"] for c in calls(url)}
    provider_key, harness_key = emulator.PROVIDER_KEY[0], emulator.HARNESS_KEY[0]
    assert counted == {
        (provider_key, "dynamodb", "ListTables"): 2,
        (harness_key, "dynamodb", "ListTables"): 1,
        (provider_key, "iam", "ListPolicies"): 1,
        (provider_key, "monitoring", "DescribeAlarms"): 1,
    }
    # The IAM body was read for its Action and still reached moto whole.
    assert calls(url, "DELETE") == []


def test_moto_keeps_its_own_answers(url: str) -> None:
    ddb = client(url, "dynamodb")
    make_table(ddb, "plain")
    assert ddb.describe_time_to_live(TableName="plain")["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "DISABLED"
    }
    arn = ddb.describe_table(TableName="plain")["Table"]["TableArn"]
    # In the account the provider assumes when it skips credential validation.
    assert arn == f"arn:aws:dynamodb:{emulator.REGION}:{emulator.ACCOUNT}:table/plain"
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "team", "Value": "shop"}])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "shop"}]


def test_extend_refuses_once_moto_has_a_call_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        DynamoHandler, "describe_contributor_insights", lambda self: None, raising=False
    )
    with pytest.raises(RuntimeError, match="moto now implements"):
        emulator.extend()


def test_docs_list_every_extended_call_and_no_other() -> None:
    text = (ROOT / "docs" / "e2e.md").read_text()
    section = text.split("### The AWS emulator", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| ([a-z-]+) \| ([A-Za-z]+) \|", section, re.MULTILINE)
    assert sorted(rows[1:]) == sorted(emulator.EXTENDED + emulator.COMPLETED)  # after the header
