"""Where a claim's data comes from and goes to: restore sources, import buckets, replica regions.

A table created by a point-in-time restore or an S3 import is a full copy of
its source, so naming a source is reading it. A tenant (a claim or a
namespaced XR) may restore only from a table it may name: one under its
``tenancy.tableNamePrefix``, or one the platform lists in
``tenancy.restoreSources``; it may import only from a bucket listed in
``tenancy.importBuckets``. ``tenancy.allowedRegions`` covers every region the
data reaches: the table's (tenancy.py), a restore source's and each replica's.

Refusals name the field the tenant set and, at most, its own prefix: never the
allow-lists, which name other teams' tables and buckets.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

from function.api.rules import Violation
from function.api.spec import AwsDynamodbSpec
from function.api.tenancy import Tenancy
from function.api.validation import violation

__all__ = ["check_replica_regions_allowed", "check_sources", "source_region"]

# arn:PARTITION:dynamodb:REGION:ACCOUNT:table/NAME (spec.py checks the format).
_TABLE_ARN = re.compile(r"^arn:[^:]*:dynamodb:(?P<region>[^:]*):[^:]*:table/(?P<name>[^/]+)$")


def source_region(arn: str) -> str | None:
    """The region of a table ARN; None when it is no table ARN."""
    parts = _TABLE_ARN.match(arn)
    return parts["region"] if parts else None


def _may_restore(spec: AwsDynamodbSpec, tenancy: Tenancy, prefix: str | None) -> bool:
    listed = set(tenancy.restore_sources)
    if name := spec.restore_source_name:
        return name in listed or (prefix is not None and name.startswith(prefix))
    arn = spec.restore_source_table_arn or ""
    parts = _TABLE_ARN.match(arn)
    return arn in listed or (
        prefix is not None and parts is not None and parts["name"].startswith(prefix)
    )


def check_sources(
    spec: AwsDynamodbSpec, tenancy: Tenancy, *, tenant: bool, prefix: str | None
) -> Iterator[Violation]:
    """A restore source or import bucket the platform allows, in an allowed region.

    ``tenant``: the composite is a claim's or a namespaced XR, whose spec a
    tenant wrote; the platform's own cluster XRs may name any source.
    """
    arn = spec.restore_source_table_arn
    restoring = spec.restore_source_name is not None or arn is not None
    path = "spec.restoreSourceName" if spec.restore_source_name else "spec.restoreSourceTableArn"
    if tenant and restoring and not _may_restore(spec, tenancy, prefix):
        mine = f"its tables start with {prefix!r}" if prefix else "no tableNamePrefix is set"
        yield violation(path, "restore_source_allowed", mine)
    region = source_region(arn) if arn else None
    allowed = tenancy.allowed_regions
    if region is not None and allowed is not None and region not in allowed:
        detail = f"the source is in {region!r}; allowed: {allowed}"
        yield violation("spec.restoreSourceTableArn", "region_allowed", detail)
    imp = spec.import_table
    if tenant and imp is not None and imp.bucket not in tenancy.import_buckets:
        yield violation("spec.importTable.bucket", "import_bucket_allowed")


def check_replica_regions_allowed(
    spec: AwsDynamodbSpec, tenancy: Tenancy, existing: Collection[str]
) -> Iterator[Violation]:
    """Each replica's region is allowed, unless the managed table has that replica already."""
    allowed = tenancy.allowed_regions
    if allowed is None:
        return
    for i, replica in enumerate(spec.replicas):
        if replica.region not in allowed and replica.region not in existing:
            detail = f"got {replica.region!r}; allowed: {allowed}"
            yield violation(f"spec.replicas[{i}].region", "region_allowed", detail)
