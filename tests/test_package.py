"""The package: generated XRDs and Input CRD, crossplane.yaml (real CRDs: test_crd_conformance)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from function.api.access import ACCESS, AccessPlan
from function.api.input import FunctionInput
from function.generate.xrd import OUTPUT_KEYS, input_crd, xr_schema, xrd
from function.render.access_policies import access_outputs, policy_resource_name
from function.render.status import table_outputs
from tests.admission import admit
from tests.support import EXAMPLES, ROOT, load_yaml

PACKAGE = ROOT / "package"
INPUT_CRD = PACKAGE / "input" / "awsdynamodb.fn.project-planton.org_inputs.yaml"


def _cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "function.main", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.mark.parametrize(
    ("args", "checked_in"),
    [
        (("xrd",), EXAMPLES / "xrd.yaml"),
        (("xrd", "--v2"), EXAMPLES / "xrd-v2.yaml"),
        (("input-crd",), INPUT_CRD),
    ],
    ids=["xrd-v1", "xrd-v2", "input-crd"],
)
def test_checked_in_manifests_match_the_generator(args: tuple[str, ...], checked_in: Path) -> None:
    assert _cli(*args) == checked_in.read_text(), f"{checked_in.name} drifted: run `make xrd`"


_FORBIDDEN = {"$ref", "$defs", "anyOf", "oneOf", "allOf", "not", "default", "title", "const"}


def _nodes(node: dict[str, Any], path: str = "") -> list[tuple[str, dict[str, Any]]]:
    found = [(path, node)]
    for name, child in node.get("properties", {}).items():
        found += _nodes(child, f"{path}.{name}")
    for key in ("items", "additionalProperties"):
        if isinstance(node.get(key), dict):
            found += _nodes(node[key], f"{path}[]")
    return found


@pytest.mark.parametrize(
    "schema",
    [xr_schema(), input_crd()["spec"]["versions"][0]["schema"]["openAPIV3Schema"]],
    ids=["xr", "input"],
)
def test_generated_schemas_are_structural(schema: dict[str, Any]) -> None:
    for path, node in _nodes(schema):
        assert _FORBIDDEN.isdisjoint(node), f"{path or '.'} keeps {_FORBIDDEN & set(node)}"
        assert "type" in node, f"{path or '.'} has no type"


def test_descriptions_and_bounds_come_from_the_models() -> None:
    spec = xr_schema()["properties"]["spec"]
    gsis = spec["properties"]["globalSecondaryIndexes"]
    assert gsis["maxItems"] == 20
    assert gsis["description"] == "Global secondary indexes (at most 20)."
    # 50 per table, less the provider's crossplane- tags (5 on namespaced resources)
    # and this function's 2 ownership tags.
    assert spec["properties"]["tags"]["maxProperties"] == 43
    read = gsis["items"]["properties"]["provisionedThroughput"]["properties"]["readCapacityUnits"]
    assert (read["minimum"], read["maximum"]) == (0, 40000)
    assert spec["properties"]["tableName"]["pattern"] == "^[A-Za-z0-9_.-]{3,255}$"
    assert "BILLING_MODE_PAY_PER_REQUEST" in spec["properties"]["billingMode"]["enum"]
    assert spec["required"] == ["attributeDefinitions", "keySchema"]


def test_status_outputs_in_the_schema_are_the_ones_the_function_writes() -> None:
    observed = {
        "status": {
            "atProvider": {
                "arn": "arn:aws:dynamodb:us-east-1:123456789012:table/t",
                "id": "t",
                "streamArn": "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/x",
                "streamLabel": "x",
                "replica": [
                    {
                        "regionName": "eu-west-1",
                        "arn": "arn:aws:dynamodb:eu-west-1:123456789012:table/t",
                    }
                ],
            }
        }
    }
    written = set(table_outputs("t", observed))
    policies = {
        policy_resource_name(a): {
            "status": {"atProvider": {"arn": f"arn:aws:iam::1:policy/{a.slug}"}}
        }
        for a in ACCESS
    }
    written |= set(access_outputs(AccessPlan(ACCESS), policies))
    outputs = xr_schema()["properties"]["status"]["properties"]["outputs"]["properties"]
    assert written == set(outputs) == set(OUTPUT_KEYS)


def test_v1_xrd_offers_a_claim_and_connection_keys_and_v2_is_namespaced_without() -> None:
    v1, v2 = xrd(), xrd(v2=True)
    assert v1["spec"]["claimNames"] == {"kind": "AwsDynamodb", "plural": "awsdynamodbs"}
    assert v1["spec"]["connectionSecretKeys"] == list(OUTPUT_KEYS)
    assert "scope" not in v1["spec"]  # LegacyCluster, the only scope Crossplane 1.x has
    assert v2["spec"]["scope"] == "Namespaced"
    assert "claimNames" not in v2["spec"] and "connectionSecretKeys" not in v2["spec"]
    assert v1["spec"]["versions"] == v2["spec"]["versions"]


def test_crossplane_yaml_is_a_function_package_for_composition() -> None:
    meta = load_yaml(PACKAGE / "crossplane.yaml")
    assert meta["spec"]["capabilities"] == ["composition"]
    assert meta["spec"]["crossplane"]["version"].startswith(">=")


def test_package_root_holds_only_the_meta_file_and_crds() -> None:
    # Crossplane's Function linter accepts one meta object and CRDs only.
    kinds = [load_yaml(p)["kind"] for p in sorted(PACKAGE.rglob("*.yaml"))]
    assert sorted(kinds) == ["CustomResourceDefinition", "Function"]


def test_input_crd_admits_the_composition_input_and_refuses_a_typo() -> None:
    schema = load_yaml(INPUT_CRD)["spec"]["versions"][0]["schema"]["openAPIV3Schema"]
    composition = load_yaml(EXAMPLES / "composition.yaml")
    step_input = composition["spec"]["pipeline"][0]["input"]
    assert admit(step_input, schema) == []
    FunctionInput.model_validate(step_input)
    assert admit({**step_input, "providerConfig": "default"}, schema) != []
