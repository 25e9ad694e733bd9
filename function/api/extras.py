"""Models of the fields beyond Planton's API (issue 12) that would overfill spec.py.

``spec.py`` uses them as field types; their checks are in ``table_options.py``
and ``autoscaling.py``, their limits in ``limits.py``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from function.api.base import Model
from function.api.limits import (
    ACCOUNT_ID_PATTERN,
    ATTRIBUTE_NAME_MAX,
    CAPACITY_MAX,
    MAX_CSV_HEADERS,
    RFC3339_PATTERN,
    S3_BUCKET_MAX,
    S3_BUCKET_PATTERN,
    S3_KEY_PREFIX_MAX,
    SCHEDULE_EXPRESSION_MAX,
    SCHEDULE_EXPRESSION_PATTERN,
    SCHEDULE_NAME_MAX,
    SCHEDULE_NAME_PATTERN,
    TIMEZONE_MAX,
    TIMEZONE_PATTERN,
    WARM_READ_MIN,
    WARM_WRITE_MIN,
)

__all__ = [
    "CsvOptions",
    "ImportTable",
    "OnDemandThroughput",
    "ScheduledCapacity",
    "ScheduledScaling",
    "WarmThroughput",
]


class ScheduledCapacity(Model):
    """The autoscaling bounds a schedule sets for one dimension; at least one of them."""

    min_capacity: int | None = Field(
        default=None, alias="minCapacity", ge=1, le=CAPACITY_MAX, description="New minCapacity."
    )
    max_capacity: int | None = Field(
        default=None, alias="maxCapacity", ge=1, le=CAPACITY_MAX, description="New maxCapacity."
    )


class ScheduledScaling(Model):
    """A scheduled change of the autoscaling bounds (an Application Auto Scaling action)."""

    name: str = Field(
        pattern=SCHEDULE_NAME_PATTERN,
        max_length=SCHEDULE_NAME_MAX,
        description=(
            f"Name, unique in its autoScaling block: lowercase letters, digits and dashes, "
            f"at most {SCHEDULE_NAME_MAX} characters."
        ),
    )
    schedule: str = Field(
        pattern=SCHEDULE_EXPRESSION_PATTERN,
        max_length=SCHEDULE_EXPRESSION_MAX,
        description=(
            "When: at(yyyy-mm-ddThh:mm:ss), rate(N minutes|hours|days) or "
            "cron(minutes hours day-of-month month day-of-week year)."
        ),
    )
    timezone: str | None = Field(
        default=None,
        pattern=TIMEZONE_PATTERN,
        max_length=TIMEZONE_MAX,
        description="IANA time zone of at() and cron() expressions (default UTC).",
    )
    start_time: str | None = Field(
        default=None,
        alias="startTime",
        pattern=RFC3339_PATTERN,
        max_length=64,
        description="Not before this RFC 3339 time.",
    )
    end_time: str | None = Field(
        default=None,
        alias="endTime",
        pattern=RFC3339_PATTERN,
        max_length=64,
        description="Not after this RFC 3339 time.",
    )
    read: ScheduledCapacity | None = Field(
        default=None, description="Read capacity bounds from this time on."
    )
    write: ScheduledCapacity | None = Field(
        default=None, description="Write capacity bounds from this time on."
    )


class CsvOptions(Model):
    """How to read CSV input."""

    delimiter: str | None = Field(
        default=None, min_length=1, max_length=1, description="Field delimiter (default ,)."
    )
    header_list: list[Annotated[str, Field(min_length=1, max_length=ATTRIBUTE_NAME_MAX)]] = Field(
        default_factory=list,
        alias="headerList",
        max_length=MAX_CSV_HEADERS,
        description="Column names, when the files have no header line.",
    )


class ImportTable(Model):
    """Create the table from data in S3 (DynamoDB ImportTable); used only when it is created."""

    bucket: str = Field(
        pattern=S3_BUCKET_PATTERN, max_length=S3_BUCKET_MAX, description="The S3 bucket."
    )
    bucket_owner: str | None = Field(
        default=None,
        alias="bucketOwner",
        pattern=ACCOUNT_ID_PATTERN,
        max_length=12,
        description="Account id owning the bucket, when it is another account's.",
    )
    key_prefix: str | None = Field(
        default=None,
        alias="keyPrefix",
        max_length=S3_KEY_PREFIX_MAX,
        description="Key prefix of the objects to import.",
    )
    input_format: Literal["CSV", "DYNAMODB_JSON", "ION"] = Field(
        alias="inputFormat", description="CSV, DYNAMODB_JSON or ION."
    )
    input_compression_type: Literal["GZIP", "ZSTD", "NONE"] | None = Field(
        default=None, alias="inputCompressionType", description="GZIP, ZSTD or NONE (default)."
    )
    csv: CsvOptions | None = Field(default=None, description="CSV options; only with CSV.")


class OnDemandThroughput(Model):
    """Most request units an on-demand table or index may consume per second."""

    max_read_request_units: int | None = Field(
        default=None,
        alias="maxReadRequestUnits",
        ge=-1,
        description="Read request units per second; -1 removes a limit set before.",
    )
    max_write_request_units: int | None = Field(
        default=None,
        alias="maxWriteRequestUnits",
        ge=-1,
        description="Write request units per second; -1 removes a limit set before.",
    )


class WarmThroughput(Model):
    """Throughput the table or index can take at once, without scaling first.

    One of the two numbers must be above AWS's baseline (warm_throughput_above_baseline).
    """

    read_units_per_second: int | None = Field(
        default=None,
        alias="readUnitsPerSecond",
        ge=WARM_READ_MIN,
        description=f"Read units per second, at least {WARM_READ_MIN} (AWS's baseline); "
        "this or writeUnitsPerSecond above it.",
    )
    write_units_per_second: int | None = Field(
        default=None,
        alias="writeUnitsPerSecond",
        ge=WARM_WRITE_MIN,
        description=f"Write units per second, at least {WARM_WRITE_MIN} (AWS's baseline); "
        "this or readUnitsPerSecond above it.",
    )
