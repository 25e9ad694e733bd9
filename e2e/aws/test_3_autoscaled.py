"""The autoscaled example against the real provider: the Table, then a Target per table
and GSI dimension registered in the emulator, then their Policies; and the autoscaler's
capacity changes stick (the function puts capacity only in initProvider, so nothing
puts it back)."""

from __future__ import annotations

import json
from typing import Any

from e2e import scenario
from e2e.aws.aws import Emulator
from e2e.aws.test_1_minimal import WAIT
from e2e.kube import Kube, eventually

NS = "warehouse"
NAME = "stock"
# The Table first, a Target once it is Ready, a Policy once its Target is: three
# rounds of the provider and of Crossplane.
WAIT_ALL = 3 * WAIT


def _xr(kube: Kube) -> str:
    return scenario.xr_name_of_claim(kube, NAME, NS)


def targets(aws: Emulator, table: str) -> dict[tuple[str, str], dict[str, Any]]:
    found = aws.client("application-autoscaling").describe_scalable_targets(
        ServiceNamespace="dynamodb"
    )["ScalableTargets"]
    return {
        (t["ResourceId"], t["ScalableDimension"]): t
        for t in found
        if t["ResourceId"] == f"table/{table}" or t["ResourceId"].startswith(f"table/{table}/")
    }


def test_an_autoscaled_claim_registers_its_targets_and_policies(kube: Kube, aws: Emulator) -> None:
    scenario.apply(kube, scenario.claim_of("autoscaled/xr.yaml", NAME, NS))
    xr = _xr(kube)
    scenario.wait_ready(kube, scenario.CLAIM, NAME, NS, timeout=WAIT_ALL)

    table = aws.table(xr)
    assert table is not None
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {"by-status", "by_customer"}
    registered = targets(aws, xr)
    resources = [f"table/{xr}", f"table/{xr}/index/by-status", f"table/{xr}/index/by_customer"]
    assert set(registered) == {
        (resource, f"dynamodb:{'table' if resource.count('/') == 1 else 'index'}:{unit}")
        for resource in resources
        for unit in ("ReadCapacityUnits", "WriteCapacityUnits")
    }
    read = registered[(f"table/{xr}/index/by_customer", "dynamodb:index:ReadCapacityUnits")]
    assert (read["MinCapacity"], read["MaxCapacity"]) == (5, 500)

    policies = aws.client("application-autoscaling").describe_scaling_policies(
        ServiceNamespace="dynamodb"
    )["ScalingPolicies"]
    ours = {
        (p["ResourceId"], p["ScalableDimension"]) for p in policies if p["ResourceId"] in resources
    }
    assert ours == set(registered)
    assert all(
        p["PolicyType"] == "TargetTrackingScaling" for p in policies if p["ResourceId"] in resources
    )


def test_the_autoscalers_capacity_changes_stick(kube: Kube, aws: Emulator) -> None:
    xr = _xr(kube)
    # What Application Auto Scaling does when load changes: UpdateTable, directly.
    aws.client("dynamodb").update_table(
        TableName=xr,
        ProvisionedThroughput={"ReadCapacityUnits": 42, "WriteCapacityUnits": 17},
        GlobalSecondaryIndexUpdates=[
            {
                "Update": {
                    "IndexName": "by-status",
                    "ProvisionedThroughput": {"ReadCapacityUnits": 33, "WriteCapacityUnits": 9},
                }
            }
        ],
    )
    writes = aws.provider_writes_while(aws.quiet_window())
    assert writes == {}

    table = aws.table(xr)
    assert table is not None
    throughput = table["ProvisionedThroughput"]
    assert (throughput["ReadCapacityUnits"], throughput["WriteCapacityUnits"]) == (42, 17)
    (index,) = [i for i in table["GlobalSecondaryIndexes"] if i["IndexName"] == "by-status"]
    assert index["ProvisionedThroughput"]["ReadCapacityUnits"] == 33
    assert index["ProvisionedThroughput"]["WriteCapacityUnits"] == 9
    scenario.wait_ready(kube, scenario.CLAIM, NAME, NS)


def test_an_index_added_under_autoscaling_waits_and_the_claim_is_told(
    kube: Kube, aws: Emulator
) -> None:
    # After the previous scenarios: the list of GSIs is in initProvider, which the
    # provider ignores on an existing table (docs/autoscaling.md).
    xr = _xr(kube)
    spec = scenario.example("autoscaled/xr.yaml")["spec"]
    spec["attributeDefinitions"].append({"name": "region", "type": "S"})
    spec["globalSecondaryIndexes"].append(
        {
            "name": "by-region",
            "keySchema": [{"attributeName": "region", "keyType": "HASH"}],
            "projection": {"type": "KEYS_ONLY_PROJECTION"},
            "provisionedThroughput": {"readCapacityUnits": 5, "writeCapacityUnits": 5},
        }
    )
    patch = {k: spec[k] for k in ("attributeDefinitions", "globalSecondaryIndexes")}
    kube.run(
        "patch", scenario.CLAIM, NAME, "-n", NS, "--type=merge", "-p", json.dumps({"spec": patch})
    )

    def told() -> bool:
        events = scenario.event_messages(kube, NS)
        return "adding index 'by-region' is not applied while GSIs are autoscaled" in events

    eventually("a Warning that the new index waits", told, timeout=WAIT)
    assert aws.provider_writes_while(aws.quiet_window()) == {}
    table = aws.table(xr)
    assert table is not None
    assert {i["IndexName"] for i in table["GlobalSecondaryIndexes"]} == {"by-status", "by_customer"}
    # Not Ready while something it asks for waits: the new index's Targets, here.
    events = scenario.event_messages(kube, NS)
    assert "index-by-region-read-target waits for index 'by-region' to exist" in events
