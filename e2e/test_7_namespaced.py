"""Crossplane v2 namespaced XRs (examples/xrd-v2.yaml): .m. managed resources in the
XR's namespace, and one XR name in two namespaces makes two different tables.

Runs last: the v2 XRD has the v1 XRD's name, so this module removes every claim
and the Configuration (which takes its v1 XRD and Composition with it) first, then
applies the v2 XRD and the Composition as loose files.
"""

from __future__ import annotations

from typing import Any

import pytest

from e2e import crossplane, scenario
from e2e.controlplane import State
from e2e.kube import Kube, eventually

XRD = "xawsdynamodbs.aws.project-planton.org"


@pytest.fixture(scope="module")
def v2_xrd(kube: Kube, state: State) -> None:
    for claim in kube.items(scenario.CLAIM):
        meta = claim["metadata"]
        scenario.delete(kube, scenario.CLAIM, meta["name"], meta["namespace"])
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
