"""Deleting a claim deletes its table in the emulator; a deletion-protected one stays."""

from __future__ import annotations

from e2e import scenario
from e2e.aws.aws import Emulator
from e2e.aws.test_1_minimal import TABLE, WAIT
from e2e.kube import Kube, eventually

NS = "archive"


def _ready_claim(kube: Kube, name: str, **spec: object) -> str:
    scenario.apply(kube, scenario.claim_of("minimal/claim.yaml", name, NS, **spec))
    xr = scenario.xr_name_of_claim(kube, name, NS)
    scenario.wait_ready(kube, scenario.CLAIM, name, NS, timeout=WAIT)
    return xr


def test_deleting_a_claim_deletes_its_table(kube: Kube, aws: Emulator) -> None:
    xr = _ready_claim(kube, "scratch")
    assert aws.table(xr) is not None
    scenario.delete(kube, scenario.CLAIM, "scratch", NS)
    eventually(f"table {xr} to be deleted", lambda: aws.table(xr) is None, timeout=WAIT)
    eventually(
        "the Table MR to be gone",
        lambda: not [mr for mr in scenario.composed(kube, xr) if mr["kind"] == "Table"],
        timeout=WAIT,
    )


def test_deleting_a_protected_claim_keeps_its_table(kube: Kube, aws: Emulator) -> None:
    xr = _ready_claim(kube, "ledger", deletionProtectionEnabled=True)
    table = aws.table(xr)
    assert table is not None
    assert table["DeletionProtectionEnabled"] is True
    (mr,) = [mr for mr in scenario.composed(kube, xr) if mr["kind"] == "Table"]
    assert mr["spec"]["deletionPolicy"] == "Orphan"
    scenario.delete(kube, scenario.CLAIM, "ledger", NS)
    eventually(
        "the Table MR to be gone",
        lambda: kube.get(TABLE, mr["metadata"]["name"]) is None,
        timeout=WAIT,
    )
    assert aws.table(xr) is not None
