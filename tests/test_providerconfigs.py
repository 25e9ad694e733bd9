"""The ProviderConfigs under examples/providerconfig/ are what the rendered resources name.

Cluster-scoped resources (claims, v1 XRDs) name an aws.upbound.io ProviderConfig;
namespaced .m. resources (v2 namespaced XRs) name an aws.m.upbound.io
ClusterProviderConfig, or, with the Input's providerConfigKind: ProviderConfig,
an aws.m.upbound.io ProviderConfig in their own namespace. Each example is
validated against the provider's own CRDs, read from the Go module cache where
`make tools` puts provider-aws (the version in tools/versions.mk).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from function.offline import build_request, response_documents
from tests import crds
from tests.admission import admit
from tests.support import EXAMPLES, load_all, load_yaml

# The provider's ProviderConfig kinds, one per scope, pinned in tests/crds.sha256.
CRD_FILES = (
    "aws.upbound.io_providerconfigs.yaml",
    "aws.m.upbound.io_providerconfigs.yaml",
    "aws.m.upbound.io_clusterproviderconfigs.yaml",
)
HERE = EXAMPLES / "providerconfig"
CONFIGS = {p.stem: load_yaml(p) for p in sorted(HERE.glob("*.yaml"))}
INPUT = load_yaml(EXAMPLES / "input.yaml")


def provider_crd(file: str) -> dict[str, Any]:
    return crds.load(f"provider-upjet-aws/{file}")


def crd_file(doc: dict[str, Any]) -> str:
    group = doc["apiVersion"].split("/")[0]
    return f"{group}_{doc['kind'].lower()}s.yaml"


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_example_provider_config_is_valid_for_the_providers_crd(name: str) -> None:
    doc = CONFIGS[name]
    crd = provider_crd(crd_file(doc))
    version = doc["apiVersion"].split("/")[1]
    (served,) = [v for v in crd["spec"]["versions"] if v["name"] == version and v["served"]]
    assert admit(doc, served["schema"]["openAPIV3Schema"]) == []
    # A namespace on a cluster-scoped object is an error kubectl reports; none on
    # a namespaced one would put it wherever kubectl's context points.
    assert ("namespace" in doc["metadata"]) == (crd["spec"]["scope"] == "Namespaced")


def test_every_provider_config_kind_is_covered() -> None:
    assert sorted(crd_file(doc) for doc in CONFIGS.values()) == sorted(CRD_FILES)


def _refs(
    stub: grpcv1.FunctionRunnerServiceStub, xr: Path, fn_input: dict[str, Any]
) -> set[tuple[str, str, str | None, str]]:
    """(group, kind, namespace, name) of the ProviderConfig each rendered resource names."""
    rsp = stub.RunFunction(build_request(load_yaml(xr), [], fn_input), timeout=10)
    refs = set()
    for doc in response_documents(rsp)[1:]:
        if doc.get("kind") == "Result":
            continue
        ref = doc["spec"]["providerConfigRef"]
        # provider-aws's ProviderConfig kinds are in the aws. group of the family.
        group = "aws.m.upbound.io" if ".m.upbound.io/" in doc["apiVersion"] else "aws.upbound.io"
        # A cluster-scoped resource's ref has no kind: it can only be a ProviderConfig.
        kind = ref.get("kind", "ProviderConfig")
        namespace = doc["metadata"].get("namespace") if kind == "ProviderConfig" else None
        refs.add((group, kind, namespace, ref["name"]))
    return refs


def _provided() -> set[tuple[str, str, str | None, str]]:
    return {
        (
            d["apiVersion"].split("/")[0],
            d["kind"],
            d["metadata"].get("namespace"),
            d["metadata"]["name"],
        )
        for d in CONFIGS.values()
    }


@pytest.mark.parametrize(
    ("xr", "kind", "example"),
    [
        ("minimal/xr.yaml", None, "cluster"),
        ("namespaced/xr.yaml", None, "namespaced"),
        ("namespaced/xr.yaml", "ProviderConfig", "per-namespace"),
    ],
    ids=["claim-cluster-scoped", "namespaced-default-kind", "namespaced-per-namespace"],
)
def test_rendered_resources_name_the_example_provider_config(
    stub_v1: grpcv1.FunctionRunnerServiceStub, xr: str, kind: str | None, example: str
) -> None:
    fn_input = INPUT if kind is None else {**INPUT, "providerConfigKind": kind}
    doc = CONFIGS[example]
    want = (doc["apiVersion"].split("/")[0], doc["kind"], doc["metadata"].get("namespace"))
    refs = _refs(stub_v1, EXAMPLES / xr, fn_input)
    assert refs == {(*want, doc["metadata"]["name"])}
    assert refs <= _provided()


def test_the_per_namespace_example_shows_the_input_it_needs() -> None:
    text = (HERE / "per-namespace.yaml").read_text()
    assert "providerConfigKind: ProviderConfig" in text
    assert all(d["metadata"]["namespace"] == "web" for d in load_all(HERE / "per-namespace.yaml"))
    assert load_yaml(EXAMPLES / "namespaced" / "xr.yaml")["metadata"]["namespace"] == "web"
