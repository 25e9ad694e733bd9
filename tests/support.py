"""Shared test helpers: reference CRDs (tests/crds.py), YAML fixtures, a served function."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc
import jsonschema
import yaml

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
    return {**resource, "status": {"atProvider": {}, "conditions": [NOT_FOUND_CONDITION]}}
