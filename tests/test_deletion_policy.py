"""Deletion protection keeps the table in AWS when the claim goes, in both scopes."""

from __future__ import annotations

from typing import Any

import pytest

from function.compose import Request, compose
from tests.support import EXAMPLES, load_yaml, observed_not_found


def _table(
    namespace: str | None, protected: bool | None, spec: dict[str, Any] | None = None
) -> dict[str, Any]:
    xr = load_yaml(EXAMPLES / "xr.yaml")
    xr["spec"].update(spec or {})
    if namespace is not None:
        xr["metadata"]["namespace"] = namespace
    if protected is not None:
        xr["spec"]["deletionProtectionEnabled"] = protected
    outcome = compose(Request(composite=xr))
    assert outcome.resources["table"].body["spec"]["managementPolicies"] == ["Observe"]
    # The table does not exist yet: from now on the function manages it.
    observed = observed_not_found(outcome.resources["table"].body)
    outcome = compose(Request(composite=xr, observed={"table": observed}))
    assert not outcome.fatal, outcome.results
    return outcome.resources["table"].body


def test_cluster_scoped_protected_table_is_orphaned_on_delete() -> None:
    table = _table(None, True)
    assert table["apiVersion"] == "dynamodb.aws.upbound.io/v1beta2"
    assert table["spec"]["deletionPolicy"] == "Orphan"
    assert "managementPolicies" not in table["spec"]
    assert table["spec"]["forProvider"]["deletionProtectionEnabled"] is True


def test_namespaced_protected_table_may_do_everything_but_delete() -> None:
    table = _table("team-a", True)
    assert table["apiVersion"] == "dynamodb.aws.m.upbound.io/v1beta1"
    policies = table["spec"]["managementPolicies"]
    assert "Delete" not in policies and "*" not in policies
    assert {"Observe", "Create", "Update", "LateInitialize"} <= set(policies)
    assert "deletionPolicy" not in table["spec"]


@pytest.mark.parametrize("namespace", [None, "team-a"], ids=["cluster", "namespaced"])
@pytest.mark.parametrize("protected", [False, None], ids=["protection off", "protection unset"])
def test_unprotected_table_keeps_crossplane_defaults(
    namespace: str | None, protected: bool | None
) -> None:
    spec = _table(namespace, protected)["spec"]
    assert "deletionPolicy" not in spec
    assert "managementPolicies" not in spec


AUTOSCALED = {
    "billingMode": "PROVISIONED",
    "provisionedThroughput": {"readCapacityUnits": 10, "writeCapacityUnits": 10},
    "autoScaling": {},
}


@pytest.mark.parametrize("namespace", [None, "team-a"], ids=["cluster", "namespaced"])
def test_protected_autoscaled_table_keeps_autoscalings_policies_without_delete(
    namespace: str | None,
) -> None:
    # Autoscaling narrows managementPolicies (no LateInitialize). Crossplane then
    # ignores deletionPolicy, so Delete must leave the management policies too.
    plain = _table(namespace, False, AUTOSCALED)["spec"]["managementPolicies"]
    assert "Delete" in plain and "LateInitialize" not in plain
    spec = _table(namespace, True, AUTOSCALED)["spec"]
    assert spec["managementPolicies"] == [p for p in plain if p != "Delete"]
    assert spec.get("deletionPolicy") == (None if namespace else "Orphan")
