"""A replica of a global table: its region and its own settings."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from function.api.base import Model as _Model
from function.api.limits import KMS_ARN_MAX, REPLICA_REGION_MAX, REPLICA_REGION_PATTERN

__all__ = ["Replica", "ReplicaRegion"]


ReplicaRegion = Annotated[
    str,
    Field(
        pattern=REPLICA_REGION_PATTERN,
        max_length=REPLICA_REGION_MAX,
        description="An AWS region name, such as eu-west-1.",
    ),
]


class Replica(_Model):
    """A replica of the table in another region (global tables version 2019.11.21)."""

    region: ReplicaRegion = Field(description="Region of the replica; not the table's own.")
    kms_key_arn: str | None = Field(
        default=None,
        alias="kmsKeyArn",
        max_length=KMS_ARN_MAX,
        description=(
            "Customer-managed KMS key in the replica's region; set exactly when the table "
            "uses one (serverSideEncryption.kmsKeyArn). Changing it replaces the replica."
        ),
    )
    point_in_time_recovery_enabled: bool | None = Field(
        default=None,
        alias="pointInTimeRecoveryEnabled",
        description="Continuous backups of the replica (default: the table's setting).",
    )
    propagate_tags: bool | None = Field(
        default=None,
        alias="propagateTags",
        description="Copy the table's tags to the replica (default true).",
    )
    deletion_protection_enabled: bool | None = Field(
        default=None,
        alias="deletionProtectionEnabled",
        description="Refuse deleting the replica (default: the table's setting).",
    )
