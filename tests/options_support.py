"""Helpers of the table-option tests: a claim's XR, its reconciles, CRD checks."""

from __future__ import annotations

from typing import Any

from function.compose import Outcome, compose
from tests.provider_crds import pinned_schema_errors
from tests.support import crossplane_request

BASE: dict[str, Any] = {
    "region": "us-east-1",
    "attributeDefinitions": [{"name": "pk", "type": "S"}],
    "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
}

# The platform lets tenants restore and import from what these tests use (api/sources.py).
INPUT: dict[str, Any] = {
    "apiVersion": "awsdynamodb.fn.project-planton.org/v1beta1",
    "kind": "Input",
    "tenancy": {"importBuckets": ["exports.example-corp"], "restoreSources": ["orders-prod"]},
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


def creating(spec: dict[str, Any], namespaced: bool = False) -> dict[str, Any]:
    """The Table once observing found no table: managed, being created, no status yet."""
    body = (
        compose(crossplane_request(composite=xr(spec, namespaced), input=INPUT))
        .resources["table"]
        .body
    )
    assert body["spec"].get("managementPolicies") == ["Observe"]
    return {**body, "spec": {k: v for k, v in body["spec"].items() if k != "managementPolicies"}}


def render(
    spec: dict[str, Any], observed: dict[str, Any] | None = None, namespaced: bool = False
) -> Outcome:
    """The reconcile after the first: the claim's table is known to be free, or its own."""
    if observed is None:
        observed = {"table": creating(spec, namespaced)}
    outcome = compose(
        crossplane_request(composite=xr(spec, namespaced), observed=observed, input=INPUT)
    )
    assert not outcome.fatal, outcome.results
    return outcome


def table_fp(outcome: Outcome) -> dict[str, Any]:
    fp: dict[str, Any] = outcome.resources["table"].body["spec"]["forProvider"]
    return fp


def assert_valid_for_the_provider(outcome: Outcome) -> None:
    for name, composed in outcome.resources.items():
        assert pinned_schema_errors(composed.body) == [], name


def ready_table(outcome: Outcome, at_provider: dict[str, Any] | None = None) -> dict[str, Any]:
    body = outcome.resources["table"].body
    status = {"atProvider": at_provider or {}, "conditions": [{"type": "Ready", "status": "True"}]}
    return {**body, "status": status}


def pending(outcome: Outcome) -> str:
    return " ".join(r.message for r in outcome.results if r.reason == "Pending")


def ready(body: dict[str, Any], at_provider: dict[str, Any] | None = None) -> dict[str, Any]:
    status = {"atProvider": at_provider or {}, "conditions": [{"type": "Ready", "status": "True"}]}
    return {**body, "status": status}


def live_index(name: str, hash_key: str, projection: str, **more: Any) -> dict[str, Any]:
    """An on-demand table's index as provider-aws v2.5.0 refreshes it (make e2e-aws)."""
    return {
        "name": name,
        "hashKey": hash_key,
        "rangeKey": "",
        "keySchema": [{"attributeName": hash_key, "keyType": "HASH"}],
        "projectionType": projection,
        "readCapacity": 0,
        "writeCapacity": 0,
        **more,
    }
