"""The alarms example against the real provider: six MetricAlarms in the emulator (read
and write throttles of the table and each GSI), with the claim's actions, and TTL on."""

from __future__ import annotations

from e2e import scenario
from e2e.aws.aws import Emulator
from e2e.aws.test_1_minimal import WAIT
from e2e.kube import Kube

NS = "identity"
NAME = "sessions"


def test_alarms_become_metric_alarms(kube: Kube, aws: Emulator) -> None:
    claim = scenario.claim_of("alarms/claim.yaml", NAME, NS)
    scenario.apply(kube, claim)
    xr = scenario.xr_name_of_claim(kube, NAME, NS)
    scenario.wait_ready(kube, scenario.CLAIM, NAME, NS, timeout=3 * WAIT)

    ttl = aws.client("dynamodb").describe_time_to_live(TableName=xr)["TimeToLiveDescription"]
    assert (ttl["TimeToLiveStatus"], ttl["AttributeName"]) == ("ENABLED", "expiresAt")
    alarms = aws.client("cloudwatch").describe_alarms(AlarmNamePrefix=f"dynamodb/{xr}")
    found = {a["AlarmName"]: a for a in alarms["MetricAlarms"]}
    expected = {
        f"dynamodb/{xr}{where}/{kind}-throttles"
        for where in ("", "/index/by-user", "/index/by-device")
        for kind in ("read", "write")
    }
    assert set(found) == expected
    for alarm in found.values():
        assert alarm["Namespace"] == "AWS/DynamoDB"
        assert alarm["AlarmActions"] == claim["spec"]["alarms"]["alarmActions"]
        assert alarm["OKActions"] == claim["spec"]["alarms"]["okActions"]
        assert {"Name": "TableName", "Value": xr} in alarm["Dimensions"]
    assert aws.provider_writes_while(aws.quiet_window()) == {}
