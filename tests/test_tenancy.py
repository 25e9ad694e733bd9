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
from tests.support import NOT_FOUND_CONDITION, composed_by, observed_not_found

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
    stub: Stub,
    xr: dict[str, Any],
    table: dict[str, Any] | None = None,
    *,
    as_is: bool = False,
    **input_: Any,
) -> fnv1.RunFunctionResponse:
    """One request; ``table`` observed as Crossplane composed it for ``xr`` (as_is: verbatim)."""
    observed = []
    if table is not None:
        table = copy.deepcopy(table)
        annotations = table.setdefault("metadata", {}).setdefault("annotations", {})
        annotations["crossplane.io/composition-resource-name"] = "table"
        observed.append(table if as_is else composed_by(xr, table))
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
    # Earlier versions set no policies: the API server's default, full management.
    legacy["spec"]["managementPolicies"] = ["*"]
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
    listed = {"namespace": "billing", "name": "payments", "table": "payments-prod"}
    rsp = run(stub_v1, xr, observed, tenancy={"adoptExistingTables": [listed]})
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


# --- issue 20: what a tenant shapes through Crossplane itself ----------------------------

VICTIM = "web.payments"


def warnings_of(rsp: fnv1.RunFunctionResponse, reason: str) -> list[str]:
    return [
        r.message for r in rsp.results if r.severity == fnv1.SEVERITY_WARNING and r.reason == reason
    ]


def _decoy_secret(xr: dict[str, Any]) -> dict[str, Any]:
    """A Secret of the tenant's namespace, dressed as this composite's Table."""
    meta: dict[str, Any] = {
        "name": "decoy",
        "annotations": {"crossplane.io/external-name": VICTIM},
    }
    if ns := xr["metadata"].get("namespace"):
        meta["namespace"] = ns
    return {"apiVersion": "v1", "kind": "Secret", "metadata": meta, "data": {}}


def _decoy_table(xr: dict[str, Any], change: str) -> dict[str, Any]:
    """A Table of the victim's name, managed, Ready, with one thing that gives it away."""
    namespaced = bool(xr["metadata"].get("namespace"))
    table = {
        "apiVersion": "dynamodb.aws.m.upbound.io/v1beta1"
        if namespaced
        else "dynamodb.aws.upbound.io/v1beta2",
        "kind": "Table",
        "metadata": {
            "name": "decoy",
            "annotations": {"crossplane.io/external-name": VICTIM},
            **({"namespace": xr["metadata"]["namespace"]} if namespaced else {}),
        },
        "spec": {
            "forProvider": {"region": "us-east-1", "hashKey": "pk"},
            "managementPolicies": list(TABLE_ACTIONS),
            "providerConfigRef": {"name": "default"},
        },
        "status": {"atProvider": {**FOREIGN_AT_PROVIDER, "id": VICTIM}, "conditions": READY},
    }
    table = composed_by(xr, table)
    if change == "other scope":
        other = (
            "dynamodb.aws.upbound.io/v1beta2" if namespaced else "dynamodb.aws.m.upbound.io/v1beta1"
        )
        table["apiVersion"] = other
    elif change == "another controller":
        table["metadata"]["ownerReferences"][0]["uid"] = "uid-of-another-xr"
    elif change == "not a controller":
        table["metadata"]["ownerReferences"][0]["controller"] = False
    elif change == "no owner":
        del table["metadata"]["ownerReferences"]
    elif change == "management not given":
        table["spec"]["managementPolicies"] = ["Create", "Update", "Delete"]
    return table


DECOYS = [
    "secret",
    "other scope",
    "another controller",
    "not a controller",
    "no owner",
    "management not given",
]


@pytest.mark.parametrize("decoy", DECOYS)
@pytest.mark.parametrize("scope", SCOPES)
def test_a_decoy_observed_as_the_table_is_ignored_and_says_so(
    stub_v1: Stub, scope: str, decoy: str
) -> None:
    xr = SCOPES[scope]()  # no tableName: a Table's own name would be kept (guards.py)
    table = _decoy_secret(xr) if decoy == "secret" else _decoy_table(xr, decoy)
    rsp = run(stub_v1, xr, table, as_is=True)
    assert fatal(rsp) == []
    desired = table_of(rsp)
    # As if nothing were observed: the composite's own default name, observe-only.
    own = "shop.grab" if scope == "namespaced XR" else "grab-x1y2z"
    assert desired["metadata"]["annotations"]["crossplane.io/external-name"] == own
    assert desired["spec"]["managementPolicies"] == ["Observe"]
    assert warnings_of(rsp, "UntrustedObservation") == [
        "ignoring the observed resource 'decoy' named as this composite's 'table': it is not "
        "what Crossplane composed for this composite (see docs/safety.md, Threat model)"
    ]
    answer = rsp.SerializeToString()
    for marker in [VICTIM, *FOREIGN_MARKERS]:
        assert marker.encode() not in answer, marker


@pytest.mark.parametrize("scope", SCOPES)
def test_a_refusal_never_echoes_a_decoy_as_the_table(stub_v1: Stub, scope: str) -> None:
    # A Fatal carries the observed Table forward (guards.carried_forward): never a decoy.
    xr = SCOPES[scope](keySchema=[{"attributeName": "nope", "keyType": "HASH"}])
    rsp = run(stub_v1, xr, _decoy_secret(xr), as_is=True)
    assert len(fatal(rsp)) == 1
    assert "table" not in rsp.desired.resources
    assert VICTIM.encode() not in rsp.SerializeToString()


@pytest.mark.parametrize("scope", SCOPES)
def test_a_decoy_resource_policy_cannot_aim_the_policy_at_another_table(
    stub_v1: Stub, scope: str
) -> None:
    # A ResourcePolicy once applied keeps the ARN it was made for (render/resource_policy.py):
    # a decoy of that name must not hand the function another team's table ARN.
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111122223333:role/reporting"},
        "Action": ["dynamodb:GetItem"],
        "Resource": "arn:aws:dynamodb:us-east-1:111122223333:table/shop.orders",
    }
    policy = {"Version": "2012-10-17", "Statement": [statement]}
    xr = SCOPES[scope](tableName="shop.orders", resourcePolicy=policy)
    namespaced = scope == "namespaced XR"
    decoy: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "decoy",
            "annotations": {"crossplane.io/composition-resource-name": "resource-policy"},
            **({"namespace": "shop"} if namespaced else {}),
        },
        "spec": {"forProvider": {"resourceArn": FOREIGN_AT_PROVIDER["arn"]}},
    }
    rsp = stub_v1.RunFunction(build_request(xr, [decoy], INPUT), timeout=10)
    assert fatal(rsp) == []
    assert "resource-policy" not in rsp.desired.resources
    assert warnings_of(rsp, "UntrustedObservation") == [
        "ignoring the observed resource 'decoy' named as this composite's 'resource-policy': it "
        "is not what Crossplane composed for this composite (see docs/safety.md, Threat model)"
    ]
    assert b"999988887777" not in rsp.SerializeToString()


def test_the_tables_own_observation_is_still_believed(stub_v1: Stub) -> None:
    xr = namespaced_xr("shop", "grab", tableName="shop.orders")
    observing = table_of(run(stub_v1, xr))
    rsp = run(stub_v1, xr, observed_not_found(observing))
    assert warnings_of(rsp, "UntrustedObservation") == []
    assert table_of(rsp)["spec"]["managementPolicies"] == list(TABLE_ACTIONS)


def _applied(previous: dict[str, Any], desired: dict[str, Any]) -> dict[str, Any]:
    """``desired`` as Crossplane applies it over ``previous``: a new spec is a new generation.

    The status stays the provider's last (and its observedGeneration with it).
    """
    generation = previous["metadata"]["generation"]
    if desired["spec"] != previous["spec"]:
        generation += 1
    meta = {**previous["metadata"], **desired["metadata"], "generation": generation}
    return {**desired, "metadata": meta, "status": previous["status"]}


def test_renaming_over_a_stale_observation_manages_nothing(stub_v1: Stub) -> None:
    xr = claim_xr("shop", "grab", tableName="free-name")
    observing = composed_by(xr, table_of(run(stub_v1, xr)))
    # The provider says 'free-name' does not exist (at generation 1) ...
    free = observed_not_found(observing)
    assert free["status"]["conditions"][0]["observedGeneration"] == 1
    # ... and the tenant renames before the function sees it: it must look again.
    xr["spec"]["tableName"] = "payments-prod"
    again = table_of(run(stub_v1, xr, free))
    assert again["spec"]["managementPolicies"] == ["Observe"]
    assert again["metadata"]["annotations"]["crossplane.io/external-name"] == "payments-prod"

    # Crossplane applies it; the provider has not looked yet: the old answer is not this one's.
    stale = _applied(free, again)
    assert stale["metadata"]["generation"] == 2, "a new name must be a new generation"
    rsp = run(stub_v1, xr, stale)
    assert fatal(rsp) == []
    assert table_of(rsp)["spec"]["managementPolicies"] == ["Observe"]

    # The provider's answer for generation 2: the table exists and is another team's.
    seen = {
        **stale,
        "status": {
            "atProvider": FOREIGN_AT_PROVIDER,
            "conditions": [{**c, "observedGeneration": 2} for c in READY],
        },
    }
    refused = run(stub_v1, xr, seen)
    assert [r.reason for r in refused.results if r.severity == fnv1.SEVERITY_FATAL] == [
        "TableNotOwned"
    ]
    for marker in FOREIGN_MARKERS:
        assert marker.encode() not in refused.SerializeToString(), marker


def test_an_answer_without_its_generation_decides_nothing(stub_v1: Stub) -> None:
    # A provider that does not stamp observedGeneration cannot say which name it looked at.
    xr = claim_xr("shop", "grab", tableName="free-name")
    free = observed_not_found(composed_by(xr, table_of(run(stub_v1, xr))))
    del free["status"]["conditions"][0]["observedGeneration"]
    assert table_of(run(stub_v1, xr, free, as_is=True))["spec"]["managementPolicies"] == ["Observe"]


def _managed(stub: Stub, xr: dict[str, Any], **input_: Any) -> dict[str, Any]:
    """The composite's Table once created and Ready, as Crossplane observes it."""
    free = observed_not_found(composed_by(xr, table_of(run(stub, xr, **input_))))
    created = _applied(free, table_of(run(stub, xr, free, **input_)))
    name = created["metadata"]["annotations"]["crossplane.io/external-name"]
    fp = created["spec"]["forProvider"]
    at_provider = {"arn": f"arn:aws:dynamodb:us-east-1:111122223333:table/{name}", "id": name}
    generation = created["metadata"]["generation"]
    conditions = [{**c, "observedGeneration": generation} for c in READY]
    return {
        **created,
        "status": {"atProvider": {**at_provider, "tags": fp["tags"]}, "conditions": conditions},
    }


def test_switching_composition_cannot_move_a_managed_table_to_another_account(
    stub_v1: Stub,
) -> None:
    xr = claim_xr("shop", "orders", tableName="shop-orders")
    table = _managed(stub_v1, xr, providerConfigName="team-a")
    assert table["spec"]["providerConfigRef"] == {"name": "team-a"}
    # The claim picks the other team's Composition: same function, another provider config.
    rsp = run(stub_v1, xr, table, providerConfigName="team-b")
    [message] = fatal(rsp)
    assert [r.reason for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL] == [
        "ImmutableChange"
    ]
    assert "input.providerConfigName: the provider config" in message
    assert "'team-a' -> 'team-b'" in message
    # Nothing changes: the Table is carried forward exactly, with its own provider config.
    assert table_of(rsp)["spec"]["providerConfigRef"] == {"name": "team-a"}
    # Back on its own Composition, all is well.
    assert fatal(run(stub_v1, xr, table, providerConfigName="team-a")) == []


@pytest.mark.parametrize(
    ("namespace", "claim", "adopts"),
    [("billing", "payments", True), ("shop", "grab", False), ("billing", "other", False)],
    ids=["the named claim adopts", "another namespace's claim", "another claim of the namespace"],
)
def test_an_adoption_entry_names_the_one_claim_that_may_adopt(
    stub_v1: Stub, namespace: str, claim: str, adopts: bool
) -> None:
    entry = {"namespace": "billing", "name": "payments", "table": "payments-prod"}
    policy = {"tableNamePrefix": None, "adoptExistingTables": [entry]}
    xr = claim_xr(namespace, claim, tableName="payments-prod")
    observing = table_of(run(stub_v1, xr, tenancy=policy))
    at_provider = {"arn": "arn:aws:dynamodb:us-east-1:1:table/payments-prod", "id": "payments-prod"}
    observed = with_status(observing, atProvider=at_provider, conditions=READY)
    rsp = run(stub_v1, xr, observed, tenancy=policy)
    if adopts:
        assert fatal(rsp) == []
        assert table_of(rsp)["spec"]["managementPolicies"] == list(TABLE_ACTIONS)
        assert len(warnings_of(rsp, "AdoptingTable")) == 1
    else:
        assert [r.reason for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL] == [
            "TableNotOwned"
        ]
        assert table_of(rsp)["spec"]["managementPolicies"] == ["Observe"]


def test_an_adoption_entry_without_its_tenant_is_refused(stub_v1: Stub) -> None:
    rsp = run(
        stub_v1,
        claim_xr("billing", "payments", tableName="payments-prod"),
        tenancy={"adoptExistingTables": ["payments-prod"]},
    )
    [message] = fatal(rsp)
    assert message.startswith(
        "invalid function Input, 1 problem: input.tenancy.adoptExistingTables"
    )
    assert "{namespace, name, table}" in message


def test_a_claim_binding_an_unclaimed_xr_does_not_take_its_table(stub_v1: Stub) -> None:
    # The platform's own cluster XR, no claim: its table is tagged with the XR's name.
    platform = {
        "apiVersion": "aws.project-planton.org/v1",
        "kind": "XAwsDynamodb",
        "metadata": {"name": "platform-orders", "uid": "uid-platform-orders"},
        "spec": {**KEYS, "deletionProtectionEnabled": True},
    }
    table = _managed(stub_v1, platform)
    assert table["spec"]["forProvider"]["tags"][OWNER] == "platform-orders"
    # A claim binds it by spec.resourceRef: Crossplane sets the claim's reference and
    # labels on the XR, and the claim's spec (protection off) on the XR's.
    bound = copy.deepcopy(platform)
    bound["metadata"]["labels"] = {
        "crossplane.io/claim-name": "grab",
        "crossplane.io/claim-namespace": "shop",
    }
    bound["spec"]["claimRef"] = {"kind": "AwsDynamodb", "name": "grab", "namespace": "shop"}
    bound["spec"]["deletionProtectionEnabled"] = False
    rsp = run(stub_v1, bound, table)
    assert fatal(rsp) == [
        "this composite's table is owned by another claim or composite, so this claim cannot "
        "manage it; create a new claim for a table of its own"
    ]
    assert [r.reason for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL] == ["TableNotOwned"]
    # Carried forward as it is: the platform's tag, protection and policies unchanged.
    kept = table_of(rsp)
    assert kept["spec"] == table["spec"]
    assert b"shop/grab" not in rsp.desired.resources["table"].SerializeToString()
    assert b"111122223333" not in rsp.SerializeToString().replace(
        rsp.desired.resources["table"].SerializeToString(), b""
    )
