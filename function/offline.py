"""Offline use of the function: render a composite from files, validate claims.

``render`` drives the same FunctionRunner the gRPC server uses, so what it
prints is what Crossplane would receive.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from crossplane.function.proto.v1 import run_function_pb2 as fnv1

from function.compose import Request, compose
from function.serve.servicer import FunctionRunner
from function.serve.structs import struct_to_dict, to_struct

__all__ = [
    "RESOURCE_NAME_ANNOTATION",
    "build_request",
    "load_documents",
    "render",
    "response_documents",
    "validate_documents",
]

RESOURCE_NAME_ANNOTATION = "crossplane.io/composition-resource-name"
_SEVERITY_NAMES = {
    fnv1.SEVERITY_FATAL: "Fatal",
    fnv1.SEVERITY_WARNING: "Warning",
    fnv1.SEVERITY_NORMAL: "Normal",
}


def load_documents(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Every YAML document in the files given, and in the *.yaml files of directories given."""
    docs: list[dict[str, Any]] = []
    for path in map(Path, paths):
        files = sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
        for f in files:
            docs.extend(d for d in yaml.safe_load_all(f.read_text()) if isinstance(d, dict))
    return docs


def _resource_name(doc: dict[str, Any]) -> str | None:
    annotations = (doc.get("metadata") or {}).get("annotations") or {}
    return annotations.get(RESOURCE_NAME_ANNOTATION)


def build_request(
    composite: dict[str, Any],
    observed: Iterable[dict[str, Any]] = (),
    fn_input: dict[str, Any] | None = None,
    tag: str = "render",
) -> fnv1.RunFunctionRequest:
    """A RunFunctionRequest like the one Crossplane sends for this composite."""
    req = fnv1.RunFunctionRequest(meta=fnv1.RequestMeta(tag=tag))
    req.observed.composite.resource.CopyFrom(to_struct(composite))
    req.desired.composite.resource.CopyFrom(
        to_struct({k: composite[k] for k in ("apiVersion", "kind", "metadata") if k in composite})
    )
    for doc in observed:
        name = _resource_name(doc)
        if name:
            req.observed.resources[name].resource.CopyFrom(to_struct(doc))
    if fn_input is not None:
        req.input.CopyFrom(to_struct(fn_input))
    return req


def render(req: fnv1.RunFunctionRequest) -> fnv1.RunFunctionResponse:
    """Run the servicer once, in process."""
    return asyncio.run(FunctionRunner().RunFunction(req, None))


_KEY_ORDER = {"apiVersion": 0, "kind": 1, "metadata": 2, "spec": 3, "status": 4}


def _sorted(value: Any) -> Any:
    # A Struct's fields come in no particular order; sorted output diffs well.
    if isinstance(value, dict):
        return {k: _sorted(value[k]) for k in sorted(value)}
    if isinstance(value, list):
        return [_sorted(v) for v in value]
    return value


def _ordered(doc: dict[str, Any]) -> dict[str, Any]:
    """Kubernetes' usual key order on top, sorted keys below: output reads like a manifest."""
    top = sorted(doc, key=lambda k: (_KEY_ORDER.get(k, 5), k))
    return {k: _sorted(doc[k]) for k in top}


def response_documents(rsp: fnv1.RunFunctionResponse) -> list[dict[str, Any]]:
    """The desired composite, each desired composed resource, then each result."""
    xr = struct_to_dict(rsp.desired.composite.resource)
    docs: list[dict[str, Any]] = [_ordered(xr)]
    xr_name = (xr.get("metadata") or {}).get("name", "")
    for name in sorted(rsp.desired.resources):
        body = struct_to_dict(rsp.desired.resources[name].resource)
        meta = body.setdefault("metadata", {})
        meta.setdefault("annotations", {})[RESOURCE_NAME_ANNOTATION] = name
        if xr_name and "name" not in meta:
            meta.setdefault("generateName", f"{xr_name}-")
        docs.append(_ordered(body))
    for result in rsp.results:
        doc: dict[str, Any] = {
            "apiVersion": "render.crossplane.io/v1beta1",
            "kind": "Result",
            "severity": _SEVERITY_NAMES.get(result.severity, "Unspecified"),
            "message": result.message,
        }
        if result.reason:
            doc["reason"] = result.reason
        docs.append(doc)
    return docs


def validate_documents(
    docs: Iterable[dict[str, Any]], fn_input: dict[str, Any] | None = None
) -> list[str]:
    """Every problem with each claim or XR, as 'kind/name: problem' lines."""
    problems: list[str] = []
    for doc in docs:
        meta = doc.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        label = f"{doc.get('kind', '?')}/{meta.get('name', '?')}"
        outcome = compose(Request(composite=doc, input=fn_input))
        problems.extend(f"{label}: {v}" for v in outcome.violations)
    return problems
