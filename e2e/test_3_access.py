"""Access policies on real Crossplane: a claim asking for them gets IAM Policies for its
table only, once the table is its own and Ready; their ARNs reach the XR, the claim and
its connection secret; a policy switched off is deleted; streamRead without streams is
refused at admission; and a claim naming another team's table gets no policy at all.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from e2e import provider, scenario
from e2e.kube import Kube, eventually

NS = "warehouse"
POLICIES = {"access-read-only", "access-read-write", "access-stream-read"}
OUTPUTS = {
    "access-read-only": "readOnlyPolicyArn",
    "access-read-write": "readWritePolicyArn",
    "access-stream-read": "streamReadPolicyArn",
}


def _claim(name: str, namespace: str = NS, **spec: Any) -> dict[str, Any]:
    return scenario.claim_of("access/claim.yaml", name, namespace, **spec)


def _documents(mrs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    return {n: json.loads(mrs[n]["spec"]["forProvider"]["policy"]) for n in POLICIES & set(mrs)}


def test_access_policies_follow_the_table_and_reach_the_claim(kube: Kube) -> None:
    claim = _claim("stock")
    claim["spec"]["writeConnectionSecretToRef"] = {"name": "stock-table"}
    scenario.apply(kube, claim)
    xr = scenario.xr_name_of_claim(kube, "stock", NS)
    table = scenario.wait_composed(kube, xr, {"table"})["table"]
    assert provider.observe_only(table)
    # Observing: no policy, whatever the claim asks.
    assert not POLICIES & set(scenario.by_resource_name(scenario.composed(kube, xr)))

    scenario.make_ready(kube, [table])
    mrs = scenario.wait_composed(kube, xr, {"table", *POLICIES})
    arn = f"arn:aws:dynamodb:us-east-1:{provider.ACCOUNT}:table/{xr}"
    key = claim["spec"]["serverSideEncryption"]["kmsKeyArn"]
    documents = _documents(mrs)
    assert documents["access-read-only"]["Statement"][0]["Resource"] == [arn, f"{arn}/index/*"]
    assert documents["access-read-write"]["Statement"][1] == {
        "Sid": "WriteItems",
        "Effect": "Allow",
        "Action": [
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem",
        ],
        "Resource": [arn],
    }
    assert documents["access-stream-read"]["Statement"][0]["Resource"] == [f"{arn}/stream/*"]
    for document in documents.values():
        assert document["Statement"][-1]["Resource"] == [key]
    for name in POLICIES:
        policy = mrs[name]
        assert policy["apiVersion"] == "iam.aws.upbound.io/v1beta1"
        assert policy["spec"]["forProvider"]["path"] == f"/dynamodb/{NS}/"
        external = policy["metadata"]["annotations"]["crossplane.io/external-name"]
        assert external.startswith(f"{xr}-{name.removeprefix('access-')}-")

    scenario.make_ready(kube, [mrs[n] for n in sorted(POLICIES)])
    composite = scenario.wait_ready(kube, scenario.XR, xr)
    want = {
        OUTPUTS[n]: provider.observed(mrs[n])["arn"]
        for n in POLICIES  # arn:aws:iam::ACCOUNT:policy/dynamodb/warehouse/<name>
    }
    outputs = composite["status"]["outputs"]
    assert {k: outputs.get(k) for k in want} == want
    scenario.wait_ready(kube, scenario.CLAIM, "stock", NS)

    def secret() -> dict[str, str] | None:
        found = kube.get("secret", "stock-table", NS)
        data = (found or {}).get("data") or {}
        decoded = {k: base64.b64decode(v).decode() for k, v in data.items()}
        return decoded if set(want) <= set(decoded) else None

    details = eventually("the claim's connection secret", secret, timeout=scenario.WAIT)
    assert {k: details[k] for k in want} == want

    # Switched off on the claim: Crossplane deletes that Policy, the others stay.
    claim["spec"]["accessPolicies"]["readWrite"] = False
    scenario.apply(kube, claim)

    def without_read_write() -> set[str] | None:
        names = set(scenario.by_resource_name(scenario.composed(kube, xr)))
        return names if "access-read-write" not in names else None

    names = eventually(
        "the read-write Policy to be deleted", without_read_write, timeout=scenario.WAIT
    )
    assert {"access-read-only", "access-stream-read"} <= names


def test_stream_read_without_streams_is_refused_at_admission(kube: Kube) -> None:
    claim = _claim("nostream", streamEnabled=False, accessPolicies={"streamRead": True})
    del claim["spec"]["streamViewType"]
    scenario.ensure_namespace(kube, NS)
    done = kube.run("apply", "--server-side", "-f", "-", stdin=json.dumps(claim), check=False)
    assert done.returncode != 0
    assert "accessPolicies.streamRead needs streamEnabled: true" in done.stderr
    assert kube.get(scenario.CLAIM, "nostream", NS) is None


def test_a_claim_naming_another_teams_table_gets_no_policy(kube: Kube) -> None:
    """The victim's table exists and is Ready; an intruder claims it by name, asking for access."""
    victim = _claim("ledger", NS)
    scenario.apply(kube, victim)
    victim_xr = scenario.xr_name_of_claim(kube, "ledger", NS)
    table = scenario.wait_composed(kube, victim_xr, {"table"})["table"]
    scenario.make_ready(kube, [table])
    scenario.wait_composed(kube, victim_xr, POLICIES)
    victims = kube.get(provider.resource_name(table), table["metadata"]["name"])

    access = {"readOnly": True, "readWrite": True, "streamRead": True}
    scenario.apply(
        kube, _claim("grab-ledger", "intruder", tableName=victim_xr, accessPolicies=access)
    )
    xr = scenario.xr_name_of_claim(kube, "grab-ledger", "intruder")
    grab = scenario.wait_composed(kube, xr, {"table"})["table"]
    assert provider.observe_only(grab)
    # The provider observes the victim's table: Ready, tagged for the victim's claim.
    kube.patch_status(
        provider.resource_name(grab),
        grab["metadata"]["name"],
        {"status": {"atProvider": victims["status"]["atProvider"], "conditions": provider.READY}},
    )
    time.sleep(10)  # reconciles after the observation must compose no policy either
    composed = scenario.by_resource_name(scenario.composed(kube, xr))
    assert set(composed) == {"table"}
    assert provider.observe_only(composed["table"])
    status = json.dumps(kube.get(scenario.XR, xr).get("status", {}))
    assert "PolicyArn" not in status and victim_xr + "-read" not in status
