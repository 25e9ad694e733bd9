"""Offline use of the function: render a composite from files, validate claims.

``render`` drives the same FunctionRunner the gRPC server uses, so what it
prints is what Crossplane would receive.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from crossplane.function.proto.v1 import run_function_pb2 as fnv1

from function.api.input import INPUT_GROUP, INPUT_KIND, FunctionInput
from function.api.parse import parse_model
from function.compose import Request, compose
from function.serve.servicer import FunctionRunner
from function.serve.structs import struct_to_dict, to_struct

__all__ = [
    "RESOURCE_NAME_ANNOTATION",
    "KubernetesLoader",
    "Validation",
    "as_json",
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


class KubernetesLoader(yaml.SafeLoader):
    """YAML read as Kubernetes reads it: values become JSON, so a timestamp stays a string.

    PyYAML turns ``2026-01-01T00:00:00Z`` into a datetime, which no protobuf
    Struct (nor the API server's JSON) can hold; kubectl sends it as the string
    it is. Mapping keys become strings too, as in JSON.
    """


KubernetesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _json_key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    return "null" if key is None else str(key)


def as_json(value: Any, where: str = "") -> Any:
    """``value`` with string keys and JSON values only; ValueError names what is not JSON."""
    if isinstance(value, dict):
        return {_json_key(k): as_json(v, f"{where}.{_json_key(k)}") for k, v in value.items()}
    if isinstance(value, list):
        return [as_json(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if value is None or isinstance(value, str | bool | int | float):
        return value
    raise ValueError(f"{where.lstrip('.') or 'document'}: a {type(value).__name__} is not JSON")


def load_documents(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Every YAML document in the files given, and in the *.yaml files of directories given.

    Raises OSError, yaml.YAMLError or ValueError (bad encoding, values JSON cannot hold).
    """
    docs: list[dict[str, Any]] = []
    for path in map(Path, paths):
        files = sorted(path.glob("*.y*ml")) if path.is_dir() else [path]
        for f in files:
            for d in yaml.load_all(f.read_text(encoding="utf-8"), Loader=KubernetesLoader):
                if isinstance(d, dict):
                    docs.append(as_json(d))
    return docs


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _resource_name(doc: dict[str, Any]) -> str | None:
    name = _mapping(_mapping(doc.get("metadata")).get("annotations")).get(RESOURCE_NAME_ANNOTATION)
    return name if isinstance(name, str) and name else None


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
    xr_name = _mapping(xr.get("metadata")).get("name", "")
    for name in sorted(rsp.desired.resources):
        body = struct_to_dict(rsp.desired.resources[name].resource)
        meta = body["metadata"] = _mapping(body.get("metadata"))
        meta["annotations"] = _mapping(meta.get("annotations"))
        meta["annotations"][RESOURCE_NAME_ANNOTATION] = name
        if isinstance(xr_name, str) and xr_name and "name" not in meta:
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


@dataclass
class Validation:
    """What ``function validate`` found: problems, and which documents it judged or skipped."""

    problems: list[str] = field(default_factory=list)
    checked: int = 0
    skipped: list[str] = field(default_factory=list)


def _label(doc: dict[str, Any]) -> str:
    name = _mapping(doc.get("metadata")).get("name", "?")
    return f"{doc.get('kind', '?')}/{name}"


def _group(doc: dict[str, Any]) -> str:
    api_version = doc.get("apiVersion")
    return api_version.rpartition("/")[0] if isinstance(api_version, str) else ""


def validate_documents(
    docs: Iterable[dict[str, Any]], fn_input: dict[str, Any] | None = None
) -> Validation:
    """Every problem with each claim, XR or function Input, as 'kind/name: problem' lines.

    Other kinds (the Composition, XRDs, the Function package) are not this
    API's to judge: they are skipped and named, not reported as bogus problems.
    """
    # The XRD generator (and its CEL builders) only when validating: `render` never needs it.
    from function.generate.xrd import CLAIM_KIND, GROUP, XR_KIND  # noqa: PLC0415

    out = Validation()
    for doc in docs:
        kind, group = doc.get("kind"), _group(doc)
        if kind in (XR_KIND, CLAIM_KIND) and group == GROUP:
            outcome = compose(Request(composite=doc, input=fn_input))
            violations = outcome.violations
        elif kind == INPUT_KIND and group == INPUT_GROUP:
            violations = parse_model(FunctionInput, doc, "input")[1]
        else:
            out.skipped.append(_label(doc))
            continue
        out.checked += 1
        out.problems.extend(f"{_label(doc)}: {v}" for v in violations)
    return out
