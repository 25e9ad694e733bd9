"""Cross-field rules: Planton's, and the ones AWS enforces at CreateTable time.

Each check yields every ``Violation`` it finds, so one Fatal result can list all
of a spec's problems at once. Checks run on a spec that already parsed (types
and enums are right) and already has its defaults.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence

from function.api.limits import (
    KMS_ARN_PATTERN,
    MAX_PROJECTED_ATTRIBUTES,
    NAME_PATTERN,
    TAG_KEY_MAX,
    TAG_RESERVED_PREFIXES,
    TAG_VALUE_MAX,
)
from function.api.rules import RULES, Violation
from function.api.spec import (
    AwsDynamodbSpec,
    KeySchemaElement,
    Projection,
    ProvisionedThroughput,
)

__all__ = ["CHECKS", "validate_spec", "violation"]

KMS_ARN = re.compile(KMS_ARN_PATTERN)
_TABLE_NAME = re.compile(NAME_PATTERN)

Check = Callable[[AwsDynamodbSpec], Iterator[Violation]]


def violation(path: str, rule: str, detail: str = "", side: str | None = None) -> Violation:
    """A violation of a catalogued rule: of a two-sided rule, naming the side broken;
    with an optional detail appended."""
    message = RULES[rule].says(side)
    return Violation(path, rule, f"{message} ({detail})" if detail else message)


def _key_shape(
    keys: Sequence[KeySchemaElement], path: str, rule: str, lsi: bool
) -> Iterator[Violation]:
    types = Counter(k.key_type for k in keys)
    ok = types["HASH"] == 1 and (types["RANGE"] == 1 if lsi else types["RANGE"] <= 1)
    if not ok:
        got = ", ".join(f"{k.attribute_name}:{k.key_type}" for k in keys)
        yield violation(path, rule, f"got {got}")
    elif len(keys) == 2 and keys[0].attribute_name == keys[1].attribute_name:
        yield violation(path, "key_attributes_distinct", f"both are {keys[0].attribute_name!r}")


def _hash_key(keys: Sequence[KeySchemaElement]) -> str | None:
    return next((k.attribute_name for k in keys if k.key_type == "HASH"), None)


def _range_key(keys: Sequence[KeySchemaElement]) -> str | None:
    return next((k.attribute_name for k in keys if k.key_type == "RANGE"), None)


def check_billing_mode_set(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    if spec.billing_mode is None:
        yield violation("spec.billingMode", "billing_mode_set")


def check_key_schemas(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    yield from _key_shape(spec.key_schema, "spec.keySchema", "table_key_schema_shape", lsi=False)
    for i, gsi in enumerate(spec.global_secondary_indexes):
        path = f"spec.globalSecondaryIndexes[{i}].keySchema"
        yield from _key_shape(gsi.key_schema, path, "gsi_key_schema_shape", lsi=False)
    for i, lsi in enumerate(spec.local_secondary_indexes):
        path = f"spec.localSecondaryIndexes[{i}].keySchema"
        yield from _key_shape(lsi.key_schema, path, "lsi_key_schema_shape", lsi=True)


def _throughput_ok(pt: ProvisionedThroughput | None, provisioned: bool) -> bool:
    if provisioned:
        return pt is not None and pt.read_capacity_units > 0 and pt.write_capacity_units > 0
    return pt is None or (pt.read_capacity_units == 0 and pt.write_capacity_units == 0)


def check_throughput(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    if spec.billing_mode is None:
        return  # billing_mode_set already says what is wrong
    provisioned = spec.billing_mode == "PROVISIONED"
    side = "provisioned" if provisioned else "on_demand"
    if not _throughput_ok(spec.provisioned_throughput, provisioned):
        yield violation("spec.provisionedThroughput", "provisioned_requires_throughput", side=side)
    for i, gsi in enumerate(spec.global_secondary_indexes):
        if not _throughput_ok(gsi.provisioned_throughput, provisioned):
            path = f"spec.globalSecondaryIndexes[{i}].provisionedThroughput"
            yield violation(path, "gsi_throughput_matches_billing", side=side)


def check_stream(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    if spec.stream_enabled != (spec.stream_view_type is not None):
        side = "enabled" if spec.stream_enabled else "disabled"
        yield violation("spec.streamViewType", "stream_view_requires_enabled", side=side)


def check_ttl(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    # A disabled TTL may keep its attribute: AWS needs the name to switch TTL off.
    if spec.ttl is not None and spec.ttl.enabled and not spec.ttl.attribute_name:
        yield violation("spec.ttl.attributeName", "ttl_attribute_when_enabled")


def _projections(spec: AwsDynamodbSpec) -> Iterator[tuple[str, Projection]]:
    for i, gsi in enumerate(spec.global_secondary_indexes):
        yield f"spec.globalSecondaryIndexes[{i}].projection", gsi.projection
    for i, lsi in enumerate(spec.local_secondary_indexes):
        yield f"spec.localSecondaryIndexes[{i}].projection", lsi.projection


def check_projections(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    total = 0
    reported_total = False
    for path, projection in _projections(spec):
        attrs = projection.non_key_attributes
        if (projection.type == "INCLUDE") != bool(attrs):
            side = "include" if projection.type == "INCLUDE" else "other"
            yield violation(f"{path}.nonKeyAttributes", "include_requires_attributes", side=side)
        dupes = sorted(a for a, n in Counter(attrs).items() if n > 1)
        if dupes:
            yield violation(
                f"{path}.nonKeyAttributes",
                "non_key_attributes_unique",
                f"repeated: {', '.join(dupes)}",
            )
        total += len(attrs)
        if total > MAX_PROJECTED_ATTRIBUTES and not reported_total:
            reported_total = True
            yield violation(
                f"{path}.nonKeyAttributes", "projected_attributes_max", f"this brings it to {total}"
            )


def _all_keys(spec: AwsDynamodbSpec) -> Iterator[tuple[str, KeySchemaElement]]:
    for j, k in enumerate(spec.key_schema):
        yield f"spec.keySchema[{j}].attributeName", k
    for i, gsi in enumerate(spec.global_secondary_indexes):
        for j, k in enumerate(gsi.key_schema):
            yield f"spec.globalSecondaryIndexes[{i}].keySchema[{j}].attributeName", k
    for i, lsi in enumerate(spec.local_secondary_indexes):
        for j, k in enumerate(lsi.key_schema):
            yield f"spec.localSecondaryIndexes[{i}].keySchema[{j}].attributeName", k


def check_attribute_definitions(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    defined = Counter(a.name for a in spec.attribute_definitions)
    used: set[str] = set()
    for path, key in _all_keys(spec):
        used.add(key.attribute_name)
        if key.attribute_name not in defined:
            yield violation(path, "key_attribute_defined", f"{key.attribute_name!r} is not")
    seen: set[str] = set()
    for i, attr in enumerate(spec.attribute_definitions):
        path = f"spec.attributeDefinitions[{i}].name"
        if attr.name in seen:
            yield violation(path, "attribute_names_unique", f"{attr.name!r} is defined again")
        seen.add(attr.name)
        if attr.name not in used:
            yield violation(path, "attribute_definition_used", f"{attr.name!r} is in no key")


def check_index_names(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    seen: set[str] = set()
    named = [
        *(
            (f"spec.globalSecondaryIndexes[{i}].name", g.name)
            for i, g in enumerate(spec.global_secondary_indexes)
        ),
        *(
            (f"spec.localSecondaryIndexes[{i}].name", x.name)
            for i, x in enumerate(spec.local_secondary_indexes)
        ),
    ]
    for path, name in named:
        if name in seen:
            yield violation(path, "index_names_unique", f"{name!r} is used twice")
        seen.add(name)


def check_lsis(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    if not spec.local_secondary_indexes:
        return
    if _range_key(spec.key_schema) is None:
        yield violation("spec.localSecondaryIndexes", "lsi_requires_table_range_key")
    table_hash = _hash_key(spec.key_schema)
    for i, lsi in enumerate(spec.local_secondary_indexes):
        lsi_hash = _hash_key(lsi.key_schema)
        if lsi_hash is not None and table_hash is not None and lsi_hash != table_hash:
            yield violation(
                f"spec.localSecondaryIndexes[{i}].keySchema",
                "lsi_uses_table_hash_key",
                f"{lsi_hash!r} is not {table_hash!r}",
            )


def check_encryption(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    sse = spec.server_side_encryption
    if sse is None or not sse.kms_key_arn:
        return
    path = "spec.serverSideEncryption.kmsKeyArn"
    if not sse.enabled:
        yield violation(path, "kms_key_requires_encryption")
    if not KMS_ARN.match(sse.kms_key_arn):
        yield violation(path, "kms_key_arn_format", f"got {sse.kms_key_arn!r}")


def check_tags(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    # Their count, with the tags others add, is api/tenancy.py's check_tag_count.
    for key, value in spec.tags.items():
        if not 1 <= len(key) <= TAG_KEY_MAX or key.lower().startswith(TAG_RESERVED_PREFIXES):
            yield violation(f"spec.tags[{key!r}]", "tag_key_format")
        if len(value) > TAG_VALUE_MAX:
            yield violation(f"spec.tags[{key!r}]", "tag_value_format", f"{len(value)} characters")


def check_region(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    if not spec.region:
        yield violation("spec.region", "region_required")


# Order is the order problems are listed in: the table before its indexes.
CHECKS: list[Check] = [
    check_billing_mode_set,
    check_region,
    check_key_schemas,
    check_attribute_definitions,
    check_throughput,
    check_index_names,
    check_lsis,
    check_projections,
    check_stream,
    check_ttl,
    check_encryption,
    check_tags,
]


def check_table_name(name: str, path: str) -> Iterator[Violation]:
    """The resolved table name (spec.tableName or the composite's name) must suit AWS."""
    if not _TABLE_NAME.match(name):
        yield violation(path, "table_name_format", f"got {name!r}; set spec.tableName")


def validate_spec(spec: AwsDynamodbSpec, extra: Sequence[Check] = ()) -> list[Violation]:
    """Every violation of every rule, in a stable order."""
    return [v for check in (*CHECKS, *extra) for v in check(spec)]
