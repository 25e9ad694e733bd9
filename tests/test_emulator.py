"""The AWS emulator of `make e2e-aws` (e2e/emulator.py), served as the harness serves it.

``python -m e2e.emulator`` runs on loopback and is called with boto3: the calls it adds
to moto keep moto's own state and answer in AWS's shapes (botocore parses every
answer against its service model), moto's own calls answer as before, and every
call is counted per access key. CloudWatch is also called in Smithy RPC v2 CBOR, as
the provider's AWS SDK for Go calls it, and with botocore's own CBOR client.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import boto3
import botocore.session
import cbor2
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from moto.core.serialize import SERIALIZERS
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


# --- CloudWatch in Smithy RPC v2 CBOR ------------------------------------------------

ALARM: dict[str, Any] = {
    "AlarmName": "dynamodb/orders/read-throttles",
    "Namespace": "AWS/DynamoDB",
    "MetricName": "ReadThrottleEvents",
    "Dimensions": [{"Name": "TableName", "Value": "orders"}],
    "Statistic": "Sum",
    "Period": 60,
    "EvaluationPeriods": 1,
    "Threshold": 1.0,
    "ComparisonOperator": "GreaterThanOrEqualToThreshold",
    "TreatMissingData": "notBreaching",
    "AlarmActions": ["arn:aws:sns:us-east-1:000000000000:pager"],
    "Tags": [{"Key": "team", "Value": "shop"}],
}


def go_sdk_call(url: str, operation: str, params: Any) -> tuple[int, Any, bytes]:
    """Call CloudWatch as aws-sdk-go-v2 (service/cloudwatch v1.55.0) does: its path and
    headers, a CBOR map body (floats as doubles), SigV4 with the provider's key.
    ``params`` as bytes are sent as they are.

    Returns the status, the headers and the raw CBOR body."""
    body = params if isinstance(params, bytes) else cbor2.dumps(params)
    request = AWSRequest(
        method="POST",
        url=f"{url}/service/GraniteServiceVersion20100801/operation/{operation}",
        data=body,
        headers={
            "smithy-protocol": "rpc-v2-cbor",
            "Content-Type": "application/cbor",
            "Accept": "application/cbor",
            "X-Amzn-Query-Mode": "true",
        },
    )
    SigV4Auth(Credentials(*emulator.PROVIDER_KEY), "monitoring", emulator.REGION).add_auth(request)
    prepared = request.prepare()
    req = urllib.request.Request(
        prepared.url, data=body, headers=dict(prepared.headers), method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as rsp:
            return rsp.status, rsp.headers, rsp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_cloudwatch_answers_the_go_sdk_in_cbor(url: str) -> None:
    calls(url, "DELETE")
    status, headers, body = go_sdk_call(url, "PutMetricAlarm", ALARM)
    # PutMetricAlarm has no output: no body, but the protocol's header all the same.
    assert (status, headers["smithy-protocol"], body) == (200, "rpc-v2-cbor", b"")

    status, headers, body = go_sdk_call(
        url, "DescribeAlarms", {"AlarmNames": [ALARM["AlarmName"]], "AlarmTypes": ["MetricAlarm"]}
    )
    assert (status, headers["smithy-protocol"]) == (200, "rpc-v2-cbor")
    assert headers["Content-Type"] == "application/cbor"
    # Timestamps are tag 1 (0xc1) over epoch seconds: the Go SDK's AsTime takes nothing else.
    assert b"StateUpdatedTimestamp\xc1" in body
    assert b"AlarmConfigurationUpdatedTimestamp\xc1" in body
    (alarm,) = cbor2.loads(body)["MetricAlarms"]
    assert isinstance(alarm["StateUpdatedTimestamp"], datetime)
    assert {k: alarm[k] for k in ALARM if k != "Tags"} == {
        k: v for k, v in ALARM.items() if k != "Tags"
    }
    assert type(alarm["Period"]) is int
    assert type(alarm["Threshold"]) is float

    status, headers, body = go_sdk_call(
        url, "ListTagsForResource", {"ResourceARN": alarm["AlarmArn"]}
    )
    assert (status, cbor2.loads(body)) == (200, {"Tags": ALARM["Tags"]})

    provider = emulator.PROVIDER_KEY[0]
    assert {(c["key"], c["service"], c["action"]): c["count"] for c in calls(url)} == {
        (provider, "monitoring", "PutMetricAlarm"): 1,
        (provider, "monitoring", "DescribeAlarms"): 1,
        (provider, "monitoring", "ListTagsForResource"): 1,
    }


def test_cloudwatch_errors_in_cbor_carry_the_shape_id_and_the_query_code(url: str) -> None:
    missing = f"arn:aws:cloudwatch:{emulator.REGION}:{emulator.ACCOUNT}:alarm:no-such-alarm"
    status, headers, body = go_sdk_call(
        url, "TagResource", {"ResourceARN": missing, "Tags": [{"Key": "a", "Value": "b"}]}
    )
    error = cbor2.loads(body)
    assert (status, headers["smithy-protocol"]) == (404, "rpc-v2-cbor")
    assert error["__type"] == "com.amazonaws.cloudwatch#ResourceNotFoundException"
    assert error["message"]
    assert headers["x-amzn-query-error"] == "ResourceNotFoundException;Sender"


def test_cloudwatch_in_cbor_refuses_a_call_it_does_not_serve(url: str) -> None:
    status, headers, body = go_sdk_call(url, "DescribeAlarmHistory", {})
    error = cbor2.loads(body)
    assert (status, headers["smithy-protocol"]) == (404, "rpc-v2-cbor")
    assert error["__type"] == "com.amazonaws.cloudwatch#UnknownOperationException"
    assert "CBOR_OPERATIONS" in error["message"]


@pytest.mark.parametrize(
    ("body", "status", "code", "message"),
    [
        (b"\xa1", 400, "SerializationException", "premature end of stream"),
        (cbor2.dumps(["not", "a", "map"]), 400, "SerializationException", "not a map"),
        # moto's own failure (its parser iterates TagKeys), said in CBOR, not a 500 page.
        (
            cbor2.dumps({"ResourceARN": "arn:aws:cloudwatch:us-east-1:0:alarm:a", "TagKeys": 5}),
            500,
            "InternalFailure",
            "not iterable",
        ),
    ],
    ids=["truncated", "not-a-map", "moto-fails"],
)
def test_cloudwatch_in_cbor_says_what_went_wrong_in_cbor(
    url: str, body: bytes, status: int, code: str, message: str
) -> None:
    got, headers, answer = go_sdk_call(url, "UntagResource", body)
    error = cbor2.loads(answer)
    assert (got, headers["smithy-protocol"]) == (status, "rpc-v2-cbor")
    assert error["__type"] == f"com.amazonaws.cloudwatch#{code}"
    assert message in error["message"]


@pytest.fixture
def cbor_cloudwatch(url: str, tmp_path: Path) -> tuple[Any, list[str]]:
    """botocore's own CloudWatch client, made to speak CBOR (botocore prefers JSON when
    offered): its model with ``smithy-rpc-v2-cbor`` as the only protocol, in a data path
    of its own; and the URLs it sends to."""
    model = botocore.session.get_session().get_service_model("cloudwatch")
    data = botocore.session.get_session().get_component("data_loader")
    raw = data.load_service_model("cloudwatch", "service-2", model.api_version)
    raw = raw | {"metadata": raw["metadata"] | {"protocols": ["smithy-rpc-v2-cbor"]}}
    version = tmp_path / "cloudwatch" / model.api_version
    version.mkdir(parents=True)
    (version / "service-2.json").write_text(json.dumps(raw))
    session = botocore.session.get_session()
    session.get_component("data_loader").search_paths.insert(0, str(tmp_path))
    cloudwatch = boto3.Session(botocore_session=session).client(
        "cloudwatch",
        endpoint_url=url,
        region_name=emulator.REGION,
        aws_access_key_id=emulator.HARNESS_KEY[0],
        aws_secret_access_key=emulator.HARNESS_KEY[1],
        config=Config(retries={"max_attempts": 1}),
    )
    sent: list[str] = []
    cloudwatch.meta.events.register(
        "before-send.cloudwatch", lambda request, **kw: sent.append(request.url)
    )
    return cloudwatch, sent


def test_botocore_round_trips_each_alarm_call_in_cbor(
    cbor_cloudwatch: tuple[Any, list[str]],
) -> None:
    cw, sent = cbor_cloudwatch
    name = "dynamodb/boto/write-throttles"
    cw.put_metric_alarm(**(ALARM | {"AlarmName": name}))
    (alarm,) = cw.describe_alarms(AlarmNames=[name])["MetricAlarms"]
    assert isinstance(alarm["AlarmConfigurationUpdatedTimestamp"], datetime)
    assert (alarm["Threshold"], alarm["Period"]) == (1.0, 60)
    arn = alarm["AlarmArn"]
    cw.tag_resource(ResourceARN=arn, Tags=[{"Key": "cost", "Value": "42"}])
    cw.untag_resource(ResourceARN=arn, TagKeys=["team"])
    assert cw.list_tags_for_resource(ResourceARN=arn)["Tags"] == [{"Key": "cost", "Value": "42"}]
    cw.delete_alarms(AlarmNames=[name])
    assert cw.describe_alarms(AlarmNames=[name])["MetricAlarms"] == []
    prefix = f"{cw.meta.endpoint_url}/service/GraniteServiceVersion20100801/operation/"
    assert {u.removeprefix(prefix) for u in sent} == set(emulator.CBOR_OPERATIONS)


def test_the_cbor_front_refuses_a_shape_it_has_no_encoding_for() -> None:
    model = botocore.session.get_session().get_service_model("cloudwatch")
    image = model.operation_model("GetMetricWidgetImage").output_shape  # a blob
    with pytest.raises(ValueError, match="cannot encode a blob shape"):
        emulator._cbor_value({"MetricWidgetImage": "aW1hZ2U="}, image)


def test_the_harness_boto3_still_speaks_json_to_cloudwatch(url: str) -> None:
    cw = client(url, "cloudwatch")
    sent: list[dict[str, Any]] = []
    cw.meta.events.register(
        "before-send.cloudwatch", lambda request, **kw: sent.append(dict(request.headers))
    )
    cw.put_metric_alarm(**(ALARM | {"AlarmName": "dynamodb/json/read-throttles"}))
    (alarm,) = cw.describe_alarms(AlarmNames=["dynamodb/json/read-throttles"])["MetricAlarms"]
    assert alarm["Dimensions"] == ALARM["Dimensions"]
    assert all("smithy-protocol" not in h and "X-Amz-Target" in h for h in sent)


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


def test_extend_refuses_once_moto_answers_cbor_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(SERIALIZERS, "smithy-rpc-v2-cbor", SERIALIZERS["json"])
    with pytest.raises(RuntimeError, match="drop CborFront"):
        emulator.extend()


def test_docs_list_every_extended_call_and_no_other() -> None:
    text = (ROOT / "docs" / "e2e.md").read_text()
    section = text.split("### The AWS emulator", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| ([a-z-]+) \| ([A-Za-z]+) \|", section, re.MULTILINE)
    listed = [row for row in rows if row != ("service", "call")]  # the tables' headers
    cbor = tuple(("cloudwatch", operation) for operation in emulator.CBOR_OPERATIONS)
    assert sorted(listed) == sorted(emulator.EXTENDED + emulator.COMPLETED + cbor)
