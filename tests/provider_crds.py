"""Strict validation against the pinned provider CRDs (tests/crds.py).

Strict as the API server's field validation is: an unknown field is an error,
so a field the pinned provider version lacks cannot slip through.
"""

from __future__ import annotations

from typing import Any

import jsonschema

from tests import crds


def pinned_schema_errors(resource: dict[str, Any]) -> list[str]:
    """Every way ``resource`` breaks its pinned CRD (empty when it validates)."""
    name = crds.index().get((resource["apiVersion"], resource["kind"]))
    assert name is not None, f"no pinned CRD serves {resource['apiVersion']} {resource['kind']}"
    schema = crds.version_schema(name, resource["apiVersion"].rsplit("/", maxsplit=1)[-1])
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
