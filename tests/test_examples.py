"""The examples a user copies: they render through the real server as they say.

Each directory under examples/ (minimal, provisioned, production, namespaced,
planton, ...) holds an XR (xr.yaml), usually the claim it comes from
(claim.yaml), and what Crossplane observes once AWS has made the resources
(observed/).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from function.generate.xrd import xr_schema
from function.offline import RESOURCE_NAME_ANNOTATION, build_request, response_documents
from tests.admission import admit
from tests.support import EXAMPLES, load_all, load_yaml

MINE = ["minimal", "provisioned", "production", "namespaced", "planton"]
# Other engineers' example directories render the same way.
EXAMPLE_DIRS = sorted(p.parent.name for p in EXAMPLES.glob("*/xr.yaml"))
INPUT = load_yaml(EXAMPLES / "input.yaml")
COMPOSITION = load_yaml(EXAMPLES / "composition.yaml")
SPEC_SCHEMA = xr_schema()["properties"]["spec"]


def _observed(name: str) -> list[dict[str, Any]]:
    return [d for p in sorted((EXAMPLES / name).glob("observed/*.yaml")) for d in load_all(p)]


def _render(stub: grpcv1.FunctionRunnerServiceStub, name: str) -> list[dict[str, Any]]:
    xr = load_yaml(EXAMPLES / name / "xr.yaml")
    # A directory may bring its own Input; otherwise the Composition's applies.
    own = EXAMPLES / name / "input.yaml"
    fn_input = load_yaml(own) if own.is_file() else INPUT
    rsp = stub.RunFunction(build_request(xr, _observed(name), fn_input), timeout=10)
    fatal = [r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]
    assert fatal == []
    return response_documents(rsp)


def test_my_examples_are_all_there() -> None:
    assert set(MINE) <= set(EXAMPLE_DIRS)


@pytest.mark.parametrize("name", EXAMPLE_DIRS)
def test_example_observed_resources_are_all_still_desired(
    stub_v1: grpcv1.FunctionRunnerServiceStub, name: str
) -> None:
    observed = _observed(name)
    desired = {
        d["metadata"]["annotations"][RESOURCE_NAME_ANNOTATION]
        for d in _render(stub_v1, name)[1:]
        if d.get("kind") != "Result"
    }
    for resource in observed:
        # An observed resource the function no longer wants would be deleted.
        assert resource["metadata"]["annotations"][RESOURCE_NAME_ANNOTATION] in desired


@pytest.mark.parametrize("name", MINE)
def test_example_with_a_ready_table_reports_its_outputs(
    stub_v1: grpcv1.FunctionRunnerServiceStub, name: str
) -> None:
    outputs = _render(stub_v1, name)[0]["status"]["outputs"]
    table = next(d for d in _observed(name) if d["kind"] == "Table")
    assert outputs["tableArn"] == table["status"]["atProvider"]["arn"]
    assert outputs["tableName"] == table["metadata"]["annotations"]["crossplane.io/external-name"]


def test_production_example_renders_contributor_insights_and_stream_outputs(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    docs = _render(stub_v1, "production")
    assert "streamArn" in docs[0]["status"]["outputs"]
    assert "ContributorInsights" in {d.get("kind") for d in docs}


def test_namespaced_example_composes_namespaced_resources_in_its_namespace(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    for doc in _render(stub_v1, "namespaced")[1:]:
        if doc.get("kind") != "Result":
            assert ".m.upbound.io/" in doc["apiVersion"]
            assert doc["metadata"]["namespace"] == "web"


def _user_part(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec without the fields Crossplane adds to every XR's schema (crossplane, claimRef)."""
    return {k: v for k, v in spec.items() if k in SPEC_SCHEMA["properties"]}


def _claims() -> list[Path]:
    return sorted(EXAMPLES.glob("*/claim.yaml"))


@pytest.mark.parametrize("path", _claims(), ids=[p.parent.name for p in _claims()])
def test_claim_and_its_xr_twin_ask_for_the_same_table(path: Path) -> None:
    claim = load_yaml(path)
    xr = load_yaml(path.parent / "xr.yaml")
    assert claim["kind"] == "AwsDynamodb" and xr["kind"] == "XAwsDynamodb"
    assert _user_part(xr["spec"]) == claim["spec"]
    assert xr["spec"]["claimRef"]["name"] == claim["metadata"]["name"]


_COPYABLE = [*_claims(), EXAMPLES / "namespaced" / "xr.yaml"]


@pytest.mark.parametrize("path", _COPYABLE, ids=[p.parent.name for p in _COPYABLE])
def test_claims_users_copy_pass_admission(path: Path) -> None:
    spec = load_yaml(path)["spec"]
    assert set(spec) - set(SPEC_SCHEMA["properties"]) <= {"crossplane"}
    assert admit(_user_part(spec), SPEC_SCHEMA) == []


def test_planton_claim_keeps_plantons_legacy_spellings() -> None:
    spec = load_yaml(EXAMPLES / "planton" / "claim.yaml")["spec"]
    assert spec["billingMode"] == "BILLING_MODE_PAY_PER_REQUEST"
    assert spec["keySchema"][0]["keyType"] == "KEY_TYPE_HASH"
    assert "region" not in spec  # the Composition's Input supplies it


def test_input_file_is_the_compositions_step_input() -> None:
    (step,) = COMPOSITION["spec"]["pipeline"]
    assert step["input"] == INPUT


def test_composition_functions_and_xrds_refer_to_each_other() -> None:
    function = load_yaml(EXAMPLES / "functions.yaml")
    assert function["metadata"]["annotations"]["render.crossplane.io/runtime"] == "Development"
    (step,) = COMPOSITION["spec"]["pipeline"]
    assert step["functionRef"]["name"] == function["metadata"]["name"]
    for path in ("xrd.yaml", "xrd-v2.yaml"):
        xrd = load_yaml(EXAMPLES / path)["spec"]
        ref = COMPOSITION["spec"]["compositeTypeRef"]
        assert ref == {"apiVersion": f"{xrd['group']}/v1", "kind": xrd["names"]["kind"]}
        assert xrd["defaultCompositionRef"]["name"] == COMPOSITION["metadata"]["name"]


@pytest.mark.parametrize("name", MINE)
def test_example_observed_resources_are_the_full_result(
    stub_v1: grpcv1.FunctionRunnerServiceStub, name: str
) -> None:
    # Nothing still waits, and the only warnings are the Planton manifest's old spellings.
    results = [d for d in _render(stub_v1, name) if d.get("kind") == "Result"]
    assert [r for r in results if r.get("reason") == "Pending"] == []
    warnings = [r for r in results if r["severity"] == "Warning"]
    assert all(r.get("reason") == "DeprecatedSpelling" for r in warnings)
    assert bool(warnings) == (name == "planton")
