"""The AwsDynamodb spec: the one source of truth for what a claim or XR may say.

Field names and rules follow Project Planton's ``AwsDynamodbSpec`` (spec.proto);
``region``, ``tableName``, ``tags`` and ``autoScaling`` are this function's
additions. The XRD schema, the docs and the validation messages are derived
from these models, so a field is described here once, with its constraints.

Enum spellings: Planton's current names are canonical. Planton's older prefixed
names (``BILLING_MODE_PAY_PER_REQUEST``) and AWS's ``KEYS_ONLY`` projection are
accepted and normalised; each normalisation is recorded as a warning in the
validation context so the caller can tell the user the preferred spelling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    WithJsonSchema,
)

__all__ = [
    "ATTRIBUTE_NAME_MAX",
    "CAPACITY_MAX",
    "INDEX_NAME_PATTERN",
    "MAX_GSIS",
    "MAX_LSIS",
    "MAX_TAGS",
    "AttributeDefinition",
    "AutoScaling",
    "AutoScalingDimension",
    "AwsDynamodbSpec",
    "GlobalSecondaryIndex",
    "KeySchemaElement",
    "LocalSecondaryIndex",
    "Projection",
    "ProvisionedThroughput",
    "ServerSideEncryption",
    "Spelling",
    "TimeToLive",
    "accepted_spellings",
]

# AWS service quotas and limits that the API enforces at CreateTable time.
CAPACITY_MAX = 40_000
MAX_GSIS = 20
MAX_LSIS = 5
MAX_PROJECTED_ATTRIBUTES = 100
MAX_TAGS = 50
ATTRIBUTE_NAME_MAX = 255
# The pattern bounds names too; max_length says so to the XRD, whose CEL cost
# estimate reads maxLength only.
NAME_MAX = 255
INDEX_NAME_PATTERN = r"^[A-Za-z0-9_.-]{3,255}$"
TABLE_NAME_PATTERN = INDEX_NAME_PATTERN
# Bounds that keep lists small enough for the Kubernetes CEL cost budget; each is
# at or above what AWS itself allows for a table definition.
MAX_KEY_ELEMENTS = 2
MAX_ATTRIBUTE_DEFINITIONS = 2 + 2 * (MAX_GSIS + MAX_LSIS)
MAX_NON_KEY_ATTRIBUTES = MAX_PROJECTED_ATTRIBUTES


@dataclass(frozen=True)
class Spelling:
    """An older spelling met while parsing, where (``parent.key`` or ``key``) and its successor."""

    field: str
    value: str
    preferred: str | None


def _normaliser(field: str, aliases: dict[str, str | None]) -> BeforeValidator:
    """Map Planton's older spellings to canonical ones, recording a warning for each.

    ``aliases`` maps an accepted older spelling to its canonical value (``None``
    for Planton's ``*_UNSPECIFIED`` zero values, which mean "not set").
    """

    def normalise(value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and value in aliases:
            preferred = aliases[value]
            spellings = (info.context or {}).get("spellings")
            if spellings is not None:
                spellings.append(Spelling(field, value, preferred))
            return preferred
        return value

    return BeforeValidator(normalise)


def _accepted(canonical: Any, aliases: dict[str, str | None]) -> WithJsonSchema:
    """The schema lists every accepted spelling, so admission takes Planton's older ones."""
    return WithJsonSchema({"type": "string", "enum": [*get_args(canonical), *aliases]})


def accepted_spellings(enum_type: Any) -> list[str]:
    """Every spelling an enum type accepts (canonical first), for docs and the XRD."""
    for meta in getattr(enum_type, "__metadata__", ()):
        if isinstance(meta, WithJsonSchema) and meta.json_schema:
            return list(meta.json_schema["enum"])
    return []


BillingModeName = Literal["PROVISIONED", "PAY_PER_REQUEST"]
_BILLING_ALIASES: dict[str, str | None] = {
    "BILLING_MODE_PROVISIONED": "PROVISIONED",
    "BILLING_MODE_PAY_PER_REQUEST": "PAY_PER_REQUEST",
    "BILLING_MODE_UNSPECIFIED": None,
}
BillingMode = Annotated[
    BillingModeName,
    _normaliser("billingMode", _BILLING_ALIASES),
    _accepted(BillingModeName, _BILLING_ALIASES),
]
# Optional fields take the normaliser outside the union, so *_UNSPECIFIED can mean None.
OptionalBillingMode = Annotated[
    BillingModeName | None,
    _normaliser("billingMode", _BILLING_ALIASES),
    _accepted(BillingModeName, _BILLING_ALIASES),
]

AttributeTypeName = Literal["S", "N", "B"]
_ATTRIBUTE_ALIASES: dict[str, str | None] = {
    "ATTRIBUTE_TYPE_S": "S",
    "ATTRIBUTE_TYPE_N": "N",
    "ATTRIBUTE_TYPE_B": "B",
}
AttributeType = Annotated[
    AttributeTypeName,
    _normaliser("attributeDefinitions.type", _ATTRIBUTE_ALIASES),
    _accepted(AttributeTypeName, _ATTRIBUTE_ALIASES),
]

KeyTypeName = Literal["HASH", "RANGE"]
_KEY_ALIASES: dict[str, str | None] = {"KEY_TYPE_HASH": "HASH", "KEY_TYPE_RANGE": "RANGE"}
KeyType = Annotated[
    KeyTypeName, _normaliser("keyType", _KEY_ALIASES), _accepted(KeyTypeName, _KEY_ALIASES)
]

ProjectionTypeName = Literal["ALL", "KEYS_ONLY_PROJECTION", "INCLUDE"]
_PROJECTION_ALIASES: dict[str, str | None] = {
    "KEYS_ONLY": "KEYS_ONLY_PROJECTION",
    "PROJECTION_TYPE_ALL": "ALL",
    "PROJECTION_TYPE_KEYS_ONLY": "KEYS_ONLY_PROJECTION",
    "PROJECTION_TYPE_KEYS_ONLY_PROJECTION": "KEYS_ONLY_PROJECTION",
    "PROJECTION_TYPE_INCLUDE": "INCLUDE",
}
ProjectionType = Annotated[
    ProjectionTypeName,
    _normaliser("projection.type", _PROJECTION_ALIASES),
    _accepted(ProjectionTypeName, _PROJECTION_ALIASES),
]

StreamViewTypeName = Literal["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"]
_STREAM_ALIASES: dict[str, str | None] = {
    "STREAM_VIEW_TYPE_KEYS_ONLY": "KEYS_ONLY",
    "STREAM_VIEW_TYPE_NEW_IMAGE": "NEW_IMAGE",
    "STREAM_VIEW_TYPE_OLD_IMAGE": "OLD_IMAGE",
    "STREAM_VIEW_TYPE_NEW_AND_OLD_IMAGES": "NEW_AND_OLD_IMAGES",
    "STREAM_VIEW_TYPE_UNSPECIFIED": None,
}
StreamViewType = Annotated[
    StreamViewTypeName,
    _normaliser("streamViewType", _STREAM_ALIASES),
    _accepted(StreamViewTypeName, _STREAM_ALIASES),
]
# Optional fields take the normaliser outside the union, so *_UNSPECIFIED can mean None.
OptionalStreamViewType = Annotated[
    StreamViewTypeName | None,
    _normaliser("streamViewType", _STREAM_ALIASES),
    _accepted(StreamViewTypeName, _STREAM_ALIASES),
]

TableClassName = Literal["STANDARD", "STANDARD_INFREQUENT_ACCESS"]
_TABLE_CLASS_ALIASES: dict[str, str | None] = {
    "TABLE_CLASS_STANDARD": "STANDARD",
    "TABLE_CLASS_STANDARD_INFREQUENT_ACCESS": "STANDARD_INFREQUENT_ACCESS",
    "TABLE_CLASS_UNSPECIFIED": None,
}
TableClass = Annotated[
    TableClassName,
    _normaliser("tableClass", _TABLE_CLASS_ALIASES),
    _accepted(TableClassName, _TABLE_CLASS_ALIASES),
]
# Optional fields take the normaliser outside the union, so *_UNSPECIFIED can mean None.
OptionalTableClass = Annotated[
    TableClassName | None,
    _normaliser("tableClass", _TABLE_CLASS_ALIASES),
    _accepted(TableClassName, _TABLE_CLASS_ALIASES),
]

AttributeName = Annotated[
    str,
    Field(min_length=1, max_length=ATTRIBUTE_NAME_MAX, description="An attribute name."),
]
CapacityUnits = Annotated[
    int,
    Field(
        ge=0,
        le=CAPACITY_MAX,
        description="Capacity units; 1 to 40000 when set, 0 means unset.",
    ),
]


class _Model(BaseModel):
    # Unknown fields are refused rather than dropped, so a typo such as
    # `pointInTimeRecovery` is reported instead of silently ignored.
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class AttributeDefinition(_Model):
    """An attribute used by the table's or an index's key, with its scalar type."""

    name: AttributeName = Field(description="Attribute name.")
    type: AttributeType = Field(description="Attribute type: S (string), N (number), B (binary).")


class KeySchemaElement(_Model):
    """One element of a key schema."""

    attribute_name: AttributeName = Field(
        alias="attributeName",
        description="Attribute name; must be defined in attributeDefinitions.",
    )
    key_type: KeyType = Field(
        alias="keyType", description="HASH (partition key) or RANGE (sort key)."
    )


KeySchema = Annotated[
    list[KeySchemaElement],
    Field(min_length=1, max_length=MAX_KEY_ELEMENTS),
]


class Projection(_Model):
    """Which attributes an index copies from the table."""

    type: ProjectionType = Field(
        default="ALL",
        description="ALL, KEYS_ONLY_PROJECTION (AWS's KEYS_ONLY) or INCLUDE.",
    )
    non_key_attributes: list[AttributeName] = Field(
        default_factory=list,
        alias="nonKeyAttributes",
        max_length=MAX_NON_KEY_ATTRIBUTES,
        description="Attributes to project; set only with INCLUDE, each once.",
    )


class ProvisionedThroughput(_Model):
    """Read and write capacity units, used with billingMode PROVISIONED."""

    read_capacity_units: CapacityUnits = Field(
        default=0, alias="readCapacityUnits", description="Read capacity units (RCUs)."
    )
    write_capacity_units: CapacityUnits = Field(
        default=0, alias="writeCapacityUnits", description="Write capacity units (WCUs)."
    )


class AutoScalingDimension(_Model):
    """Target tracking for one capacity dimension (read or write)."""

    min_capacity: int | None = Field(
        default=None,
        alias="minCapacity",
        ge=1,
        le=CAPACITY_MAX,
        description="Lowest capacity the autoscaler may set (default: the provisioned capacity).",
    )
    max_capacity: int | None = Field(
        default=None,
        alias="maxCapacity",
        ge=1,
        le=CAPACITY_MAX,
        description=(
            "Highest capacity the autoscaler may set "
            "(default: 4x the larger of minCapacity and the provisioned capacity, at most 40000)."
        ),
    )
    target_utilization: float | None = Field(
        default=None,
        alias="targetUtilization",
        ge=20,
        le=90,
        description="Consumed-to-provisioned ratio to hold, in percent (20-90, default 70).",
    )


class AutoScaling(_Model):
    """Application Auto Scaling for provisioned read and write capacity."""

    enabled: bool = Field(default=True, description="Scale this table or index.")
    read: AutoScalingDimension | None = Field(default=None, description="Read capacity scaling.")
    write: AutoScalingDimension | None = Field(default=None, description="Write capacity scaling.")
    scale_in_cooldown_seconds: int | None = Field(
        default=None,
        alias="scaleInCooldownSeconds",
        ge=0,
        description="Seconds after a scale-in before another scale-in (default 60).",
    )
    scale_out_cooldown_seconds: int | None = Field(
        default=None,
        alias="scaleOutCooldownSeconds",
        ge=0,
        description="Seconds after a scale-out before another scale-out (default 60).",
    )


class GlobalSecondaryIndex(_Model):
    """An index with its own partition key, queryable across the whole table."""

    name: str = Field(
        pattern=INDEX_NAME_PATTERN,
        max_length=NAME_MAX,
        description="Index name: 3-255 characters of A-Z a-z 0-9 _ . -",
    )
    key_schema: KeySchema = Field(
        alias="keySchema", description="One HASH element and at most one RANGE element."
    )
    projection: Projection = Field(
        default_factory=Projection, description="Attributes copied into the index (default ALL)."
    )
    provisioned_throughput: ProvisionedThroughput | None = Field(
        default=None,
        alias="provisionedThroughput",
        description="Index capacity; required with PROVISIONED, unset or zero otherwise.",
    )
    auto_scaling: AutoScaling | None = Field(
        default=None,
        alias="autoScaling",
        description=(
            "Overrides spec.autoScaling field by field for this index; enabled: false opts it out."
        ),
    )


class LocalSecondaryIndex(_Model):
    """An index sharing the table's partition key with another sort key."""

    name: str = Field(
        pattern=INDEX_NAME_PATTERN,
        max_length=NAME_MAX,
        description="Index name: 3-255 characters of A-Z a-z 0-9 _ . -",
    )
    key_schema: KeySchema = Field(
        alias="keySchema",
        description="The table's HASH key and a different RANGE key.",
    )
    projection: Projection = Field(
        default_factory=Projection, description="Attributes copied into the index (default ALL)."
    )


class TimeToLive(_Model):
    """Expire items by an epoch-seconds attribute."""

    enabled: bool = Field(default=False, description="Expire items by the attribute below.")
    attribute_name: str = Field(
        default="",
        alias="attributeName",
        max_length=ATTRIBUTE_NAME_MAX,
        description="Attribute holding the expiry time; set iff enabled.",
    )


class ServerSideEncryption(_Model):
    """Encryption at rest. Disabled means the AWS-owned key (still encrypted)."""

    enabled: bool = Field(
        default=False,
        description="Use a KMS key: kmsKeyArn, or the AWS-managed aws/dynamodb key if empty.",
    )
    kms_key_arn: str = Field(
        default="",
        alias="kmsKeyArn",
        max_length=2048,
        description="ARN of a customer-managed KMS key or alias; only with enabled.",
    )


class AwsDynamodbSpec(_Model):
    """The desired DynamoDB table."""

    billing_mode: OptionalBillingMode = Field(
        default=None,
        alias="billingMode",
        description="PROVISIONED or PAY_PER_REQUEST (default PAY_PER_REQUEST).",
    )
    provisioned_throughput: ProvisionedThroughput | None = Field(
        default=None,
        alias="provisionedThroughput",
        description="Table capacity; required with PROVISIONED, unset or zero otherwise.",
    )
    attribute_definitions: list[AttributeDefinition] = Field(
        alias="attributeDefinitions",
        min_length=1,
        max_length=MAX_ATTRIBUTE_DEFINITIONS,
        description="Every attribute used in a key of the table or an index, and no other.",
    )
    key_schema: KeySchema = Field(
        alias="keySchema",
        description="The table's primary key: one HASH element, at most one RANGE element.",
    )
    global_secondary_indexes: list[GlobalSecondaryIndex] = Field(
        default_factory=list,
        alias="globalSecondaryIndexes",
        max_length=MAX_GSIS,
        description="Global secondary indexes (at most 20).",
    )
    local_secondary_indexes: list[LocalSecondaryIndex] = Field(
        default_factory=list,
        alias="localSecondaryIndexes",
        max_length=MAX_LSIS,
        description="Local secondary indexes (at most 5); fixed once the table exists.",
    )
    ttl: TimeToLive | None = Field(default=None, description="Time to live.")
    stream_enabled: bool = Field(
        default=False, alias="streamEnabled", description="Enable DynamoDB Streams."
    )
    stream_view_type: OptionalStreamViewType = Field(
        default=None,
        alias="streamViewType",
        description="What a stream record holds; set iff streamEnabled.",
    )
    point_in_time_recovery_enabled: bool | None = Field(
        default=None,
        alias="pointInTimeRecoveryEnabled",
        description="Continuous backups (default true).",
    )
    server_side_encryption: ServerSideEncryption | None = Field(
        default=None,
        alias="serverSideEncryption",
        description="Encryption at rest (default: the AWS-owned key).",
    )
    table_class: OptionalTableClass = Field(
        default=None,
        alias="tableClass",
        description="STANDARD or STANDARD_INFREQUENT_ACCESS (default STANDARD).",
    )
    deletion_protection_enabled: bool = Field(
        default=False,
        alias="deletionProtectionEnabled",
        description="Refuse DeleteTable; deleting the claim then leaves the table in AWS.",
    )
    contributor_insights_enabled: bool = Field(
        default=False,
        alias="contributorInsightsEnabled",
        description="Enable CloudWatch Contributor Insights for the table.",
    )
    region: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="AWS region (default: the Composition's Input).",
    )
    table_name: str | None = Field(
        default=None,
        alias="tableName",
        pattern=TABLE_NAME_PATTERN,
        max_length=NAME_MAX,
        description="Table name (default: the composite's metadata.name); fixed once created.",
    )
    tags: dict[str, str] = Field(
        default_factory=dict,
        max_length=MAX_TAGS,
        description="Tags for the table, merged over the Composition's tags (at most 50).",
    )
    auto_scaling: AutoScaling | None = Field(
        default=None,
        alias="autoScaling",
        description="Autoscale provisioned capacity of the table and every GSI.",
    )
