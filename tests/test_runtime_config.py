"""The cluster Function and its DeploymentRuntimeConfig (examples/function.yaml,
examples/runtime-config.yaml): valid for Crossplane, wired to each other, and
matching the image and what one replica really uses."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import grpc
import pytest
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from function.offline import build_request
from tests import crds
from tests.admission import admit
from tests.support import (
    EXAMPLES,
    crossplane_documents,
    load_all,
    load_yaml,
    serve_subprocess,
)
from tests.test_dockerfile import DOCKERFILE, stages

FUNCTION = load_yaml(EXAMPLES / "function.yaml")
RUNTIME = load_yaml(EXAMPLES / "runtime-config.yaml")
POD = RUNTIME["spec"]["deploymentTemplate"]["spec"]["template"]["spec"]
(CONTAINER,) = POD["containers"]
MI = 1024 * 1024


def _quantity(value: str) -> int:
    """A Kubernetes memory quantity in bytes (the binary suffixes used here)."""
    m = re.fullmatch(r"(\d+)(Ki|Mi|Gi)?", value)
    assert m, value
    return int(m.group(1)) * {None: 1, "Ki": 1024, "Mi": MI, "Gi": 1024 * MI}[m.group(2)]


@pytest.mark.parametrize(
    ("doc", "crd_file"),
    [
        (FUNCTION, "crossplane/pkg.crossplane.io_functions.yaml"),
        (RUNTIME, "crossplane/pkg.crossplane.io_deploymentruntimeconfigs.yaml"),
    ],
    ids=["function", "runtime-config"],
)
def test_valid_for_real_crossplane(doc: dict[str, Any], crd_file: str) -> None:
    crd = crds.load(crd_file)
    version = doc["apiVersion"].rsplit("/", 1)[-1]
    (served,) = [v for v in crd["spec"]["versions"] if v["name"] == version and v["served"]]
    assert crd["spec"]["names"]["kind"] == doc["kind"]
    assert admit(doc, served["schema"]["openAPIV3Schema"]) == []


def test_function_names_the_runtime_config_and_is_the_compositions_function() -> None:
    ref = FUNCTION["spec"]["runtimeConfigRef"]
    assert (ref["apiVersion"], ref["kind"], ref["name"]) == (
        RUNTIME["apiVersion"],
        RUNTIME["kind"],
        RUNTIME["metadata"]["name"],
    )
    (step,) = load_yaml(EXAMPLES / "composition.yaml")["spec"]["pipeline"]
    assert step["functionRef"]["name"] == FUNCTION["metadata"]["name"]
    # The render twin is the same Function, less the cluster runtime.
    render = load_yaml(EXAMPLES / "functions.yaml")
    assert render["spec"]["package"] == FUNCTION["spec"]["package"]
    assert "annotations" not in FUNCTION["metadata"]


def test_replicas_spread_over_nodes() -> None:
    spec = RUNTIME["spec"]["deploymentTemplate"]["spec"]
    assert spec["replicas"] >= 2
    (spread,) = POD["topologySpreadConstraints"]
    assert spread["topologyKey"] == "kubernetes.io/hostname"
    # Crossplane labels the function's pods with the Function's name.
    labels = {"pkg.crossplane.io/function": FUNCTION["metadata"]["name"]}
    assert spread["labelSelector"]["matchLabels"] == labels


def test_container_is_the_images_non_root_user_on_its_port() -> None:
    # Crossplane merges its settings into the container of this name.
    assert CONTAINER["name"] == "package-runtime"
    runtime = dict(stages(DOCKERFILE.read_text())[-1].instructions)
    (port,) = CONTAINER["ports"]
    assert (port["name"], str(port["containerPort"])) == ("grpc", runtime["EXPOSE"])
    assert runtime["USER"].split(":")[0] == "nonroot"  # uid 65532 in distroless
    security = CONTAINER["securityContext"]
    assert security["runAsUser"] == POD["securityContext"]["runAsUser"] == 65532
    assert security["runAsNonRoot"] is True
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]


def test_limits_hold_the_requests() -> None:
    resources = CONTAINER["resources"]
    requests, limits = resources["requests"], resources["limits"]
    assert set(requests) == set(limits) == {"cpu", "memory"}
    assert _quantity(requests["memory"]) <= _quantity(limits["memory"])


def _peak_rss(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    m = re.search(r"^VmHWM:\s+(\d+) kB$", status, re.M)
    assert m
    return int(m.group(1)) * 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_a_replica_with_its_cache_full_stays_within_the_memory_request() -> None:
    xr = load_yaml(EXAMPLES / "autoscaled" / "xr.yaml")
    observed = [
        doc
        for path in sorted((EXAMPLES / "autoscaled" / "observed").glob("*.yaml"))
        for doc in load_all(path)
    ]
    fn_input = load_yaml(EXAMPLES / "input.yaml")
    with serve_subprocess("--insecure") as (proc, address), grpc.insecure_channel(address) as ch:
        stub = grpcv1.FunctionRunnerServiceStub(ch)
        # Distinct composites, each sent twice (the second is kept): more than
        # the cache holds, so it ends full and evicting.
        for i in range(300):
            variant = json.loads(json.dumps(xr))
            variant["metadata"]["name"] = f"{xr['metadata']['name']}-{i}"
            variant["metadata"]["uid"] = f"uid-{i}"
            req = build_request(*crossplane_documents(variant, observed), fn_input, tag=str(i))
            stub.RunFunction(req, timeout=10)
            stub.RunFunction(req, timeout=10)
        peak = _peak_rss(proc.pid)
    request = _quantity(CONTAINER["resources"]["requests"]["memory"])
    print(f"peak RSS {peak / MI:.1f} MiB")
    assert peak < request, f"peak RSS {peak / MI:.1f} MiB, request {request / MI:.0f} MiB"
