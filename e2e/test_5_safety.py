"""Safety on real Crossplane: a key change is refused with a Fatal and applies nothing;
deleting a claim garbage-collects its resources; a deletion-protected table is orphaned."""

from __future__ import annotations

import time
from typing import Any

from e2e import scenario
from e2e.kube import Kube, condition, eventually, is_true

NS = "safety"


def _ready_claim(
    kube: Kube, name: str, example: str = "minimal/claim.yaml"
) -> tuple[str, dict[str, Any]]:
    scenario.apply(kube, scenario.claim_of(example, name, NS))
    xr = scenario.xr_name_of_claim(kube, name, NS)
    mrs = scenario.wait_composed(kube, xr, {"table"})
    scenario.make_ready(kube, list(mrs.values()))
    scenario.wait_ready(kube, scenario.XR, xr)
    return xr, scenario.by_resource_name(scenario.composed(kube, xr))["table"]


def _change_hash_key(kube: Kube, name: str) -> None:
    """The claim's HASH key renamed from pk to id: a change AWS cannot make in place."""
    changed = scenario.claim_of("minimal/claim.yaml", name, NS)
    changed["spec"]["attributeDefinitions"] = [{"name": "id", "type": "S"}]
    changed["spec"]["keySchema"] = [{"attributeName": "id", "keyType": "HASH"}]
    scenario.apply(kube, changed)


def test_key_change_is_refused_with_a_fatal_and_the_table_is_unchanged(kube: Kube) -> None:
    xr, table = _ready_claim(kube, "keys")
    _change_hash_key(kube, "keys")

    def refused() -> str | None:
        cond = condition(kube.get(scenario.XR, xr), "Synced") or {}
        message = str(cond.get("message", ""))
        return (
            message if cond.get("status") == "False" and "refusing to replace" in message else None
        )

    message = eventually("the XR to report the function's Fatal", refused, timeout=scenario.WAIT)
    assert "(HASH key 'pk' -> 'id') [table_keys_immutable]" in message
    time.sleep(5)  # further reconciles must not apply anything either
    now = scenario.by_resource_name(scenario.composed(kube, xr))["table"]
    assert now["metadata"]["generation"] == table["metadata"]["generation"]
    assert now["spec"] == table["spec"]
    assert now["metadata"]["uid"] == table["metadata"]["uid"]


def test_the_claim_shows_the_fatal(kube: Kube) -> None:
    """Crossplane shows a Fatal on the XR only; the SpecAccepted condition reaches the claim."""
    xr, _ = _ready_claim(kube, "keys-claim")
    _change_hash_key(kube, "keys-claim")
    eventually(
        "the XR to report the Fatal",
        lambda: not is_true(kube.get(scenario.XR, xr), "Synced"),
        timeout=scenario.WAIT,
    )

    def shown() -> bool:
        claim = kube.get(scenario.CLAIM, "keys-claim", NS) or {}
        conditions = (claim.get("status") or {}).get("conditions") or []
        events = kube.run(
            "get", "events", "-n", NS, "--field-selector", "involvedObject.name=keys-claim",
            "-o", "jsonpath={.items[*].message}",
        ).stdout  # fmt: skip
        texts = [str(c.get("message", "")) for c in conditions] + [events]
        return any("refusing to replace" in t for t in texts)

    eventually("the claim to show the Fatal", shown, timeout=30)


def test_deleting_a_claim_garbage_collects_its_resources(kube: Kube) -> None:
    xr, table = _ready_claim(kube, "scratch")
    assert "deletionPolicy" not in table["spec"] or table["spec"]["deletionPolicy"] == "Delete"
    scenario.delete(kube, scenario.CLAIM, "scratch", NS)
    eventually(
        "the XR and its Table to be deleted",
        lambda: kube.get(scenario.XR, xr) is None and not scenario.composed(kube, xr),
        timeout=scenario.WAIT,
    )


def test_a_deletion_protected_table_is_orphaned(kube: Kube) -> None:
    scenario.apply(kube, scenario.claim_of("production/claim.yaml", "payments", NS))
    xr = scenario.xr_name_of_claim(kube, "payments", NS)
    mrs = scenario.wait_composed(kube, xr, {"table"})
    scenario.make_ready(kube, [mrs["table"]])
    table = scenario.wait_composed(kube, xr, {"table"})["table"]
    assert table["spec"]["forProvider"]["deletionProtectionEnabled"] is True
    assert table["spec"]["deletionPolicy"] == "Orphan"
    # Crossplane ignores deletionPolicy once managementPolicies are not the default
    # (no Table is late-initialised), so a protected Table has no Delete either.
    assert "Delete" not in table["spec"]["managementPolicies"]
    everything = scenario.wait_composed(kube, xr, {"table", "contributor-insights"})
    scenario.make_ready(kube, [m for n, m in everything.items() if n != "table"])
    scenario.wait_ready(kube, scenario.XR, xr)
    scenario.delete(kube, scenario.CLAIM, "payments", NS)
    # With deletionPolicy Orphan the provider would leave the table in AWS; the
    # managed resource itself still goes with the XR.
    eventually(
        "the XR and its resources to be deleted",
        lambda: kube.get(scenario.XR, xr) is None and not scenario.composed(kube, xr),
        timeout=scenario.WAIT,
    )
