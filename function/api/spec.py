"""The AwsDynamodb spec: the one source of truth for what a claim or XR may say.

Field names and rules follow Project Planton's ``AwsDynamodbSpec`` (spec.proto);
``region``, ``tableName``, ``tags``, ``autoScaling`` and ``alarms`` are this
function's additions. The XRD schema, the docs and the validation messages are derived
from these models, so a field is described here once, with its constraints;
the AWS limits come from ``limits.py`` and the older enum spellings are handled
by ``spellings.py``.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from function.api.access_spec import AccessPolicies
from function.api.alarm_spec import Alarms
from function.api.autoscaling_spec import (
    DEFAULT_COOLDOWN_SECONDS,
    DEFAULT_MAX_FACTOR,
    DEFAULT_TARGET_UTILIZATION,
    AutoScaling,
    AutoScalingDimension,
)
from function.api.base import Model as _Model
from function.api.enums import (
    INSIGHTS_MODE_DOC,
    AttributeType,
    BillingMode,
    ContributorInsightsMode,
    KeyType,
    OptionalBillingMode,
    OptionalStreamViewType,
    OptionalTableClass,
    ProjectionType,
    StreamViewType,
    TableClass,
)
from function.api.extras import ImportTable, OnDemandThroughput, WarmThroughput
from function.api.limits import (
    ATTRIBUTE_NAME_MAX,
    CAPACITY_MAX,
    KMS_ARN_MAX,
    MAX_ATTRIBUTE_DEFINITIONS,
    MAX_CLAIM_TAGS,
    MAX_GSIS,
    MAX_KEY_ELEMENTS,
    MAX_LSIS,
    MAX_NON_KEY_ATTRIBUTES,
    MAX_REPLICAS,
    NAME_FORMAT,
    NAME_MAX,
    NAME_PATTERN,
    PITR_PERIOD_DEFAULT,
    PITR_PERIOD_MAX,
    PITR_PERIOD_MIN,
    REGION_MAX,
    RFC3339_PATTERN,
    TABLE_ARN_MAX,
    TABLE_ARN_PATTERN,
)
from function.api.replica_spec import Replica, ReplicaRegion
from function.api.spellings import Spelling, accepted_spellings

__all__ = [
    "DEFAULT_COOLDOWN_SECONDS",
    "DEFAULT_MAX_FACTOR",
    "DEFAULT_TARGET_UTILIZATION",
    "AttributeDefinition",
    "AutoScaling",
    "AutoScalingDimension",
    "AwsDynamodbSpec",
    "BillingMode",
    "GlobalSecondaryIndex",
    "KeySchemaElement",
    "KeyType",
    "LocalSecondaryIndex",
    "OptionalTableClass",
    "Projection",
    "ProjectionType",
    "ProvisionedThroughput",
    "Replica",
    "ServerSideEncryption",
    "Spelling",
    "StreamViewType",
    "TableClass",
    "TimeToLive",
    "accepted_spellings",
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
        description=f"Capacity units; 1 to {CAPACITY_MAX} when set, 0 means unset.",
    ),
]


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


class GlobalSecondaryIndex(_Model):
    """An index with its own partition key, queryable across the whole table."""

    name: str = Field(
        pattern=NAME_PATTERN,
        max_length=NAME_MAX,
        description=f"Index name: {NAME_FORMAT}",
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
    on_demand_throughput: OnDemandThroughput | None = Field(
        default=None,
        alias="onDemandThroughput",
        description="Maximum on-demand throughput; only with PAY_PER_REQUEST.",
    )
    warm_throughput: WarmThroughput | None = Field(
        default=None,
        alias="warmThroughput",
        description="Warm throughput to pre-warm for (a table's can only grow).",
    )
    contributor_insights_enabled: bool = Field(
        default=False,
        alias="contributorInsightsEnabled",
        description="Enable CloudWatch Contributor Insights for this index.",
    )
    contributor_insights_mode: ContributorInsightsMode | None = Field(
        default=None, alias="contributorInsightsMode", description=INSIGHTS_MODE_DOC
    )


class LocalSecondaryIndex(_Model):
    """An index sharing the table's partition key with another sort key."""

    name: str = Field(
        pattern=NAME_PATTERN,
        max_length=NAME_MAX,
        description=f"Index name: {NAME_FORMAT}",
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
        description=(
            "Attribute holding the expiry time; required when enabled, may stay when disabled."
        ),
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
        max_length=KMS_ARN_MAX,
        description="ARN of a customer-managed KMS key (not an alias); only with enabled.",
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
        description=f"Global secondary indexes (at most {MAX_GSIS}).",
    )
    local_secondary_indexes: list[LocalSecondaryIndex] = Field(
        default_factory=list,
        alias="localSecondaryIndexes",
        max_length=MAX_LSIS,
        description=f"Local secondary indexes (at most {MAX_LSIS}); fixed once the table exists.",
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
    on_demand_throughput: OnDemandThroughput | None = Field(
        default=None,
        alias="onDemandThroughput",
        description="Maximum on-demand throughput; only with PAY_PER_REQUEST.",
    )
    warm_throughput: WarmThroughput | None = Field(
        default=None,
        alias="warmThroughput",
        description="Warm throughput to pre-warm for (a table's can only grow).",
    )
    resource_policy: dict[str, Any] | None = Field(
        default=None,
        alias="resourcePolicy",
        description=(
            "A resource-based policy (IAM JSON policy document) for the table; each "
            "statement's Resource is this table's ARN, one of its indexes', or *."
        ),
    )
    point_in_time_recovery_enabled: bool | None = Field(
        default=None,
        alias="pointInTimeRecoveryEnabled",
        description="Continuous backups (default true).",
    )
    point_in_time_recovery_period_days: int | None = Field(
        default=None,
        alias="pointInTimeRecoveryPeriodDays",
        ge=PITR_PERIOD_MIN,
        le=PITR_PERIOD_MAX,
        description=(
            f"Days of continuous backups to keep, {PITR_PERIOD_MIN}-{PITR_PERIOD_MAX} "
            f"(default {PITR_PERIOD_DEFAULT}); only with point-in-time recovery on."
        ),
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
    contributor_insights_mode: ContributorInsightsMode | None = Field(
        default=None, alias="contributorInsightsMode", description=INSIGHTS_MODE_DOC
    )
    restore_source_table_arn: str | None = Field(
        default=None,
        alias="restoreSourceTableArn",
        pattern=TABLE_ARN_PATTERN,
        max_length=TABLE_ARN_MAX,
        description=(
            "Create the table as a point-in-time restore of this table (needed across "
            "regions); only at creation, then kept."
        ),
    )
    restore_source_name: str | None = Field(
        default=None,
        alias="restoreSourceName",
        pattern=NAME_PATTERN,
        max_length=NAME_MAX,
        description="Or restore from this table in the same region; only at creation.",
    )
    restore_date_time: str | None = Field(
        default=None,
        alias="restoreDateTime",
        pattern=RFC3339_PATTERN,
        max_length=64,
        description="The point in time to restore (RFC 3339); or restoreToLatestTime.",
    )
    restore_to_latest_time: bool | None = Field(
        default=None,
        alias="restoreToLatestTime",
        description="Restore the latest restorable point; or restoreDateTime.",
    )
    import_table: ImportTable | None = Field(
        default=None,
        alias="importTable",
        description="Create the table from S3 data; only at creation, then kept.",
    )
    region: str | None = Field(
        default=None,
        min_length=1,
        max_length=REGION_MAX,
        description="AWS region (default: the Composition's Input).",
    )
    table_name: str | None = Field(
        default=None,
        alias="tableName",
        pattern=NAME_PATTERN,
        max_length=NAME_MAX,
        description="Table name (default: the composite's metadata.name); fixed once created.",
    )
    tags: dict[str, str] = Field(
        default_factory=dict,
        max_length=MAX_CLAIM_TAGS,
        description=(
            f"Tags for the table (at most {MAX_CLAIM_TAGS}), merged under the Composition's "
            "tags: on the same key the Composition's value wins."
        ),
    )
    auto_scaling: AutoScaling | None = Field(
        default=None,
        alias="autoScaling",
        description="Autoscale provisioned capacity of the table and every GSI.",
    )
    replicas: list[Replica] = Field(
        default_factory=list,
        max_length=MAX_REPLICAS,
        description=(
            "Replicas in other regions, making this a global table; needs streams with "
            "NEW_AND_OLD_IMAGES, and write autoscaling when PROVISIONED."
        ),
    )
    allow_replica_removal: list[ReplicaRegion] = Field(
        default_factory=list,
        alias="allowReplicaRemoval",
        max_length=MAX_REPLICAS,
        description=(
            "Regions whose existing replica may be deleted (removed from replicas, or "
            "replaced by a kmsKeyArn change); any other removal is refused."
        ),
    )
    alarms: Alarms | None = Field(
        default=None,
        description="CloudWatch alarms on throttling and consumed capacity (docs/alarms.md).",
    )
    access_policies: AccessPolicies | None = Field(
        default=None,
        alias="accessPolicies",
        description="IAM policies for the applications that use the table (docs/access.md).",
    )
