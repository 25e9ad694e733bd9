"""Where a tenant's data comes from and goes to, through the real gRPC server (issue 20, 4 and 8).

A restore or an import copies its source whole, so a tenant may restore only
from tables it may name (under its prefix, or listed by the platform) and
import only from buckets the platform lists; ``allowedRegions`` covers the
table, every replica and a restore source (function/api/sources.py). Refusals
name the tenant's own fields, never what the platform's lists hold.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.support import observed_not_found
from tests.test_tenancy import (
    READY,
    SCOPES,
    Stub,
    claim_xr,
    fatal,
    run,
    table_of,
    with_status,
)

PREFIX = {"tableNamePrefix": "{namespace}."}
# What the platform lists; none of it may appear in a refusal.
LISTED = {
    "restoreSources": ["billing.ledger", "arn:aws:dynamodb:us-east-1:999988887777:table/ref-data"],
    "importBuckets": ["platform-exports"],
}
SECRETS = ["billing.ledger", "999988887777", "ref-data", "platform-exports"]
LATEST = {"restoreToLatestTime": True}
ARN = "arn:aws:dynamodb:{region}:123456789012:table/{name}"


def _import(bucket: str) -> dict[str, Any]:
    return {"importTable": {"bucket": bucket, "inputFormat": "DYNAMODB_JSON"}}


def _refusal(rsp: Any) -> str:
    messages = fatal(rsp)
    assert len(messages) == 1, messages
    for secret in SECRETS:
        assert secret not in messages[0], secret
    return messages[0]


REFUSED = {
    "another team's table by name": (
        {"restoreSourceName": "web.payments", **LATEST},
        PREFIX,
        "spec.restoreSourceName: a claim may restore only from a table it may name",
    ),
    "another team's table by ARN": (
        {"restoreSourceTableArn": ARN.format(region="us-east-1", name="web.payments"), **LATEST},
        PREFIX,
        "spec.restoreSourceTableArn: a claim may restore only from a table it may name",
    ),
    "any table without a prefix or a list": (
        {"restoreSourceName": "shop.orders", **LATEST},
        {},
        "spec.restoreSourceName: a claim may restore only from a table it may name",
    ),
    "its own name in a region not allowed": (
        {"restoreSourceTableArn": ARN.format(region="eu-west-2", name="shop.orders"), **LATEST},
        {**PREFIX, "allowedRegions": ["us-east-1"]},
        "spec.restoreSourceTableArn: every region the claim's data reaches",
    ),
    "a bucket not listed": (
        _import("someone-elses-exports"),
        PREFIX,
        "spec.importTable.bucket: a claim may import only from an S3 bucket the platform lists",
    ),
    "a replica in a region not allowed": (
        {
            "streamEnabled": True,
            "streamViewType": "NEW_AND_OLD_IMAGES",
            "replicas": [{"region": "us-west-2"}, {"region": "ap-east-1"}],
        },
        {"allowedRegions": ["us-east-1", "us-west-2"]},
        "spec.replicas[1].region: every region the claim's data reaches",
    ),
}


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("case", REFUSED)
def test_a_tenant_cannot_copy_data_it_may_not_name_or_send_it_elsewhere(
    stub_v1: Stub, case: str, scope: str
) -> None:
    spec, tenancy, expected = REFUSED[case]
    rsp = run(stub_v1, SCOPES[scope](**spec), tenancy={**LISTED, **tenancy})
    message = _refusal(rsp)
    assert expected in message
    assert "table" not in rsp.desired.resources  # nothing rendered, not even observe-only


ACCEPTED = {
    "its own table by name": ({"restoreSourceName": "shop.orders", **LATEST}, PREFIX),
    "its own table by ARN": (
        {"restoreSourceTableArn": ARN.format(region="us-east-1", name="shop.orders"), **LATEST},
        {**PREFIX, "allowedRegions": ["us-east-1"]},
    ),
    "a listed table": ({"restoreSourceName": "billing.ledger", **LATEST}, {}),
    "a listed ARN": (
        {"restoreSourceTableArn": LISTED["restoreSources"][1], **LATEST},
        {"allowedRegions": ["us-east-1"]},
    ),
    "a listed bucket": (_import("platform-exports"), {}),
    "replicas in allowed regions": (
        {
            "streamEnabled": True,
            "streamViewType": "NEW_AND_OLD_IMAGES",
            "replicas": [{"region": "us-west-2"}],
        },
        {"allowedRegions": ["us-east-1", "us-west-2"]},
    ),
}


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("case", ACCEPTED)
def test_a_tenant_may_copy_its_own_or_listed_data(stub_v1: Stub, case: str, scope: str) -> None:
    spec, tenancy = ACCEPTED[case]
    xr = SCOPES[scope](**spec)
    first = run(stub_v1, xr, tenancy={**LISTED, **tenancy})
    assert fatal(first) == []
    created = run(stub_v1, xr, observed_not_found(table_of(first)), tenancy={**LISTED, **tenancy})
    assert fatal(created) == []
    fp = table_of(created)["spec"]["forProvider"]
    for field in ("restoreSourceName", "restoreSourceTableArn"):
        assert fp.get(field) == spec.get(field)
    if "importTable" in spec:
        assert fp["importTable"]["s3BucketSource"]["bucket"] == "platform-exports"
    assert [r["regionName"] for r in fp.get("replica", [])] == [
        r["region"] for r in spec.get("replicas", [])
    ]


def test_the_platforms_own_cluster_xr_may_restore_from_any_table(stub_v1: Stub) -> None:
    xr = claim_xr("ops", "restore", restoreSourceName="web.payments", **LATEST)
    del xr["spec"]["claimRef"], xr["metadata"]["labels"]  # no claim: the platform's own XR
    assert fatal(run(stub_v1, xr, tenancy=PREFIX)) == []


def test_a_managed_table_keeps_its_replica_in_a_region_no_longer_allowed(stub_v1: Stub) -> None:
    spec = {
        "streamEnabled": True,
        "streamViewType": "NEW_AND_OLD_IMAGES",
        "replicas": [{"region": "us-west-2"}],
    }
    xr = claim_xr("shop", "orders", **spec)
    first = run(stub_v1, xr)
    table = table_of(run(stub_v1, xr, observed_not_found(table_of(first))))
    at_provider = {
        "arn": "arn:aws:dynamodb:us-east-1:123456789012:table/orders",
        "hashKey": "pk",
        "replica": [{"regionName": "us-west-2"}],
        "tags": table["spec"]["forProvider"]["tags"],
    }
    managed = with_status(table, atProvider=at_provider, conditions=READY)
    # The platform has since dropped us-west-2: the replica stays, a new one is refused.
    policy = {"allowedRegions": ["us-east-1", "eu-west-1"]}
    assert fatal(run(stub_v1, xr, managed, tenancy=policy)) == []
    grown = claim_xr(
        "shop", "orders", **{**spec, "replicas": [*spec["replicas"], {"region": "ap-east-1"}]}
    )
    assert "spec.replicas[1].region: every region" in _refusal(
        run(stub_v1, grown, managed, tenancy=policy)
    )
