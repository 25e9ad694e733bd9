"""Deletion protection keeps the table in AWS when the claim goes, in both scopes."""

from __future__ import annotations

from typing import Any

import pytest

from function.compose import compose
from tests.support import EXAMPLES, crossplane_request, load_yaml, observed_not_found


def _table(
    namespace: str | None, protected: bool | None, spec: dict[str, Any] | None = None
) -> dict[str, Any]:
    xr = load_yaml(EXAMPLES / "xr.yaml")
    xr["spec"].update(spec or {})
    if namespace is not None:
        xr["metadata"]["namespace"] = namespace
    if protected is not None:
        xr["spec"]["deletionProtectionEnabled"] = protected
    outcome = compose(crossplane_request(composite=xr))
    assert outcome.resources["table"].body["spec"]["managementPolicies"] == ["Observe"]
    # The table does not exist yet: from now on the function manages it.
    observed = observed_not_found(outcome.resources["table"].body)
    outcome = compose(crossplane_request(composite=xr, observed={"table": observed}))
    assert not outcome.fatal, outcome.results
    return outcome.resources["table"].body


AUTOSCALED = {
    "billingMode": "PROVISIONED",
    "provisionedThroughput": {"readCapacityUnits": 10, "writeCapacityUnits": 10},
    "autoScaling": {},
}
EVERYTHING_BUT_LATE_INIT = ["Observe", "Create", "Update", "Delete"]
NEITHER_DELETE_NOR_LATE_INIT = ["Observe", "Create", "Update"]


# (namespace, deletionProtectionEnabled, extra spec) -> managementPolicies, deletionPolicy.
# No Table is late-initialised (docs/safety.md); Crossplane ignores deletionPolicy once
# managementPolicies is not the default, so protection takes Delete out of the policies.
CASES = {
    "cluster, unprotected": (None, False, {}, EVERYTHING_BUT_LATE_INIT, None),
    "cluster, protection unset": (None, None, {}, EVERYTHING_BUT_LATE_INIT, None),
    "cluster, protected": (None, True, {}, NEITHER_DELETE_NOR_LATE_INIT, "Orphan"),
    "cluster, protected, autoscaled": (
        None,
        True,
        AUTOSCALED,
        NEITHER_DELETE_NOR_LATE_INIT,
        "Orphan",
    ),
    "namespaced, unprotected": ("team-a", False, {}, EVERYTHING_BUT_LATE_INIT, None),
    "namespaced, protected": ("team-a", True, {}, NEITHER_DELETE_NOR_LATE_INIT, None),
    "namespaced, autoscaled": ("team-a", False, AUTOSCALED, EVERYTHING_BUT_LATE_INIT, None),
    "namespaced, protected, autoscaled": (
        "team-a",
        True,
        AUTOSCALED,
        NEITHER_DELETE_NOR_LATE_INIT,
        None,
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_management_and_deletion_policies(case: tuple[Any, ...]) -> None:
    namespace, protected, spec, policies, deletion_policy = case
    table = _table(namespace, protected, spec)
    assert table["apiVersion"] == (
        "dynamodb.aws.m.upbound.io/v1beta1" if namespace else "dynamodb.aws.upbound.io/v1beta2"
    )
    assert table["spec"]["managementPolicies"] == policies
    assert table["spec"].get("deletionPolicy") == deletion_policy
    assert table["spec"]["forProvider"]["deletionProtectionEnabled"] is bool(protected)
