"""Create-time sources of a Table: a point-in-time restore or an S3 import.

They only mean something when the table is created, and provider-aws treats
every one of them as forcing a new table: changing or removing one on an
existing Table would make the provider replace it, deleting its data. So once
AWS has the table (the observed Table reports its ARN), these fields are
rendered exactly as the observed Table's ``spec.forProvider`` has them (what
was applied when it was created; nothing for a table that was found and
adopted, not created), whatever the claim says now, and a Warning says that
a change in the claim has no effect.
"""

from __future__ import annotations

from typing import Any

from function.api.spec import AwsDynamodbSpec
from function.render.status import at_provider

__all__ = ["CREATE_SOURCE_KEYS", "keep_create_sources", "render_create_sources"]

# forProvider key -> the spec field that sets it.
CREATE_SOURCE_KEYS = {
    "restoreSourceTableArn": "spec.restoreSourceTableArn",
    "restoreSourceName": "spec.restoreSourceName",
    "restoreDateTime": "spec.restoreDateTime",
    "restoreToLatestTime": "spec.restoreToLatestTime",
    "importTable": "spec.importTable",
}


def render_create_sources(spec: AwsDynamodbSpec, fp: dict[str, Any]) -> None:
    """The restore or import fields of a Table about to be created."""
    for key, value in (
        ("restoreSourceTableArn", spec.restore_source_table_arn),
        ("restoreSourceName", spec.restore_source_name),
        ("restoreDateTime", spec.restore_date_time),
    ):
        if value is not None:
            fp[key] = value
    if spec.restore_to_latest_time:
        fp["restoreToLatestTime"] = True
    imp = spec.import_table
    if imp is None:
        return
    source: dict[str, Any] = {"bucket": imp.bucket}
    if imp.bucket_owner is not None:
        source["bucketOwner"] = imp.bucket_owner
    if imp.key_prefix is not None:
        source["keyPrefix"] = imp.key_prefix
    out: dict[str, Any] = {"inputFormat": imp.input_format, "s3BucketSource": source}
    if imp.input_compression_type is not None:
        out["inputCompressionType"] = imp.input_compression_type
    if imp.csv is not None:
        csv: dict[str, Any] = {}
        if imp.csv.delimiter is not None:
            csv["delimiter"] = imp.csv.delimiter
        if imp.csv.header_list:
            csv["headerList"] = list(imp.csv.header_list)
        out["inputFormatOptions"] = {"csv": csv}
    fp["importTable"] = out


def _created_with(observed_table: Any) -> dict[str, Any] | None:
    """The observed Table's forProvider once AWS has the table; None before it exists.

    A Table that only observed (managementPolicies [Observe]: a table found
    rather than created, then adopted) created nothing, so it applied no source.
    """
    if not isinstance(observed_table, dict) or not at_provider(observed_table).get("arn"):
        return None
    spec = observed_table.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    if spec.get("managementPolicies") == ["Observe"]:
        return {}
    applied = spec.get("forProvider")
    return applied if isinstance(applied, dict) else {}


def keep_create_sources(table: dict[str, Any], observed_table: Any) -> list[str]:
    """Render an existing table's create-time fields as applied; warn about claim changes."""
    applied = _created_with(observed_table)
    if applied is None:
        return []  # AWS has no table yet: it is created from what the claim says
    fp = table["spec"]["forProvider"]
    changed = []
    for key, path in CREATE_SOURCE_KEYS.items():
        wanted, kept = fp.pop(key, None), applied.get(key)
        if kept is not None:
            fp[key] = kept
        if wanted != kept:
            changed.append(path)
    if not changed:
        return []
    return [
        f"{', '.join(changed)}: changing, adding or removing a restore or import source has no "
        "effect on an existing table (it only applies when the table is created, and applying "
        "it now would replace the table); the table keeps the values it was created with"
    ]
