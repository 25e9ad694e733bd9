"""Killing function serve mid-scenario deletes nothing; once it is back, composition resumes."""

from __future__ import annotations

import time

from e2e import crossplane, scenario
from e2e.controlplane import State
from e2e.kube import Kube, condition, eventually

NS = "restart"


def test_function_restart_deletes_nothing(kube: Kube, state: State) -> None:
    scenario.apply(kube, scenario.claim_of("minimal/claim.yaml", "sessions", NS))
    xr = scenario.xr_name_of_claim(kube, "sessions", NS)
    table = scenario.wait_composed(kube, xr, {"table"})["table"]

    crossplane.stop_function(state)
    try:
        # The provider finishes while the function is down: the XR reconciles
        # (the MR changed), cannot reach the function, and must keep the Table.
        scenario.make_ready(kube, [table])

        def unreachable() -> bool:
            cond = condition(kube.get(scenario.XR, xr), "Synced") or {}
            return cond.get("status") == "False"

        eventually("the XR to report the function unreachable", unreachable, timeout=scenario.WAIT)
        time.sleep(5)
        now = scenario.by_resource_name(scenario.composed(kube, xr))
        assert set(now) == {"table"}
        assert now["table"]["metadata"]["uid"] == table["metadata"]["uid"]
        assert now["table"]["metadata"].get("deletionTimestamp") is None
    finally:
        crossplane.start_function(state)

    composite = scenario.wait_ready(kube, scenario.XR, xr)
    assert composite["status"]["outputs"]["tableName"] == xr
    again = scenario.by_resource_name(scenario.composed(kube, xr))["table"]
    assert again["metadata"]["uid"] == table["metadata"]["uid"]
