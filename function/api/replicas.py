"""Global tables: each replica's effective settings, and the rules a replica set must meet.

``spec.replicas`` lists the table's replicas in other regions (DynamoDB global
tables version 2019.11.21, the provider's ``replica`` blocks). Left out, a
replica's settings follow the table: point-in-time recovery and deletion
protection as the table has them, so a replica is as safe as its source, and
the table's tags propagated, so cost and ownership tags reach every copy of
the data. AWS's own defaults (off, off, off) would make a replica the least
protected copy.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

from function.api.autoscaling import dimension_scales, gsi_autoscales, table_autoscales
from function.api.limits import KMS_ARN_PREFIX, KMS_ARN_SUFFIX
from function.api.rules import Violation
from function.api.spec import AwsDynamodbSpec
from function.api.validation import Check, violation

__all__ = [
    "ReplicaSettings",
    "check_replica_kms_keys",
    "check_replica_regions",
    "check_replica_streams",
    "check_replica_write_scaling",
    "kms_arn_in_region",
    "replica_checks",
    "replica_settings",
    "table_cmk",
]


@dataclass(frozen=True)
class ReplicaSettings:
    """One replica with every setting resolved."""

    region: str
    kms_key_arn: str | None
    point_in_time_recovery: bool
    propagate_tags: bool
    deletion_protection: bool


def replica_settings(spec: AwsDynamodbSpec) -> list[ReplicaSettings]:
    """The replicas in spec order, defaults applied (run on a defaulted spec)."""
    table_pitr = bool(spec.point_in_time_recovery_enabled)
    return [
        ReplicaSettings(
            region=r.region,
            kms_key_arn=r.kms_key_arn or None,
            point_in_time_recovery=(
                table_pitr
                if r.point_in_time_recovery_enabled is None
                else r.point_in_time_recovery_enabled
            ),
            propagate_tags=True if r.propagate_tags is None else r.propagate_tags,
            deletion_protection=(
                spec.deletion_protection_enabled
                if r.deletion_protection_enabled is None
                else r.deletion_protection_enabled
            ),
        )
        for r in spec.replicas
    ]


def kms_arn_in_region(region: str) -> str:
    """The pattern of a KMS key ARN in ``region`` (a validated region name)."""
    return KMS_ARN_PREFIX + region + KMS_ARN_SUFFIX


def table_cmk(spec: AwsDynamodbSpec) -> bool:
    """Whether the table is encrypted with a customer-managed KMS key."""
    sse = spec.server_side_encryption
    return sse is not None and sse.enabled and bool(sse.kms_key_arn)


def check_replica_streams(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    """Replication reads the table's stream, which must carry both images."""
    if spec.replicas and not (
        spec.stream_enabled and spec.stream_view_type == "NEW_AND_OLD_IMAGES"
    ):
        path = "spec.streamViewType" if spec.stream_enabled else "spec.streamEnabled"
        yield violation(path, "replicas_require_streams")


def check_replica_regions(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    """No region twice, and none the table's own."""
    counts = Counter(r.region for r in spec.replicas)
    seen: set[str] = set()
    for i, replica in enumerate(spec.replicas):
        path = f"spec.replicas[{i}].region"
        if replica.region == spec.region:
            yield violation(path, "replica_not_in_table_region", f"the table is in {spec.region}")
        if counts[replica.region] > 1 and replica.region in seen:
            yield violation(path, "replica_regions_unique", f"{replica.region!r} again")
        seen.add(replica.region)


def check_replica_write_scaling(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    """PROVISIONED global tables need write autoscaling on the table and every GSI."""
    if not spec.replicas or spec.billing_mode != "PROVISIONED":
        return
    if not (table_autoscales(spec) and dimension_scales(spec, None, "write")):
        yield violation(
            "spec.autoScaling",
            "replicas_require_write_autoscaling",
            "the table's write capacity is not autoscaled",
        )
    for i, gsi in enumerate(spec.global_secondary_indexes):
        if not (gsi_autoscales(spec, gsi) and dimension_scales(spec, gsi, "write")):
            yield violation(
                f"spec.globalSecondaryIndexes[{i}].autoScaling",
                "replicas_require_write_autoscaling",
                f"index {gsi.name!r}'s write capacity is not autoscaled",
            )


def check_replica_kms_keys(spec: AwsDynamodbSpec) -> Iterator[Violation]:
    """A replica's own key exactly when the table has a customer-managed one, in its region."""
    cmk = table_cmk(spec)
    for i, replica in enumerate(spec.replicas):
        path = f"spec.replicas[{i}].kmsKeyArn"
        arn = replica.kms_key_arn or ""
        if cmk and not arn:
            yield violation(path, "replica_kms_key", "the table uses a customer-managed key")
        elif arn and not cmk:
            yield violation(path, "replica_kms_key", "the table uses no customer-managed key")
        elif arn and not re.match(kms_arn_in_region(replica.region), arn):
            yield violation(path, "replica_kms_key", f"got {arn!r} for {replica.region}")


def replica_checks() -> list[Check]:
    """The global-table checks, run after the core and autoscaling ones."""
    return [
        check_replica_streams,
        check_replica_regions,
        check_replica_write_scaling,
        check_replica_kms_keys,
    ]
