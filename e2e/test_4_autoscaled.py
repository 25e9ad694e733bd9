"""An autoscaled claim on real Crossplane: Targets only once the Table is Ready,
Policies only once their Target is, the XR Ready at the end, and the capacity the
autoscaler owns set only in initProvider."""

from __future__ import annotations

import time
from typing import Any

from e2e import scenario
from e2e.kube import Kube, eventually, is_true

NS = "shop"


def _kinds(kube: Kube, xr: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for mr in scenario.composed(kube, xr):
        out.setdefault(mr["kind"], []).append(mr)
    return out


def _stays_absent(kube: Kube, xr: str, kind: str, seconds: float = 8.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert kind not in _kinds(kube, xr), f"a {kind} was composed too early"
        time.sleep(1)


def test_autoscaled_claim_composes_in_dependency_order(kube: Kube) -> None:
    scenario.apply(kube, scenario.claim_of("autoscaled/xr.yaml", "metrics", NS))
    xr = scenario.xr_name_of_claim(kube, "metrics", NS)
    table = scenario.wait_composed(kube, xr, {"table"})["table"]
    eventually(
        "the XR to have reconciled once",
        lambda: is_true(kube.get(scenario.XR, xr), "Synced"),
        timeout=scenario.WAIT,
    )
    _stays_absent(kube, xr, "Target")

    for_provider, init = table["spec"]["forProvider"], table["spec"]["initProvider"]
    assert "readCapacity" not in for_provider and "writeCapacity" not in for_provider
    assert all("readCapacity" not in g for g in for_provider.get("globalSecondaryIndex", []))
    assert (init["readCapacity"], init["writeCapacity"]) == (10, 5)
    assert "LateInitialize" not in table["spec"]["managementPolicies"]

    scenario.make_ready(kube, [table])
    targets: list[dict[str, Any]] = eventually(
        "six Targets (table and two GSIs, read and write)",
        lambda: len(ts := _kinds(kube, xr).get("Target", [])) == 6 and ts,
        timeout=scenario.WAIT,
    )
    _stays_absent(kube, xr, "Policy", seconds=5)
    assert not is_true(kube.get(scenario.XR, xr), "Ready")

    scenario.make_ready(kube, targets)
    policies: list[dict[str, Any]] = eventually(
        "a Policy for each Target",
        lambda: len(ps := _kinds(kube, xr).get("Policy", [])) == 6 and ps,
        timeout=scenario.WAIT,
    )
    scenario.make_ready(kube, policies)
    scenario.wait_ready(kube, scenario.XR, xr)
    scenario.wait_ready(kube, scenario.CLAIM, "metrics", NS)
