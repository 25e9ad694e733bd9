"""Crossplane v2 namespaced XRs (examples/xrd-v2.yaml): .m. managed resources in the
XR's namespace, and one XR name in two namespaces makes two different tables.

Runs last: the v2 XRD has the v1 XRD's name, so this module removes every claim
and the Configuration (which takes its v1 XRD and Composition with it) first, then
applies the v2 XRD and the Composition as loose files.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from e2e import crossplane, provider, scenario
from e2e.controlplane import State
from e2e.kube import Kube, eventually

XRD = "xawsdynamodbs.aws.project-planton.org"
EXTERNAL_NAME = "crossplane.io/external-name"


@pytest.fixture(scope="module")
def v2_xrd(kube: Kube, state: State) -> None:
    for claim in kube.items(scenario.CLAIM):
        meta = claim["metadata"]
        scenario.delete(kube, scenario.CLAIM, meta["name"], meta["namespace"])
    for xr in kube.items(scenario.XR):  # XRs made without a claim
        if not (xr["spec"].get("claimRef") or {}).get("name"):
            scenario.delete(kube, scenario.XR, xr["metadata"]["name"])
    eventually(
        "every claim and XR to be gone",
        lambda: not kube.items(scenario.CLAIM) and not kube.items(scenario.XR),
        timeout=scenario.WAIT,
    )
    scenario.delete(kube, "configurations.pkg.crossplane.io", crossplane.CONFIGURATION)
    eventually(
        "the v1 XRD, its CRDs and the Composition to be gone",
        lambda: (
            kube.get("compositeresourcedefinitions", XRD) is None
            and kube.get("crd", XRD) is None
            and kube.get("compositions", XRD) is None
        ),
        timeout=scenario.WAIT,
    )
    kube.apply(scenario.ROOT / "examples" / "xrd-v2.yaml")
    kube.apply(scenario.ROOT / "examples" / "composition.yaml")
    crossplane.wait_xrd(kube)
    # Crossplane and kubectl both remember that XAwsDynamodb was cluster-scoped
    # (Crossplane's XR controller then looks for a namespaced XR without its
    # namespace and never composes it); a cluster that starts with the v2 XRD
    # has neither memory.
    crossplane.restart_crossplane(state)
    kube.forget_discovery()


def _namespaced_xr(namespace: str) -> dict[str, Any]:
    xr = scenario.example("namespaced/xr.yaml")
    xr["metadata"]["namespace"] = namespace
    return xr


def _table(kube: Kube, namespace: str) -> dict[str, Any]:
    scenario.apply(kube, _namespaced_xr(namespace))
    return scenario.wait_composed(kube, "sessions", {"table"}, "namespaced", namespace)["table"]


def test_v2_xr_composes_namespaced_resources_in_its_namespace(kube: Kube, v2_xrd: None) -> None:
    table = _table(kube, "web")
    assert table["apiVersion"] == "dynamodb.aws.m.upbound.io/v1beta1"
    assert table["metadata"]["namespace"] == "web"
    scenario.make_ready(kube, [table])
    xr = scenario.wait_ready(kube, scenario.XR, "sessions", "web")
    assert xr["status"]["outputs"]["tableArn"].startswith("arn:aws:dynamodb:eu-central-1:")


def test_one_xr_name_in_two_namespaces_makes_two_tables(kube: Kube, v2_xrd: None) -> None:
    web, other = _table(kube, "web"), _table(kube, "web-eu")
    names = [t["metadata"]["annotations"]["crossplane.io/external-name"] for t in (web, other)]
    assert names[0] != names[1], f"both namespaces' XRs compose table {names[0]!r}"


def test_a_decoy_listed_as_a_namespaced_xrs_table_is_ignored(kube: Kube, v2_xrd: None) -> None:
    """Issue 20, hole 1: a Secret of the tenant's namespace, dressed as the XR's Table."""
    ns, victim = "decoys", "web.payments"
    scenario.ensure_namespace(kube, ns)
    annotations = {
        "crossplane.io/composition-resource-name": "table",
        "crossplane.io/external-name": victim,
    }
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "decoy", "namespace": ns, "annotations": annotations},
    }
    kube.apply(json.dumps(secret))
    xr = _namespaced_xr(ns)
    xr["metadata"]["name"] = "grab"
    xr["spec"]["crossplane"]["resourceRefs"] = [
        {"apiVersion": "v1", "kind": "Secret", "name": "decoy"}
    ]
    scenario.apply(kube, xr)

    def own_table() -> dict[str, Any] | None:
        mrs = scenario.by_resource_name(scenario.composed(kube, "grab", "namespaced", ns))
        table = mrs.get("table")
        name = ((table or {}).get("metadata", {}).get("annotations") or {}).get(EXTERNAL_NAME)
        return table if table and provider.observe_only(table) and name == f"{ns}.grab" else None

    eventually("the XR's Table to observe its own name", own_table, timeout=scenario.WAIT)
    deadline = time.monotonic() + 8
    while time.monotonic() < deadline:  # further reconciles must not take the victim's
        for table in kube.items("tables.dynamodb.aws.m.upbound.io", ns):
            named = (table["metadata"].get("annotations") or {}).get(EXTERNAL_NAME)
            assert named != victim or provider.observe_only(table), table["metadata"]["name"]
        time.sleep(1)
    events = kube.run("get", "events", "-n", ns, "-o", "json").stdout
    assert "ignoring the observed resource 'decoy'" in events
    assert victim not in json.dumps(kube.get(scenario.XR, "grab", ns).get("status", {}))
