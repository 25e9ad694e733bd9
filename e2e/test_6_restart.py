"""Killing function serve mid-scenario deletes nothing; once it is back, composition resumes.

With the function down, Crossplane 2.2.1's call waits for the connection (up to
its two-minute reconcile timeout) rather than failing at once, so the XR simply
stops progressing; gRPC then reconnects with backoff once the function is back.
"""

from __future__ import annotations

import time

from e2e import crossplane, scenario
from e2e.controlplane import State
from e2e.kube import Kube, eventually, is_true

NS = "restart"
DOWN_SECONDS = 10


def test_function_restart_deletes_nothing(kube: Kube, state: State) -> None:
    scenario.apply(kube, scenario.claim_of("minimal/claim.yaml", "sessions", NS))
    xr = scenario.xr_name_of_claim(kube, "sessions", NS)
    observing = scenario.wait_composed(kube, xr, {"table"})["table"]
    # Observe first: the name is free, so the function manages the Table.
    table = scenario.managed_after_absent(kube, observing)

    crossplane.stop_function(state)
    try:
        # The provider finishes while the function is down: the XR must wait,
        # keeping the Table as it is.
        scenario.make_ready(kube, [table])
        deadline = time.monotonic() + DOWN_SECONDS
        while time.monotonic() < deadline:
            now = scenario.by_resource_name(scenario.composed(kube, xr))
            assert set(now) == {"table"}
            assert now["table"]["metadata"]["uid"] == table["metadata"]["uid"]
            assert now["table"]["metadata"].get("deletionTimestamp") is None
            assert not is_true(kube.get(scenario.XR, xr), "Ready")
            time.sleep(1)
    finally:
        crossplane.start_function(state)

    composite = eventually(
        "the XR to be Ready once the function is back",
        lambda: (obj := kube.get(scenario.XR, xr)) and is_true(obj, "Ready") and obj,
        timeout=180,
    )
    assert composite["status"]["outputs"]["tableName"] == xr
    again = scenario.by_resource_name(scenario.composed(kube, xr))["table"]
    assert again["metadata"]["uid"] == table["metadata"]["uid"]
    assert again["metadata"]["generation"] == table["metadata"]["generation"]
