"""Tenancy on real Crossplane: a claim naming another team's table takes nothing over.

The harness plays the provider's observation of an observe-only Table whose name is
a table AWS already has, tagged for another owner. The function must refuse with one
Fatal that the claim shows (SpecAccepted False), keep the Table observe-only, and put
nothing of the other table (its ARN, stream, keys, tags) on the XR, the claim or the
connection secret.
"""

from __future__ import annotations

import base64
import json
import time

from e2e import provider, scenario
from e2e.kube import Kube, condition, eventually

NS = "intruder"
VICTIM = "payments-prod"
# Another team's table as upjet would report it: none of this may reach the claim.
FOREIGN_ARN = f"arn:aws:dynamodb:us-east-1:999988887777:table/{VICTIM}"
FOREIGN = {
    "arn": FOREIGN_ARN,
    "id": VICTIM,
    "hashKey": "accountId",
    "streamArn": f"{FOREIGN_ARN}/stream/2026-01-01T00:00:00.000",
    "tags": {"awsdynamodb.fn.project-planton.org/owner": "billing/payments", "team": "billing"},
}
MARKERS = ("999988887777", "accountId", "billing/payments")


def test_a_claim_naming_another_teams_table_is_refused_and_learns_nothing(kube: Kube) -> None:
    scenario.apply(kube, scenario.claim_of("minimal/claim.yaml", "grab", NS, tableName=VICTIM))
    xr = scenario.xr_name_of_claim(kube, "grab", NS)
    table = scenario.wait_composed(kube, xr, {"table"})["table"]
    assert provider.observe_only(table)

    # The provider observes that the table exists, and is not this claim's.
    provider.report(kube, table, FOREIGN, provider.READY)

    def refused() -> str | None:
        claim = kube.get(scenario.CLAIM, "grab", NS)
        cond = condition(claim, "SpecAccepted") or {}
        return str(cond.get("message")) if cond.get("status") == "False" else None

    message = eventually("the claim to show the refusal", refused, timeout=scenario.WAIT)
    assert f"table '{VICTIM}' already exists and is not owned by this claim" in message

    time.sleep(5)  # further reconciles must not manage it either
    now = scenario.by_resource_name(scenario.composed(kube, xr))["table"]
    assert provider.observe_only(now), now["spec"].get("managementPolicies")
    secrets = json.loads(kube.run("get", "secrets", "-A", "-o", "json").stdout)["items"]
    secret_values = [
        base64.b64decode(v).decode(errors="replace")
        for s in secrets
        for v in (s.get("data") or {}).values()
    ]
    seen = json.dumps(
        [
            kube.get(scenario.XR, xr).get("status", {}),
            kube.get(scenario.CLAIM, "grab", NS).get("status", {}),
            secret_values,
        ]
    )
    for marker in MARKERS:
        assert marker not in seen, marker
