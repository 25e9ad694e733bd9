"""What the Kubernetes API server does with a custom resource at admission.

A stand-in good enough to test the generated XRD without a cluster: prune
explicit nulls (the API server drops them for non-nullable fields), apply the
schema's defaults, validate
against the structural schema with unknown fields refused (kubectl's default
``--validate=Strict``), then evaluate every ``x-kubernetes-validations`` rule
with cel-python, ``self`` bound to the node the rule sits on.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import celpy
import jsonschema
from celpy import celtypes


@dataclass(frozen=True)
class Refusal:
    """One reason admission refuses an object."""

    path: str
    message: str
    kind: str  # "schema", "cel", or "cel-error" (a rule that failed to evaluate)


def _k8s_sum(values: celtypes.ListType) -> Any:
    # The Kubernetes CEL lists library's sum(); cel-python has no lists library.
    return functools.reduce(lambda a, b: a + b, values, celtypes.IntType(0))


def _k8s_lower_ascii(text: celtypes.StringType) -> celtypes.StringType:
    # The Kubernetes strings library's lowerAscii(), used by Crossplane's own CRDs.
    return celtypes.StringType("".join(c.lower() if c.isascii() else c for c in text))


_ENV = celpy.Environment()
# The Kubernetes CEL library functions the rules under test use; cel-python
# implements standard CEL only.
_FUNCTIONS = {"sum": _k8s_sum, "lowerAscii": _k8s_lower_ascii}


@functools.cache
def _program(expression: str) -> celpy.Runner:
    return _ENV.program(_ENV.compile(expression), functions=_FUNCTIONS)


def evaluate(expression: str, value: Any) -> Any:
    """Evaluate one CEL rule with ``self`` bound to ``value`` (plain JSON data)."""
    return _program(expression).evaluate({"self": celpy.json_to_cel(value)})


def prune_nulls(value: Any) -> Any:
    """The object as stored: null-valued fields dropped, as the API server does."""
    if isinstance(value, dict):
        return {k: prune_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [prune_nulls(v) for v in value]
    return value


def apply_schema_defaults(value: Any, schema: dict[str, Any]) -> Any:
    """The object with the schema's defaults filled in, as the API server does before CEL."""
    if isinstance(value, dict):
        props = schema.get("properties", {})
        out = {k: copy.deepcopy(v["default"]) for k, v in props.items() if "default" in v}
        for key, child in value.items():
            sub = props.get(key) or schema.get("additionalProperties")
            out[key] = apply_schema_defaults(child, sub) if isinstance(sub, dict) else child
        return out
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        return [apply_schema_defaults(v, schema["items"]) for v in value]
    return value


def strict(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema in JSON Schema 7 terms, unknown fields refused as strict validation does."""
    out = copy.deepcopy(schema)

    def visit(node: dict[str, Any]) -> None:
        if node.get("x-kubernetes-list-type") == "set":
            node["uniqueItems"] = True  # the API server refuses duplicates in a set
        for flag, bound in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
            if node.get(flag) is True:  # OpenAPI 3.0's flag is JSON Schema 7's number
                node[flag] = node.pop(bound)
        if "properties" in node:
            if not node.get("x-kubernetes-preserve-unknown-fields"):
                node.setdefault("additionalProperties", False)
            for child in node["properties"].values():
                visit(child)
        if isinstance(node.get("items"), dict):
            visit(node["items"])
        if isinstance(node.get("additionalProperties"), dict):
            visit(node["additionalProperties"])

    visit(out)
    return out


def schema_refusals(value: Any, schema: dict[str, Any]) -> list[Refusal]:
    validator = jsonschema.Draft7Validator(strict(schema))
    return [
        Refusal(".".join(map(str, e.absolute_path)), e.message, "schema")
        for e in validator.iter_errors(value)
    ]


def _walk(schema: dict[str, Any], value: Any, path: str) -> Iterator[tuple[str, Any, Any]]:
    """Every (path, schema node, value) pair, depth first."""
    yield path, schema, value
    if isinstance(value, dict):
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for key, child in value.items():
            if key in props:
                yield from _walk(props[key], child, f"{path}.{key}")
            elif isinstance(extra, dict):
                yield from _walk(extra, child, f"{path}[{key!r}]")
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, child in enumerate(value):
            yield from _walk(schema["items"], child, f"{path}[{i}]")


def cel_refusals(value: Any, schema: dict[str, Any], path: str = "") -> list[Refusal]:
    """Every CEL rule that does not hold; transition rules (oldSelf) are skipped."""
    refusals: list[Refusal] = []
    for where, node, data in _walk(schema, value, path):
        for rule in node.get("x-kubernetes-validations", []):
            if "oldSelf" in rule["rule"]:
                continue  # only meaningful on update
            try:
                ok = evaluate(rule["rule"], data)
            except celpy.CELEvalError as exc:
                refusals.append(Refusal(where, f"{rule['rule']}: {exc}", "cel-error"))
                continue
            if isinstance(ok, celpy.CELEvalError):
                refusals.append(Refusal(where, f"{rule['rule']}: {ok}", "cel-error"))
            elif ok is not True and ok != celtypes.BoolType(True):
                refusals.append(Refusal(where, rule["message"], "cel"))
    return refusals


def admit(value: Any, schema: dict[str, Any]) -> list[Refusal]:
    """Why the API server would refuse ``value`` (empty when it is admitted).

    CEL rules run only on a value that passed the schema: they are written for
    the schema's types, as the API server's are.
    """
    value = apply_schema_defaults(prune_nulls(value), schema)
    return schema_refusals(value, schema) or cel_refusals(value, schema)
