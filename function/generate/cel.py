"""The XRD's CEL rules: each cross-field rule of api/validation.py, for admission.

Every rule id of the catalogue (api/rules.py) with ``admission == "cel"`` has its
CEL expression here, placed on the schema node it constrains, with the
catalogue's message, so ``kubectl apply`` refuses a bad claim with the function's
own sentence. Expressions accept every spelling the models accept.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from function.api.alarm_spec import (
    DEFAULT_CAPACITY_EVALUATION_PERIODS,
    DEFAULT_PERIOD_SECONDS,
    DEFAULT_THROTTLE_EVALUATION_PERIODS,
)
from function.api.alarms import SNS_TOPIC_ARN
from function.api.limits import (
    ALARM_EVALUATION_WINDOW_MAX,
    ALARM_PERIOD_STEP,
    CAPACITY_MAX,
    KMS_ARN_PREFIX,
    KMS_ARN_SUFFIX,
    MAX_PROJECTED_ATTRIBUTES,
    TAG_KEY_MAX,
    TAG_RESERVED_PREFIXES,
    TAG_RESERVED_PREFIXES_EXACT,
    TAG_VALUE_MAX,
)
from function.api.rules import RULES
from function.api.spec import (
    BillingMode,
    KeyType,
    ProjectionType,
    StreamViewType,
    accepted_spellings,
)
from function.api.validation import KMS_ARN

__all__ = ["CEL_RULES", "FUNCTION_ONLY", "SCHEMA_RULES", "CelRule", "place_rules"]


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
# CEL has no case folding here, so every capitalisation of each reserved prefix.
_AWS_PREFIXES = [
    "".join(chars)
    for prefix in TAG_RESERVED_PREFIXES
    for chars in itertools.product(*(dict.fromkeys((c.lower(), c.upper())) for c in prefix))
]


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


def _first(keys: str, spellings: list[str]) -> str:
    return f"{keys}.filter(k, {_in('k.keyType', spellings)})"


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


def _dim_on(owner: str, dim: str) -> str:
    """Whether a dimension scales when its table or GSI does: enabled unless said otherwise."""
    table = _explicit("self", dim, "enabled", "true")
    return table if owner == "self" else _explicit(owner, dim, "enabled", table)


def _min_le_max(owner: str) -> str:
    return " && ".join(
        "(!{} || {} <= {})".format(_dim_on(owner, dim), *_bounds(owner, dim))
        for dim in ("read", "write")
    )


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
        parts.append(
            f"(!{_dim_on(owner, dim)} || {lo} > {hi} || {cap} == 0 || "
            f"({cap} >= {lo} && {cap} <= {hi}))"
        )
    return " && ".join(parts)


_SCALING_ON_DEMAND = f"(has(self.billingMode) && {_in('self.billingMode', _ON_DEMAND)})"


def _schedules_scaled(owner: str, unit_on: str) -> str:
    """Every schedule of ``owner``'s block sets bounds only for dimensions that scale."""
    dims = " && ".join(
        f"(!has(s.{dim}) || ({unit_on} && {_dim_on(owner, dim)}))" for dim in ("read", "write")
    )
    block = f"{owner}.autoScaling"
    return f"(!has({block}) || !has({block}.schedules) || {block}.schedules.all(s, {dims}))"


_SETS_CAPACITY = " && ".join(
    ["(has(self.read) || has(self.write))"]
    + [
        f"(!has(self.{d}) || has(self.{d}.minCapacity) || has(self.{d}.maxCapacity))"
        for d in ("read", "write")
    ]
)
_SCHEDULE_BLOCKS = ("spec.autoScaling", "spec.globalSecondaryIndexes[].autoScaling")


def _window(evaluation_periods: int) -> str:
    """An alarm block's evaluationPeriods x periodSeconds, with the models' defaults."""
    period = f"(has(self.periodSeconds) ? self.periodSeconds : {DEFAULT_PERIOD_SECONDS})"
    periods = f"(has(self.evaluationPeriods) ? self.evaluationPeriods : {evaluation_periods})"
    return f"{periods} * {period} <= {ALARM_EVALUATION_WINDOW_MAX}"


_ALARM_BLOCKS = (
    ("throttles", DEFAULT_THROTTLE_EVALUATION_PERIODS),
    ("consumedCapacity", DEFAULT_CAPACITY_EVALUATION_PERIODS),
)


_REPLICAS = _or_empty("self.replicas")
_NEW_AND_OLD = _spellings(StreamViewType, "NEW_AND_OLD_IMAGES")
_STREAMS_BOTH_IMAGES = (
    "has(self.streamEnabled) && self.streamEnabled && has(self.streamViewType) && "
    f"{_in('self.streamViewType', _NEW_AND_OLD)}"
)
_TABLE_CMK = (
    "(has(self.serverSideEncryption) && has(self.serverSideEncryption.enabled) && "
    "self.serverSideEncryption.enabled && has(self.serverSideEncryption.kmsKeyArn) && "
    "size(self.serverSideEncryption.kmsKeyArn) > 0)"
)
_REPLICA_CMK = "(has(r.kmsKeyArn) && size(r.kmsKeyArn) > 0)"
# The replica's region goes into the pattern: the schema restricts it to [a-z0-9-].
_REPLICA_KEY_IN_REGION = f"r.kmsKeyArn.matches({KMS_ARN_PREFIX!r} + r.region + {KMS_ARN_SUFFIX!r})"


def _replica_kms_key() -> str:
    # Without serverSideEncryption the Composition's Input decides whether the
    # table has a customer-managed key; admission then checks only the region.
    matches_table = f"(!has(self.serverSideEncryption) || ({_REPLICA_CMK} == {_TABLE_CMK}))"
    return f"{_REPLICAS}.all(r, {matches_table} && (!{_REPLICA_CMK} || {_REPLICA_KEY_IN_REGION}))"


_RESTORE_SOURCE = "(has(self.restoreSourceTableArn) || has(self.restoreSourceName))"
_LATEST = "(has(self.restoreToLatestTime) && self.restoreToLatestTime)"
_RESTORE_POINTS = f"((has(self.restoreDateTime) ? 1 : 0) + ({_LATEST} ? 1 : 0))"
_RESTORING = f"{_RESTORE_SOURCE} || {_RESTORE_POINTS} > 0"
# The schema requires both lists; without this guard the API server, which still
# runs CEL after a "Required value", would add a "no such key" error per rule.
_UNLESS_KEYS_MISSING = "!has(self.keySchema) || !has(self.attributeDefinitions) || "

_TABLE_HASH = _first("self.keySchema", _HASH)
_LSI_HASH = _first("l.keySchema", _HASH)

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
        f"{_UNLESS_KEYS_MISSING}self.keySchema.all(k, {_defined('k')}) && "
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
        f"{_UNLESS_KEYS_MISSING}self.attributeDefinitions.all(a, {_used('a')})",
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
        f"size({_TABLE_HASH}) == 0 || {_LSIS}.all(l, size({_LSI_HASH}) == 0 || "
        f"{_LSI_HASH}[0].attributeName == {_TABLE_HASH}[0].attributeName)",
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
    *(
        CelRule(
            "non_key_attributes_unique",
            f"spec.{kind}[].projection.nonKeyAttributes",
            "self.all(a, self.exists_one(b, b == a))",
        )
        for kind in ("globalSecondaryIndexes", "localSecondaryIndexes")
    ),
    CelRule(
        "projected_attributes_max",
        "spec",
        # sum() is from the Kubernetes CEL lists library.
        f"({_projected(_GSIS)} + {_projected(_LSIS)}).sum() <= {MAX_PROJECTED_ATTRIBUTES}",
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
        f"!has(self.billingMode) || !({_in('self.billingMode', _PROVISIONED)}) || "
        f"(!has(self.onDemandThroughput) && {_GSIS}.all(g, !has(g.onDemandThroughput)))",
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
    CelRule(
        "create_source_exclusive",
        "spec",
        f"!has(self.importTable) || !({_RESTORING})",
        ".importTable",
    ),
    CelRule(
        "restore_source_exactly_one",
        "spec",
        "!(has(self.restoreSourceTableArn) && has(self.restoreSourceName)) && "
        f"({_RESTORE_SOURCE} || {_RESTORE_POINTS} == 0)",
        ".restoreSourceName",
    ),
    CelRule(
        "restore_point_exactly_one",
        "spec",
        f"!({_RESTORE_SOURCE}) || {_RESTORE_POINTS} == 1",
        ".restoreDateTime",
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
        f"!has(self.importTable) || size({_LSIS}) == 0",
        ".localSecondaryIndexes",
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
    *(
        CelRule(
            "schedule_names_unique",
            f"{block}.schedules",
            "self.all(s, self.exists_one(t, t.name == s.name))",
        )
        for block in _SCHEDULE_BLOCKS
    ),
    *(
        CelRule("schedule_sets_capacity", f"{block}.schedules[]", _SETS_CAPACITY)
        for block in _SCHEDULE_BLOCKS
    ),
    *(
        CelRule(
            "schedule_min_le_max",
            f"{block}.schedules[].{dim}",
            "!has(self.minCapacity) || !has(self.maxCapacity) || "
            "self.minCapacity <= self.maxCapacity",
        )
        for block in _SCHEDULE_BLOCKS
        for dim in ("read", "write")
    ),
    CelRule(
        "schedule_dimension_scaled",
        "spec",
        _schedules_scaled("self", _scaling_enabled("self")),
        ".autoScaling",
    ),
    CelRule(
        "schedule_dimension_scaled",
        "spec",
        f"{_GSIS}.all(g, {_schedules_scaled('g', _scaling_enabled('g'))})",
        ".globalSecondaryIndexes",
    ),
    CelRule(
        "replicas_require_streams",
        "spec",
        f"size({_REPLICAS}) == 0 || ({_STREAMS_BOTH_IMAGES})",
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
        f"!has(self.region) || {_REPLICAS}.all(r, r.region != self.region)",
        ".replicas",
        needs=("region",),
    ),
    CelRule(
        "replicas_require_write_autoscaling",
        "spec",
        f"size({_REPLICAS}) == 0 || !has(self.billingMode) || "
        f"!({_in('self.billingMode', _PROVISIONED)}) || "
        f"({_TABLE_SCALES} && {_dim_on('self', 'write')} && "
        f"{_GSIS}.all(g, {_gsi_scales('g')} && {_dim_on('g', 'write')}))",
        ".autoScaling",
        needs=("billingMode",),
    ),
    CelRule(
        "replica_kms_key",
        "spec",
        _replica_kms_key(),
        ".replicas",
        needs=("serverSideEncryption",),
    ),
    CelRule(
        "tag_key_format",
        "spec.tags",
        f"self.all(k, size(k) >= 1 && size(k) <= {TAG_KEY_MAX} && "
        f"!{list(_AWS_PREFIXES)!r}.exists(p, k.startsWith(p)))",
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
        for block, _ in _ALARM_BLOCKS
    ),
    *(
        CelRule(
            "alarm_evaluation_window_max",
            f"spec.alarms.{block}",
            _window(periods),
            ".evaluationPeriods",
        )
        for block, periods in _ALARM_BLOCKS
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


def place_rules(schema: dict[str, Any]) -> dict[str, Any]:
    """Attach every CEL rule to its node of the XR's openAPIV3Schema; returns the schema."""
    for cel in CEL_RULES:
        _place(schema, cel.at).setdefault("x-kubernetes-validations", []).append(cel.validation())
    return schema
