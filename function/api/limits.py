"""Every AWS limit the function enforces, named once.

The pydantic bounds, the validation messages, the XRD's CEL rules and the docs
all read these constants, so a limit is changed in one place. Each comes from
the DynamoDB, Application Auto Scaling, CloudWatch or tagging documentation of
CreateTable, RegisterScalableTarget, PutMetricAlarm and TagResource.
"""

from __future__ import annotations

__all__ = [
    "ACCOUNT_ID_PATTERN",
    "ALARM_ACTIONS_MAX",
    "ALARM_EVALUATION_WINDOW_MAX",
    "ALARM_NAME_MAX",
    "ALARM_PERIOD_MAX",
    "ALARM_PERIOD_STEP",
    "ATTRIBUTE_NAME_MAX",
    "CAPACITY_MAX",
    "CROSSPLANE_MESSAGE_MAX_BYTES",
    "IAM_POLICY_MAX_CHARS",
    "IAM_POLICY_NAME_MAX",
    "KMS_ARN_MAX",
    "KMS_ARN_PATTERN",
    "KMS_ARN_PREFIX",
    "KMS_ARN_SUFFIX",
    "MAX_ATTRIBUTE_DEFINITIONS",
    "MAX_CLAIM_TAGS",
    "MAX_CSV_HEADERS",
    "MAX_GSIS",
    "MAX_KEY_ELEMENTS",
    "MAX_LSIS",
    "MAX_NON_KEY_ATTRIBUTES",
    "MAX_PROJECTED_ATTRIBUTES",
    "MAX_REPLICAS",
    "MAX_SCHEDULES",
    "MAX_TAGS",
    "NAME_FORMAT",
    "NAME_MAX",
    "NAME_MIN",
    "NAME_PATTERN",
    "OWNERSHIP_TAGS",
    "OWNERSHIP_TAG_PREFIX",
    "PITR_PERIOD_DEFAULT",
    "PITR_PERIOD_MAX",
    "PITR_PERIOD_MIN",
    "PROVIDER_TAGS_CLUSTER",
    "PROVIDER_TAGS_NAMESPACED",
    "REGION_MAX",
    "REPLICA_REGION_MAX",
    "REPLICA_REGION_PATTERN",
    "RESOURCE_POLICY_MAX_BYTES",
    "RFC3339_PATTERN",
    "S3_BUCKET_MAX",
    "S3_BUCKET_PATTERN",
    "S3_KEY_PREFIX_MAX",
    "SCHEDULE_EXPRESSION_MAX",
    "SCHEDULE_EXPRESSION_PATTERN",
    "SCHEDULE_NAME_MAX",
    "SCHEDULE_NAME_PATTERN",
    "SNS_TOPIC_ARN_MAX",
    "SNS_TOPIC_ARN_PATTERN",
    "TABLE_ARN_MAX",
    "TABLE_ARN_PATTERN",
    "TAG_CHARS",
    "TAG_KEY_MAX",
    "TAG_RESERVED_PREFIXES",
    "TAG_RESERVED_PREFIXES_EXACT",
    "TAG_SYMBOLS",
    "TAG_VALUE_MAX",
    "TARGET_UTILIZATION_MAX",
    "TARGET_UTILIZATION_MIN",
    "TIMEZONE_MAX",
    "TIMEZONE_PATTERN",
    "WARM_READ_MIN",
    "WARM_WRITE_MIN",
]

# Provisioned read or write capacity units of a table or index (default quota).
CAPACITY_MAX = 40_000
MAX_GSIS = 20
MAX_LSIS = 5
# nonKeyAttributes projected, summed over every index of the table.
MAX_PROJECTED_ATTRIBUTES = 100
ATTRIBUTE_NAME_MAX = 255

# Table and index names.
NAME_MIN = 3
NAME_MAX = 255
NAME_CHARS = "A-Z a-z 0-9 _ . -"
NAME_PATTERN = rf"^[A-Za-z0-9_.-]{{{NAME_MIN},{NAME_MAX}}}$"
NAME_FORMAT = f"{NAME_MIN}-{NAME_MAX} characters of {NAME_CHARS}"

# Tags on one resource, and the lengths of a key and a value.
MAX_TAGS = 50
TAG_KEY_MAX = 128
TAG_VALUE_MAX = 256
# Keys AWS keeps for itself, in any case.
TAG_RESERVED_PREFIXES = ("aws:",)
# What a tag key or value may contain: AWS's [\p{L}\p{Z}\p{N}_.:/=+\-@]*
# (Unicode letters, separators and numbers, plus these symbols).
TAG_CHARS = "letters, digits, spaces and _ . : / = + - @"
TAG_SYMBOLS = "_.:/=+-@"
# Tags upjet adds to every managed resource it creates (crossplane-runtime's
# GetExternalTags): crossplane-kind, crossplane-name, crossplane-providerconfig;
# namespaced resources also crossplane-namespace and crossplane-providerconfig-kind.
PROVIDER_TAGS_CLUSTER = 3
PROVIDER_TAGS_NAMESPACED = 5
# The function's own tags naming a table's owner (function/safety/ownership.py).
OWNERSHIP_TAG_PREFIX = "awsdynamodb.fn.project-planton.org/"
OWNERSHIP_TAGS = 2
# Keys only the provider and this function set, exactly as written.
TAG_RESERVED_PREFIXES_EXACT = ("crossplane-", OWNERSHIP_TAG_PREFIX)
# What a claim alone may set, whatever its scope (the XRD's maxProperties).
MAX_CLAIM_TAGS = MAX_TAGS - PROVIDER_TAGS_NAMESPACED - OWNERSHIP_TAGS

KMS_ARN_MAX = 2048
# A KMS key ARN is PREFIX + region + SUFFIX; a replica's key must name the
# replica's own region there (KMS keys are regional). A key ARN only, no alias:
# AWS reports the resolved key ARN, so an alias ARN would differ from what the
# provider observes and update the table on every reconcile
# (terraform-aws-modules/terraform-aws-dynamodb-table#92).
KMS_ARN_PREFIX = r"^arn:aws[a-z-]*:kms:"
KMS_ARN_SUFFIX = r":\d{12}:key/[A-Za-z0-9-]+$"
KMS_ARN_PATTERN = KMS_ARN_PREFIX + "[a-z0-9-]+" + KMS_ARN_SUFFIX
REGION_MAX = 64

# Point-in-time recovery window, in days (UpdateContinuousBackups' RecoveryPeriodInDays).
PITR_PERIOD_MIN = 1
PITR_PERIOD_MAX = 35
PITR_PERIOD_DEFAULT = 35
# Global table replicas (version 2019.11.21). A replica's region is spelled as
# AWS spells regions (us-east-1, us-gov-west-1); the longest today has 14
# characters, and the bound keeps "<resource>-<region>" names short.
REPLICA_REGION_MAX = 32
REPLICA_REGION_PATTERN = r"^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$"
# Not an AWS quota: a bound for the CEL cost budget, above the number of
# regions a table can be replicated to.
MAX_REPLICAS = 50

# Target tracking's target value for DynamoDB, in percent.
TARGET_UTILIZATION_MIN = 20
TARGET_UTILIZATION_MAX = 90

# Scheduled scaling (Application Auto Scaling's PutScheduledAction). Names become
# part of composition resource names, so they are kept short and plain.
SCHEDULE_NAME_MAX = 32
SCHEDULE_NAME_PATTERN = r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$"
MAX_SCHEDULES = 10
SCHEDULE_EXPRESSION_MAX = 256
SCHEDULE_EXPRESSION_PATTERN = (
    r"^(at\(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\)"
    r"|rate\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\)"
    r"|cron\([^()]+\))$"
)
TIMEZONE_MAX = 64
TIMEZONE_PATTERN = r"^[A-Za-z][A-Za-z0-9_+/-]*$"
RFC3339_PATTERN = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"

# Create-time sources: restore from a point in time, import from S3.
TABLE_ARN_MAX = 1024
TABLE_ARN_PATTERN = r"^arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table/[A-Za-z0-9_.-]{3,255}$"
S3_BUCKET_PATTERN = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"
S3_BUCKET_MAX = 63
S3_KEY_PREFIX_MAX = 1024
ACCOUNT_ID_PATTERN = r"^\d{12}$"
MAX_CSV_HEADERS = 255

# Warm throughput: AWS's baseline for every table and index, and the least each number may
# be. A claim must ask for more in one dimension (warm_throughput_above_baseline): the
# provider reports nothing at exactly the baseline (flattenTableWarmThroughput).
WARM_READ_MIN = 12_000
WARM_WRITE_MIN = 4_000

# Not an AWS limit: the largest answer Crossplane takes from a function. Crossplane
# dials functions with grpc.NewClient and no MaxCallRecvMsgSize (v2.2.1,
# internal/xfn/function_runner.go), so grpc-go's default applies:
# defaultClientMaxReceiveMessageSize = 1024 * 1024 * 4 (grpc v1.80.0, clientconn.go).
# A larger answer fails with RESOURCE_EXHAUSTED and the composite never syncs.
CROSSPLANE_MESSAGE_MAX_BYTES = 4 * 1024 * 1024

# A resource-based policy document (PutResourcePolicy), whitespace included.
RESOURCE_POLICY_MAX_BYTES = 20 * 1024

# An IAM managed policy (CreatePolicy): its name, unique in the account whatever
# its path and whatever the case, and its document, counted without whitespace.
IAM_POLICY_NAME_MAX = 128
IAM_POLICY_MAX_CHARS = 6144

# Bounds that keep lists small enough for the Kubernetes CEL cost budget; each is
# at or above what AWS itself allows for a table definition.
MAX_KEY_ELEMENTS = 2
MAX_ATTRIBUTE_DEFINITIONS = 2 + 2 * (MAX_GSIS + MAX_LSIS)
MAX_NON_KEY_ATTRIBUTES = MAX_PROJECTED_ATTRIBUTES

# CloudWatch metric alarms (PutMetricAlarm). DynamoDB publishes its metrics once
# a minute, so an alarm's period is a whole number of minutes; periods times
# evaluation periods may cover at most one day.
ALARM_NAME_MAX = 255
ALARM_ACTIONS_MAX = 5
ALARM_PERIOD_STEP = 60
ALARM_EVALUATION_WINDOW_MAX = 86_400
ALARM_PERIOD_MAX = ALARM_EVALUATION_WINDOW_MAX
# An SNS topic to notify: topic names are 1-256 letters, digits, - and _ (FIFO
# topics end in .fifo); a partition, region and 12-digit account come before.
SNS_TOPIC_ARN_MAX = 400
SNS_TOPIC_ARN_PATTERN = r"^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?$"
