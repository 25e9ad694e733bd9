"""The function's Input: per-Composition defaults a platform team sets once.

Used in a Composition pipeline step::

    input:
      apiVersion: awsdynamodb.fn.project-planton.org/v1beta1
      kind: Input
      region: eu-west-1
      providerConfigName: aws
      tags: {cost-center: data}
      defaults:
        pointInTimeRecoveryEnabled: true
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from function.api.access_spec import AccessPolicyDefaults
from function.api.alarm_spec import AlarmDefaults
from function.api.kinds import DEFAULT_API
from function.api.spec import BillingMode, OptionalTableClass, ServerSideEncryption
from function.api.tenancy import Tenancy

__all__ = [
    "INPUT_API_VERSION",
    "INPUT_KIND",
    "CompositeTypeRef",
    "Defaults",
    "FunctionInput",
    "Warnings",
]

INPUT_GROUP = "awsdynamodb.fn.project-planton.org"
INPUT_VERSION = "v1beta1"
INPUT_API_VERSION = f"{INPUT_GROUP}/{INPUT_VERSION}"
INPUT_KIND = "Input"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, defer_build=True)


class Defaults(_Model):
    """Values used when a claim leaves the field out."""

    billing_mode: BillingMode = Field(
        default="PAY_PER_REQUEST", alias="billingMode", description="Default billing mode."
    )
    point_in_time_recovery_enabled: bool = Field(
        default=True,
        alias="pointInTimeRecoveryEnabled",
        description="Default for point-in-time recovery.",
    )
    server_side_encryption: ServerSideEncryption = Field(
        default_factory=ServerSideEncryption,
        alias="serverSideEncryption",
        description="Default encryption at rest (default: the AWS-owned key).",
    )
    deletion_protection_enabled: bool = Field(
        default=False,
        alias="deletionProtectionEnabled",
        description="Default for deletion protection.",
    )
    table_class: OptionalTableClass = Field(
        default=None, alias="tableClass", description="Default table class."
    )


class Warnings(_Model):
    """Which advisory warnings to emit about table design."""

    anti_patterns: bool = Field(
        default=True,
        alias="antiPatterns",
        description="Warn about known DynamoDB design anti-patterns.",
    )
    disabled: list[str] = Field(
        default_factory=list,
        description="Ids of individual anti-pattern warnings to switch off.",
    )


class CompositeTypeRef(_Model):
    """The composite this Composition composes, as its own compositeTypeRef says."""

    api_version: str = Field(
        default=DEFAULT_API.api_version,
        alias="apiVersion",
        min_length=1,
        description="apiVersion of the composite (GROUP/VERSION).",
    )
    kind: str = Field(
        default=DEFAULT_API.xr_kind, min_length=1, description="Kind of the composite."
    )


class FunctionInput(_Model):
    """Input of the function-aws-dynamodb pipeline step."""

    api_version: Literal["awsdynamodb.fn.project-planton.org/v1beta1"] = Field(
        default="awsdynamodb.fn.project-planton.org/v1beta1", alias="apiVersion"
    )
    kind: Literal["Input"] = "Input"
    metadata: dict[str, object] | None = Field(default=None)
    region: str | None = Field(
        default=None, min_length=1, description="Region for claims that set none."
    )
    provider_config_name: str | None = Field(
        default=None,
        alias="providerConfigName",
        min_length=1,
        description="Name of the provider-aws ProviderConfig every resource uses.",
    )
    provider_config_kind: Literal["ProviderConfig", "ClusterProviderConfig"] = Field(
        default="ClusterProviderConfig",
        alias="providerConfigKind",
        description="Kind of that ProviderConfig, for namespaced (.m.) resources.",
    )
    composite_type_ref: CompositeTypeRef = Field(
        default_factory=CompositeTypeRef,
        alias="compositeTypeRef",
        description=(
            "The composite's type, for a platform that serves this API under its own group "
            "and kind (function xrd --group G --kind K); any other composite is refused. "
            f"Default: {DEFAULT_API.api_version} {DEFAULT_API.xr_kind}."
        ),
    )
    tags: dict[str, str] = Field(
        default_factory=dict,
        description="Tags added to every table; on the same key they win over a claim's.",
    )
    claim_tags_on_every_resource: bool = Field(
        default=False,
        alias="claimTagsOnEveryResource",
        description=(
            "Copy a claim's tags onto every resource besides the Table (autoscaling targets, "
            "alarms) too. Default: those carry only the tags above; the Table carries both."
        ),
    )
    defaults: Defaults = Field(default_factory=Defaults, description="Per-field defaults.")
    warnings: Warnings = Field(default_factory=Warnings, description="Advisory warnings.")
    alarms: AlarmDefaults = Field(
        default_factory=AlarmDefaults,
        description="CloudWatch alarms for every table: on or off, and the SNS topics to notify.",
    )
    access_policies: AccessPolicyDefaults = Field(
        default_factory=AccessPolicyDefaults,
        alias="accessPolicies",
        description=(
            "IAM access policies: on or off, which ones every table gets, and a condition "
            "added to each statement (docs/access.md)."
        ),
    )
    tenancy: Tenancy = Field(
        default_factory=Tenancy,
        description="Platform policy for tenants sharing one AWS account (docs/safety.md).",
    )
