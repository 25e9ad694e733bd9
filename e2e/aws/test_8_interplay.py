"""The provider-interplay answers, where the emulator can show them on the real provider.

- Warm throughput that AWS raises by itself (with traffic) is kept, the table's and an
  index's: the provider's ``updateDiffGSI`` deletes and rebuilds an index whose warm
  throughput it is asked to lower, and a table's lower one forces a new resource.
- A Contributor Insights mode change is kept off the provider (it has no update for it)
  and the claim is told.
- A scheduled dimension's ``maxCapacity`` change is not applied (its bounds live in
  ``initProvider``, which upjet ignores after the Target is registered), and the claim
  is told so.
"""

from __future__ import annotations

import json
from typing import Any

from e2e import scenario
from e2e.aws.aws import Emulator
from e2e.aws.test_1_minimal import TABLE, WAIT
from e2e.aws.test_3_autoscaled import WAIT_ALL, targets
from e2e.emulator import REGION
from e2e.kube import Kube, condition, eventually

NS = "analytics"


def _index(aws: Emulator, table: str, name: str) -> dict[str, Any]:
    found = aws.table(table)
    assert found is not None
    (index,) = [i for i in found.get("GlobalSecondaryIndexes", []) if i["IndexName"] == name]
    return dict(index)


def test_an_index_warm_throughput_aws_raised_is_kept_and_the_index_not_rebuilt(
    kube: Kube, aws: Emulator
) -> None:
    claim = scenario.claim_of(
        "minimal/claim.yaml",
        "events",
        NS,
        attributeDefinitions=[{"name": "pk", "type": "S"}, {"name": "customer", "type": "S"}],
        warmThroughput={"readUnitsPerSecond": 13000, "writeUnitsPerSecond": 4500},
        globalSecondaryIndexes=[
            {
                "name": "by-customer",
                "keySchema": [{"attributeName": "customer", "keyType": "HASH"}],
                "projection": {"type": "KEYS_ONLY_PROJECTION"},
                "warmThroughput": {"readUnitsPerSecond": 15000, "writeUnitsPerSecond": 5000},
            }
        ],
    )
    scenario.apply(kube, claim)
    xr = scenario.xr_name_of_claim(kube, "events", NS)
    mr_name = scenario.wait_composed(kube, xr, {"table"})["table"]["metadata"]["name"]
    scenario.wait_ready(kube, scenario.CLAIM, "events", NS, timeout=WAIT)
    warm = _index(aws, xr, "by-customer")["WarmThroughput"]
    assert (warm["ReadUnitsPerSecond"], warm["WriteUnitsPerSecond"]) == (15000, 5000)

    # What AWS does as traffic grows: more warm throughput, no edit anywhere.
    before = aws.provider_calls()
    ddb = aws.client("dynamodb")
    ddb.update_table(
        TableName=xr, WarmThroughput={"ReadUnitsPerSecond": 20000, "WriteUnitsPerSecond": 6000}
    )
    ddb.update_table(
        TableName=xr,
        GlobalSecondaryIndexUpdates=[
            {
                "Update": {
                    "IndexName": "by-customer",
                    "WarmThroughput": {"ReadUnitsPerSecond": 20000, "WriteUnitsPerSecond": 5000},
                }
            }
        ],
    )

    def held() -> bool:
        table = kube.get(TABLE, mr_name) or {}
        gsis = table.get("spec", {}).get("forProvider", {}).get("globalSecondaryIndex", [])
        gsis += table.get("spec", {}).get("initProvider", {}).get("globalSecondaryIndex", [])
        return any(g.get("warmThroughput", {}).get("readUnitsPerSecond") == 20000 for g in gsis)

    eventually("the Table renders AWS's 20000 reads per second", held, timeout=WAIT)
    assert aws.provider_writes_while(aws.quiet_window()) == {}
    # Not rebuilt (a rebuild would create it again with the 15000 it was asked for),
    # and no UpdateTable at all since AWS raised it.
    warm = _index(aws, xr, "by-customer")["WarmThroughput"]
    assert (warm["ReadUnitsPerSecond"], warm["WriteUnitsPerSecond"]) == (20000, 5000)
    warm = (aws.table(xr) or {})["WarmThroughput"]
    assert (warm["ReadUnitsPerSecond"], warm["WriteUnitsPerSecond"]) == (20000, 6000)
    writes = {c: n for c, n in (aws.provider_calls() - before).items() if c[1] == "UpdateTable"}
    assert writes == {}
    assert "keeping AWS's (readUnitsPerSecond 15000 -> 20000)" in scenario.event_messages(kube, NS)
    scenario.wait_ready(kube, scenario.CLAIM, "events", NS)


def test_a_scheduled_dimensions_max_capacity_change_is_not_applied_and_the_claim_is_told(
    kube: Kube, aws: Emulator
) -> None:
    ns, name = "shop", "catalog"
    scenario.apply(kube, scenario.claim_of("scheduled/claim.yaml", name, ns, region=REGION))
    xr = scenario.xr_name_of_claim(kube, name, ns)
    scenario.wait_ready(kube, scenario.CLAIM, name, ns, timeout=WAIT_ALL)
    read = (f"table/{xr}", "dynamodb:table:ReadCapacityUnits")
    assert targets(aws, xr)[read]["MaxCapacity"] == 400
    actions = aws.client("application-autoscaling").describe_scheduled_actions(
        ServiceNamespace="dynamodb", ResourceId=f"table/{xr}"
    )["ScheduledActions"]
    assert {a["ScheduledActionName"] for a in actions} == {"weekday-peak", "weekday-evening"}

    spec = scenario.example("scheduled/claim.yaml")["spec"]["autoScaling"]
    spec["read"]["maxCapacity"] = 600
    kube.run(
        "patch",
        scenario.CLAIM,
        name,
        "-n",
        ns,
        "--type=merge",
        "-p",
        json.dumps({"spec": {"autoScaling": spec}}),
    )
    eventually(
        "a Warning that the new maxCapacity is not applied",
        lambda: "keeps maxCapacity 400 in AWS, not 600" in scenario.event_messages(kube, ns),
        timeout=WAIT,
    )
    assert aws.provider_writes_while(aws.quiet_window()) == {}
    assert targets(aws, xr)[read]["MaxCapacity"] == 400


def test_a_contributor_insights_mode_change_is_kept_off_the_provider_and_the_claim_is_told(
    kube: Kube, aws: Emulator
) -> None:
    name = "clicks"
    claim = scenario.claim_of(
        "minimal/claim.yaml",
        name,
        NS,
        contributorInsightsEnabled=True,
        contributorInsightsMode="ACCESSED_AND_THROTTLED_KEYS",
    )
    scenario.apply(kube, claim)
    xr = scenario.xr_name_of_claim(kube, name, NS)
    scenario.wait_ready(kube, scenario.CLAIM, name, NS, timeout=WAIT)
    ddb = aws.client("dynamodb")

    def mode() -> str:
        return str(ddb.describe_contributor_insights(TableName=xr)["ContributorInsightsMode"])

    assert mode() == "ACCESSED_AND_THROTTLED_KEYS"
    patch = {"spec": {"contributorInsightsMode": "THROTTLED_KEYS"}}
    kube.run("patch", scenario.CLAIM, name, "-n", NS, "--type=merge", "-p", json.dumps(patch))
    eventually(
        "a Warning that the mode is kept",
        lambda: (
            "keeps ACCESSED_AND_THROTTLED_KEYS instead of THROTTLED_KEYS"
            in scenario.event_messages(kube, NS)
        ),
        timeout=WAIT,
    )
    # The provider is never asked for an update it cannot make ("doesn't support
    # update" on every poll while the resource still shows Ready).
    assert aws.provider_writes_while(aws.quiet_window()) == {}
    assert mode() == "ACCESSED_AND_THROTTLED_KEYS"
    insights = scenario.wait_composed(kube, xr, {"contributor-insights"})["contributor-insights"]
    synced = condition(insights, "Synced") or {}
    assert synced.get("status") == "True", synced
    scenario.wait_ready(kube, scenario.CLAIM, name, NS)
