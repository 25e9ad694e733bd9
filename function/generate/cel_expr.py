"""Building blocks of the XRD's CEL rules (generate/cel.py): expressions as strings.

Each builder returns a CEL expression over the claim as the API server sees it:
fields may be absent (``has()``), enums may use any accepted spelling, and the
Composition's Input is unknown. ``gsi_scales`` mirrors api/autoscaling.py's
``gsi_autoscales``; the admission tests check the two agree on every case.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any

from pydantic import TypeAdapter, ValidationError

from function.api.alarm_spec import (
    DEFAULT_CAPACITY_EVALUATION_PERIODS,
    DEFAULT_PERIOD_SECONDS,
    DEFAULT_THROTTLE_EVALUATION_PERIODS,
)
from function.api.limits import (
    ALARM_EVALUATION_WINDOW_MAX,
    CAPACITY_MAX,
    KMS_ARN_PATTERN,
    TAG_RESERVED_PREFIXES,
)
from function.api.spec import (
    BillingMode,
    KeyType,
    ProjectionType,
    StreamViewType,
    accepted_spellings,
)


def canonical_of(enum_type: Any, spelling: str) -> str | None:
    """What the function reads ``spelling`` as; None for Planton's *_UNSPECIFIED."""
    try:
        return str(TypeAdapter(enum_type).validate_python(spelling))
    except ValidationError:
        return None


def spellings(enum_type: Any, *canonical: str | None) -> list[str]:
    """Every accepted spelling that the function reads as one of ``canonical``."""
    return [s for s in accepted_spellings(enum_type) if canonical_of(enum_type, s) in canonical]


def one_of(expr: str, values: Iterable[str]) -> str:
    return f"{expr} in [{', '.join(repr(v) for v in values)}]"


HASH = spellings(KeyType, "HASH")
RANGE = spellings(KeyType, "RANGE")
PROVISIONED = spellings(BillingMode, "PROVISIONED")
ON_DEMAND = spellings(BillingMode, "PAY_PER_REQUEST")
BILLING_UNSET = spellings(BillingMode, None)
STREAM_UNSET = spellings(StreamViewType, None)
INCLUDE = spellings(ProjectionType, "INCLUDE")
# Tag keys must not start with aws: in any case; startsWith keeps the cost
# independent of the key's length, which a map key's schema cannot bound.
# CEL has no case folding here, so every capitalisation of each reserved prefix.
AWS_PREFIXES = [
    "".join(chars)
    for prefix in TAG_RESERVED_PREFIXES
    for chars in itertools.product(*(dict.fromkeys((c.lower(), c.upper())) for c in prefix))
]


def or_empty(listing: str) -> str:
    """A list field that may be absent, as a list."""
    parent, _, name = listing.rpartition(".")
    return f"(has({parent}.{name}) ? {listing} : [])"


def count(keys: str, names: list[str]) -> str:
    return f"{keys}.filter(k, {one_of('k.keyType', names)}).size()"


def key_shape(lsi: bool) -> str:
    ranges = "== 1" if lsi else "<= 1"
    return f"{count('self', HASH)} == 1 && {count('self', RANGE)} {ranges}"


DISTINCT = "size(self) != 2 || self[0].attributeName != self[1].attributeName"


def units(pt: str, name: str) -> str:
    return f"(has({pt}.{name}) ? {pt}.{name} : 0)"


def throughput_ok(owner: str, side: str) -> str:
    """The function's throughput_ok for ``owner.provisionedThroughput``, on one side of
    the rule: ``provisioned`` or ``on_demand`` (the other billing mode passes)."""
    pt = f"{owner}.provisionedThroughput"
    read, write = units(pt, "readCapacityUnits"), units(pt, "writeCapacityUnits")
    if side == "provisioned":
        provisioned = one_of("self.billingMode", PROVISIONED)
        return f"!({provisioned}) || (has({pt}) && {read} > 0 && {write} > 0)"
    return (
        f"!({one_of('self.billingMode', ON_DEMAND)}) || !has({pt}) || ({read} == 0 && {write} == 0)"
    )


GSIS = or_empty("self.globalSecondaryIndexes")
LSIS = or_empty("self.localSecondaryIndexes")
INDEX_NAMES = f"({GSIS}.map(i, i.name) + {LSIS}.map(i, i.name))"


def defined(key: str) -> str:
    return f"self.attributeDefinitions.exists(a, a.name == {key}.attributeName)"


def used(attr: str) -> str:
    def in_keys(keys: str) -> str:
        return f"{keys}.exists(k, k.attributeName == {attr}.name)"

    return (
        f"{in_keys('self.keySchema')} || {GSIS}.exists(g, {in_keys('g.keySchema')}) || "
        f"{LSIS}.exists(l, {in_keys('l.keySchema')})"
    )


def first(keys: str, names: list[str]) -> str:
    return f"{keys}.filter(k, {one_of('k.keyType', names)})"


def projected(indexes: str) -> str:
    p = "i.projection"
    return (
        f"{indexes}.map(i, has({p}) && has({p}.nonKeyAttributes) ? size({p}.nonKeyAttributes) : 0)"
    )


def has_all(base: str, *fields: str) -> str:
    """has() along a path, each step guarded: CEL's has() needs its parent to exist."""
    return " && ".join(f"has({'.'.join((base, *fields[: i + 1]))})" for i in range(len(fields)))


def explicit(owner: str, dim: str, name: str, otherwise: str) -> str:
    """An autoscaling number the spec sets at ``owner``, else ``otherwise``."""
    path = f"{owner}.autoScaling.{dim}.{name}"
    return f"({has_all(owner, 'autoScaling', dim, name)} ? {path} : {otherwise})"


def scaling_enabled(owner: str) -> str:
    return f"(!has({owner}.autoScaling.enabled) || {owner}.autoScaling.enabled)"


TABLE_SCALES = f"(has(self.autoScaling) && {scaling_enabled('self')})"


def gsi_scales(g: str) -> str:
    # A GSI's own block is enabled unless it says otherwise; without one it follows the table.
    return f"(has({g}.autoScaling) ? {scaling_enabled(g)} : {TABLE_SCALES})"


# Sentinels for "not set": minCapacity is at least 1, maxCapacity at most CAPACITY_MAX.
_NO_MIN, _NO_MAX = 0, CAPACITY_MAX + 1


def bounds(owner: str, dim: str) -> tuple[str, str]:
    """The explicit (minCapacity, maxCapacity) for the table or a GSI, inheriting the table's."""
    table_min = explicit("self", dim, "minCapacity", str(_NO_MIN))
    table_max = explicit("self", dim, "maxCapacity", str(_NO_MAX))
    if owner == "self":
        return table_min, table_max
    return (
        explicit(owner, dim, "minCapacity", table_min),
        explicit(owner, dim, "maxCapacity", table_max),
    )


def dim_on(owner: str, dim: str) -> str:
    """Whether a dimension scales when its table or GSI does: enabled unless said otherwise."""
    table = explicit("self", dim, "enabled", "true")
    return table if owner == "self" else explicit(owner, dim, "enabled", table)


def min_le_max(owner: str) -> str:
    return " && ".join(
        "(!{} || {} <= {})".format(dim_on(owner, dim), *bounds(owner, dim))
        for dim in ("read", "write")
    )


def capacity_in_range(owner: str) -> str:
    # With a default minCapacity (the capacity itself) or maxCapacity (at least
    # four times it) the capacity is in range; only explicit bounds can exclude it.
    parts = []
    for dim, field in (("read", "readCapacityUnits"), ("write", "writeCapacityUnits")):
        lo, hi = bounds(owner, dim)
        cap = units(f"{owner}.provisionedThroughput", field)
        cap = f"(has({owner}.provisionedThroughput) ? {cap} : 0)"
        # min > max is autoscaling_min_le_max's to report; a zero capacity the
        # throughput rules'.
        parts.append(
            f"(!{dim_on(owner, dim)} || {lo} > {hi} || {cap} == 0 || "
            f"({cap} >= {lo} && {cap} <= {hi}))"
        )
    return " && ".join(parts)


SCALING_ON_DEMAND = f"(has(self.billingMode) && {one_of('self.billingMode', ON_DEMAND)})"


def schedules_scaled(owner: str, unit_on: str) -> str:
    """Every schedule of ``owner``'s block sets bounds only for dimensions that scale."""
    dims = " && ".join(
        f"(!has(s.{dim}) || ({unit_on} && {dim_on(owner, dim)}))" for dim in ("read", "write")
    )
    block = f"{owner}.autoScaling"
    return f"(!has({block}) || !has({block}.schedules) || {block}.schedules.all(s, {dims}))"


SETS_CAPACITY = " && ".join(
    ["(has(self.read) || has(self.write))"]
    + [
        f"(!has(self.{d}) || has(self.{d}.minCapacity) || has(self.{d}.maxCapacity))"
        for d in ("read", "write")
    ]
)
SCHEDULE_BLOCKS = ("spec.autoScaling", "spec.globalSecondaryIndexes[].autoScaling")


def window(evaluation_periods: int) -> str:
    """An alarm block's evaluationPeriods x periodSeconds, with the models' defaults."""
    period = f"(has(self.periodSeconds) ? self.periodSeconds : {DEFAULT_PERIOD_SECONDS})"
    periods = f"(has(self.evaluationPeriods) ? self.evaluationPeriods : {evaluation_periods})"
    return f"{periods} * {period} <= {ALARM_EVALUATION_WINDOW_MAX}"


ALARM_BLOCKS = (
    ("throttles", DEFAULT_THROTTLE_EVALUATION_PERIODS),
    ("consumedCapacity", DEFAULT_CAPACITY_EVALUATION_PERIODS),
)


REPLICAS = or_empty("self.replicas")
NEW_AND_OLD = spellings(StreamViewType, "NEW_AND_OLD_IMAGES")
STREAMS_BOTH_IMAGES = (
    "has(self.streamEnabled) && self.streamEnabled && has(self.streamViewType) && "
    f"{one_of('self.streamViewType', NEW_AND_OLD)}"
)
TABLE_CMK = (
    "(has(self.serverSideEncryption) && has(self.serverSideEncryption.enabled) && "
    "self.serverSideEncryption.enabled && has(self.serverSideEncryption.kmsKeyArn) && "
    "size(self.serverSideEncryption.kmsKeyArn) > 0)"
)
REPLICA_CMK = "(has(r.kmsKeyArn) && size(r.kmsKeyArn) > 0)"
# A fixed pattern, and the region by contains(): a real API server estimated a
# pattern built from r.region at over 100 times the CEL cost budget and refused the
# XRD (make e2e). With the pattern fixed, ':kms:REGION:' can only be the region field.
REPLICA_KEY_IN_REGION = (
    f"r.kmsKeyArn.matches({KMS_ARN_PATTERN!r}) && r.kmsKeyArn.contains(':kms:' + r.region + ':')"
)


def replica_kms_key() -> str:
    # Without serverSideEncryption the Composition's Input decides whether the
    # table has a customer-managed key; admission then checks only the region.
    matches_table = f"(!has(self.serverSideEncryption) || ({REPLICA_CMK} == {TABLE_CMK}))"
    # Not REPLICAS' (has() ? list : []) form: a real API server's cost estimate of
    # that ternary lost the list's maxItems and refused the XRD (make e2e).
    return (
        "!has(self.replicas) || self.replicas.all(r, "
        f"{matches_table} && (!{REPLICA_CMK} || {REPLICA_KEY_IN_REGION}))"
    )


RESTORE_SOURCE = "(has(self.restoreSourceTableArn) || has(self.restoreSourceName))"
LATEST = "(has(self.restoreToLatestTime) && self.restoreToLatestTime)"
RESTORE_POINTS = f"((has(self.restoreDateTime) ? 1 : 0) + ({LATEST} ? 1 : 0))"
RESTORING = f"{RESTORE_SOURCE} || {RESTORE_POINTS} > 0"
# The schema requires both lists; without this guard the API server, which still
# runs CEL after a "Required value", would add a "no such key" error per rule.
UNLESS_KEYS_MISSING = "!has(self.keySchema) || !has(self.attributeDefinitions) || "

# An LSI's HASH key is the table's: every HASH element of l.keySchema names the
# table's HASH attribute.
LSI_HASH_IS_TABLES = (
    f"l.keySchema.all(k, !({one_of('k.keyType', HASH)}) || self.keySchema.exists(t, "
    f"{one_of('t.keyType', HASH)} && t.attributeName == k.attributeName))"
)

# Rule id -> CEL, in the order validation.py checks. Every id in RULES is here
# or in FUNCTION_ONLY, or is a schema-level rule the structural schema enforces.
