"""A table with a range key and a GSI without one goes Ready on the provider under test.

The Terraform fork v2.5.0 pins reads a missing range key as "" and then fails every
observe ("all indexes must match a defined attribute. Unmatched indexes: [\\"\\"]"); the
provider `make tools-provider` builds carries the upstream fix (tools/provider/patches/).
`make e2e-aws-unpatched` runs this scenario on the build without it, what v2.5.0 users
run: there the claim never turns Ready, and says why in the provider's own words.
"""

from __future__ import annotations

from e2e import provider_aws, scenario
from e2e.aws.aws import Emulator, provider_updates
from e2e.aws.test_1_minimal import TABLE, WAIT
from e2e.kube import Kube, condition, eventually, is_true

NS = "ledger"


def test_a_range_key_and_a_gsi_without_one_go_ready(kube: Kube, aws: Emulator) -> None:
    claim = scenario.claim_of(
        "minimal/claim.yaml",
        "entries",
        NS,
        attributeDefinitions=[
            {"name": "pk", "type": "S"},
            {"name": "sk", "type": "S"},
            {"name": "status", "type": "S"},
        ],
        keySchema=[
            {"attributeName": "pk", "keyType": "HASH"},
            {"attributeName": "sk", "keyType": "RANGE"},
        ],
        globalSecondaryIndexes=[
            {"name": "by-status", "keySchema": [{"attributeName": "status", "keyType": "HASH"}]}
        ],
    )
    scenario.apply(kube, claim)
    xr = scenario.xr_name_of_claim(kube, "entries", NS)
    mr = scenario.wait_composed(kube, xr, {"table"})["table"]
    if provider_aws.binary() == provider_aws.UNPATCHED:
        _stuck_with_the_providers_message(kube, aws, xr)
        return
    scenario.wait_ready(kube, TABLE, mr["metadata"]["name"], timeout=WAIT)
    scenario.wait_ready(kube, scenario.CLAIM, "entries", NS, timeout=WAIT)

    table = aws.table(xr)
    assert table is not None
    assert table["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    (index,) = table["GlobalSecondaryIndexes"]
    assert index["IndexName"] == "by-status"
    assert index["KeySchema"] == [{"AttributeName": "status", "KeyType": "HASH"}]
    # Ready stays: every further observe succeeds, and nothing is rewritten, not even
    # by an update that changes nothing (render/gsi_echo.py).
    updates = provider_updates(mr["metadata"]["name"])
    assert aws.provider_writes_while(aws.quiet_window()) == {}
    assert provider_updates(mr["metadata"]["name"]) == updates
    assert scenario.wait_ready(kube, scenario.CLAIM, "entries", NS)


def _stuck_with_the_providers_message(kube: Kube, aws: Emulator, xr: str) -> None:
    """The unpatched provider creates the table, then fails every observe of it."""

    def said() -> dict[str, object] | None:
        found = condition(kube.get(scenario.CLAIM, "entries", NS), "ResourcesSynced")
        return found if found and "Unmatched indexes" in str(found.get("message")) else None

    synced = eventually("the provider's error on the claim", said, timeout=WAIT)
    assert synced["status"] == "False"
    assert aws.table(xr) is not None
    claim = kube.get(scenario.CLAIM, "entries", NS)
    assert not is_true(claim, "Ready")
    print(f"unpatched provider, the claim's ResourcesSynced: {synced['message']}")
