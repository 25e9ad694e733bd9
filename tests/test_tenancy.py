"""Tenants sharing one AWS account, through the real gRPC server.

A claim must never take over, learn about or delete a table it does not own
(function/safety/ownership.py), and the platform's policy in the Input
(function/api/tenancy.py) holds names, regions, KMS keys and tags in line.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from function.offline import build_request
from function.render.policies import TABLE_ACTIONS
from function.serve.structs import struct_to_dict
from tests.support import NOT_FOUND_CONDITION, observed_not_found

Stub = grpcv1.FunctionRunnerServiceStub
OWNER = "awsdynamodb.fn.project-planton.org/owner"
KEYS = {
    "attributeDefinitions": [{"name": "pk", "type": "S"}],
    "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
}
INPUT = {
    "apiVersion": "awsdynamodb.fn.project-planton.org/v1beta1",
    "kind": "Input",
    "region": "us-east-1",
    "providerConfigName": "default",
}


def claim_xr(namespace: str, claim: str, suffix: str = "x1y2z", **spec: Any) -> dict[str, Any]:
    """The XR Crossplane makes for claim NAMESPACE/CLAIM."""
    return {
        "apiVersion": "aws.project-planton.org/v1",
        "kind": "XAwsDynamodb",
        "metadata": {
            "name": f"{claim}-{suffix}",
            "uid": f"uid-{namespace}-{claim}-{suffix}",
            "labels": {
                "crossplane.io/claim-name": claim,
                "crossplane.io/claim-namespace": namespace,
            },
        },
        "spec": {
            "claimRef": {"kind": "AwsDynamodb", "name": claim, "namespace": namespace},
            **KEYS,
            **spec,
        },
    }


def namespaced_xr(namespace: str, name: str, **spec: Any) -> dict[str, Any]:
    """A Crossplane v2 namespaced XR."""
    return {
        "apiVersion": "aws.project-planton.org/v1",
        "kind": "XAwsDynamodb",
        "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{namespace}-{name}"},
        "spec": {"crossplane": {}, **KEYS, **spec},
    }


def run(
    stub: Stub, xr: dict[str, Any], table: dict[str, Any] | None = None, **input_: Any
) -> fnv1.RunFunctionResponse:
    observed = []
    if table is not None:
        table = copy.deepcopy(table)
        annotations = table.setdefault("metadata", {}).setdefault("annotations", {})
        annotations["crossplane.io/composition-resource-name"] = "table"
        observed.append(table)
    return stub.RunFunction(build_request(xr, observed, {**INPUT, **input_}), timeout=10)


def table_of(rsp: fnv1.RunFunctionResponse) -> dict[str, Any]:
    return struct_to_dict(rsp.desired.resources["table"].resource)


def fatal(rsp: fnv1.RunFunctionResponse) -> list[str]:
    return [r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]


def outputs(rsp: fnv1.RunFunctionResponse) -> dict[str, Any]:
    status = struct_to_dict(rsp.desired.composite.resource).get("status", {})
    return dict(status.get("outputs", {}))


def with_status(table: dict[str, Any], **status: Any) -> dict[str, Any]:
    return {**table, "status": status}


READY = [{"type": "Ready", "status": "True"}, {"type": "Synced", "status": "True"}]

# Another team's table as AWS reports it: none of this may reach the claim.
FOREIGN_AT_PROVIDER = {
    "arn": "arn:aws:dynamodb:us-east-1:999988887777:table/payments-prod",
    "id": "payments-prod",
    "hashKey": "accountId",
    "rangeKey": "postedAt",
    "attribute": [{"name": "accountId", "type": "S"}, {"name": "postedAt", "type": "N"}],
    "streamArn": "arn:aws:dynamodb:us-east-1:999988887777:table/payments-prod/stream/X",
    "tags": {OWNER: "billing/payments", "team": "billing-secret-team"},
}
FOREIGN_MARKERS = ["999988887777", "accountId", "postedAt", "billing/payments", "billing-secret"]

SCOPES = {
    "claim": lambda **spec: claim_xr("shop", "grab", **spec),
    "namespaced XR": lambda **spec: namespaced_xr("shop", "grab", **spec),
}


@pytest.mark.parametrize("scope", SCOPES)
def test_a_claim_naming_another_teams_table_is_refused_and_learns_nothing(
    stub_v1: Stub, scope: str
) -> None:
    xr = SCOPES[scope](tableName="payments-prod")
    first = run(stub_v1, xr)
    assert fatal(first) == []
    observing = table_of(first)
    assert observing["spec"]["managementPolicies"] == ["Observe"]
    assert observing["metadata"]["annotations"]["crossplane.io/external-name"] == "payments-prod"
    assert outputs(first) == {"tableName": "payments-prod"}
    assert first.desired.composite.ready == fnv1.READY_FALSE

    observed = with_status(observing, atProvider=FOREIGN_AT_PROVIDER, conditions=READY)
    second = run(stub_v1, xr, observed)
    assert fatal(second) == [
        "table 'payments-prod' already exists and is not owned by this claim; choose another "
        "spec.tableName (a platform team can let this Composition take the table over with "
        "tenancy.adoptExistingTables in the function's Input)"
    ]
    assert table_of(second)["spec"]["managementPolicies"] == ["Observe"]
    assert "status" not in struct_to_dict(second.desired.composite.resource)
    assert dict(second.desired.composite.connection_details) == {}
    # Nothing of the foreign table anywhere in the answer: results, status, resources.
    answer = second.SerializeToString()
    for marker in FOREIGN_MARKERS:
        assert marker.encode() not in answer, marker


def test_the_owners_claim_creates_and_manages_its_table(stub_v1: Stub) -> None:
    xr = claim_xr("billing", "payments", tableName="payments-prod")
    observing = table_of(run(stub_v1, xr))
    assert observing["spec"]["managementPolicies"] == ["Observe"]

    created = run(stub_v1, xr, observed_not_found(observing))
    assert fatal(created) == []
    table = table_of(created)
    # Full management (less LateInitialize, which no Table gets: render/policies.py).
    assert table["spec"]["managementPolicies"] == list(TABLE_ACTIONS)
    assert table["spec"]["forProvider"]["tags"][OWNER] == "billing/payments"

    ready = with_status(
        table,
        atProvider={"arn": "arn:aws:dynamodb:us-east-1:1:table/payments-prod"},
        conditions=READY,
    )
    rsp = run(stub_v1, xr, ready)
    assert fatal(rsp) == []
    assert table_of(rsp)["spec"]["managementPolicies"] == list(TABLE_ACTIONS)
    assert outputs(rsp)["tableArn"] == "arn:aws:dynamodb:us-east-1:1:table/payments-prod"

    # Sticky: a transient error on the managed Table never sends it back to observing.
    failing = with_status(
        table,
        conditions=[{"type": "Synced", "status": "False", "message": "observe failed: throttled"}],
    )
    assert table_of(run(stub_v1, xr, failing))["spec"]["managementPolicies"] == list(TABLE_ACTIONS)


def test_a_table_made_by_an_earlier_version_stays_managed_and_gets_the_tag(stub_v1: Stub) -> None:
    xr = claim_xr("shop", "orders")
    legacy = table_of(run(stub_v1, xr))
    del legacy["spec"]["managementPolicies"]  # earlier versions managed from the start
    del legacy["spec"]["forProvider"]["tags"]
    observed = with_status(
        legacy, atProvider={"arn": "arn:aws:dynamodb:::table/x"}, conditions=READY
    )
    rsp = run(stub_v1, xr, observed)
    assert fatal(rsp) == []
    assert table_of(rsp)["spec"]["managementPolicies"] == list(TABLE_ACTIONS)
    assert table_of(rsp)["spec"]["forProvider"]["tags"][OWNER] == "shop/orders"


def test_a_table_recreated_for_the_same_claim_is_taken_back(stub_v1: Stub) -> None:
    # The claim shop/orders was deleted (its protected table orphaned) and created
    # again: a new XR, a new uid, the same claim; its table carries the tag.
    xr = claim_xr("shop", "orders", suffix="n3w00", tableName="shop-orders")
    observing = table_of(run(stub_v1, xr))
    at_provider = {
        "arn": "arn:aws:dynamodb:us-east-1:1:table/shop-orders",
        "tags": {OWNER: "shop/orders"},
    }
    rsp = run(stub_v1, xr, with_status(observing, atProvider=at_provider, conditions=READY))
    assert fatal(rsp) == []
    assert table_of(rsp)["spec"]["managementPolicies"] == list(TABLE_ACTIONS)
    assert outputs(rsp)["tableArn"] == "arn:aws:dynamodb:us-east-1:1:table/shop-orders"


def test_an_observation_of_another_name_decides_nothing(stub_v1: Stub) -> None:
    # What was observed is of 'payments-prod'; the claim has since switched to another name.
    xr = claim_xr("shop", "grab", tableName="payments-prod")
    observing = table_of(run(stub_v1, xr))
    foreign = with_status(observing, atProvider=FOREIGN_AT_PROVIDER, conditions=READY)
    xr["spec"]["tableName"] = "free-name"
    rsp = run(stub_v1, xr, foreign)
    assert fatal(rsp) == []
    table = table_of(rsp)
    assert table["metadata"]["annotations"]["crossplane.io/external-name"] == "free-name"
    assert table["spec"]["managementPolicies"] == ["Observe"]
    assert outputs(rsp) == {"tableName": "free-name"}
    for marker in FOREIGN_MARKERS:
        assert marker.encode() not in rsp.SerializeToString(), marker

    # Nor does "does not exist", said of 'free-name', count for 'payments-prod'.
    not_found = observed_not_found(table)
    xr["spec"]["tableName"] = "payments-prod"
    table = table_of(run(stub_v1, xr, not_found))
    assert table["metadata"]["annotations"]["crossplane.io/external-name"] == "payments-prod"
    assert table["spec"]["managementPolicies"] == ["Observe"]


def test_the_platform_may_allow_taking_over_a_listed_table(stub_v1: Stub) -> None:
    xr = claim_xr("billing", "payments", tableName="payments-prod")
    observing = table_of(run(stub_v1, xr))
    # Made outside Crossplane, with the keys the claim asks for; no ownership tag.
    at_provider = {"arn": "arn:aws:dynamodb:us-east-1:1:table/payments-prod", "hashKey": "pk"}
    observed = with_status(observing, atProvider=at_provider, conditions=READY)
    rsp = run(stub_v1, xr, observed, tenancy={"adoptExistingTables": ["payments-prod"]})
    assert fatal(rsp) == []
    assert table_of(rsp)["spec"]["managementPolicies"] == list(TABLE_ACTIONS)
    assert [r.reason for r in rsp.results if r.severity == fnv1.SEVERITY_WARNING] == [
        "TableNamePolicy",
        "AdoptingTable",
    ]


def _external_name(rsp: fnv1.RunFunctionResponse) -> str:
    assert fatal(rsp) == []
    return str(table_of(rsp)["metadata"]["annotations"]["crossplane.io/external-name"])


def test_namespace_prefixes_keep_two_namespaces_tables_apart(stub_v1: Stub) -> None:
    policy = {"tableNamePrefix": "{namespace}."}
    names = [
        _external_name(run(stub_v1, make("shop", "orders", tableName="orders"), tenancy=policy))
        for make in (namespaced_xr, claim_xr)
    ] + [
        _external_name(
            run(stub_v1, namespaced_xr("shop-eu", "o", tableName="orders"), tenancy=policy)
        ),
        _external_name(
            run(stub_v1, namespaced_xr("shop", "o", tableName="shop.orders"), tenancy=policy)
        ),
        _external_name(run(stub_v1, namespaced_xr("shop", "o"), tenancy=policy)),
    ]
    assert names == ["shop.orders", "shop.orders", "shop-eu.orders", "shop.orders", "shop.o"]


def test_namespaced_default_names_differ_between_namespaces(stub_v1: Stub) -> None:
    web = _external_name(run(stub_v1, namespaced_xr("web", "sessions")))
    api = _external_name(run(stub_v1, namespaced_xr("api", "sessions")))
    assert (web, api) == ("web.sessions", "api.sessions")


def test_a_managed_table_keeps_its_name_when_a_prefix_policy_arrives(stub_v1: Stub) -> None:
    xr = namespaced_xr("shop", "o", tableName="orders")
    created = table_of(run(stub_v1, xr, observed_not_found(table_of(run(stub_v1, xr)))))
    observed = with_status(created, conditions=READY)
    rsp = run(stub_v1, xr, observed, tenancy={"tableNamePrefix": "{namespace}."})
    assert _external_name(rsp) == "orders"


def test_platform_tags_win_over_the_claims(stub_v1: Stub) -> None:
    xr = claim_xr("shop", "orders", tags={"cost-center": "mine", "team": "shop"})
    rsp = run(stub_v1, xr, tags={"cost-center": "platform-42"})
    tags = table_of(rsp)["spec"]["forProvider"]["tags"]
    assert tags["cost-center"] == "platform-42"
    assert tags["team"] == "shop"
    warnings = [r.message for r in rsp.results if r.reason == "PlatformTag"]
    assert warnings == [
        "spec.tags['cost-center']: the Composition sets this tag; its value is used"
    ]


@pytest.mark.parametrize(
    ("spec", "fn_input", "problem"),
    [
        ({"tags": {"crossplane-name": "x"}}, {}, "spec.tags['crossplane-name']: "),
        ({"tags": {OWNER: "billing/payments"}}, {}, f"spec.tags['{OWNER}']: "),
        ({"tags": {"aws:cloudformation:x": "y"}}, {}, "[tag_key_format]"),
        ({"tags": {"team": "a<b>"}}, {}, "[tag_chars]"),
        (
            {
                "serverSideEncryption": {
                    "enabled": True,
                    "kmsKeyArn": "arn:aws:kms:us-east-1:999988887777:key/k",
                }
            },
            {"tenancy": {"kmsKeyAccounts": ["111122223333"]}},
            "[kms_key_account]",
        ),
        (
            {
                "serverSideEncryption": {
                    "enabled": True,
                    "kmsKeyArn": "arn:aws:kms:eu-west-1:111122223333:key/k",
                }
            },
            {},
            "[kms_key_region]",
        ),
        (
            {"region": "ap-south-1"},
            {"tenancy": {"allowedRegions": ["us-east-1"]}},
            "[region_allowed]",
        ),
        (
            {
                "streamEnabled": True,
                "streamViewType": "NEW_AND_OLD_IMAGES",
                "serverSideEncryption": {
                    "enabled": True,
                    "kmsKeyArn": "arn:aws:kms:us-east-1:111122223333:key/k",
                },
                "replicas": [
                    {"region": "eu-west-1", "kmsKeyArn": "arn:aws:kms:eu-west-1:999988887777:key/k"}
                ],
            },
            {"tenancy": {"kmsKeyAccounts": ["111122223333"]}},
            "spec.replicas[0].kmsKeyArn: the KMS key must belong to an account",
        ),
    ],
    ids=[
        "provider tag key",
        "ownership tag key",
        "aws: tag key",
        "tag characters",
        "KMS key of a foreign account",
        "KMS key in another region",
        "region not allowed",
        "replica's KMS key of a foreign account",
    ],
)
def test_platform_policy_refusals(
    stub_v1: Stub, spec: dict[str, Any], fn_input: dict[str, Any], problem: str
) -> None:
    rsp = run(stub_v1, claim_xr("shop", "orders", **spec), **fn_input)
    [message] = fatal(rsp)
    assert problem in message
    assert "table" not in rsp.desired.resources


def test_a_managed_table_in_a_region_no_longer_allowed_is_not_locked_out(stub_v1: Stub) -> None:
    xr = claim_xr("shop", "orders", region="ap-south-1")
    created = table_of(run(stub_v1, xr, observed_not_found(table_of(run(stub_v1, xr)))))
    rsp = run(
        stub_v1,
        xr,
        with_status(created, conditions=READY),
        tenancy={"allowedRegions": ["us-east-1"]},
    )
    assert fatal(rsp) == []


def test_a_prefix_that_would_let_namespaces_overlap_is_refused(stub_v1: Stub) -> None:
    rsp = run(stub_v1, claim_xr("shop", "orders"), tenancy={"tableNamePrefix": "{namespace}-"})
    [message] = fatal(rsp)
    assert message.startswith("invalid function Input, 1 problem: input.tenancy.tableNamePrefix:")
    assert "must be followed by . or _" in message


def test_the_not_found_condition_is_crossplane_runtimes() -> None:
    # crossplane-runtime's managed reconciler: errors.Wrap(errExternalResourceNotExist,
    # errReconcileObserve) on an observe-only resource whose external resource is absent.
    assert NOT_FOUND_CONDITION["message"] == "observe failed: external resource does not exist"


def test_nothing_named_after_the_table_is_rendered_while_observing(stub_v1: Stub) -> None:
    """An alarm named after another team's table would take over that team's alarm."""
    xr = claim_xr("shop", "grab", tableName="payments-prod")
    alarms_on = {"enabled": True, "alarmActions": ["arn:aws:sns:us-east-1:123456789012:ops"]}
    first = run(stub_v1, xr, alarms=alarms_on)
    assert fatal(first) == []
    assert set(first.desired.resources) == {"table"}
    assert table_of(first)["spec"]["managementPolicies"] == ["Observe"]

    free = with_status(table_of(first), conditions=[NOT_FOUND_CONDITION])
    second = run(stub_v1, xr, free, alarms=alarms_on)
    kinds = {struct_to_dict(r.resource)["kind"] for r in second.desired.resources.values()}
    assert "MetricAlarm" in kinds
