"""A pydantic JSON Schema made into a Kubernetes structural schema.

No ``$ref``, no ``anyOf``/``oneOf``, no defaults: Kubernetes wants every node
spelled out, and defaults are dropped on purpose (the API server would write them
into every claim, and the function could then no longer tell "left out" from "set").
Anything Kubernetes cannot express raises ``SchemaError`` instead of being dropped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["SchemaError", "structural_schema"]

# Schema keywords a structural schema keeps as they are.
_KEPT = (
    "type",
    "description",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "minItems",
    "maxItems",
    "minProperties",
    "maxProperties",
    "multipleOf",
    "format",
    "required",
)
# Keywords handled below, or dropped on purpose (defaults: see the module doc).
_HANDLED = {
    *_KEPT,
    "const",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "uniqueItems",
    "properties",
    "items",
    "additionalProperties",
    "default",
    "title",
    "examples",
    "$defs",
}


class SchemaError(ValueError):
    """The models use a JSON Schema construct Kubernetes cannot express."""


def _resolve(node: Mapping[str, Any], defs: Mapping[str, Any]) -> dict[str, Any]:
    """One schema node with $ref, nullable anyOf and single allOf folded in.

    Keys on the node itself (a field's description) win over the referenced
    model's (its docstring).
    """
    node = dict(node)
    if "$ref" in node:
        target = defs[node.pop("$ref").rsplit("/", 1)[-1]]
        return _resolve({**target, **node}, defs)
    if "allOf" in node:
        (only,) = node.pop("allOf")
        return _resolve({**_resolve(only, defs), **node}, defs)
    if "anyOf" in node:
        options = [o for o in node.pop("anyOf") if o.get("type") != "null"]
        if len(options) != 1:
            raise SchemaError(f"anyOf with {len(options)} non-null options: {options}")
        # Nullable means "may be left out"; Kubernetes prunes explicit nulls.
        return _resolve({**_resolve(options[0], defs), **node}, defs)
    if "oneOf" in node:
        raise SchemaError(f"oneOf cannot be expressed structurally: {node['oneOf']}")
    return node


def structural_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """A Kubernetes structural schema for a pydantic ``model_json_schema()``."""
    defs = schema.get("$defs", {})

    def convert(raw: Mapping[str, Any]) -> dict[str, Any]:
        node = _resolve(raw, defs)
        # A constraint the XRD cannot carry must not vanish silently.
        unknown = set(node) - _HANDLED
        if unknown:
            raise SchemaError(f"no structural equivalent for {sorted(unknown)} in {raw}")
        out: dict[str, Any] = {k: node[k] for k in _KEPT if k in node}
        if "const" in node:
            out["enum"] = [node["const"]]
        for bound, limit in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if bound in node:  # JSON Schema's number becomes OpenAPI 3.0's flag
                out[limit] = node[bound]
                out[bound] = True
        if "enum" in out and "type" not in out:
            out["type"] = "string"
        if out.get("type") == "string" and "enum" in out and "maxLength" not in out:
            # Implied by the enum; bounds the CEL cost of rules that read it.
            out["maxLength"] = max(len(v) for v in out["enum"])
        if "properties" in node:
            out["type"] = "object"
            out["properties"] = {k: convert(v) for k, v in node["properties"].items()}
        if "items" in node:
            out["items"] = convert(node["items"])
        elif out.get("type") == "array":
            raise SchemaError(f"array without one items schema (a tuple?): {raw}")
        if node.get("uniqueItems"):
            # Kubernetes forbids uniqueItems; a set-typed list says the same.
            out["x-kubernetes-list-type"] = "set"
        extra = node.get("additionalProperties")
        if extra is True and "properties" not in node:
            # dict[str, Any]: a free-form JSON object the API server must keep as it is.
            out["x-kubernetes-preserve-unknown-fields"] = True
        if isinstance(extra, dict):
            if extra:
                out["additionalProperties"] = convert(extra)
            else:
                out["x-kubernetes-preserve-unknown-fields"] = True
        if "type" not in out:
            raise SchemaError(f"schema node without a type: {raw}")
        return out

    return convert(schema)
