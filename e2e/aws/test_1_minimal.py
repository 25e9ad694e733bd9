"""A minimal claim against the real provider: the table it creates in the emulator, the
Ready the provider itself reports, and no write call once nothing changes."""

from __future__ import annotations

from e2e import scenario
from e2e.aws.aws import Emulator
from e2e.kube import Kube, condition

NS = "shop"
TABLE = "tables.dynamodb.aws.upbound.io"
OWNER_TAG = "awsdynamodb.fn.project-planton.org/owner"
# The provider starts, observes the absent table, the function then manages it and
# the provider creates it: well under a minute here, with room for a loaded machine.
WAIT = 300.0


def test_a_minimal_claim_creates_its_table_and_turns_ready_from_the_provider(
    kube: Kube, aws: Emulator
) -> None:
    scenario.apply(kube, scenario.claim_of("minimal/claim.yaml", "orders", NS))
    xr = scenario.xr_name_of_claim(kube, "orders", NS)
    mr = scenario.wait_composed(kube, xr, {"table"})["table"]
    ready = scenario.wait_ready(kube, TABLE, mr["metadata"]["name"], timeout=WAIT)
    # Nothing but the provider writes an MR's status here (no stand-in runs).
    assert (condition(ready, "Ready") or {}).get("reason") == "Available"

    table = aws.table(xr)
    assert table is not None, f"no table {xr} in the emulator"
    assert table["KeySchema"] == [{"AttributeName": "pk", "KeyType": "HASH"}]
    assert table["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    backups = aws.client("dynamodb").describe_continuous_backups(TableName=xr)
    pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
    tags = aws.tags(table["TableArn"])
    assert tags[OWNER_TAG] == f"{NS}/orders"
    assert tags["managed-by"] == "crossplane"

    composite = scenario.wait_ready(kube, scenario.XR, xr, timeout=WAIT)
    assert composite["status"]["outputs"]["tableArn"] == table["TableArn"]
    scenario.wait_ready(kube, scenario.CLAIM, "orders", NS, timeout=WAIT)


def test_an_unchanged_claim_makes_no_write_call_over_several_polls(aws: Emulator) -> None:
    # After the previous scenario: the table is Ready and its spec unchanged.
    assert aws.provider_writes_while(aws.quiet_window()) == {}
