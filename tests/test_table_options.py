"""Issue 12's table options, rendered: what each adds to the Table or composes beside it.

Every rendered resource is checked against the provider CRDs at the pinned
version, cluster-scoped and namespaced (.m.).
"""

from __future__ import annotations

from typing import Any

import pytest

from function.compose import Outcome, Request, compose
from tests.provider_crds import pinned_schema_errors

BASE: dict[str, Any] = {
    "region": "us-east-1",
    "attributeDefinitions": [{"name": "pk", "type": "S"}],
    "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
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


def render(
    spec: dict[str, Any], observed: dict[str, Any] | None = None, namespaced: bool = False
) -> Outcome:
    outcome = compose(Request(composite=xr(spec, namespaced), observed=observed or {}))
    assert not outcome.fatal, outcome.results
    return outcome


def table_fp(outcome: Outcome) -> dict[str, Any]:
    fp: dict[str, Any] = outcome.resources["table"].body["spec"]["forProvider"]
    return fp


def assert_valid_for_the_provider(outcome: Outcome) -> None:
    for name, composed in outcome.resources.items():
        assert pinned_schema_errors(composed.body) == [], name


@pytest.mark.parametrize(
    ("spec", "want"),
    [
        ({}, {"enabled": True, "recoveryPeriodInDays": 35}),
        ({"pointInTimeRecoveryPeriodDays": 7}, {"enabled": True, "recoveryPeriodInDays": 7}),
        ({"pointInTimeRecoveryEnabled": False}, {"enabled": False}),
    ],
    ids=["default-window-said", "seven-days", "disabled-says-no-window"],
)
@pytest.mark.parametrize("namespaced", [False, True], ids=["cluster", "namespaced"])
def test_point_in_time_recovery_window(
    spec: dict[str, Any], want: dict[str, Any], namespaced: bool
) -> None:
    outcome = render(spec, namespaced=namespaced)
    assert table_fp(outcome)["pointInTimeRecovery"] == want
    assert_valid_for_the_provider(outcome)
