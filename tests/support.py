"""Shared test helpers: reference CRDs (tests/crds.py), YAML fixtures, a served function."""

from __future__ import annotations

import copy
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
import jsonschema
import yaml

from function.compose import Request
from tests import crds

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text())


def load_all(path: Path) -> list[Any]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d is not None]


def crd_schema(api_version: str, kind: str, crd_file: str | None = None) -> dict[str, Any]:
    """The openAPIV3Schema of a served version of a reference CRD (tests/crds.py).

    ``crd_file`` names one CRD (e.g. ``crossplane/v1/...``) instead of the newest
    that serves ``api_version`` and ``kind``.
    """
    name = crd_file or crds.index().get((api_version, kind))
    if name is None:
        raise AssertionError(f"no reference CRD serves {api_version} {kind}")
    return crds.version_schema(name, api_version.rsplit("/", maxsplit=1)[-1])


def schema_errors(resource: dict[str, Any], crd_file: str | None = None) -> list[str]:
    """Every way ``resource`` breaks its CRD's schema (empty when it validates)."""
    schema = crd_schema(resource["apiVersion"], resource["kind"], crd_file)
    validator = jsonschema.Draft7Validator(schema)
    return [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(resource)
    ]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_channel(channel: grpc.Channel, timeout: float = 20.0) -> None:
    grpc.channel_ready_future(channel).result(timeout=timeout)


@contextmanager
def serve_subprocess(
    *args: str, env: dict[str, str] | None = None, log: Path | None = None
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """Run `function serve ARGS` on a free loopback port; yield the process and its address.

    With ``log``, the server's stdout and stderr go to that file, for tests that
    read what it logged (a pipe nobody reads could also fill and stall it).
    """
    address = f"127.0.0.1:{free_port()}"
    cmd = [sys.executable, "-m", "function.main", "serve", "--address", address, *args]
    sink = log.open("wb") if log is not None else None
    proc = subprocess.Popen(
        cmd,
        cwd=ROOT,
        stdout=sink or subprocess.PIPE,
        stderr=subprocess.STDOUT if sink else subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                _out, err = proc.communicate()
                said = log.read_text() if log is not None else (err or b"").decode()
                raise AssertionError(f"function serve exited {proc.returncode}: {said}")
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", int(address.rsplit(":", 1)[1]))) == 0:
                    break
            time.sleep(0.05)
        yield proc, address
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
        if sink is not None:
            sink.close()


def reported_tags(resource: dict[str, Any]) -> dict[str, Any]:
    """The tags AWS reports for a table made from ``resource`` (its forProvider.tags).

    A Table the function rendered observe-only, observed with these tags, is a
    table that carries this composite's ownership tag: the function manages it.
    """
    fp = resource.get("spec", {}).get("forProvider", {})
    return {"tags": dict(fp.get("tags", {}))} if fp.get("tags") else {}


# What crossplane-runtime's managed reconciler reports for an observe-only
# resource whose external resource does not exist.
NOT_FOUND_CONDITION = {
    "type": "Synced",
    "status": "False",
    "reason": "ReconcileError",
    "message": "observe failed: external resource does not exist",
}


def observed_not_found(resource: dict[str, Any]) -> dict[str, Any]:
    """An observe-only Table as Crossplane observes it when AWS has no such table."""
    condition = dict(NOT_FOUND_CONDITION)
    generation = (resource.get("metadata") or {}).get("generation")
    if generation is not None:
        condition["observedGeneration"] = generation
    return {**resource, "status": {"atProvider": {}, "conditions": [condition]}}


# What the API server and Crossplane add to what the function composes; tests
# that are not about provenance (function/safety/provenance.py) observe with it.
def with_uid(composite: dict[str, Any]) -> dict[str, Any]:
    """``composite`` with a uid, as the API server gives every object (kept if it has one)."""
    meta = composite.get("metadata") or {}
    if meta.get("uid"):
        return composite
    seed = f"{meta.get('namespace') or ''}/{meta.get('name') or ''}"
    uid = str(uuid.uuid5(uuid.NAMESPACE_URL, "xr:" + seed))
    return {**composite, "metadata": {**meta, "uid": uid}}


def composed_by(composite: dict[str, Any], resource: dict[str, Any]) -> dict[str, Any]:
    """``resource`` as the API server stores what Crossplane composed for ``composite``.

    Controlled by the composite (the uid ``with_uid`` gives it), at generation 1
    unless it says otherwise, with the CRD's default managementPolicies, and each
    condition stamped with the generation it was written for, as crossplane-runtime
    does (a status with conditions but no Synced gets crossplane-runtime's Synced).
    Values the resource sets itself are kept.
    """
    if not isinstance(resource, dict):
        return resource
    xr_meta = with_uid(composite)["metadata"]
    out = copy.deepcopy(resource)
    meta = out.setdefault("metadata", {})
    if not isinstance(meta, dict):
        return out
    meta.setdefault(
        "ownerReferences",
        [
            {
                "apiVersion": composite.get("apiVersion", "aws.project-planton.org/v1"),
                "kind": composite.get("kind", "XAwsDynamodb"),
                "name": xr_meta.get("name", ""),
                "uid": xr_meta["uid"],
                "controller": True,
                "blockOwnerDeletion": True,
            }
        ],
    )
    generation = meta.setdefault("generation", 1)
    spec = out.get("spec")
    if isinstance(spec, dict):
        spec.setdefault("managementPolicies", ["*"])
    status = out.get("status")
    conditions = status.get("conditions") if isinstance(status, dict) else None
    if isinstance(conditions, list):
        if not any(isinstance(c, dict) and c.get("type") == "Synced" for c in conditions):
            conditions.append({"type": "Synced", "status": "True", "reason": "ReconcileSuccess"})
        for c in conditions:
            if isinstance(c, dict):
                c.setdefault("observedGeneration", generation)
    return out


def crossplane_request(
    composite: dict[str, Any],
    observed: dict[str, Any] | None = None,
    input: Any = None,
) -> Request:
    """A core Request as Crossplane would make it: a composite with a uid, its resources its own."""
    xr = with_uid(composite)
    resources = {n: composed_by(xr, r) for n, r in (observed or {}).items()}
    return Request(composite=xr, observed=resources, input=input)


def crossplane_documents(
    composite: dict[str, Any], observed: Iterable[dict[str, Any]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The composite and observed documents for build_request, as Crossplane would send them."""
    xr = with_uid(composite)
    return xr, [composed_by(xr, d) for d in observed]


def run_function_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """The `function` command line as a user runs it, from the project root."""
    return subprocess.run(
        [sys.executable, "-m", "function.main", *map(str, args)],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
