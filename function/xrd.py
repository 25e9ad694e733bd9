"""The XRDs and the Input CRD, generated from the pydantic models.

``spec.py`` and ``input.py`` are the one source of truth; this module turns
their JSON Schema into a Kubernetes structural schema (no ``$ref``, no
``anyOf``/``oneOf``, no defaults) and attaches ``x-kubernetes-validations``
CEL rules that mirror the function's cross-field checks with the same
messages (``CEL_RULES``), so a bad claim is refused at ``kubectl apply``.

Defaults are dropped on purpose: the API server would write them into every
claim, and the function could then no longer tell "left out" (take the
Composition's Input default) from "set".
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from function.input import INPUT_GROUP, INPUT_KIND, INPUT_VERSION, FunctionInput
from function.rules import RULES
from function.spec import (
    CAPACITY_MAX,
    AwsDynamodbSpec,
    BillingMode,
    KeyType,
    ProjectionType,
    StreamViewType,
    accepted_spellings,
)
from function.validation import KMS_ARN

__all__ = [
    "CEL_RULES",
    "FUNCTION_ONLY",
    "GROUP",
    "OUTPUT_KEYS",
    "SCHEMA_RULES",
    "CelRule",
    "input_crd",
    "structural_schema",
    "to_yaml",
    "xrd",
]

GROUP = "aws.project-planton.org"
VERSION = "v1"
XR_KIND = "XAwsDynamodb"
XR_PLURAL = "xawsdynamodbs"
CLAIM_KIND = "AwsDynamodb"
CLAIM_PLURAL = "awsdynamodbs"
XRD_NAME = f"{XR_PLURAL}.{GROUP}"
# The Composition in examples/composition.yaml; both XRDs default to it.
COMPOSITION_NAME = XRD_NAME

# status.outputs keys (function/status.py writes them); also the connection
# secret keys of v1 claims.
OUTPUT_KEYS = ("tableName", "tableArn", "tableId", "streamArn", "streamLabel")

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
        if isinstance(extra, dict):
            if extra:
                out["additionalProperties"] = convert(extra)
            else:
                out["x-kubernetes-preserve-unknown-fields"] = True
        if "type" not in out:
            raise SchemaError(f"schema node without a type: {raw}")
        return out

    return convert(schema)


# ---------------------------------------------------------------------------
# CEL rules mirroring function/validation.py
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CelRule:
    """One x-kubernetes-validations rule: which catalogue rule, where, and how.

    ``at`` is a path in the XR schema ("spec", "spec.ttl", "[]" for list items).
    ``needs`` names spec fields the claim must set for the rule to decide the
    way the function does; without them the function's result depends on the
    Composition's Input, which admission cannot see.
    """

    rule: str
    at: str
    expression: str
    field_path: str | None = None
    needs: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return RULES[self.rule].message

    def validation(self) -> dict[str, str]:
        out = {"rule": self.expression, "message": self.message}
        if self.field_path is not None:
            out["fieldPath"] = self.field_path
        return out


def _canonical(enum_type: Any, spelling: str) -> str | None:
    """What the function reads ``spelling`` as; None for Planton's *_UNSPECIFIED."""
    try:
        return str(TypeAdapter(enum_type).validate_python(spelling))
    except ValidationError:
        return None


def _spellings(enum_type: Any, *canonical: str | None) -> list[str]:
    """Every accepted spelling that the function reads as one of ``canonical``."""
    return [s for s in accepted_spellings(enum_type) if _canonical(enum_type, s) in canonical]


def _in(expr: str, values: Iterable[str]) -> str:
    return f"{expr} in [{', '.join(repr(v) for v in values)}]"


_HASH = _spellings(KeyType, "HASH")
_RANGE = _spellings(KeyType, "RANGE")
_PROVISIONED = _spellings(BillingMode, "PROVISIONED")
_ON_DEMAND = _spellings(BillingMode, "PAY_PER_REQUEST")
_BILLING_UNSET = _spellings(BillingMode, None)
_STREAM_UNSET = _spellings(StreamViewType, None)
_INCLUDE = _spellings(ProjectionType, "INCLUDE")
# Tag keys must not start with aws: in any case; startsWith keeps the cost
# independent of the key's length, which a map key's schema cannot bound.
_AWS_PREFIXES = ["".join(p) + ":" for p in itertools.product("aA", "wW", "sS")]


def _or_empty(listing: str) -> str:
    """A list field that may be absent, as a list."""
    parent, _, name = listing.rpartition(".")
    return f"(has({parent}.{name}) ? {listing} : [])"


def _count(keys: str, spellings: list[str]) -> str:
    return f"{keys}.filter(k, {_in('k.keyType', spellings)}).size()"


def _key_shape(lsi: bool) -> str:
    ranges = "== 1" if lsi else "<= 1"
    return f"{_count('self', _HASH)} == 1 && {_count('self', _RANGE)} {ranges}"


_DISTINCT = "size(self) != 2 || self[0].attributeName != self[1].attributeName"


def _units(pt: str, name: str) -> str:
    return f"(has({pt}.{name}) ? {pt}.{name} : 0)"


def _throughput_ok(owner: str) -> str:
    """The function's _throughput_ok for ``owner.provisionedThroughput``."""
    pt = f"{owner}.provisionedThroughput"
    read, write = _units(pt, "readCapacityUnits"), _units(pt, "writeCapacityUnits")
    provisioned = f"has({pt}) && {read} > 0 && {write} > 0"
    on_demand = f"!has({pt}) || ({read} == 0 && {write} == 0)"
    return (
        f"{_in('self.billingMode', _PROVISIONED)} ? ({provisioned}) : "
        f"{_in('self.billingMode', _ON_DEMAND)} ? ({on_demand}) : true"
    )


_GSIS = _or_empty("self.globalSecondaryIndexes")
_LSIS = _or_empty("self.localSecondaryIndexes")
_INDEX_NAMES = f"({_GSIS}.map(i, i.name) + {_LSIS}.map(i, i.name))"


def _defined(key: str) -> str:
    return f"self.attributeDefinitions.exists(a, a.name == {key}.attributeName)"


def _used(attr: str) -> str:
    def in_keys(keys: str) -> str:
        return f"{keys}.exists(k, k.attributeName == {attr}.name)"

    return (
        f"{in_keys('self.keySchema')} || {_GSIS}.exists(g, {in_keys('g.keySchema')}) || "
        f"{_LSIS}.exists(l, {in_keys('l.keySchema')})"
    )


def _projected(indexes: str) -> str:
    p = "i.projection"
    return (
        f"{indexes}.map(i, has({p}) && has({p}.nonKeyAttributes) ? size({p}.nonKeyAttributes) : 0)"
    )


def _has(base: str, *fields: str) -> str:
    """has() along a path, each step guarded: CEL's has() needs its parent to exist."""
    return " && ".join(f"has({'.'.join((base, *fields[: i + 1]))})" for i in range(len(fields)))


def _explicit(owner: str, dim: str, name: str, otherwise: str) -> str:
    """An autoscaling number the spec sets at ``owner``, else ``otherwise``."""
    path = f"{owner}.autoScaling.{dim}.{name}"
    return f"({_has(owner, 'autoScaling', dim, name)} ? {path} : {otherwise})"


def _scaling_enabled(owner: str) -> str:
    return f"(!has({owner}.autoScaling.enabled) || {owner}.autoScaling.enabled)"


_TABLE_SCALES = f"(has(self.autoScaling) && {_scaling_enabled('self')})"


def _gsi_scales(g: str) -> str:
    # A GSI's own block is enabled unless it says otherwise; without one it follows the table.
    return f"(has({g}.autoScaling) ? {_scaling_enabled(g)} : {_TABLE_SCALES})"


# Sentinels for "not set": minCapacity is at least 1, maxCapacity at most CAPACITY_MAX.
_NO_MIN, _NO_MAX = 0, CAPACITY_MAX + 1


def _bounds(owner: str, dim: str) -> tuple[str, str]:
    """The explicit (minCapacity, maxCapacity) for the table or a GSI, inheriting the table's."""
    table_min = _explicit("self", dim, "minCapacity", str(_NO_MIN))
    table_max = _explicit("self", dim, "maxCapacity", str(_NO_MAX))
    if owner == "self":
        return table_min, table_max
    return (
        _explicit(owner, dim, "minCapacity", table_min),
        _explicit(owner, dim, "maxCapacity", table_max),
    )


def _min_le_max(owner: str) -> str:
    return " && ".join("{} <= {}".format(*_bounds(owner, dim)) for dim in ("read", "write"))


def _capacity_in_range(owner: str) -> str:
    # With a default minCapacity (the capacity itself) or maxCapacity (at least
    # four times it) the capacity is in range; only explicit bounds can exclude it.
    parts = []
    for dim, units in (("read", "readCapacityUnits"), ("write", "writeCapacityUnits")):
        lo, hi = _bounds(owner, dim)
        cap = _units(f"{owner}.provisionedThroughput", units)
        cap = f"(has({owner}.provisionedThroughput) ? {cap} : 0)"
        # min > max is autoscaling_min_le_max's to report; a zero capacity the
        # throughput rules'.
        parts.append(f"({lo} > {hi} || {cap} == 0 || ({cap} >= {lo} && {cap} <= {hi}))")
    return " && ".join(parts)


_SCALING_ON_DEMAND = f"(has(self.billingMode) && {_in('self.billingMode', _ON_DEMAND)})"


# A real API server refuses filter(...)[0] here: its cost estimate of the
# rule was over 100 times the budget (seen by e2e/test_1_apis.py).
_LSI_HASH_IS_TABLES = (
    f"l.keySchema.all(k, !({_in('k.keyType', _HASH)}) || self.keySchema.exists(t, "
    f"{_in('t.keyType', _HASH)} && t.attributeName == k.attributeName))"
)

# Rule id -> CEL, in the order validation.py checks. Every id in RULES is here
# or in FUNCTION_ONLY, or is a schema-level rule the structural schema enforces.
CEL_RULES: tuple[CelRule, ...] = (
    CelRule(
        "billing_mode_set",
        "spec",
        f"!has(self.billingMode) || !({_in('self.billingMode', _BILLING_UNSET)})",
        ".billingMode",
    ),
    CelRule("table_key_schema_shape", "spec.keySchema", _key_shape(lsi=False)),
    CelRule("key_attributes_distinct", "spec.keySchema", _DISTINCT),
    CelRule("gsi_key_schema_shape", "spec.globalSecondaryIndexes[].keySchema", _key_shape(False)),
    CelRule("key_attributes_distinct", "spec.globalSecondaryIndexes[].keySchema", _DISTINCT),
    CelRule("lsi_key_schema_shape", "spec.localSecondaryIndexes[].keySchema", _key_shape(True)),
    CelRule("key_attributes_distinct", "spec.localSecondaryIndexes[].keySchema", _DISTINCT),
    CelRule(
        "key_attribute_defined",
        "spec",
        f"self.keySchema.all(k, {_defined('k')}) && "
        f"{_GSIS}.all(g, g.keySchema.all(k, {_defined('k')})) && "
        f"{_LSIS}.all(l, l.keySchema.all(k, {_defined('k')}))",
    ),
    CelRule(
        "attribute_names_unique",
        "spec.attributeDefinitions",
        "self.all(a, self.exists_one(b, b.name == a.name))",
    ),
    CelRule(
        "attribute_definition_used",
        "spec",
        f"self.attributeDefinitions.all(a, {_used('a')})",
        ".attributeDefinitions",
    ),
    CelRule(
        "provisioned_requires_throughput",
        "spec",
        f"!has(self.billingMode) || ({_throughput_ok('self')})",
        ".provisionedThroughput",
        needs=("billingMode",),
    ),
    CelRule(
        "gsi_throughput_matches_billing",
        "spec",
        f"!has(self.billingMode) || {_GSIS}.all(g, {_throughput_ok('g')})",
        ".globalSecondaryIndexes",
        needs=("billingMode",),
    ),
    CelRule(
        "index_names_unique",
        "spec",
        f"{_INDEX_NAMES}.all(n, {_INDEX_NAMES}.exists_one(m, m == n))",
    ),
    CelRule(
        "lsi_requires_table_range_key",
        "spec",
        f"size({_LSIS}) == 0 || self.keySchema.exists(k, {_in('k.keyType', _RANGE)})",
        ".localSecondaryIndexes",
    ),
    CelRule(
        "lsi_uses_table_hash_key",
        "spec",
        f"!(self.keySchema.exists(k, {_in('k.keyType', _HASH)})) || "
        f"{_LSIS}.all(l, {_LSI_HASH_IS_TABLES})",
        ".localSecondaryIndexes",
    ),
    *(
        CelRule(
            "include_requires_attributes",
            f"spec.{kind}[].projection",
            f"(has(self.type) && {_in('self.type', _INCLUDE)}) == "
            "(has(self.nonKeyAttributes) && size(self.nonKeyAttributes) > 0)",
            ".nonKeyAttributes",
        )
        for kind in ("globalSecondaryIndexes", "localSecondaryIndexes")
    ),
    CelRule(
        "projected_attributes_max",
        "spec",
        # sum() is from the Kubernetes CEL lists library.
        f"({_projected(_GSIS)} + {_projected(_LSIS)}).sum() <= 100",
    ),
    CelRule(
        "stream_view_requires_enabled",
        "spec",
        "(has(self.streamEnabled) && self.streamEnabled) == "
        f"(has(self.streamViewType) && !({_in('self.streamViewType', _STREAM_UNSET)}))",
        ".streamViewType",
    ),
    CelRule(
        "ttl_attribute_when_enabled",
        "spec.ttl",
        "(has(self.enabled) && self.enabled) == "
        "(has(self.attributeName) && size(self.attributeName) > 0)",
        ".attributeName",
    ),
    CelRule(
        "kms_key_requires_encryption",
        "spec.serverSideEncryption",
        "!has(self.kmsKeyArn) || size(self.kmsKeyArn) == 0 || (has(self.enabled) && self.enabled)",
        ".kmsKeyArn",
    ),
    CelRule(
        "kms_key_arn_format",
        "spec.serverSideEncryption.kmsKeyArn",
        f"size(self) == 0 || self.matches({KMS_ARN.pattern!r})",
    ),
    CelRule(
        "autoscaling_requires_provisioned",
        "spec",
        f"!{_SCALING_ON_DEMAND} || (!{_TABLE_SCALES} && "
        f"{_GSIS}.all(g, !has(g.autoScaling) || !{_scaling_enabled('g')}))",
        needs=("billingMode",),
    ),
    # Table and GSIs apart: each rule then stays readable in the XRD.
    CelRule(
        "autoscaling_min_le_max",
        "spec",
        f"{_SCALING_ON_DEMAND} || !{_TABLE_SCALES} || ({_min_le_max('self')})",
    ),
    CelRule(
        "autoscaling_min_le_max",
        "spec",
        f"{_SCALING_ON_DEMAND} || {_GSIS}.all(g, !{_gsi_scales('g')} || ({_min_le_max('g')}))",
    ),
    CelRule(
        "autoscaling_capacity_in_range",
        "spec",
        f"{_SCALING_ON_DEMAND} || !{_TABLE_SCALES} || ({_capacity_in_range('self')})",
        ".provisionedThroughput",
    ),
    CelRule(
        "autoscaling_capacity_in_range",
        "spec",
        f"{_SCALING_ON_DEMAND} || "
        f"{_GSIS}.all(g, !{_gsi_scales('g')} || ({_capacity_in_range('g')}))",
        ".globalSecondaryIndexes",
    ),
    CelRule(
        "tag_key_format",
        "spec.tags",
        "self.all(k, size(k) >= 1 && size(k) <= 128 && "
        f"!{list(_AWS_PREFIXES)!r}.exists(p, k.startsWith(p)))",
    ),
    CelRule("tag_value_format", "spec.tags", "self.all(k, size(self[k]) <= 256)"),
)

# Rules the structural schema itself enforces (types, enums, bounds, patterns,
# required and unknown fields).
SCHEMA_RULES = (
    "required",
    "unknown_field",
    "enum",
    "type",
    "bounds",
    "name_format",
    # A set-typed list (SET_LISTS): as a CEL rule, exists_one over 100 names of 255
    # characters cost twice the API server's budget, which refused the XRD.
    "non_key_attributes_unique",
)
SET_LISTS = tuple(
    f"spec.{kind}[].projection.nonKeyAttributes"
    for kind in ("globalSecondaryIndexes", "localSecondaryIndexes")
)

# Rules only the function can check, and why.
FUNCTION_ONLY: dict[str, str] = {
    "region_required": "the region may come from the Composition's Input",
    "table_name_format": "without spec.tableName the name is the composite's metadata.name",
    "tags_max": "the Composition's Input adds its own tags; the claim's alone are capped "
    "by maxProperties",
    # The guards compare the spec with the table AWS has (the observed Table),
    # which admission never sees.
    "table_keys_immutable": "compares with the observed Table",
    "key_attribute_type_immutable": "compares with the observed Table",
    "lsis_immutable": "compares with the observed Table",
    "table_name_immutable": "compares with the observed Table",
    "region_immutable": "compares with the observed Table",
}


def _place(schema: dict[str, Any], at: str) -> dict[str, Any]:
    """The schema node at a path like ``spec.globalSecondaryIndexes[].keySchema``."""
    node = schema
    for part in at.split("."):
        name, items = part.removesuffix("[]"), part.endswith("[]")
        node = node["properties"][name]
        if items:
            node = node["items"]
    return node


# ---------------------------------------------------------------------------
# The documents
# ---------------------------------------------------------------------------


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


def xr_schema() -> dict[str, Any]:
    """openAPIV3Schema of the XR (and claim): spec from the models, status, CEL rules."""
    spec = structural_schema(AwsDynamodbSpec.model_json_schema(by_alias=True))
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"spec": spec, "status": _status_schema()},
        "required": ["spec"],
    }
    for cel in CEL_RULES:
        _place(schema, cel.at).setdefault("x-kubernetes-validations", []).append(cel.validation())
    for at in SET_LISTS:
        _place(schema, at)["x-kubernetes-list-type"] = "set"
    return schema


def xrd(v2: bool = False) -> dict[str, Any]:
    """The CompositeResourceDefinition: v1 with a claim, or v2 namespaced without one."""
    version = {
        "name": VERSION,
        "served": True,
        "referenceable": True,
        "additionalPrinterColumns": [
            {"name": "TABLE", "type": "string", "jsonPath": ".status.outputs.tableName"},
            {"name": "ARN", "type": "string", "jsonPath": ".status.outputs.tableArn"},
        ],
        "schema": {"openAPIV3Schema": xr_schema()},
    }
    spec: dict[str, Any] = {"group": GROUP, "names": {"kind": XR_KIND, "plural": XR_PLURAL}}
    if v2:
        spec["scope"] = "Namespaced"
    else:
        spec["claimNames"] = {"kind": CLAIM_KIND, "plural": CLAIM_PLURAL}
        spec["connectionSecretKeys"] = list(OUTPUT_KEYS)
    spec["defaultCompositionRef"] = {"name": COMPOSITION_NAME}
    spec["versions"] = [version]
    return {
        "apiVersion": f"apiextensions.crossplane.io/{'v2' if v2 else 'v1'}",
        "kind": "CompositeResourceDefinition",
        "metadata": {"name": XRD_NAME},
        "spec": spec,
    }


def _crd_schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = structural_schema(model.model_json_schema(by_alias=True))
    # The usual Kubernetes object header instead of the model's literals.
    schema["properties"]["apiVersion"] = {"type": "string"}
    schema["properties"]["kind"] = {"type": "string"}
    schema["properties"]["metadata"] = {"type": "object"}
    return schema


# Plain scalars that YAML 1.1 parsers read as booleans but PyYAML reads as
# strings. kubectl's parser is one: an unquoted enum value N reached a real API
# server as false, refusing every number attribute.
_YAML11_BOOLS = frozenset({"y", "Y", "n", "N"})


class _Dumper(yaml.SafeDumper):
    def represent_str(self, data: str) -> yaml.ScalarNode:
        if data in _YAML11_BOOLS:
            return self.represent_scalar("tag:yaml.org,2002:str", data, style='"')
        return super().represent_str(data)


_Dumper.add_representer(str, _Dumper.represent_str)


def to_yaml(doc: Mapping[str, Any], command: str) -> str:
    """A generated manifest, saying how to regenerate it."""
    header = f"# Generated from the pydantic models by `{command}`; do not edit.\n"
    return header + yaml.dump(dict(doc), Dumper=_Dumper, sort_keys=False, width=100)


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
