"""The XRDs and the Input CRD, generated from the pydantic models.

``spec.py`` and ``input.py`` are the one source of truth; ``schema.py`` turns
their JSON Schema into a Kubernetes structural schema and ``cel.py`` attaches the
CEL rules that mirror the function's cross-field checks with the same messages,
so a bad claim is refused at ``kubectl apply``. This module assembles the documents.

Defaults are dropped on purpose: the API server would write them into every
claim, and the function could then no longer tell "left out" (take the
Composition's Input default) from "set".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from function.api.access import ACCESS_OUTPUT_KEYS
from function.api.input import INPUT_GROUP, INPUT_KIND, INPUT_VERSION, FunctionInput
from function.api.kinds import DEFAULT_API, GROUP, CompositeApi
from function.api.spec import AwsDynamodbSpec
from function.generate.cel import place_rules
from function.generate.schema import structural_schema
from function.generate.yamlout import dump as yaml_dump
from function.render.status import ACCEPTED_CONDITION, SYNCED_CONDITION

__all__ = [
    "GROUP",
    "OUTPUT_KEYS",
    "input_crd",
    "printer_columns",
    "to_yaml",
    "xr_schema",
    "xrd",
]

XRD_NAME = DEFAULT_API.xrd_name
# The Composition in examples/composition.yaml; both XRDs default to it (a platform's
# API: the Composition `function composition --group G --kind K` prints, of the same name).
COMPOSITION_NAME = XRD_NAME

# status.outputs keys (function/render/status.py writes them); also the connection
# secret keys of v1 claims.
OUTPUT_KEYS = (
    "tableName",
    "tableArn",
    "tableId",
    "streamArn",
    "streamLabel",
    "replicaRegions",
    "replicaArns",
    *ACCESS_OUTPUT_KEYS,
)


def _status_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "description": "What the function reports about the table.",
        "properties": {
            "outputs": {
                "type": "object",
                "description": "The table's name and AWS identifiers, once AWS reports them.",
                "properties": {key: {"type": "string"} for key in OUTPUT_KEYS},
            }
        },
    }


def _condition(type_: str, field: str) -> str:
    return f".status.conditions[?(@.type=='{type_}')].{field}"


def printer_columns() -> list[dict[str, Any]]:
    """What `kubectl get` shows beside Crossplane's own SYNCED and READY columns.

    Whether the function accepted the spec and, if not, why (the SpecAccepted
    condition the function sets on the composite and its claim); with `-o wide`
    the whole message, and the provider's message for a resource it cannot sync.
    """
    return [
        {
            "name": "ACCEPTED",
            "type": "string",
            "jsonPath": _condition(ACCEPTED_CONDITION, "status"),
        },
        {"name": "REASON", "type": "string", "jsonPath": _condition(ACCEPTED_CONDITION, "reason")},
        {"name": "TABLE", "type": "string", "jsonPath": ".status.outputs.tableName"},
        {"name": "ARN", "type": "string", "jsonPath": ".status.outputs.tableArn", "priority": 1},
        {
            "name": "MESSAGE",
            "type": "string",
            "jsonPath": _condition(ACCEPTED_CONDITION, "message"),
            "priority": 1,
        },
        {
            "name": "PROVIDER",
            "type": "string",
            "jsonPath": _condition(SYNCED_CONDITION, "message"),
            "priority": 1,
        },
    ]


def xr_schema() -> dict[str, Any]:
    """openAPIV3Schema of the XR (and claim): spec from the models, status, CEL rules."""
    spec = structural_schema(AwsDynamodbSpec.model_json_schema(by_alias=True))
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"spec": spec, "status": _status_schema()},
        "required": ["spec"],
    }
    return place_rules(schema)


def xrd(v2: bool = False, api: CompositeApi = DEFAULT_API) -> dict[str, Any]:
    """The CompositeResourceDefinition of ``api`` (the project's by default): v1 with a
    claim, or v2 namespaced without one."""
    version = {
        "name": api.version,
        "served": True,
        "referenceable": True,
        "additionalPrinterColumns": printer_columns(),
        "schema": {"openAPIV3Schema": xr_schema()},
    }
    spec: dict[str, Any] = {
        "group": api.group,
        "names": {"kind": api.xr_kind, "plural": api.xr_plural},
    }
    if v2:
        spec["scope"] = "Namespaced"
    else:
        spec["claimNames"] = {"kind": api.claim_kind, "plural": api.claim_plural}
        spec["connectionSecretKeys"] = list(OUTPUT_KEYS)
    spec["defaultCompositionRef"] = {"name": api.xrd_name}
    spec["versions"] = [version]
    return {
        "apiVersion": f"apiextensions.crossplane.io/{'v2' if v2 else 'v1'}",
        "kind": "CompositeResourceDefinition",
        "metadata": {"name": api.xrd_name},
        "spec": spec,
    }


def _crd_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = structural_schema(model.model_json_schema(by_alias=True))
    # The usual Kubernetes object header instead of the model's literals.
    schema["properties"]["apiVersion"] = {"type": "string"}
    schema["properties"]["kind"] = {"type": "string"}
    schema["properties"]["metadata"] = {"type": "object"}
    return schema


def to_yaml(doc: Mapping[str, Any], command: str) -> str:
    """A generated manifest, saying how to regenerate it."""
    header = f"# Generated from the pydantic models by `{command}`; do not edit.\n"
    return header + yaml_dump(dict(doc), sort_keys=False, width=100)


def input_crd() -> dict[str, Any]:
    """The CRD of the function's Input, for package/input/."""
    plural = f"{INPUT_KIND.lower()}s"
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{INPUT_GROUP}"},
        "spec": {
            "group": INPUT_GROUP,
            "names": {
                "categories": ["crossplane"],
                "kind": INPUT_KIND,
                "listKind": f"{INPUT_KIND}List",
                "plural": plural,
                "singular": INPUT_KIND.lower(),
            },
            "scope": "Namespaced",
            "versions": [
                {
                    "name": INPUT_VERSION,
                    "served": True,
                    "storage": True,
                    "schema": {"openAPIV3Schema": _crd_schema(FunctionInput)},
                }
            ],
        },
    }
