"""Update sequences on one claim against the real provider: each change reaches the
emulator, and afterwards the provider makes no write call (no update loop)."""

from __future__ import annotations

import json
from typing import Any

from e2e import scenario
from e2e.aws.aws import Emulator
from e2e.aws.test_1_minimal import WAIT
from e2e.kube import Kube, eventually

NS = "accounts"
NAME = "profiles"


def patch_claim(kube: Kube, spec: dict[str, Any]) -> None:
    kube.run(
        "patch", scenario.CLAIM, NAME, "-n", NS, "--type=merge", "-p", json.dumps({"spec": spec})
    )


def converges(kube: Kube, aws: Emulator, what: str, reached: Any, name: str = NAME) -> None:
    eventually(what, reached, timeout=WAIT)
    scenario.wait_ready(kube, scenario.CLAIM, name, NS, timeout=WAIT)
    assert aws.provider_writes_while(aws.quiet_window()) == {}, what


def test_tag_deletion_protection_and_ttl_changes_converge(kube: Kube, aws: Emulator) -> None:
    scenario.apply(kube, scenario.claim_of("minimal/claim.yaml", NAME, NS))
    xr = scenario.xr_name_of_claim(kube, NAME, NS)
    scenario.wait_ready(kube, scenario.CLAIM, NAME, NS, timeout=WAIT)
    ddb = aws.client("dynamodb")

    def table() -> dict[str, Any]:
        found = aws.table(xr)
        assert found is not None
        return found

    patch_claim(kube, {"tags": {"team": "accounts"}})
    converges(
        kube,
        aws,
        "the tag in the emulator",
        lambda: aws.tags(table()["TableArn"]).get("team") == "accounts",
    )

    patch_claim(kube, {"deletionProtectionEnabled": True})
    converges(kube, aws, "deletion protection on", lambda: table().get("DeletionProtectionEnabled"))
    patch_claim(kube, {"deletionProtectionEnabled": False})
    converges(
        kube,
        aws,
        "deletion protection off",
        lambda: table().get("DeletionProtectionEnabled") is False,
    )

    def ttl() -> dict[str, Any]:
        return dict(ddb.describe_time_to_live(TableName=xr)["TimeToLiveDescription"])

    patch_claim(kube, {"ttl": {"enabled": True, "attributeName": "expiresAt"}})
    converges(kube, aws, "TTL on", lambda: ttl()["TimeToLiveStatus"] == "ENABLED")
    patch_claim(kube, {"ttl": {"enabled": False}})
    converges(kube, aws, "TTL off", lambda: ttl()["TimeToLiveStatus"] == "DISABLED")


def test_on_demand_to_provisioned_and_back_with_an_index_converges(
    kube: Kube, aws: Emulator
) -> None:
    name = "balances"
    index = {
        "name": "by-brand",
        "keySchema": [{"attributeName": "brand", "keyType": "HASH"}],
        "projection": {"type": "KEYS_ONLY_PROJECTION"},
    }
    claim = scenario.claim_of(
        "minimal/claim.yaml",
        name,
        NS,
        attributeDefinitions=[{"name": "pk", "type": "S"}, {"name": "brand", "type": "S"}],
        globalSecondaryIndexes=[index],
    )
    scenario.apply(kube, claim)
    xr = scenario.xr_name_of_claim(kube, name, NS)
    scenario.wait_ready(kube, scenario.CLAIM, name, NS, timeout=WAIT)

    def mode_and_index_capacity() -> tuple[str, int, int]:
        table = aws.table(xr)
        assert table is not None
        (gsi,) = table["GlobalSecondaryIndexes"]
        capacity = gsi.get("ProvisionedThroughput", {})
        return (
            table["BillingModeSummary"]["BillingMode"],
            capacity.get("ReadCapacityUnits", 0),
            capacity.get("WriteCapacityUnits", 0),
        )

    def patch(spec: dict[str, Any]) -> None:
        kube.run(
            "patch",
            scenario.CLAIM,
            name,
            "-n",
            NS,
            "--type=merge",
            "-p",
            json.dumps({"spec": spec}),
        )

    capacity = {"readCapacityUnits": 10, "writeCapacityUnits": 6}
    patch(
        {
            "billingMode": "PROVISIONED",
            "provisionedThroughput": capacity,
            "globalSecondaryIndexes": [index | {"provisionedThroughput": capacity}],
        }
    )
    converges(
        kube,
        aws,
        "PROVISIONED, the index with its capacity",
        lambda: mode_and_index_capacity() == ("PROVISIONED", 10, 6),
        name,
    )
    patch(
        {
            "billingMode": "PAY_PER_REQUEST",
            "provisionedThroughput": None,
            "globalSecondaryIndexes": [index],
        }
    )
    converges(
        kube,
        aws,
        "PAY_PER_REQUEST again",
        lambda: mode_and_index_capacity()[0] == "PAY_PER_REQUEST",
        name,
    )
    assert {i["IndexName"] for i in (aws.table(xr) or {})["GlobalSecondaryIndexes"]} == {"by-brand"}
