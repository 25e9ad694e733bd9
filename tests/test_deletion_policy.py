"""Deletion protection keeps the table in AWS when the claim goes, in both scopes."""

from __future__ import annotations

from typing import Any

import pytest

from function.compose import Request, compose
from tests.support import EXAMPLES, load_yaml, schema_errors


def _table(namespace: str | None, protected: bool | None) -> dict[str, Any]:
    xr = load_yaml(EXAMPLES / "xr.yaml")
    if namespace is not None:
        xr["metadata"]["namespace"] = namespace
    if protected is not None:
        xr["spec"]["deletionProtectionEnabled"] = protected
    outcome = compose(Request(composite=xr))
    assert not outcome.fatal
    return outcome.resources["table"].body


def test_cluster_scoped_protected_table_is_orphaned_on_delete() -> None:
    table = _table(None, True)
    assert table["apiVersion"] == "dynamodb.aws.upbound.io/v1beta2"
    assert table["spec"]["deletionPolicy"] == "Orphan"
    assert "managementPolicies" not in table["spec"]
    assert table["spec"]["forProvider"]["deletionProtectionEnabled"] is True
    assert schema_errors(table) == []


def test_namespaced_protected_table_may_do_everything_but_delete() -> None:
    table = _table("team-a", True)
    assert table["apiVersion"] == "dynamodb.aws.m.upbound.io/v1beta1"
    policies = table["spec"]["managementPolicies"]
    assert "Delete" not in policies and "*" not in policies
    assert {"Observe", "Create", "Update", "LateInitialize"} <= set(policies)
    assert "deletionPolicy" not in table["spec"]
    assert schema_errors(table) == []


@pytest.mark.parametrize("namespace", [None, "team-a"], ids=["cluster", "namespaced"])
@pytest.mark.parametrize("protected", [False, None], ids=["protection off", "protection unset"])
def test_unprotected_table_keeps_crossplane_defaults(
    namespace: str | None, protected: bool | None
) -> None:
    spec = _table(namespace, protected)["spec"]
    assert "deletionPolicy" not in spec
    assert "managementPolicies" not in spec
