"""What the function renders and ships, against the real CRDs (tests/crds.py).

Every check here reads a reference CRD from its Go module at a pinned sha256, so
these tests need Go (`make tools`); the behaviour they sit on is tested without
any CRD in the other modules. `crank beta validate` judges the same objects with
the API server's own validation code in tests/test_crank_validate.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from hypothesis import given, settings

from function.serve.structs import struct_to_dict
from tests import crds
from tests.admission import admit
from tests.rendered import (
    EXAMPLE_DIRS,
    SCOPES,
    VALID_SPECS,
    example_resources,
    observed_resources,
    valid_case_resources,
)
from tests.support import EXAMPLES, ROOT, crd_schema, load_yaml, schema_errors
from tests.test_autoscaling import FIXTURE_XRS, _converge
from tests.test_autoscaling import _xr as autoscaling_xr
from tests.test_deletion_policy import AUTOSCALED, _table
from tests.test_hostile_input import (  # noqa: F401 - server is a fixture
    FUZZ,
    _request,
    check_response,
    composites,
    inputs,
    observed_tables,
    server,
)

XRD_CRD = "crossplane/apiextensions.crossplane.io_compositeresourcedefinitions.yaml"
XRD_CRD_V1 = "crossplane/v1/apiextensions.crossplane.io_compositeresourcedefinitions.yaml"


@pytest.mark.parametrize("name", crds.names())
def test_reference_crd_has_its_pinned_sum(name: str) -> None:
    assert crds.path(name).is_file()


def test_a_changed_crd_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    name = crds.names("provider-upjet-aws/")[0]
    crds.path.cache_clear()
    monkeypatch.setitem(crds.SHA256, name, "0" * 64)
    with pytest.raises(crds.ChecksumMismatchError, match="pinned 0000"):
        crds.path(name)
    crds.path.cache_clear()


@pytest.mark.parametrize("name", EXAMPLE_DIRS)
def test_example_renders_resources_the_provider_crds_accept(name: str) -> None:
    resources = example_resources(name)
    assert resources
    for resource in resources:
        assert schema_errors(resource) == [], resource["kind"]


@pytest.mark.parametrize("name", EXAMPLE_DIRS)
def test_example_observed_resources_fit_the_provider_crds(name: str) -> None:
    for resource in observed_resources(name):
        assert schema_errors(resource) == [], resource["kind"]


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("case", [c["name"] for c in VALID_SPECS])
def test_every_valid_case_renders_resources_the_provider_crds_accept(case: str, scope: str) -> None:
    for name, body in valid_case_resources(case, scope):
        assert schema_errors(body) == [], name


def _cel_required(api_version: str, kind: str) -> list[str]:
    """forProvider fields the CRD's CEL rules require (jsonschema does not run CEL)."""
    spec = crd_schema(api_version, kind)["properties"]["spec"]
    rules = [v["rule"] for v in spec.get("x-kubernetes-validations", [])]
    return [m for r in rules for m in re.findall(r"has\(self\.forProvider\.(\w+)\)", r)]


@pytest.mark.parametrize("namespace", [None, "team-a"], ids=["cluster", "namespaced"])
@pytest.mark.parametrize("fixture", FIXTURE_XRS)
def test_every_autoscaling_resource_fits_the_real_crds(fixture: str, namespace: str | None) -> None:
    xr = autoscaling_xr(fixture)
    if namespace:
        xr["metadata"]["namespace"] = namespace
    outcome, _ = _converge(xr)
    for name, composed in outcome.resources.items():
        body = composed.body
        assert schema_errors(body) == [], name
        for required in _cel_required(body["apiVersion"], body["kind"]):
            assert required in body["spec"]["forProvider"], (name, required)


@pytest.mark.parametrize("namespace", [None, "team-a"], ids=["cluster", "namespaced"])
@pytest.mark.parametrize("protected", [True, False], ids=["protected", "unprotected"])
@pytest.mark.parametrize("spec", [{}, AUTOSCALED], ids=["on-demand", "autoscaled"])
def test_deletion_protection_renders_a_table_the_crd_accepts(
    namespace: str | None, protected: bool, spec: dict[str, Any]
) -> None:
    assert schema_errors(_table(namespace, protected, spec)) == []


@settings(FUZZ, max_examples=75)
@given(composite=composites, observed=observed_tables, fn_input=inputs)
def test_any_rendered_table_fits_the_provider_crd(
    server: Any,  # noqa: F811 - the fixture imported above
    composite: dict[str, Any],
    observed: dict[str, Any] | None,
    fn_input: dict[str, Any] | None,
) -> None:
    rsp = check_response(server, _request("fuzz-crd", composite, observed, fn_input, None))
    if not any(r.severity == fnv1.SEVERITY_FATAL for r in rsp.results):
        table = struct_to_dict(rsp.desired.resources["table"].resource)
        assert schema_errors(table) == [], table


@pytest.mark.parametrize(
    ("path", "crd_file"),
    [
        ("composition.yaml", "crossplane/apiextensions.crossplane.io_compositions.yaml"),
        ("composition.yaml", "crossplane/v1/apiextensions.crossplane.io_compositions.yaml"),
        ("functions.yaml", "crossplane/pkg.crossplane.io_functions.yaml"),
        ("xrd.yaml", XRD_CRD),
        ("xrd.yaml", XRD_CRD_V1),
        ("xrd-v2.yaml", XRD_CRD),
        ("configuration.yaml", "crossplane/pkg.crossplane.io_configurations.yaml"),
        ("configuration.yaml", "crossplane/v1/pkg.crossplane.io_configurations.yaml"),
    ],
    ids=[
        "composition-2",
        "composition-1",
        "function-2",
        "xrd-on-2",
        "xrd-on-1",
        "xrd-v2-on-2",
        "configuration-2",
        "configuration-1",
    ],
)
def test_crossplane_objects_are_valid_for_real_crossplane(path: str, crd_file: str) -> None:
    doc = load_yaml(EXAMPLES / path)
    schema = crds.version_schema(crd_file, doc["apiVersion"].rsplit("/", 1)[-1])
    # Crossplane's own CEL rules too: v2 refuses claims and connection keys.
    assert admit(doc, schema) == []


def test_the_v2_crd_would_refuse_a_claim_in_a_v2_xrd() -> None:
    doc = load_yaml(EXAMPLES / "xrd-v2.yaml")
    doc["spec"]["claimNames"] = {"kind": "AwsDynamodb", "plural": "awsdynamodbs"}
    refusals = admit(doc, crds.version_schema(XRD_CRD, "v2"))
    assert [r.message for r in refusals] == [
        "Claims aren't supported in apiextensions.crossplane.io/v2"
    ]


def test_crossplane_yaml_fits_the_function_meta_crd() -> None:
    meta = load_yaml(ROOT / "package" / "crossplane.yaml")
    crd = "crossplane/meta/meta.pkg.crossplane.io_functions.yaml"
    assert admit(meta, crd_schema(meta["apiVersion"], meta["kind"], crd)) == []


def test_the_configurations_crossplane_yaml_fits_the_configuration_meta_crd() -> None:
    meta = load_yaml(ROOT / "configuration" / "crossplane.yaml")
    crd = "crossplane/meta/meta.pkg.crossplane.io_configurations.yaml"
    assert admit(meta, crd_schema(meta["apiVersion"], meta["kind"], crd)) == []
