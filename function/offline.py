"""Offline use of the function: render a composite from files, validate claims.

``render`` drives the same FunctionRunner the gRPC server uses, so what it
prints is what Crossplane would receive.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml
from crossplane.function.proto.v1 import run_function_pb2 as fnv1

from function.api.input import INPUT_GROUP, INPUT_KIND
from function.api.kinds import DEFAULT_API, CompositeApi, api_of_type
from function.api.yaml11 import YAML11_BOOLEAN_RE, YAML11_BOOLEANS
from function.compose import Request, compose, read_input
from function.serve.servicer import FunctionRunner
from function.serve.structs import struct_to_dict, to_struct

__all__ = [
    "RESOURCE_NAME_ANNOTATION",
    "KubernetesLoader",
    "Validation",
    "as_json",
    "build_request",
    "claim_to_composite",
    "composite_of",
    "composition_inputs",
    "find_input",
    "input_api",
    "load_documents",
    "load_files",
    "render",
    "resource_name",
    "response_documents",
    "validate_files",
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
    it is. Mapping keys become strings too, as in JSON. An unquoted y, Y, n or N
    is a boolean, as kubectl and the API server read it (api/yaml11.py), so a
    claim's ``type: N`` is judged as the ``false`` the cluster would get.
    """

    bool_values: ClassVar[dict[str, bool]] = {w.lower(): v for w, v in YAML11_BOOLEANS.items()}


_BOOL, _TIMESTAMP = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"
KubernetesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (_BOOL, _TIMESTAMP)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
KubernetesLoader.add_implicit_resolver(
    _BOOL, YAML11_BOOLEAN_RE, sorted({word[0] for word in YAML11_BOOLEANS})
)


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


def load_files(
    paths: Iterable[str | Path], recursive: bool = False
) -> list[tuple[Path, dict[str, Any]]]:
    """(file, document) of every YAML document in the files given, and in the *.yaml
    files of directories given (and of their subdirectories, when ``recursive``).

    Raises OSError, yaml.YAMLError or ValueError (bad encoding, values JSON cannot hold).
    """
    docs: list[tuple[Path, dict[str, Any]]] = []
    for path in map(Path, paths):
        glob = path.rglob if recursive else path.glob
        files = sorted(glob("*.y*ml")) if path.is_dir() else [path]
        for f in files:
            # From the open file, so a YAML error's position names it, not "<unicode string>".
            with f.open(encoding="utf-8") as stream:
                loaded = list(yaml.load_all(stream, Loader=KubernetesLoader))
            try:
                docs.extend((f, as_json(d)) for d in loaded if isinstance(d, dict))
            except ValueError as exc:
                raise ValueError(f"{f}: {exc}") from exc
    return docs


def load_documents(paths: Iterable[str | Path]) -> list[dict[str, Any]]:
    """Every YAML document of ``load_files``, without its file."""
    return [doc for _, doc in load_files(paths)]


# The claim's spec fields Crossplane keeps on the claim (xcrd.CompositeResourceClaimSpecProps
# less xcrd.PropagateSpecProps): every other field is copied to the composite's spec.
_CLAIM_ONLY_SPEC = (
    "compositionRevisionRef",
    "compositeDeletePolicy",
    "resourceRef",
    "writeConnectionSecretToRef",
)
# Crossplane names a claim's composite CLAIM-NAME-<5 random characters>; a preview
# cannot know them, so it shows this many x's (x is one of the characters it uses).
GENERATED_SUFFIX = "xxxxx"
# Kubernetes' SimpleNameGenerator cuts the prefix so that the name fits 63 characters.
_MAX_PREFIX = 63 - len(GENERATED_SUFFIX)


def _without_reserved(values: Any) -> dict[str, Any]:
    """Labels or annotations, less the *kubernetes.io and *k8s.io ones Crossplane does not copy."""
    return {
        k: v
        for k, v in _mapping(values).items()
        if not k.split("/", 1)[0].endswith(("kubernetes.io", "k8s.io"))
    }


def input_api(fn_input: Any) -> CompositeApi:
    """The composite API an Input's compositeTypeRef names (the project's by default)."""
    ref = _mapping(_mapping(fn_input).get("compositeTypeRef"))
    api_version, kind = ref.get("apiVersion"), ref.get("kind")
    if isinstance(api_version, str) and isinstance(kind, str) and api_version and kind:
        return api_of_type(api_version, kind)
    return DEFAULT_API


def claim_to_composite(claim: dict[str, Any], api: CompositeApi = DEFAULT_API) -> dict[str, Any]:
    """The cluster-scoped composite Crossplane makes of a claim through examples/xrd.yaml.

    As Crossplane 2.2.1's claim syncer does: a generated name, the claim's labels and
    annotations (less the kubernetes.io ones) plus its name and namespace as labels,
    its spec less the claim-only fields, and a claimRef back to it.
    """
    meta = _mapping(claim.get("metadata"))
    name, namespace = str(meta.get("name") or ""), str(meta.get("namespace") or "")
    labels = _without_reserved(meta.get("labels")) | {
        "crossplane.io/claim-name": name,
        "crossplane.io/claim-namespace": namespace,
    }
    xr_meta: dict[str, Any] = {
        "name": f"{name}-"[:_MAX_PREFIX] + GENERATED_SUFFIX,
        "labels": labels,
    }
    if annotations := _without_reserved(meta.get("annotations")):
        xr_meta["annotations"] = annotations
    spec = {k: v for k, v in _mapping(claim.get("spec")).items() if k not in _CLAIM_ONLY_SPEC}
    spec["claimRef"] = {
        "apiVersion": claim.get("apiVersion"),
        "kind": claim.get("kind"),
        "name": name,
        "namespace": namespace,
    }
    return {
        "apiVersion": api.api_version,
        "kind": api.xr_kind,
        "metadata": xr_meta,
        "spec": spec,
    }


def composite_of(
    doc: dict[str, Any], default_namespace: str | None = None, api: CompositeApi = DEFAULT_API
) -> dict[str, Any]:
    """The composite to render for ``doc``: an XR as it is, a claim as Crossplane's XR of it
    (in ``default_namespace`` when it names none and that is given), of ``api``.

    Raises ValueError, saying what it takes, for any other kind or apiVersion.
    """
    api_version, kind = doc.get("apiVersion"), doc.get("kind")
    if api_version == api.api_version and kind == api.xr_kind:
        return doc
    if api_version == api.api_version and kind == api.claim_kind:
        meta = _mapping(doc.get("metadata"))
        if not meta.get("namespace") and default_namespace:
            doc = {**doc, "metadata": {**meta, "namespace": default_namespace}}
        elif not meta.get("namespace"):
            raise ValueError(
                f"{_an(api.claim_kind)} claim lives in a namespace: set metadata.namespace "
                "(Crossplane records it on the composite it makes of the claim)"
            )
        return claim_to_composite(doc, api)
    where = "" if api == DEFAULT_API else " (the function Input's compositeTypeRef)"
    raise ValueError(
        f"its kind is {kind or 'not set'} ({api_version or 'no apiVersion'}); "
        f"function render takes {_an(api.claim_kind)} claim or {_an(api.xr_kind)} composite "
        f"({api.api_version}){where}"
    )


def _an(word: str) -> str:
    return ("an " if word[:1] in "AEIOUX" else "a ") + word


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def resource_name(doc: dict[str, Any]) -> str | None:
    """The composition resource name Crossplane observes a composed resource by, or None."""
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
        name = resource_name(doc)
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
    """What ``function validate`` found, each line naming its file and document."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    checked: int = 0
    skipped: list[str] = field(default_factory=list)
    # The kinds judged: the project's, or those the Input's compositeTypeRef names.
    claim_kind: str = DEFAULT_API.claim_kind
    xr_kind: str = DEFAULT_API.xr_kind


def _label(doc: dict[str, Any]) -> str:
    name = _mapping(doc.get("metadata")).get("name", "?")
    return f"{doc.get('kind', '?')}/{name}"


def _group(doc: dict[str, Any]) -> str:
    api_version = doc.get("apiVersion")
    return api_version.rpartition("/")[0] if isinstance(api_version, str) else ""


def _is_input(doc: Any) -> bool:
    return isinstance(doc, dict) and doc.get("kind") == INPUT_KIND and _group(doc) == INPUT_GROUP


def composition_inputs(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """This function's Inputs in a Composition's pipeline steps."""
    if doc.get("kind") != "Composition" or _group(doc) != "apiextensions.crossplane.io":
        return []
    steps = _mapping(doc.get("spec")).get("pipeline")
    return [
        step["input"]
        for step in (steps if isinstance(steps, list) else [])
        if isinstance(step, dict) and _is_input(step.get("input"))
    ]


def find_input(files: Iterable[tuple[Path, dict[str, Any]]]) -> tuple[dict[str, Any], str] | None:
    """The one Input among the files (an Input document, or a Composition's step input).

    Raises ValueError when they hold different ones: which the claims get is then
    the user's to say (--input).
    """
    found: dict[str, tuple[dict[str, Any], str]] = {}
    for path, doc in files:
        candidates = [doc] if _is_input(doc) else composition_inputs(doc)
        for candidate in candidates:
            # Its metadata is no setting: an Input file and a Composition's step agree
            # when everything else does.
            key = repr(sorted((k, repr(v)) for k, v in candidate.items() if k != "metadata"))
            found.setdefault(key, (candidate, f"{path}: {_label(doc)}"))
    if len(found) > 1:
        where = "; ".join(source for _, source in found.values())
        raise ValueError(f"the files hold {len(found)} different function Inputs ({where})")
    return next(iter(found.values()), None)


def validate_files(
    files: Iterable[tuple[Path, dict[str, Any]]], fn_input: dict[str, Any] | None = None
) -> Validation:
    """Every problem and warning of each claim, XR or function Input, as render judges them.

    Claims are judged as the composite Crossplane makes of them (namespace
    ``default`` when they name none, as kubectl would apply them there), with
    ``fn_input``; Inputs (alone or in a Composition) with every check render runs.
    Other kinds (XRDs, the Function package) are not this API's to judge: they are
    skipped and named, not reported as bogus problems.
    """
    # The XRD generator (and its CEL builders) only when validating: `render` never needs it.

    api = input_api(fn_input)
    out = Validation(claim_kind=api.claim_kind, xr_kind=api.xr_kind)
    for path, doc in files:
        label = f"{path}: {_label(doc)}"
        kind, group = doc.get("kind"), _group(doc)
        inputs = [doc] if _is_input(doc) else composition_inputs(doc)
        if inputs:
            for each in inputs:
                out.problems.extend(f"{label}: {v}" for v in read_input(each)[1])
        elif kind in (api.xr_kind, api.claim_kind) and group == api.group:
            try:
                composite = composite_of(doc, default_namespace="default", api=api)
            except ValueError as exc:
                out.problems.append(f"{label}: {exc}")
                out.checked += 1
                continue
            outcome = compose(Request(composite=composite, input=fn_input))
            out.problems.extend(f"{label}: {v}" for v in outcome.violations)
            out.warnings.extend(
                f"{label}: warning: {r.message}" for r in outcome.results if r.severity == "Warning"
            )
        else:
            out.skipped.append(label)
            continue
        out.checked += 1
    return out
