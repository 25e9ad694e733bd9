"""The provider-aws CRDs at the version the project pins, from the Go module cache.

The kinds issue 12 adds (ResourcePolicy, ScheduledAction) and the v2.5.0 Table
fields are not in ../shared/crds, so these tests read the pinned provider
module itself: tools/versions.mk names the version, the module cache holds it
(``make tools`` or any Go build of tools/ fetches it).
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]

MODULE = "github.com/upbound/provider-aws/v2"


def _pinned_version() -> str:
    text = (ROOT / "tools" / "versions.mk").read_text()
    match = re.search(r"^PROVIDER_AWS_VERSION\s*:=\s*(\S+)", text, re.M)
    assert match, "tools/versions.mk pins no PROVIDER_AWS_VERSION"
    return match.group(1)


@functools.cache
def crd_dir() -> Path:
    cache = os.environ.get("GOMODCACHE")
    if not cache:
        try:
            cache = subprocess.run(
                ["go", "env", "GOMODCACHE"], capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            cache = str(Path.home() / "go" / "pkg" / "mod")
    return Path(cache) / f"{MODULE}@{_pinned_version()}" / "package" / "crds"


@functools.cache
def _index() -> dict[tuple[str, str], dict[str, Any]]:
    folder = crd_dir()
    if not folder.is_dir():
        pytest.skip(f"provider CRDs not in the Go module cache at {folder}")
    index: dict[tuple[str, str], dict[str, Any]] = {}
    for path in folder.glob("*.yaml"):
        if not path.name.startswith(("dynamodb.", "appautoscaling.")):
            continue
        doc = yaml.safe_load(path.read_text())
        group, kind = doc["spec"]["group"], doc["spec"]["names"]["kind"]
        for v in doc["spec"]["versions"]:
            if v.get("served"):
                index[(f"{group}/{v['name']}", kind)] = v["schema"]["openAPIV3Schema"]
    return index


def pinned_schema(api_version: str, kind: str) -> dict[str, Any] | None:
    """The openAPIV3Schema the pinned provider serves for a kind, or None."""
    return _index().get((api_version, kind))


def pinned_schema_errors(resource: dict[str, Any]) -> list[str]:
    """Every way ``resource`` breaks the pinned provider CRD (empty when it validates).

    Unknown fields count as errors, as the API server's strict field validation does.
    """
    schema = pinned_schema(resource["apiVersion"], resource["kind"])
    assert schema is not None, f"the pinned provider serves no {resource['apiVersion']}"
    validator = jsonschema.Draft7Validator(_strict(schema))
    return [
        f"{'.'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(resource)
    ]


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    def visit(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        nested = ("items", "additionalProperties")
        out = {k: visit(v) if k in nested else v for k, v in node.items()}
        if "properties" in node:
            out["properties"] = {k: visit(v) for k, v in node["properties"].items()}
            if not node.get("x-kubernetes-preserve-unknown-fields"):
                out.setdefault("additionalProperties", False)
        return out

    return visit(schema)
