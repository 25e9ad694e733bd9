"""The catalogue of validation rules: stable ids and two-sided messages.

Python checks (``validation.py``), the XRD's CEL rules (``xrd.py``) and the docs
all take their wording from here, so a user reads the same sentence whether
admission or the function refuses a claim.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from function.api.limits import (
    ALARM_EVALUATION_WINDOW_MAX,
    ALARM_PERIOD_STEP,
    MAX_PROJECTED_ATTRIBUTES,
    MAX_TAGS,
    NAME_FORMAT,
    RESOURCE_POLICY_MAX_BYTES,
    TAG_CHARS,
    TAG_KEY_MAX,
    TAG_RESERVED_PREFIXES_EXACT,
    TAG_VALUE_MAX,
)

__all__ = ["RULES", "Admission", "Rule", "Violation", "format_violations", "list_violations"]

# Where a rule is enforced besides the function: by the XRD's structural schema
# (types, enums, bounds), by a CEL rule in the XRD (generate/xrd.py's CEL_RULES),
# or by the function alone, for the reason the rule gives.
Admission = Literal["schema", "cel", "function"]

_INPUT = "the policy is in the Composition's Input, which admission never sees"
_OBSERVED = "compares with the observed Table, which admission never sees"
_FREE_FORM = "a free-form JSON document (x-kubernetes-preserve-unknown-fields) CEL cannot look into"


@dataclass(frozen=True)
class Rule:
    """A validation rule: what it checks, said so that both halves are clear."""

    id: str
    message: str
    source: str  # "planton" (spec.proto), "aws" (CreateTable limits) or "function"
    admission: Admission = "cel"
    # Why admission cannot decide a function-only rule.
    why: str = ""

    def __post_init__(self) -> None:
        if (self.admission == "function") != bool(self.why):
            raise ValueError(f"rule {self.id}: a function-only rule, and only one, says why")


@dataclass(frozen=True)
class Violation:
    """One problem in a spec: where, which rule, and what to do about it."""

    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.rule}]"


def _catalogue(*rules: Rule) -> dict[str, Rule]:
    return {r.id: r for r in rules}


RULES: dict[str, Rule] = _catalogue(
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
    ),
    Rule(
        "gsi_throughput_matches_billing",
        "with billingMode PROVISIONED, each GSI's provisionedThroughput must set "
        "readCapacityUnits and writeCapacityUnits above 0; with PAY_PER_REQUEST it must be "
        "unset or zero",
        "planton",
    ),
    Rule(
        "stream_view_requires_enabled",
        "streamViewType must be set when streamEnabled is true, and must be unset when it is false",
        "planton",
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
    ),
    Rule(
        "non_key_attributes_unique",
        "each nonKeyAttributes entry must appear only once",
        "planton",
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
    # Platform policy from the Composition's Input (function/api/tenancy.py).
    Rule(
        "region_allowed",
        "the region must be one the platform allows (tenancy.allowedRegions)",
        "function",
        "function",
        _INPUT,
    ),
    Rule(
        "kms_key_account",
        "the KMS key must belong to an account the platform allows (tenancy.kmsKeyAccounts)",
        "function",
        "function",
        _INPUT,
    ),
    Rule(
        "kms_key_region",
        "the KMS key must be in the table's region",
        "aws",
        "function",
        "the table's region may come from the Composition's Input",
    ),
    # Autoscaling (function/api/autoscaling.py).
    Rule(
        "autoscaling_requires_provisioned",
        "autoScaling may be enabled only with billingMode PROVISIONED; with PAY_PER_REQUEST "
        "omit it or set enabled: false",
        "function",
    ),
    Rule(
        "autoscaling_min_le_max",
        "autoscaling minCapacity must be at most maxCapacity",
        "function",
    ),
    Rule(
        "autoscaling_capacity_in_range",
        "the provisioned capacity of an autoscaled table or index must lie between its "
        "autoscaling minCapacity and maxCapacity",
        "function",
    ),
    # Scheduled scaling and per-dimension autoscaling (function/api/scheduling.py).
    Rule(
        "schedule_names_unique",
        "schedule names must be unique within an autoScaling block",
        "function",
    ),
    Rule(
        "schedule_sets_capacity",
        "a schedule must set minCapacity or maxCapacity for read or write",
        "aws",
    ),
    Rule(
        "schedule_min_le_max",
        "a schedule's minCapacity must be at most its maxCapacity",
        "aws",
    ),
    Rule(
        "schedule_dimension_scaled",
        "a schedule may set bounds only for a dimension its table or index autoscales "
        "(autoScaling enabled, and that dimension not enabled: false)",
        "function",
    ),
    # CloudWatch alarms (function/api/alarms.py).
    Rule(
        "sns_topic_arn_format",
        "alarmActions and okActions must be SNS topic ARNs (arn:aws:sns:REGION:ACCOUNT:TOPIC)",
        "aws",
    ),
    Rule(
        "alarm_topic_in_table_region",
        "the SNS topics an alarm notifies must be in the table's region: CloudWatch notifies "
        "only topics in the alarm's region",
        "aws",
        "function",
        "the table's region, or the topics, may come from the Composition's Input",
    ),
    Rule(
        "alarm_period_whole_minutes",
        f"an alarm's periodSeconds must be a multiple of {ALARM_PERIOD_STEP}: DynamoDB "
        "publishes its metrics once a minute",
        "aws",
    ),
    Rule(
        "alarm_evaluation_window_max",
        "an alarm's evaluationPeriods times periodSeconds must be at most "
        f"{ALARM_EVALUATION_WINDOW_MAX} seconds (one day)",
        "aws",
    ),
    # Global tables (function/api/replicas.py, function/safety/replicas.py).
    Rule(
        "replicas_require_streams",
        "a table with replicas needs streamEnabled: true with streamViewType "
        "NEW_AND_OLD_IMAGES (global tables replicate through the stream)",
        "aws",
    ),
    Rule(
        "replica_regions_unique",
        "each replica region may appear only once",
        "aws",
    ),
    Rule(
        "replica_not_in_table_region",
        "a replica must be in another region than the table itself",
        "aws",
    ),
    Rule(
        "replicas_require_write_autoscaling",
        "a PROVISIONED table with replicas needs write autoscaling on the table and on every GSI "
        "(AWS refuses replicas whose write capacity is neither on-demand nor autoscaled; "
        "equal fixed capacity is not enough): enable autoScaling, or use PAY_PER_REQUEST",
        "aws",
    ),
    Rule(
        "replica_kms_key",
        "a replica sets kmsKeyArn exactly when the table uses a customer-managed key "
        "(serverSideEncryption.kmsKeyArn), and it must be a KMS key ARN (not an alias) in the "
        "replica's own region (KMS keys are regional)",
        "aws",
    ),
    Rule(
        "replica_removal_opt_in",
        "removing a replica, or changing its kmsKeyArn (which replaces it), deletes that "
        "region's copy of the table; list the region in spec.allowReplicaRemoval to allow it",
        "function",
        "function",
        _OBSERVED,
    ),
    Rule(
        "replica_removal_protected",
        "a replica with deletion protection cannot be removed: first set its "
        "deletionProtectionEnabled: false and let the Table sync, then remove it",
        "aws",
        "function",
        _OBSERVED,
    ),
    # On-demand throughput (function/api/table_options.py).
    Rule(
        "on_demand_throughput_requires_on_demand",
        "onDemandThroughput may be set only with billingMode PAY_PER_REQUEST",
        "aws",
    ),
    Rule(
        "on_demand_units_valid",
        "maxReadRequestUnits and maxWriteRequestUnits must be at least 1, or -1 to remove a limit",
        "aws",
    ),
    # Resource-based policy (function/api/resource_policy.py).
    Rule(
        "resource_policy_document",
        "resourcePolicy must be a policy document whose Statement is a non-empty list of objects",
        "aws",
        "function",
        _FREE_FORM,
    ),
    Rule(
        "resource_policy_resource",
        "each statement of resourcePolicy must name as Resource only this table's ARN, one of "
        "its indexes' (ARN/index/NAME), or *; NotResource is not accepted",
        "function",
        "function",
        _FREE_FORM + "; the table's ARN is known only once it exists",
    ),
    Rule(
        "resource_policy_size",
        f"resourcePolicy may be at most {RESOURCE_POLICY_MAX_BYTES // 1024} KB as JSON",
        "aws",
        "function",
        _FREE_FORM,
    ),
    # Create-time sources (function/api/table_options.py, function/render/create_source.py).
    Rule(
        "create_source_exclusive",
        "a table is created either by a point-in-time restore (restoreSource*) or by an S3 "
        "import (importTable), not both",
        "aws",
    ),
    Rule(
        "restore_source_exactly_one",
        "a restore names exactly one source, restoreSourceTableArn or restoreSourceName",
        "aws",
    ),
    Rule(
        "restore_point_exactly_one",
        "a restore needs exactly one point: restoreDateTime, or restoreToLatestTime: true; "
        "neither without a source",
        "aws",
    ),
    Rule(
        "import_csv_options_only_with_csv",
        "importTable.csv may be set only with inputFormat CSV",
        "aws",
    ),
    Rule(
        "import_table_no_lsis",
        "a table imported from S3 cannot have localSecondaryIndexes (ImportTable creates "
        "none, and they cannot be added later)",
        "aws",
    ),
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
    # Schema-level problems found while parsing (types, enums, unknown fields, bounds).
    Rule("required", "is required", "function", "schema"),
    Rule("unknown_field", "is not a field of this API; check its spelling", "function", "schema"),
    Rule("enum", "is not an accepted value", "function", "schema"),
    Rule("type", "has the wrong type", "function", "schema"),
    Rule("bounds", "is out of range", "function", "schema"),
    Rule("name_format", f"must be {NAME_FORMAT}", "function", "schema"),
    Rule("format", "does not have the expected format", "function", "schema"),
)


# A Fatal message stays readable, and far below gRPC's message limits, however
# hostile the spec: at most this many problems, each at most this long.
MAX_LISTED = 30
MAX_PROBLEM_CHARS = 400


def list_violations(violations: list[Violation]) -> str:
    """The problems joined by '; ', bounded in count and length."""
    items = []
    for v in violations[:MAX_LISTED]:
        text = str(v)
        if len(text) > MAX_PROBLEM_CHARS:
            text = text[: MAX_PROBLEM_CHARS - 1] + "…"
        items.append(text)
    if len(violations) > MAX_LISTED:
        items.append(f"and {len(violations) - MAX_LISTED} more")
    return "; ".join(items)


def format_violations(violations: list[Violation], subject: str = "AwsDynamodb spec") -> str:
    """One readable message listing every problem, for a single Fatal result."""
    count = len(violations)
    noun = "problem" if count == 1 else "problems"
    return f"invalid {subject}, {count} {noun}: {list_violations(violations)}"
