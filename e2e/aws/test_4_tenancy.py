"""Another team's table, made directly in the emulator, named by a claim: the function
refuses it from what the real provider observes, and the table stays untouched."""

from __future__ import annotations

from e2e import scenario
from e2e.aws.aws import Emulator
from e2e.aws.test_1_minimal import OWNER_TAG, WAIT
from e2e.kube import Kube, condition, eventually

NS = "intruder"
VICTIM = "payments-prod"
VICTIM_TAGS = {OWNER_TAG: "billing/payments", "team": "billing"}


def test_a_claim_naming_another_teams_table_is_refused_and_the_table_untouched(
    kube: Kube, aws: Emulator
) -> None:
    ddb = aws.client("dynamodb")
    ddb.create_table(
        TableName=VICTIM,
        KeySchema=[{"AttributeName": "accountId", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "accountId", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": k, "Value": v} for k, v in VICTIM_TAGS.items()],
    )
    before = aws.table(VICTIM)
    assert before is not None

    scenario.apply(kube, scenario.claim_of("minimal/claim.yaml", "grab", NS, tableName=VICTIM))

    def refused() -> str | None:
        cond = condition(kube.get(scenario.CLAIM, "grab", NS), "SpecAccepted") or {}
        return str(cond.get("message")) if cond.get("status") == "False" else None

    message = eventually("the claim to show the refusal", refused, timeout=WAIT)
    assert f"table '{VICTIM}' already exists and is not owned by this claim" in message

    assert aws.provider_writes_while(aws.quiet_window()) == {}
    after = aws.table(VICTIM)
    assert after is not None
    assert after["KeySchema"] == before["KeySchema"]
    assert after["BillingModeSummary"] == before["BillingModeSummary"]
    assert aws.tags(after["TableArn"]) == VICTIM_TAGS
    xr = scenario.xr_name_of_claim(kube, "grab", NS)
    (table,) = [mr for mr in scenario.composed(kube, xr) if mr["kind"] == "Table"]
    assert table["spec"]["managementPolicies"] == ["Observe"]
