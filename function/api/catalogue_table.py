"""The table's own rules: Planton's, AWS's CreateTable rules, what AWS fixes, schema problems."""

from __future__ import annotations

from function.api.limits import (
    MAX_PROJECTED_ATTRIBUTES,
    MAX_TAGS,
    NAME_FORMAT,
    TAG_CHARS,
    TAG_KEY_MAX,
    TAG_RESERVED_PREFIXES_EXACT,
    TAG_VALUE_MAX,
)
from function.api.rule import FUNCTION_ONLY_OBSERVED as _OBSERVED
from function.api.rule import Rule

__all__ = ["GUARD_AND_SCHEMA_RULES", "TABLE_RULES"]

# The two sides of the table's and each GSI's throughput rule.
THROUGHPUT_SIDES = (
    ("provisioned", "here billingMode is PROVISIONED and a capacity is missing or 0"),
    ("on_demand", "here billingMode is PAY_PER_REQUEST and a capacity is above 0"),
)

TABLE_RULES: tuple[Rule, ...] = (
    # Planton's rules (spec.proto), same ids.
    Rule(
        "billing_mode_set",
        "billingMode must be PROVISIONED or PAY_PER_REQUEST; omit it for the default",
        "planton",
    ),
    Rule(
        "table_key_schema_shape",
        "the table's keySchema must have exactly one HASH key and at most one RANGE key",
        "planton",
    ),
    Rule(
        "gsi_key_schema_shape",
        "a GSI's keySchema must have exactly one HASH key and at most one RANGE key",
        "planton",
    ),
    Rule(
        "lsi_key_schema_shape",
        "an LSI's keySchema must have exactly one HASH key and one RANGE key",
        "planton",
    ),
    Rule(
        "provisioned_requires_throughput",
        "with billingMode PROVISIONED, provisionedThroughput must set readCapacityUnits and "
        "writeCapacityUnits above 0; with PAY_PER_REQUEST it must be unset or zero",
        "planton",
        sides=THROUGHPUT_SIDES,
    ),
    Rule(
        "gsi_throughput_matches_billing",
        "with billingMode PROVISIONED, each GSI's provisionedThroughput must set "
        "readCapacityUnits and writeCapacityUnits above 0; with PAY_PER_REQUEST it must be "
        "unset or zero",
        "planton",
        sides=THROUGHPUT_SIDES,
    ),
    Rule(
        "stream_view_requires_enabled",
        "streamViewType must be set when streamEnabled is true, and must be unset when it is false",
        "planton",
        sides=(
            ("enabled", "here streamEnabled is true and streamViewType is unset"),
            ("disabled", "here streamEnabled is false or unset and streamViewType is set"),
        ),
    ),
    Rule(
        "ttl_attribute_when_enabled",
        "ttl.attributeName must be set when TTL is enabled; when disabled it may stay set "
        "(AWS needs the name to switch TTL off) or be empty",
        "planton",
    ),
    Rule(
        "include_requires_attributes",
        "nonKeyAttributes must be set when the projection type is INCLUDE, and must be empty "
        "otherwise",
        "planton",
        sides=(
            ("include", "here the type is INCLUDE and nonKeyAttributes is empty"),
            ("other", "here the type is not INCLUDE and nonKeyAttributes is set"),
        ),
    ),
    # Admission: a set-typed list the API server keeps duplicate-free (generate/cel.py).
    Rule(
        "non_key_attributes_unique",
        "each nonKeyAttributes entry must appear only once",
        "planton",
        "schema",
    ),
    # Rules AWS enforces at CreateTable time that Planton does not check.
    Rule(
        "key_attribute_defined",
        "every key attribute must be defined in spec.attributeDefinitions",
        "aws",
    ),
    Rule(
        "attribute_definition_used",
        "every attribute definition must be used by a key of the table or an index "
        "(AWS rejects unused definitions)",
        "aws",
    ),
    Rule(
        "attribute_names_unique",
        "each attribute must be defined once, with one type",
        "aws",
    ),
    Rule(
        "key_attributes_distinct",
        "the HASH and RANGE keys must be different attributes",
        "aws",
    ),
    Rule(
        "index_names_unique",
        "index names must be unique across globalSecondaryIndexes and localSecondaryIndexes",
        "aws",
    ),
    Rule(
        "lsi_requires_table_range_key",
        "local secondary indexes need the table's keySchema to have a RANGE key",
        "aws",
    ),
    Rule(
        "lsi_uses_table_hash_key",
        "an LSI's HASH key must be the table's HASH key",
        "aws",
    ),
    Rule(
        "projected_attributes_max",
        f"at most {MAX_PROJECTED_ATTRIBUTES} nonKeyAttributes may be projected, summed over all "
        "indexes (duplicates count)",
        "aws",
    ),
    Rule(
        "table_name_format",
        f"the table name must be {NAME_FORMAT}",
        "aws",
        "function",
        "without spec.tableName the name is the composite's metadata.name",
    ),
    Rule(
        "kms_key_requires_encryption",
        "kmsKeyArn may be set only when serverSideEncryption.enabled is true",
        "aws",
    ),
    Rule(
        "kms_key_arn_format",
        "kmsKeyArn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias: "
        "AWS reports the key's ARN, so an alias would update the table on every reconcile",
        "aws",
    ),
    Rule(
        "pitr_period_requires_enabled",
        "pointInTimeRecoveryPeriodDays may be set only when pointInTimeRecoveryEnabled is true",
        "aws",
    ),
    Rule(
        "contributor_insights_mode_requires_enabled",
        "contributorInsightsMode may be set only where contributorInsightsEnabled is true",
        "function",
    ),
    Rule(
        "tags_max",
        f"a table may have at most {MAX_TAGS} tags: the claim's, the Composition's, this "
        "function's ownership tags and the provider's crossplane- tags",
        "aws",
        "function",
        "the Composition's Input adds its own tags; the claim's alone are capped by maxProperties",
    ),
    Rule(
        "tag_chars",
        f"tag keys and values may contain only {TAG_CHARS} (Unicode letters and digits count)",
        "aws",
        "function",
        "a pattern over map keys, which have no maxLength, exceeds the API server's CEL cost "
        "budget",
    ),
    Rule(
        "tag_key_reserved",
        "tag keys starting with "
        + " or ".join(TAG_RESERVED_PREFIXES_EXACT)
        + " are set by the provider and this function; a claim may not set them",
        "function",
    ),
    Rule(
        "tag_key_format",
        f"tag keys must be 1-{TAG_KEY_MAX} characters and not start with aws:",
        "aws",
    ),
    Rule("tag_value_format", f"tag values must be at most {TAG_VALUE_MAX} characters", "aws"),
    Rule(
        "region_required",
        "no region: set spec.region on the claim, or region in the Composition's function Input",
        "function",
        "function",
        "the region may come from the Composition's Input",
    ),
)

GUARD_AND_SCHEMA_RULES: tuple[Rule, ...] = (
    # What AWS fixes at CreateTable: changing it replaces the table (guards.py refuses).
    Rule(
        "table_keys_immutable",
        "the table's HASH and RANGE keys are fixed once the table exists",
        "aws",
        "function",
        _OBSERVED,
    ),
    Rule(
        "key_attribute_type_immutable",
        "the type of a table or LSI key attribute is fixed once the table exists",
        "aws",
        "function",
        _OBSERVED,
    ),
    Rule(
        "lsis_immutable",
        "local secondary indexes are fixed once the table exists: none can be added, removed "
        "or changed",
        "aws",
        "function",
        _OBSERVED,
    ),
    Rule(
        "table_name_immutable",
        "the table name is fixed once the table exists",
        "aws",
        "function",
        _OBSERVED,
    ),
    Rule(
        "region_immutable",
        "the region is fixed once the table exists",
        "aws",
        "function",
        _OBSERVED,
    ),
    Rule(
        "provider_config_immutable",
        "the provider config (the AWS account and credentials) is fixed once the table "
        "exists: a claim cannot move its table to another Composition's provider config",
        "function",
        "function",
        _OBSERVED,
    ),
    # Schema-level problems found while parsing (types, enums, unknown fields, bounds).
    Rule("required", "is required", "function", "schema"),
    Rule("unknown_field", "is not a field of this API; check its spelling", "function", "schema"),
    Rule("enum", "is not an accepted value", "function", "schema"),
    Rule("type", "has the wrong type", "function", "schema"),
    Rule("bounds", "is out of range", "function", "schema"),
    Rule("name_format", f"must be {NAME_FORMAT}", "function", "schema"),
    Rule("format", "does not have the expected format", "function", "schema"),
)
