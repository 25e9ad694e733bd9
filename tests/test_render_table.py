"""What the function emits: the Table's mapping, scope, status, readiness, and CRD validity."""

from __future__ import annotations

from typing import Any

import pytest

from function.compose import Outcome, compose
from tests.support import EXAMPLES, FIXTURES, crossplane_request, load_yaml, reported_tags, with_uid

KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"
PRODUCTION_SPEC: dict[str, Any] = next(
    c["spec"]
    for c in load_yaml(FIXTURES / "specs" / "valid.yaml")
    if c["name"] == "streams-ttl-kms-and-everything-on"
)


def _xr(spec: dict[str, Any], namespace: str | None = None, v2: bool = False) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "orders"}
    if namespace:
        meta["namespace"] = namespace
    spec = dict(spec)
    if v2:
        spec["crossplane"] = {"compositionRef": {"name": "xawsdynamodb"}}
    return {
        "apiVersion": "aws.project-planton.org/v1",
        "kind": "XAwsDynamodb",
        "metadata": meta,
        "spec": spec,
    }


# The uid the API server would give the XR "orders" (tests/support.py's with_uid).
UID = with_uid({"metadata": {"name": "orders"}})["metadata"]["uid"]


def _compose(
    xr: dict[str, Any], observed: dict[str, Any] | None = None, fn_input: Any = None
) -> Outcome:
    outcome = compose(crossplane_request(composite=xr, observed=observed or {}, input=fn_input))
    assert not outcome.fatal, outcome.results
    return outcome


def _table(outcome: Outcome) -> dict[str, Any]:
    return outcome.resources["table"].body


def _ready(resource: dict[str, Any], atp: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        **resource,
        "status": {
            "atProvider": {**reported_tags(resource), **(atp or {})},
            "conditions": [{"type": "Ready", "status": "True"}],
        },
    }


def test_minimal_claim_gets_safe_defaults() -> None:
    fp = _table(_compose(load_yaml(EXAMPLES / "xr.yaml")))["spec"]["forProvider"]
    assert fp["billingMode"] == "PAY_PER_REQUEST"
    assert fp["pointInTimeRecovery"] == {"enabled": True, "recoveryPeriodInDays": 35}
    assert fp["serverSideEncryption"] == {"enabled": False}  # the AWS-owned key
    assert "readCapacity" not in fp and "writeCapacity" not in fp
    assert fp["attribute"] == [{"name": "pk", "type": "S"}]
    assert fp["hashKey"] == "pk" and "rangeKey" not in fp
    assert fp["ttl"] == {"enabled": False}
    assert fp["tableClass"] == "STANDARD"


def test_ttl_turned_off_or_removed_is_rendered_as_disabled() -> None:
    """Leaving ttl out would leave the provider keeping whatever TTL AWS has."""
    on = {**PRODUCTION_SPEC}
    off = {**PRODUCTION_SPEC, "ttl": {"enabled": False}}
    removed = {k: v for k, v in PRODUCTION_SPEC.items() if k != "ttl"}
    ttl = [_table(_compose(_xr(s)))["spec"]["forProvider"]["ttl"] for s in (on, off, removed)]
    assert ttl == [
        {"enabled": True, "attributeName": "expiresAt"},
        {"enabled": False},
        {"enabled": False},
    ]


def test_every_field_maps_onto_for_provider() -> None:
    table = _table(_compose(_xr(PRODUCTION_SPEC)))
    assert table["metadata"]["annotations"] == {"crossplane.io/external-name": "Orders.prod_v2"}
    fp = table["spec"]["forProvider"]
    assert fp == {
        "region": "us-east-1",
        "attribute": [{"name": "pk", "type": "B"}],
        "hashKey": "pk",
        "billingMode": "PAY_PER_REQUEST",
        "ttl": {"enabled": True, "attributeName": "expiresAt"},
        "streamEnabled": True,
        "streamViewType": "NEW_AND_OLD_IMAGES",
        "pointInTimeRecovery": {"enabled": True, "recoveryPeriodInDays": 35},
        "serverSideEncryption": {"enabled": True, "kmsKeyArn": KMS_KEY},
        "tableClass": "STANDARD_INFREQUENT_ACCESS",
        "deletionProtectionEnabled": True,
        "tags": {
            "team": "payments",
            "env": "prod",
            # The composite's ownership tags (safety/ownership.py): a cluster XR's name,
            # its uid, and while observing the name the Table asks about.
            "awsdynamodb.fn.project-planton.org/owner": "orders",
            "awsdynamodb.fn.project-planton.org/composite-uid": UID,
            "awsdynamodb.fn.project-planton.org/observing": "Orders.prod_v2",
        },
    }


def test_indexes_map_with_aws_projection_names_and_capacity() -> None:
    spec = {
        "region": "us-east-1",
        "billingMode": "PROVISIONED",
        "provisionedThroughput": {"readCapacityUnits": 10, "writeCapacityUnits": 5},
        "attributeDefinitions": [
            {"name": "pk", "type": "S"},
            {"name": "sk", "type": "S"},
            {"name": "g", "type": "N"},
            {"name": "l", "type": "S"},
        ],
        "keySchema": [
            {"attributeName": "pk", "keyType": "HASH"},
            {"attributeName": "sk", "keyType": "RANGE"},
        ],
        "globalSecondaryIndexes": [
            {
                "name": "by-g",
                "keySchema": [
                    {"attributeName": "g", "keyType": "HASH"},
                    {"attributeName": "sk", "keyType": "RANGE"},
                ],
                "projection": {"type": "KEYS_ONLY_PROJECTION"},
                "provisionedThroughput": {"readCapacityUnits": 3, "writeCapacityUnits": 2},
            }
        ],
        "localSecondaryIndexes": [
            {
                "name": "by-l",
                "keySchema": [
                    {"attributeName": "pk", "keyType": "HASH"},
                    {"attributeName": "l", "keyType": "RANGE"},
                ],
                "projection": {"type": "INCLUDE", "nonKeyAttributes": ["total"]},
            }
        ],
    }
    fp = _table(_compose(_xr(spec)))["spec"]["forProvider"]
    assert (fp["readCapacity"], fp["writeCapacity"], fp["rangeKey"]) == (10, 5, "sk")
    assert fp["globalSecondaryIndex"] == [
        {
            "name": "by-g",
            "hashKey": "g",
            "rangeKey": "sk",
            "projectionType": "KEYS_ONLY",
            "readCapacity": 3,
            "writeCapacity": 2,
        }
    ]
    assert fp["localSecondaryIndex"] == [
        {
            "name": "by-l",
            "rangeKey": "l",
            "projectionType": "INCLUDE",
            "nonKeyAttributes": ["total"],
        }
    ]


def test_input_sets_defaults_provider_config_and_tags_over_the_claims() -> None:
    # The KMS key must be in the table's region, which here comes from the Input.
    spec = {
        k: v
        for k, v in PRODUCTION_SPEC.items()
        if k not in ("region", "pointInTimeRecoveryEnabled", "serverSideEncryption")
    }
    fn_input = {
        "apiVersion": "awsdynamodb.fn.project-planton.org/v1beta1",
        "kind": "Input",
        "region": "eu-central-1",
        "providerConfigName": "aws-prod",
        "tags": {"team": "platform", "cost-center": "42"},
        "defaults": {"pointInTimeRecoveryEnabled": False, "billingMode": "PAY_PER_REQUEST"},
    }
    table = _table(_compose(_xr(spec), fn_input=fn_input))
    fp = table["spec"]["forProvider"]
    assert fp["region"] == "eu-central-1"
    assert fp["pointInTimeRecovery"] == {"enabled": False}
    # The platform's tags win: a claim cannot relabel its team or cost centre.
    assert fp["tags"] == {
        "team": "platform",
        "cost-center": "42",
        "env": "prod",
        "awsdynamodb.fn.project-planton.org/owner": "orders",
        "awsdynamodb.fn.project-planton.org/composite-uid": UID,
        "awsdynamodb.fn.project-planton.org/observing": "Orders.prod_v2",
    }
    assert table["spec"]["providerConfigRef"] == {"name": "aws-prod"}


def test_claim_values_win_over_input_defaults() -> None:
    fn_input = {"region": "eu-central-1", "defaults": {"pointInTimeRecoveryEnabled": False}}
    fp = _table(_compose(_xr(PRODUCTION_SPEC), fn_input=fn_input))["spec"]["forProvider"]
    assert fp["region"] == "us-east-1"
    assert fp["pointInTimeRecovery"] == {"enabled": True, "recoveryPeriodInDays": 35}


def test_namespaced_xr_gets_namespaced_kinds_in_its_namespace() -> None:
    fn_input = {"providerConfigName": "aws"}
    outcome = _compose(_xr(PRODUCTION_SPEC, namespace="team-a", v2=True), fn_input=fn_input)
    table = _table(outcome)
    assert table["apiVersion"] == "dynamodb.aws.m.upbound.io/v1beta1"
    assert table["metadata"]["namespace"] == "team-a"
    assert table["spec"]["providerConfigRef"] == {"name": "aws", "kind": "ClusterProviderConfig"}
    assert outcome.connection_details == {}  # v2 XRs have no connection details


def test_contributor_insights_waits_for_the_table_then_stays() -> None:
    xr = _xr(PRODUCTION_SPEC)
    first = _compose(xr)
    assert "contributor-insights" not in first.resources
    assert any(
        r.severity == "Normal" and "contributor insights" in r.message for r in first.results
    )

    table = _ready(_table(first))
    second = _compose(xr, observed={"table": table})
    ci = second.resources["contributor-insights"].body
    assert ci["kind"] == "ContributorInsights"
    assert ci["spec"]["forProvider"] == {
        "region": "us-east-1",
        "tableName": "Orders.prod_v2",
        "mode": "ACCESSED_AND_THROTTLED_KEYS",
    }

    # The table is updating (not Ready) but insights already exist: keep them.
    updating = {**table, "status": {"conditions": [{"type": "Ready", "status": "False"}]}}
    third = _compose(xr, observed={"table": updating, "contributor-insights": ci})
    assert "contributor-insights" in third.resources


def test_status_outputs_and_connection_details_come_from_the_observed_table() -> None:
    xr = _xr(PRODUCTION_SPEC)
    atp = {
        "arn": "arn:aws:dynamodb:us-east-1:123456789012:table/Orders.prod_v2",
        "id": "Orders.prod_v2",
        "streamArn": "arn:aws:dynamodb:us-east-1:123456789012:table/Orders.prod_v2/stream/2026",
        "streamLabel": "2026",
    }
    outcome = _compose(xr, observed={"table": _ready(_table(_compose(xr)), atp)})
    want = {
        "tableName": "Orders.prod_v2",
        "tableArn": atp["arn"],
        "tableId": atp["id"],
        "streamArn": atp["streamArn"],
        "streamLabel": "2026",
    }
    assert outcome.status == {"outputs": want}
    assert outcome.connection_details == {k: v.encode() for k, v in want.items()}
    assert outcome.resources["table"].ready


@pytest.mark.parametrize(
    "status",
    [
        None,
        {},
        {"conditions": []},
        {"conditions": [{"type": "Ready", "status": "False"}]},
        {"conditions": "x"},
    ],
    ids=["no-status", "empty-status", "no-conditions", "ready-false", "garbage-conditions"],
)
def test_table_is_not_ready_until_its_ready_condition_is_true(status: Any) -> None:
    xr = _xr(PRODUCTION_SPEC)
    observed = {**_table(_compose(xr))}
    if status is not None:
        observed["status"] = status
    outcome = _compose(xr, observed={"table": observed})
    assert not outcome.resources["table"].ready
    assert outcome.status == {"outputs": {"tableName": "Orders.prod_v2"}}
