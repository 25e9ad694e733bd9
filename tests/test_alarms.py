"""CloudWatch alarms: MetricAlarms per table and GSI, valid for the provider, following the spec."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from function.compose import Outcome, compose
from function.offline import RESOURCE_NAME_ANNOTATION, build_request, response_documents
from function.render.alarms import alarm_name, alarm_resource_name
from function.serve.structs import struct_to_dict
from tests.admission import admit
from tests.support import (
    EXAMPLES,
    crd_schema,
    crossplane_documents,
    crossplane_request,
    load_all,
    load_yaml,
    observed_not_found,
)

EXAMPLE = EXAMPLES / "alarms"
INPUT = load_yaml(EXAMPLES / "input.yaml")
ONCALL = "arn:aws:sns:us-east-1:123456789012:oncall-dynamodb"
TEAM = "arn:aws:sns:us-east-1:123456789012:identity-team"
EXTERNAL_NAME = "crossplane.io/external-name"


def _xr() -> dict[str, Any]:
    return load_yaml(EXAMPLE / "xr.yaml")


def _observed() -> list[dict[str, Any]]:
    return [d for p in sorted((EXAMPLE / "observed").glob("*.yaml")) for d in load_all(p)]


def _run(
    stub: grpcv1.FunctionRunnerServiceStub,
    xr: dict[str, Any],
    observed: list[dict[str, Any]] | None = None,
    fn_input: dict[str, Any] | None = None,
) -> fnv1.RunFunctionResponse:
    """The answer once the table's name is known to be free (observed given: that instead)."""
    fn_input = INPUT if fn_input is None else fn_input
    if observed is None:
        first = stub.RunFunction(build_request(xr, [], fn_input), timeout=10)
        observed = [_free_table(first)]
    return stub.RunFunction(
        build_request(*crossplane_documents(xr, observed), fn_input), timeout=10
    )


def _free_table(observing: fnv1.RunFunctionResponse) -> dict[str, Any]:
    """The observe-only Table of a first answer, as observed when AWS has no such table."""
    table = struct_to_dict(observing.desired.resources["table"].resource)
    assert table["spec"]["managementPolicies"] == ["Observe"]
    table["metadata"].setdefault("annotations", {})[RESOURCE_NAME_ANNOTATION] = "table"
    return observed_not_found(table)


def _alarms(rsp: fnv1.RunFunctionResponse) -> dict[str, dict[str, Any]]:
    docs = response_documents(rsp)[1:]
    return {
        d["metadata"]["annotations"][RESOURCE_NAME_ANNOTATION]: d
        for d in docs
        if d.get("kind") == "MetricAlarm"
    }


def _fatal(rsp: fnv1.RunFunctionResponse) -> list[str]:
    return [r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]


def _admission_refusals(body: dict[str, Any]) -> list[Any]:
    """The provider CRD's schema and CEL rules (comparisonOperator, evaluationPeriods, region)."""
    return admit(copy.deepcopy(body), crd_schema(body["apiVersion"], body["kind"]))


THROTTLE_ALARMS = {
    # resource name: (metric, GSI or None)
    "table-read-throttle-alarm": ("ReadThrottleEvents", None),
    "table-write-throttle-alarm": ("WriteThrottleEvents", None),
    "index-by-user-read-throttle-alarm": ("ReadThrottleEvents", "by-user"),
    "index-by-user-write-throttle-alarm": ("WriteThrottleEvents", "by-user"),
    "index-by-device-read-throttle-alarm": ("ReadThrottleEvents", "by-device"),
    "index-by-device-write-throttle-alarm": ("WriteThrottleEvents", "by-device"),
}


def test_example_with_two_gsis_renders_six_throttle_alarms_the_provider_admits(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    rsp = _run(stub_v1, _xr())
    assert _fatal(rsp) == []
    alarms = _alarms(rsp)
    assert set(alarms) == set(THROTTLE_ALARMS)
    for name, (metric, index) in THROTTLE_ALARMS.items():
        alarm = alarms[name]
        assert alarm["apiVersion"] == "cloudwatch.aws.upbound.io/v1beta2"
        fp = alarm["spec"]["forProvider"]
        dims = {"TableName": "sessions-x7k2p"}
        if index is not None:
            dims["GlobalSecondaryIndexName"] = index
        assert fp["namespace"] == "AWS/DynamoDB"
        assert (fp["metricName"], fp["statistic"], fp["dimensions"]) == (metric, "Sum", dims)
        assert (fp["threshold"], fp["period"], fp["evaluationPeriods"]) == (0, 300, 1)
        assert fp["comparisonOperator"] == "GreaterThanThreshold"
        assert fp["treatMissingData"] == "notBreaching"
        assert (fp["alarmActions"], fp["okActions"]) == ([ONCALL], [TEAM])
        assert fp["region"] == "us-east-1"
        assert _admission_refusals(alarm) == [], name


def test_namespaced_xr_gets_the_m_twins_in_its_namespace(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    xr = _xr()
    xr["metadata"] = {"name": "sessions-x7k2p", "namespace": "identity"}
    xr["spec"] = {k: v for k, v in xr["spec"].items() if k not in {"claimRef", "compositionRef"}}
    alarms = _alarms(_run(stub_v1, xr))
    assert set(alarms) == set(THROTTLE_ALARMS)
    for name, alarm in alarms.items():
        assert alarm["apiVersion"] == "cloudwatch.aws.m.upbound.io/v1beta1"
        assert alarm["metadata"]["namespace"] == "identity"
        assert alarm["spec"]["providerConfigRef"]["kind"] == "ClusterProviderConfig"
        assert _admission_refusals(alarm) == [], name


def test_alarm_names_are_unique_per_table_and_readable(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    alarms = _alarms(_run(stub_v1, _xr()))
    names = {n: a["metadata"]["annotations"][EXTERNAL_NAME] for n, a in alarms.items()}
    assert names["table-read-throttle-alarm"] == "dynamodb/sessions-x7k2p/read-throttles"
    assert (
        names["index-by-user-write-throttle-alarm"]
        == "dynamodb/sessions-x7k2p/index/by-user/write-throttles"
    )
    # A "-" separator would give both "a-b-c-read-throttles".
    assert alarm_name("a-b", "c", "read", "throttles") != alarm_name(
        "a", "b-c", "read", "throttles"
    )


def test_very_long_names_are_shortened_and_stay_distinct() -> None:
    table, index = "t" * 255, "i" * 255
    names = {
        alarm_name(table, index, dim, watch)
        for dim in ("read", "write")
        for watch in ("throttles", "capacity")
    } | {alarm_name(table, "i" * 254 + "j", "read", "throttles")}
    assert len(names) == 5
    assert all(len(n) <= 255 for n in names)
    assert all(n.endswith(("-throttles", "-consumed-capacity")) for n in names)
    resource = alarm_resource_name("Index_" + "x" * 250, "write", "capacity")
    assert len(resource) <= 63
    assert resource.endswith("-write-capacity-alarm")


def test_alarms_wait_only_for_the_tables_name_and_count_for_readiness(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    # While the Table only observes, the name may be another team's table (and alarms).
    observing = stub_v1.RunFunction(build_request(_xr(), [], INPUT), timeout=10)
    assert _alarms(observing) == {}
    assert any("alarms wait" in r.message for r in observing.results)
    # Known free: every alarm at once, before the table exists.
    first = _run(stub_v1, _xr())
    assert set(_alarms(first)) == set(THROTTLE_ALARMS)
    assert all(first.desired.resources[n].ready == fnv1.READY_FALSE for n in THROTTLE_ALARMS)
    assert not [r for r in first.results if "alarm" in r.message]
    done = _run(stub_v1, _xr(), _observed())
    assert all(r.ready == fnv1.READY_TRUE for r in done.desired.resources.values())


def test_switching_alarms_off_removes_every_alarm(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    xr = _xr()
    xr["spec"]["alarms"]["enabled"] = False
    rsp = _run(stub_v1, xr, _observed())
    assert _fatal(rsp) == []
    assert _alarms(rsp) == {}
    assert set(rsp.desired.resources) == {"table"}


def test_alarms_follow_gsis_removed_and_added(stub_v1: grpcv1.FunctionRunnerServiceStub) -> None:
    xr = _xr()
    gsis = xr["spec"]["globalSecondaryIndexes"]
    gsis[1] = {**gsis[1], "name": "by-tenant"}
    alarms = _alarms(_run(stub_v1, xr, _observed()))
    assert "index-by-device-read-throttle-alarm" not in alarms
    tenant = alarms["index-by-tenant-write-throttle-alarm"]["spec"]["forProvider"]
    assert tenant["dimensions"]["GlobalSecondaryIndexName"] == "by-tenant"
    assert len(alarms) == 6


def _spec(**extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "region": "us-east-1",
        "attributeDefinitions": [{"name": "pk", "type": "S"}],
        "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
    }
    return spec | extra


def _compose(spec: dict[str, Any], fn_input: dict[str, Any] | None = None) -> Outcome:
    """The pure core's outcome once the table's name is known to be free."""
    xr = {"apiVersion": "aws.project-planton.org/v1", "kind": "XAwsDynamodb"}
    xr |= {"metadata": {"name": "orders"}, "spec": spec}
    first = compose(crossplane_request(composite=xr, input=fn_input))
    if "table" not in first.resources:
        return first
    free = observed_not_found(first.resources["table"].body)
    return compose(crossplane_request(composite=xr, observed={"table": free}, input=fn_input))


def _alarm_bodies(outcome: Outcome) -> dict[str, dict[str, Any]]:
    return {n: c.body for n, c in outcome.resources.items() if c.body["kind"] == "MetricAlarm"}


_GSI = {"name": "by-g", "keySchema": [{"attributeName": "g", "keyType": "HASH"}]}


def _provisioned(**extra: Any) -> dict[str, Any]:
    gsi = {**_GSI, "provisionedThroughput": {"readCapacityUnits": 10, "writeCapacityUnits": 5}}
    return (
        _spec(
            attributeDefinitions=[{"name": "pk", "type": "S"}, {"name": "g", "type": "S"}],
            billingMode="PROVISIONED",
            provisionedThroughput={"readCapacityUnits": 20, "writeCapacityUnits": 10},
            globalSecondaryIndexes=[gsi],
        )
        | extra
    )


@pytest.mark.parametrize(
    ("case", "spec", "thresholds"),
    [
        (
            "fixed capacity: table and GSI, 80% of units x 300 s",
            _provisioned(alarms={}),
            {
                "table-read-capacity-alarm": 20 * 300 * 0.8,
                "table-write-capacity-alarm": 10 * 300 * 0.8,
                "index-by-g-read-capacity-alarm": 10 * 300 * 0.8,
                "index-by-g-write-capacity-alarm": 5 * 300 * 0.8,
            },
        ),
        (
            "autoscaled table, GSI opted out: only the GSI's fixed capacity",
            _provisioned(
                alarms={"consumedCapacity": {"thresholdPercent": 50, "periodSeconds": 60}},
                autoScaling={"enabled": True},
                globalSecondaryIndexes=[
                    {
                        **_GSI,
                        "provisionedThroughput": {"readCapacityUnits": 7, "writeCapacityUnits": 3},
                        "autoScaling": {"enabled": False},
                    }
                ],
            ),
            {"index-by-g-read-capacity-alarm": 210, "index-by-g-write-capacity-alarm": 90},
        ),
        (
            "consumed-capacity alarms switched off",
            _provisioned(alarms={"consumedCapacity": {"enabled": False}}),
            {},
        ),
        (
            "on-demand: no provisioned capacity to watch",
            _provisioned(alarms={}, billingMode="PAY_PER_REQUEST")
            | {"provisionedThroughput": None, "globalSecondaryIndexes": [_GSI]},
            {},
        ),
    ],
)
def test_consumed_capacity_alarms_where_capacity_is_provisioned_and_fixed(
    case: str, spec: dict[str, Any], thresholds: dict[str, float]
) -> None:
    outcome = _compose(spec)
    assert not outcome.fatal, outcome.results
    alarms = _alarm_bodies(outcome)
    capacity = {n: a for n, a in alarms.items() if n.endswith("-capacity-alarm")}
    assert {n: a["spec"]["forProvider"]["threshold"] for n, a in capacity.items()} == thresholds
    for name, alarm in capacity.items():
        fp = alarm["spec"]["forProvider"]
        dim = "Read" if "-read-" in name else "Write"
        assert fp["metricName"] == f"Consumed{dim}CapacityUnits"
        assert fp["statistic"] == "Sum"
    # Throttle alarms are there whatever the capacity mode.
    assert {n for n in alarms if n.endswith("-throttle-alarm")} == {
        alarm_resource_name(i, d, "throttles")
        for i in (None, *(g["name"] for g in spec.get("globalSecondaryIndexes", [])))
        for d in ("read", "write")
    }


def test_the_input_switches_alarms_on_for_every_table_with_its_topics() -> None:
    platform = "arn:aws:sns:us-east-1:123456789012:platform"
    fn_input = {"alarms": {"enabled": True, "alarmActions": [platform]}}
    alarms = _alarm_bodies(_compose(_spec(), fn_input))
    assert set(alarms) == {"table-read-throttle-alarm", "table-write-throttle-alarm"}
    fp = alarms["table-read-throttle-alarm"]["spec"]["forProvider"]
    assert fp["alarmActions"] == [platform]
    assert fp["okActions"] == []
    # The claim's own topics replace the Input's; enabled: false opts the claim out.
    own = _compose(_spec(alarms={"alarmActions": [ONCALL]}), fn_input)
    fp = _alarm_bodies(own)["table-read-throttle-alarm"]["spec"]["forProvider"]
    assert fp["alarmActions"] == [ONCALL]
    assert _alarm_bodies(_compose(_spec(alarms={"enabled": False}), fn_input)) == {}
    # Without the Input's switch, a claim without spec.alarms has none.
    assert _alarm_bodies(_compose(_spec())) == {}


def test_a_bad_topic_in_the_input_is_an_input_fatal_naming_the_field() -> None:
    fn_input = {"alarms": {"enabled": True, "okActions": ["arn:aws:sqs:us-east-1:123456789012:q"]}}
    outcome = _compose(_spec(), fn_input)
    fatal = [r for r in outcome.results if r.severity == "Fatal"]
    assert [r.reason for r in fatal] == ["InvalidInput"]
    assert "input.alarms.okActions[0]: " in fatal[0].message
    assert "[sns_topic_arn_format]" in fatal[0].message
    assert outcome.resources == {}
