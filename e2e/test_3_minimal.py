"""The minimal claim, end to end: claim -> XR -> Table; the provider reports it made
the table; the XR and the claim turn Ready, with status.outputs and a connection
secret holding the table's name and ARN."""

from __future__ import annotations

import base64

from e2e import scenario
from e2e.kube import Kube, eventually, is_true

NS = "shop"


def test_minimal_claim_composes_a_table_and_becomes_ready(kube: Kube) -> None:
    claim = scenario.claim_of("minimal/claim.yaml", "orders", NS)
    claim["spec"]["writeConnectionSecretToRef"] = {"name": "orders-table"}
    scenario.apply(kube, claim)
    xr = scenario.xr_name_of_claim(kube, "orders", NS)
    table = scenario.wait_composed(kube, xr, {"table"})["table"]
    assert table["apiVersion"] == "dynamodb.aws.upbound.io/v1beta2"
    # The default table name is the XR's (unique in the cluster), not the claim's.
    assert table["metadata"]["annotations"]["crossplane.io/external-name"] == xr
    assert table["spec"]["forProvider"]["hashKey"] == "pk"
    assert not is_true(kube.get(scenario.CLAIM, "orders", NS), "Ready")

    scenario.make_ready(kube, [table])

    composite = scenario.wait_ready(kube, scenario.XR, xr)
    outputs = composite["status"]["outputs"]
    arn = f"arn:aws:dynamodb:us-east-1:123456789012:table/{xr}"
    assert outputs["tableName"] == xr
    assert outputs["tableArn"] == arn
    scenario.wait_ready(kube, scenario.CLAIM, "orders", NS)

    def secret() -> dict[str, str] | None:
        found = kube.get("secret", "orders-table", NS)
        data = (found or {}).get("data") or {}
        return {k: base64.b64decode(v).decode() for k, v in data.items()} or None

    details = eventually("the claim's connection secret", secret, timeout=scenario.WAIT)
    assert details["tableName"] == xr
    assert details["tableArn"] == arn
