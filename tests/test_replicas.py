"""Global tables: replica blocks, per-region autoscaling, the removal guard and outputs.

The example under examples/global/ (a PROVISIONED table in us-east-1 with
replicas in eu-west-1 and ap-southeast-2) renders through the real gRPC server;
variants of its observed state show each wait and each refusal.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from function.compose import compose
from function.offline import RESOURCE_NAME_ANNOTATION, build_request, response_documents
from function.render.autoscaling import policy_name, target_name
from function.render.replicas import active_replica_regions, regional_name
from tests.support import (
    EXAMPLES,
    crossplane_documents,
    crossplane_request,
    load_all,
    load_yaml,
    schema_errors,
)

GLOBAL = EXAMPLES / "global"
INPUT = load_yaml(EXAMPLES / "input.yaml")
REGIONS = ("us-east-1", "eu-west-1", "ap-southeast-2")


def _xr() -> dict[str, Any]:
    return load_yaml(GLOBAL / "xr.yaml")


def _observed() -> list[dict[str, Any]]:
    return [d for p in sorted(GLOBAL.glob("observed/*.yaml")) for d in load_all(p)]


def _name(doc: dict[str, Any]) -> str:
    return str(doc["metadata"]["annotations"][RESOURCE_NAME_ANNOTATION])


def _table(observed: list[dict[str, Any]]) -> dict[str, Any]:
    return next(d for d in observed if d["kind"] == "Table")


def _run(
    stub: grpcv1.FunctionRunnerServiceStub,
    xr: dict[str, Any],
    observed: list[dict[str, Any]],
) -> tuple[dict[str, Any], dict[str, dict[str, Any]], list[Any]]:
    """The composite, the desired resources by name, and the results."""
    rsp = stub.RunFunction(build_request(*crossplane_documents(xr, observed), INPUT), timeout=10)
    docs = response_documents(rsp)
    resources = {_name(d): d for d in docs[1:] if d.get("kind") != "Result"}
    return docs[0], resources, list(rsp.results)


def _pending(results: list[Any]) -> str:
    return " ".join(r.message for r in results if r.reason == "Pending")


def _fatal(results: list[Any]) -> list[Any]:
    return [r for r in results if r.severity == fnv1.SEVERITY_FATAL]


def _drop_replica(observed: list[dict[str, Any]], region: str) -> list[dict[str, Any]]:
    """The observed state before ``region``'s replica was active: not listed, no Targets."""
    out = [
        d
        for d in copy.deepcopy(observed)
        if d["kind"] == "Table" or not _name(d).endswith(f"-{region}")
    ]
    ap = _table(out)["status"]["atProvider"]
    ap["replica"] = [r for r in ap["replica"] if r["regionName"] != region]
    return out


def test_two_active_replicas_give_two_blocks_and_autoscaling_in_three_regions(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    composite, resources, results = _run(stub_v1, _xr(), _observed())
    assert _fatal(results) == []
    blocks = resources["table"]["spec"]["forProvider"]["replica"]
    assert [b["regionName"] for b in blocks] == ["eu-west-1", "ap-southeast-2"]
    targets = {(d["spec"]["forProvider"]["region"], _name(d)) for d in resources.values()}
    for region in REGIONS:
        for dim in ("read", "write"):
            suffix = "" if region == "us-east-1" else f"-{region}"
            assert (region, f"table-{dim}-target{suffix}") in targets
            assert (region, f"table-{dim}-policy{suffix}") in targets
    for name, doc in resources.items():
        if doc["kind"] in ("Target", "Policy"):
            assert doc["spec"]["forProvider"]["resourceId"] == "table/sessions-global", name
    assert _pending(results) == ""
    outputs = composite["status"]["outputs"]
    assert outputs["replicaRegions"] == "ap-southeast-2,eu-west-1"
    assert outputs["replicaArns"].split(",") == [
        "arn:aws:dynamodb:ap-southeast-2:123456789012:table/sessions-global",
        "arn:aws:dynamodb:eu-west-1:123456789012:table/sessions-global",
    ]


def test_replica_not_yet_active_holds_back_its_regions_targets_and_says_why(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    # eu-west-1 is active but its Targets are not made yet: they come from the gate alone.
    observed = _drop_replica(_drop_replica(_observed(), "eu-west-1"), "ap-southeast-2")
    _table(observed)["status"]["atProvider"]["replica"] = _table(_observed())["status"][
        "atProvider"
    ]["replica"][:1]
    _, resources, results = _run(stub_v1, _xr(), observed)
    assert _fatal(results) == []
    # The replica block stays: it is in the Table's forProvider, being created.
    blocks = resources["table"]["spec"]["forProvider"]["replica"]
    assert {b["regionName"] for b in blocks} == {"eu-west-1", "ap-southeast-2"}
    assert not [n for n in resources if n.endswith("-ap-southeast-2")]
    assert {"table-read-target-eu-west-1", "table-write-target-eu-west-1"} <= resources.keys()
    # Their Policies wait for them, as in the table's own region.
    assert "table-read-policy-eu-west-1 waits for table-read-target-eu-west-1" in _pending(results)
    assert "autoscaling in ap-southeast-2 waits for the replica there to be active" in (
        _pending(results)
    )


def test_provisioned_replicas_wait_for_write_autoscaling_then_are_added(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    _, first, results = _run(stub_v1, _xr(), [])
    assert "replica" not in first["table"]["spec"]["forProvider"]
    assert "replicas in eu-west-1, ap-southeast-2 wait for table-write-policy" in _pending(results)
    # The table exists without replicas, its primary autoscaling is in place.
    before = [d for d in copy.deepcopy(_observed()) if not _name(d).endswith(("-1", "-2"))]
    del _table(before)["spec"]["forProvider"]["replica"]
    del _table(before)["status"]["atProvider"]["replica"]
    _, resources, results = _run(stub_v1, _xr(), before)
    blocks = resources["table"]["spec"]["forProvider"]["replica"]
    assert [b["regionName"] for b in blocks] == ["eu-west-1", "ap-southeast-2"]
    assert "replicas in" not in _pending(results)


def test_a_replica_the_table_has_stays_while_write_autoscaling_is_unready(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    observed = [d for d in _observed() if _name(d) != "table-write-policy"]
    _, resources, _ = _run(stub_v1, _xr(), observed)
    blocks = resources["table"]["spec"]["forProvider"]["replica"]
    assert {b["regionName"] for b in blocks} == {"eu-west-1", "ap-southeast-2"}


def _namespaced(xr: dict[str, Any]) -> dict[str, Any]:
    spec = {k: v for k, v in xr["spec"].items() if k not in ("claimRef", "compositionRef")}
    spec["crossplane"] = {"compositionRef": {"name": "xawsdynamodbs.aws.project-planton.org"}}
    return {**xr, "metadata": {"name": "sessions", "namespace": "identity"}, "spec": spec}


@pytest.mark.parametrize("scope", ["cluster", "namespaced"])
def test_every_rendered_resource_validates_against_the_provider_crds(
    stub_v1: grpcv1.FunctionRunnerServiceStub, scope: str
) -> None:
    xr = _xr() if scope == "cluster" else _namespaced(_xr())
    observed = _observed()
    if scope == "namespaced":
        for doc in observed:
            doc["apiVersion"] = doc["apiVersion"].replace(".aws.upbound.io/", ".aws.m.upbound.io/")
            doc["apiVersion"] = doc["apiVersion"].replace(
                "appautoscaling.aws.m.upbound.io/v1beta2", "appautoscaling.aws.m.upbound.io/v1beta1"
            )
            doc["apiVersion"] = doc["apiVersion"].replace(
                "dynamodb.aws.m.upbound.io/v1beta2", "dynamodb.aws.m.upbound.io/v1beta1"
            )
            # Namespaced resources live in the XR's namespace, composed for this XR.
            doc["metadata"]["namespace"] = xr["metadata"]["namespace"]
            del doc["metadata"]["ownerReferences"]
    _, resources, results = _run(stub_v1, xr, observed)
    assert _fatal(results) == []
    assert len([d for d in resources.values() if d["kind"] in ("Target", "Policy")]) == 12
    for name, doc in resources.items():
        assert (".m.upbound.io/" in doc["apiVersion"]) == (scope == "namespaced"), name
        assert schema_errors(doc) == [], name


def _spec(**extra: Any) -> dict[str, Any]:
    spec = {
        "region": "us-east-1",
        "streamEnabled": True,
        "streamViewType": "NEW_AND_OLD_IMAGES",
        "attributeDefinitions": [{"name": "pk", "type": "S"}],
        "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
    }
    return spec | extra


def _observed_table(*replicas: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "dynamodb.aws.upbound.io/v1beta2",
        "kind": "Table",
        "metadata": {"annotations": {"crossplane.io/external-name": "orders"}},
        "spec": {"forProvider": {"region": "us-east-1", "hashKey": "pk"}},
        "status": {
            "atProvider": {"id": "orders", "hashKey": "pk", "replica": list(replicas)},
            "conditions": [{"type": "Ready", "status": "True"}],
        },
    }


def _compose(spec: dict[str, Any], table: dict[str, Any]) -> Any:
    xr = {"apiVersion": "aws.project-planton.org/v1", "kind": "XAwsDynamodb"}
    xr |= {"metadata": {"name": "orders"}, "spec": spec}
    return compose(crossplane_request(composite=xr, observed={"table": table}, input={}))


EU = {"regionName": "eu-west-1", "arn": "arn:aws:dynamodb:eu-west-1:1:table/orders"}
AP = {"regionName": "ap-south-1", "arn": "arn:aws:dynamodb:ap-south-1:1:table/orders"}
KEY = "arn:aws:kms:{}:123456789012:key/k{}"
CMK = {"serverSideEncryption": {"enabled": True, "kmsKeyArn": KEY.format("us-east-1", 1)}}


@pytest.mark.parametrize(
    ("spec", "observed", "refused"),
    [
        pytest.param(
            _spec(replicas=[{"region": "eu-west-1"}]),
            [EU, AP],
            {("spec.replicas", "replica_removal_opt_in")},
            id="removed-without-opt-in",
        ),
        pytest.param(
            _spec(replicas=[]),
            [EU],
            {("spec.replicas", "replica_removal_opt_in")},
            id="all-replicas-removed",
        ),
        pytest.param(
            _spec(replicas=[{"region": "eu-west-1"}], allowReplicaRemoval=["ap-south-1"]),
            [EU, AP],
            set(),
            id="removed-with-opt-in",
        ),
        pytest.param(
            _spec(replicas=[], allowReplicaRemoval=["eu-west-1"]),
            [EU | {"deletionProtectionEnabled": True}],
            {("spec.replicas", "replica_removal_protected")},
            id="opted-in-but-protected",
        ),
        pytest.param(
            _spec(
                **CMK, replicas=[{"region": "eu-west-1", "kmsKeyArn": KEY.format("eu-west-1", 2)}]
            ),
            [EU | {"kmsKeyArn": KEY.format("eu-west-1", 1)}],
            {("spec.replicas[0].kmsKeyArn", "replica_removal_opt_in")},
            id="key-change-replaces-the-replica",
        ),
        pytest.param(
            _spec(
                **CMK, replicas=[{"region": "eu-west-1", "kmsKeyArn": KEY.format("eu-west-1", 1)}]
            ),
            [EU | {"kmsKeyArn": KEY.format("eu-west-1", 1)}],
            set(),
            id="same-key-no-change",
        ),
        pytest.param(
            _spec(replicas=[{"region": "eu-west-1"}, {"region": "ap-south-1"}]),
            [EU],
            set(),
            id="replica-added",
        ),
    ],
)
def test_deleting_a_replica_needs_the_opt_in(
    spec: dict[str, Any], observed: list[dict[str, Any]], refused: set[tuple[str, str]]
) -> None:
    outcome = _compose(spec, _observed_table(*observed))
    assert {(v.path, v.rule) for v in outcome.violations} == refused
    fatal = [r for r in outcome.results if r.severity == "Fatal"]
    if refused:
        assert len(fatal) == 1 and fatal[0].reason == "ReplicaRemoval"
        assert outcome.resources == {}
    else:
        assert fatal == [] and "table" in outcome.resources


def test_replica_settings_follow_the_table_unless_said() -> None:
    spec = _spec(
        deletionProtectionEnabled=True,
        pointInTimeRecoveryEnabled=False,
        replicas=[
            {"region": "eu-west-1"},
            {"region": "ap-south-1", "pointInTimeRecoveryEnabled": True, "propagateTags": False},
        ],
    )
    outcome = _compose(spec, _observed_table(EU, AP))
    blocks = outcome.resources["table"].body["spec"]["forProvider"]["replica"]
    assert blocks == [
        {
            "regionName": "eu-west-1",
            "pointInTimeRecovery": False,
            "propagateTags": True,
            "deletionProtectionEnabled": True,
        },
        {
            "regionName": "ap-south-1",
            "pointInTimeRecovery": True,
            "propagateTags": False,
            "deletionProtectionEnabled": True,
        },
    ]


def test_a_protected_replica_orphans_the_table_on_claim_deletion() -> None:
    spec = _spec(replicas=[{"region": "eu-west-1", "deletionProtectionEnabled": True}])
    outcome = _compose(spec, _observed_table(EU))
    assert outcome.resources["table"].body["spec"]["deletionPolicy"] == "Orphan"
    unprotected = _compose(_spec(replicas=[{"region": "eu-west-1"}]), _observed_table(EU))
    assert "deletionPolicy" not in unprotected.resources["table"].body["spec"]


def test_gsis_scale_in_every_replica_region() -> None:
    spec = _spec(
        billingMode="PROVISIONED",
        provisionedThroughput={"readCapacityUnits": 5, "writeCapacityUnits": 5},
        attributeDefinitions=[{"name": "pk", "type": "S"}, {"name": "g", "type": "S"}],
        globalSecondaryIndexes=[
            {
                "name": "by-g",
                "keySchema": [{"attributeName": "g", "keyType": "HASH"}],
                "provisionedThroughput": {"readCapacityUnits": 5, "writeCapacityUnits": 5},
            }
        ],
        autoScaling={},
        replicas=[{"region": "eu-west-1"}],
    )
    table = _observed_table(EU)
    table["status"]["atProvider"]["globalSecondaryIndex"] = [{"name": "by-g"}]
    outcome = _compose(spec, table)
    target = outcome.resources["index-by-g-write-target-eu-west-1"].body["spec"]["forProvider"]
    assert target["region"] == "eu-west-1"
    assert target["resourceId"] == "table/orders/index/by-g"


@pytest.mark.parametrize(
    ("name", "region", "expected"),
    [
        ("table-read-target", "eu-west-1", "table-read-target-eu-west-1"),
        (
            "index-by-status-write-policy",
            "ap-southeast-2",
            "index-by-status-write-policy-ap-southeast-2",
        ),
    ],
)
def test_regional_names_are_readable(name: str, region: str, expected: str) -> None:
    assert regional_name(name, region) == expected


def test_long_regional_names_stay_short_distinct_and_stable() -> None:
    indexes = ["a" * 44, "a" * 43 + "b", "ByCustomer.v2" * 5, "by-status"]
    regions = ["eu-west-1", "ap-southeast-2", "us-gov-west-1", "a" * 28 + "-1"]
    names = [
        regional_name(f(ix, dim), region)
        for ix in indexes
        for f in (target_name, policy_name)
        for dim in ("read", "write")
        for region in regions
    ]
    assert len(set(names)) == len(names)
    assert all(len(n) <= 63 for n in names)
    assert names[0] == regional_name(target_name("a" * 44, "read"), "eu-west-1")


READY = [{"type": "Ready", "status": "True"}]


@pytest.mark.parametrize(
    ("status", "active"),
    [
        pytest.param(
            {"atProvider": {"replica": [EU]}, "conditions": READY},
            {"eu-west-1"},
            id="listed-with-arn",
        ),
        pytest.param(
            {"atProvider": {"replica": [{"regionName": "eu-west-1"}]}, "conditions": READY},
            set(),
            id="listed-without-arn",
        ),
        pytest.param({"atProvider": {"replica": [EU]}}, set(), id="table-not-ready"),
        pytest.param(
            {"atProvider": {"replica": "eu-west-1"}, "conditions": READY}, set(), id="garbage"
        ),
        pytest.param({"conditions": READY}, set(), id="not-listed"),
    ],
)
def test_a_replica_is_active_when_the_ready_table_lists_it_with_an_arn(
    status: dict[str, Any], active: set[str]
) -> None:
    assert active_replica_regions({"table": {"status": status}}) == active
