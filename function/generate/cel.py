"""The XRD's CEL rules: each cross-field rule of api/validation.py, for admission.

Every rule id of the catalogue (api/rules.py) with ``admission == "cel"`` has its
CEL expression here, placed on the schema node it constrains, with the
catalogue's message, so ``kubectl apply`` refuses a bad claim with the function's
own sentence. Expressions accept every spelling the models accept.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from function.api.alarms import SNS_TOPIC_ARN
from function.api.limits import (
    ALARM_PERIOD_STEP,
    MAX_PROJECTED_ATTRIBUTES,
    TAG_KEY_MAX,
    TAG_RESERVED_PREFIXES_EXACT,
    TAG_VALUE_MAX,
    WARM_READ_MIN,
    WARM_WRITE_MIN,
)
from function.api.rules import RULES
from function.api.validation import KMS_ARN
from function.generate.cel_expr import (
    ALARM_BLOCKS,
    AWS_PREFIXES,
    BILLING_UNSET,
    DISTINCT,
    GSIS,
    HASH,
    INCLUDE,
    INDEX_NAMES,
    LSI_HASH_IS_TABLES,
    LSIS,
    PROVISIONED,
    RANGE,
    REPLICAS,
    RESTORE_POINTS,
    RESTORE_SOURCE,
    RESTORING,
    SCALING_ON_DEMAND,
    SCHEDULE_BLOCKS,
    SETS_CAPACITY,
    STREAM_UNSET,
    STREAMS_BOTH_IMAGES,
    TABLE_SCALES,
    UNLESS_KEYS_MISSING,
    capacity_in_range,
    defined,
    dim_on,
    gsi_scales,
    key_shape,
    min_le_max,
    one_of,
    projected,
    replica_kms_key,
    scaling_enabled,
    schedules_scaled,
    throughput_ok,
    used,
    window,
)

__all__ = ["CEL_RULES", "FUNCTION_ONLY", "SCHEMA_RULES", "CelRule", "place_rules"]

# The conditions the two-sided rules' sides are made of.
INCLUDED = f"has(self.type) && {one_of('self.type', INCLUDE)}"
NON_KEY_SET = "has(self.nonKeyAttributes) && size(self.nonKeyAttributes) > 0"
STREAM_ON = "has(self.streamEnabled) && self.streamEnabled"
VIEW_SET = f"has(self.streamViewType) && !({one_of('self.streamViewType', STREAM_UNSET)})"


@dataclass(frozen=True)
class CelRule:
    """One x-kubernetes-validations rule: which catalogue rule, where, and how.

    ``at`` is a path in the XR schema ("spec", "spec.ttl", "[]" for list items).
    ``needs`` names spec fields the claim must set for the rule to decide the
    way the function does; without them the function's result depends on the
    Composition's Input, which admission cannot see. ``side`` is the side of a
    two-sided rule this one checks (each side is its own CEL rule, so the
    refusal names the side broken, as the function's does).
    """

    rule: str
    at: str
    expression: str
    field_path: str | None = None
    needs: tuple[str, ...] = ()
    side: str | None = None

    @property
    def message(self) -> str:
        return RULES[self.rule].says(self.side)

    def validation(self) -> dict[str, str]:
        out = {"rule": self.expression, "message": self.message}
        if self.field_path is not None:
            out["fieldPath"] = self.field_path
        return out


CEL_RULES: tuple[CelRule, ...] = (
    CelRule(
        "billing_mode_set",
        "spec",
        f"!has(self.billingMode) || !({one_of('self.billingMode', BILLING_UNSET)})",
        ".billingMode",
    ),
    CelRule("table_key_schema_shape", "spec.keySchema", key_shape(lsi=False)),
    CelRule("key_attributes_distinct", "spec.keySchema", DISTINCT),
    CelRule("gsi_key_schema_shape", "spec.globalSecondaryIndexes[].keySchema", key_shape(False)),
    CelRule("key_attributes_distinct", "spec.globalSecondaryIndexes[].keySchema", DISTINCT),
    CelRule("lsi_key_schema_shape", "spec.localSecondaryIndexes[].keySchema", key_shape(True)),
    CelRule("key_attributes_distinct", "spec.localSecondaryIndexes[].keySchema", DISTINCT),
    CelRule(
        "key_attribute_defined",
        "spec",
        f"{UNLESS_KEYS_MISSING}self.keySchema.all(k, {defined('k')}) && "
        f"{GSIS}.all(g, g.keySchema.all(k, {defined('k')})) && "
        f"{LSIS}.all(l, l.keySchema.all(k, {defined('k')}))",
    ),
    CelRule(
        "attribute_names_unique",
        "spec.attributeDefinitions",
        "self.all(a, self.exists_one(b, b.name == a.name))",
    ),
    CelRule(
        "attribute_definition_used",
        "spec",
        f"{UNLESS_KEYS_MISSING}self.attributeDefinitions.all(a, {used('a')})",
        ".attributeDefinitions",
    ),
    *(
        CelRule(
            "provisioned_requires_throughput",
            "spec",
            f"!has(self.billingMode) || ({throughput_ok('self', side)})",
            ".provisionedThroughput",
            needs=("billingMode",),
            side=side,
        )
        for side in ("provisioned", "on_demand")
    ),
    *(
        CelRule(
            "gsi_throughput_matches_billing",
            "spec",
            f"!has(self.billingMode) || {GSIS}.all(g, {throughput_ok('g', side)})",
            ".globalSecondaryIndexes",
            needs=("billingMode",),
            side=side,
        )
        for side in ("provisioned", "on_demand")
    ),
    CelRule(
        "index_names_unique",
        "spec",
        f"{INDEX_NAMES}.all(n, {INDEX_NAMES}.exists_one(m, m == n))",
    ),
    CelRule(
        "lsi_requires_table_range_key",
        "spec",
        f"size({LSIS}) == 0 || self.keySchema.exists(k, {one_of('k.keyType', RANGE)})",
        ".localSecondaryIndexes",
    ),
    CelRule(
        "lsi_uses_table_hash_key",
        "spec",
        # exists/all, not filter(...)[0]: a real API server estimated that form at
        # over 100 times the CEL cost budget and refused the XRD (make e2e).
        f"!(self.keySchema.exists(k, {one_of('k.keyType', HASH)})) || "
        f"{LSIS}.all(l, {LSI_HASH_IS_TABLES})",
        ".localSecondaryIndexes",
    ),
    *(
        CelRule(
            "include_requires_attributes",
            f"spec.{kind}[].projection",
            f"!({INCLUDED}) || ({NON_KEY_SET})"
            if side == "include"
            else f"({INCLUDED}) || !({NON_KEY_SET})",
            ".nonKeyAttributes",
            side=side,
        )
        for kind in ("globalSecondaryIndexes", "localSecondaryIndexes")
        for side in ("include", "other")
    ),
    CelRule(
        "projected_attributes_max",
        "spec",
        # sum() is from the Kubernetes CEL lists library.
        f"({projected(GSIS)} + {projected(LSIS)}).sum() <= {MAX_PROJECTED_ATTRIBUTES}",
    ),
    CelRule(
        "stream_view_requires_enabled",
        "spec",
        f"!({STREAM_ON}) || ({VIEW_SET})",
        ".streamViewType",
        side="enabled",
    ),
    CelRule(
        "stream_view_requires_enabled",
        "spec",
        f"{STREAM_ON} || !({VIEW_SET})",
        ".streamViewType",
        side="disabled",
    ),
    CelRule(
        "ttl_attribute_when_enabled",
        "spec.ttl",
        "!(has(self.enabled) && self.enabled) || "
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
        "pitr_period_requires_enabled",
        "spec",
        "!has(self.pointInTimeRecoveryPeriodDays) || !has(self.pointInTimeRecoveryEnabled) || "
        "self.pointInTimeRecoveryEnabled",
        ".pointInTimeRecoveryPeriodDays",
        needs=("pointInTimeRecoveryEnabled",),
    ),
    CelRule(
        "contributor_insights_mode_requires_enabled",
        "spec",
        "!has(self.contributorInsightsMode) || "
        "(has(self.contributorInsightsEnabled) && self.contributorInsightsEnabled)",
        ".contributorInsightsMode",
    ),
    CelRule(
        "contributor_insights_mode_requires_enabled",
        "spec.globalSecondaryIndexes[]",
        "!has(self.contributorInsightsMode) || "
        "(has(self.contributorInsightsEnabled) && self.contributorInsightsEnabled)",
        ".contributorInsightsMode",
    ),
    CelRule(
        "on_demand_throughput_requires_on_demand",
        "spec",
        f"!has(self.billingMode) || !({one_of('self.billingMode', PROVISIONED)}) || "
        f"(!has(self.onDemandThroughput) && {GSIS}.all(g, !has(g.onDemandThroughput)))",
        ".onDemandThroughput",
        needs=("billingMode",),
    ),
    *(
        CelRule(
            "on_demand_units_valid",
            at,
            "(!has(self.maxReadRequestUnits) || self.maxReadRequestUnits != 0) && "
            "(!has(self.maxWriteRequestUnits) || self.maxWriteRequestUnits != 0)",
        )
        for at in ("spec.onDemandThroughput", "spec.globalSecondaryIndexes[].onDemandThroughput")
    ),
    *(
        CelRule(
            "warm_throughput_above_baseline",
            at,
            "(!has(self.readUnitsPerSecond) && !has(self.writeUnitsPerSecond)) || "
            f"(has(self.readUnitsPerSecond) && self.readUnitsPerSecond > {WARM_READ_MIN}) || "
            f"(has(self.writeUnitsPerSecond) && self.writeUnitsPerSecond > {WARM_WRITE_MIN})",
        )
        for at in ("spec.warmThroughput", "spec.globalSecondaryIndexes[].warmThroughput")
    ),
    CelRule(
        "create_source_exclusive",
        "spec",
        f"!has(self.importTable) || !({RESTORING})",
        ".importTable",
    ),
    CelRule(
        "restore_source_exactly_one",
        "spec",
        "!(has(self.restoreSourceTableArn) && has(self.restoreSourceName))",
        ".restoreSourceName",
        side="both",
    ),
    CelRule(
        "restore_source_exactly_one",
        "spec",
        f"{RESTORE_SOURCE} || {RESTORE_POINTS} == 0",
        ".restoreSourceName",
        side="none",
    ),
    CelRule(
        "restore_point_exactly_one",
        "spec",
        f"!({RESTORE_SOURCE}) || {RESTORE_POINTS} >= 1",
        ".restoreDateTime",
        side="none",
    ),
    CelRule(
        "restore_point_exactly_one",
        "spec",
        f"!({RESTORE_SOURCE}) || {RESTORE_POINTS} <= 1",
        ".restoreDateTime",
        side="both",
    ),
    CelRule(
        "import_csv_options_only_with_csv",
        "spec.importTable",
        "!has(self.csv) || self.inputFormat == 'CSV'",
        ".csv",
    ),
    CelRule(
        "import_table_no_lsis",
        "spec",
        f"!has(self.importTable) || size({LSIS}) == 0",
        ".localSecondaryIndexes",
    ),
    CelRule(
        "autoscaling_requires_provisioned",
        "spec",
        f"!{SCALING_ON_DEMAND} || (!{TABLE_SCALES} && "
        f"{GSIS}.all(g, !has(g.autoScaling) || !{scaling_enabled('g')}))",
        needs=("billingMode",),
    ),
    # Table and GSIs apart: each rule then stays readable in the XRD.
    CelRule(
        "autoscaling_min_le_max",
        "spec",
        f"{SCALING_ON_DEMAND} || !{TABLE_SCALES} || ({min_le_max('self')})",
    ),
    CelRule(
        "autoscaling_min_le_max",
        "spec",
        f"{SCALING_ON_DEMAND} || {GSIS}.all(g, !{gsi_scales('g')} || ({min_le_max('g')}))",
    ),
    CelRule(
        "autoscaling_capacity_in_range",
        "spec",
        f"{SCALING_ON_DEMAND} || !{TABLE_SCALES} || ({capacity_in_range('self')})",
        ".provisionedThroughput",
    ),
    CelRule(
        "autoscaling_capacity_in_range",
        "spec",
        f"{SCALING_ON_DEMAND} || {GSIS}.all(g, !{gsi_scales('g')} || ({capacity_in_range('g')}))",
        ".globalSecondaryIndexes",
    ),
    *(
        CelRule(
            "schedule_names_unique",
            f"{block}.schedules",
            "self.all(s, self.exists_one(t, t.name == s.name))",
        )
        for block in SCHEDULE_BLOCKS
    ),
    *(
        CelRule("schedule_sets_capacity", f"{block}.schedules[]", SETS_CAPACITY)
        for block in SCHEDULE_BLOCKS
    ),
    *(
        CelRule(
            "schedule_min_le_max",
            f"{block}.schedules[].{dim}",
            "!has(self.minCapacity) || !has(self.maxCapacity) || "
            "self.minCapacity <= self.maxCapacity",
        )
        for block in SCHEDULE_BLOCKS
        for dim in ("read", "write")
    ),
    CelRule(
        "schedule_dimension_scaled",
        "spec",
        schedules_scaled("self", scaling_enabled("self")),
        ".autoScaling",
    ),
    CelRule(
        "schedule_dimension_scaled",
        "spec",
        f"{GSIS}.all(g, {schedules_scaled('g', scaling_enabled('g'))})",
        ".globalSecondaryIndexes",
    ),
    CelRule(
        "replicas_require_streams",
        "spec",
        f"size({REPLICAS}) == 0 || ({STREAMS_BOTH_IMAGES})",
        ".streamViewType",
    ),
    CelRule(
        "replica_regions_unique",
        "spec.replicas",
        "self.all(r, self.exists_one(s, s.region == r.region))",
    ),
    CelRule(
        "replica_not_in_table_region",
        "spec",
        f"!has(self.region) || {REPLICAS}.all(r, r.region != self.region)",
        ".replicas",
        needs=("region",),
    ),
    CelRule(
        "replicas_require_write_autoscaling",
        "spec",
        f"size({REPLICAS}) == 0 || !has(self.billingMode) || "
        f"!({one_of('self.billingMode', PROVISIONED)}) || "
        f"({TABLE_SCALES} && {dim_on('self', 'write')} && "
        f"{GSIS}.all(g, {gsi_scales('g')} && {dim_on('g', 'write')}))",
        ".autoScaling",
        needs=("billingMode",),
    ),
    CelRule(
        "replica_kms_key",
        "spec",
        replica_kms_key(),
        ".replicas",
        needs=("serverSideEncryption",),
    ),
    CelRule(
        "tag_key_format",
        "spec.tags",
        f"self.all(k, size(k) >= 1 && size(k) <= {TAG_KEY_MAX} && "
        f"!{list(AWS_PREFIXES)!r}.exists(p, k.startsWith(p)))",
    ),
    CelRule("tag_value_format", "spec.tags", f"self.all(k, size(self[k]) <= {TAG_VALUE_MAX})"),
    *(
        CelRule(
            "sns_topic_arn_format",
            f"spec.alarms.{actions}",
            f"self.all(a, a.matches({SNS_TOPIC_ARN.pattern!r}))",
        )
        for actions in ("alarmActions", "okActions")
    ),
    *(
        CelRule(
            "alarm_period_whole_minutes",
            f"spec.alarms.{block}.periodSeconds",
            f"self % {ALARM_PERIOD_STEP} == 0",
        )
        for block, _ in ALARM_BLOCKS
    ),
    *(
        CelRule(
            "alarm_evaluation_window_max",
            f"spec.alarms.{block}",
            window(periods),
            ".evaluationPeriods",
        )
        for block, periods in ALARM_BLOCKS
    ),
    CelRule(
        "stream_read_requires_streams",
        "spec",
        "!has(self.accessPolicies) || !has(self.accessPolicies.streamRead) || "
        "!self.accessPolicies.streamRead || (has(self.streamEnabled) && self.streamEnabled)",
        ".accessPolicies",
    ),
    CelRule(
        "tag_key_reserved",
        "spec.tags",
        f"self.all(k, !{list(TAG_RESERVED_PREFIXES_EXACT)!r}.exists(p, k.startsWith(p)))",
    ),
)

# Views of the catalogue, for the tests and docs: what the structural schema
# enforces, and what only the function can check (with the reason).
SCHEMA_RULES = tuple(r.id for r in RULES.values() if r.admission == "schema")
FUNCTION_ONLY: dict[str, str] = {r.id: r.why for r in RULES.values() if r.admission == "function"}


def _place(schema: dict[str, Any], at: str) -> dict[str, Any]:
    """The schema node at a path like ``spec.globalSecondaryIndexes[].keySchema``."""
    node = schema
    for part in at.split("."):
        name, items = part.removesuffix("[]"), part.endswith("[]")
        node = node["properties"][name]
        if items:
            node = node["items"]
    return node


# Lists the API server keeps duplicate-free itself (non_key_attributes_unique, a
# "schema" rule): as a CEL exists_one over 100 names of 255 characters in each of
# 20 GSIs it cost twice the API server's budget, which refused the XRD (make e2e).
SET_LISTS = tuple(
    f"spec.{kind}[].projection.nonKeyAttributes"
    for kind in ("globalSecondaryIndexes", "localSecondaryIndexes")
)


def place_rules(schema: dict[str, Any]) -> dict[str, Any]:
    """Attach every CEL rule to its node of the XR's openAPIV3Schema; returns the schema."""
    for cel in CEL_RULES:
        _place(schema, cel.at).setdefault("x-kubernetes-validations", []).append(cel.validation())
    for at in SET_LISTS:
        _place(schema, at)["x-kubernetes-list-type"] = "set"
    return schema
