"""The rules of the function's additions: tenancy, autoscaling, alarms, replicas, options."""

from __future__ import annotations

from function.api.limits import (
    ALARM_EVALUATION_WINDOW_MAX,
    ALARM_PERIOD_STEP,
    CROSSPLANE_MESSAGE_MAX_BYTES,
    IAM_POLICY_MAX_CHARS,
    RESOURCE_POLICY_MAX_BYTES,
    WARM_READ_MIN,
    WARM_WRITE_MIN,
)
from function.api.rule import FUNCTION_ONLY_INPUT as _INPUT
from function.api.rule import FUNCTION_ONLY_OBSERVED as _OBSERVED
from function.api.rule import Rule

__all__ = ["FEATURE_RULES"]

_FREE_FORM = "a free-form JSON document (x-kubernetes-preserve-unknown-fields) CEL cannot look into"

FEATURE_RULES: tuple[Rule, ...] = (
    # The composite's type (function/api/kinds.py, the Input's compositeTypeRef).
    Rule(
        "composite_type",
        "the composite must be of the type the Composition's function Input names in "
        "compositeTypeRef (by default aws.project-planton.org/v1 XAwsDynamodb): a platform "
        "serving this API under its own group and kind sets compositeTypeRef as its "
        "Composition's",
        "function",
        "function",
        _INPUT,
    ),
    # Platform policy from the Composition's Input (function/api/tenancy.py).
    Rule(
        "region_allowed",
        "every region the claim's data reaches (the table's, each replica's, a restore "
        "source's) must be one the platform allows (tenancy.allowedRegions)",
        "function",
        "function",
        _INPUT,
    ),
    Rule(
        "kms_key_account",
        "the KMS key must belong to an account the platform allows (tenancy.kmsKeyAccounts)",
        "function",
        "function",
        _INPUT,
    ),
    Rule(
        "kms_key_region",
        "the KMS key must be in the table's region",
        "aws",
        "function",
        "the table's region may come from the Composition's Input",
    ),
    # Where a claim's data comes from (function/api/sources.py).
    Rule(
        "restore_source_allowed",
        "a claim may restore only from a table it may name: one under its prefix "
        "(tenancy.tableNamePrefix) or one the platform lists in tenancy.restoreSources",
        "function",
        "function",
        _INPUT,
    ),
    Rule(
        "import_bucket_allowed",
        "a claim may import only from an S3 bucket the platform lists in tenancy.importBuckets",
        "function",
        "function",
        _INPUT,
    ),
    # What the whole answer may weigh (function/safety/size.py).
    Rule(
        "answer_size_max",
        "the resources this spec makes must fit in the "
        f"{CROSSPLANE_MESSAGE_MAX_BYTES // 2**20} MiB Crossplane accepts from a function: "
        "fewer indexes, schedules or alarms, or shorter tags and policies, make them smaller",
        "function",
        "function",
        "the size of the answer is known only once the function has rendered it",
    ),
    # Autoscaling (function/api/autoscaling.py).
    Rule(
        "autoscaling_requires_provisioned",
        "autoScaling may be enabled only with billingMode PROVISIONED; with PAY_PER_REQUEST "
        "omit it or set enabled: false",
        "function",
    ),
    Rule(
        "autoscaling_min_le_max",
        "autoscaling minCapacity must be at most maxCapacity",
        "function",
    ),
    Rule(
        "autoscaling_capacity_in_range",
        "the provisioned capacity of an autoscaled table or index must lie between its "
        "autoscaling minCapacity and maxCapacity",
        "function",
    ),
    # Scheduled scaling and per-dimension autoscaling (function/api/scheduling.py).
    Rule(
        "schedule_names_unique",
        "schedule names must be unique within an autoScaling block",
        "function",
    ),
    Rule(
        "schedule_sets_capacity",
        "a schedule must set minCapacity or maxCapacity for read or write",
        "aws",
    ),
    Rule(
        "schedule_min_le_max",
        "a schedule's minCapacity must be at most its maxCapacity",
        "aws",
    ),
    Rule(
        "schedule_dimension_scaled",
        "a schedule may set bounds only for a dimension its table or index autoscales "
        "(autoScaling enabled, and that dimension not enabled: false)",
        "function",
    ),
    # CloudWatch alarms (function/api/alarms.py).
    Rule(
        "sns_topic_arn_format",
        "alarmActions and okActions must be SNS topic ARNs (arn:aws:sns:REGION:ACCOUNT:TOPIC)",
        "aws",
    ),
    Rule(
        "alarm_topic_in_table_region",
        "the SNS topics an alarm notifies must be in the table's region: CloudWatch notifies "
        "only topics in the alarm's region",
        "aws",
        "function",
        "the table's region, or the topics, may come from the Composition's Input",
    ),
    Rule(
        "alarm_period_whole_minutes",
        f"an alarm's periodSeconds must be a multiple of {ALARM_PERIOD_STEP}: DynamoDB "
        "publishes its metrics once a minute",
        "aws",
    ),
    Rule(
        "alarm_evaluation_window_max",
        "an alarm's evaluationPeriods times periodSeconds must be at most "
        f"{ALARM_EVALUATION_WINDOW_MAX} seconds (one day)",
        "aws",
    ),
    # Global tables (function/api/replicas.py, function/safety/replicas.py).
    Rule(
        "replicas_require_streams",
        "a table with replicas needs streamEnabled: true with streamViewType "
        "NEW_AND_OLD_IMAGES (global tables replicate through the stream)",
        "aws",
    ),
    Rule(
        "replica_regions_unique",
        "each replica region may appear only once",
        "aws",
    ),
    Rule(
        "replica_not_in_table_region",
        "a replica must be in another region than the table itself",
        "aws",
    ),
    Rule(
        "replicas_require_write_autoscaling",
        "a PROVISIONED table with replicas needs write autoscaling on the table and on every GSI "
        "(AWS refuses replicas whose write capacity is neither on-demand nor autoscaled; "
        "equal fixed capacity is not enough): enable autoScaling, or use PAY_PER_REQUEST",
        "aws",
    ),
    Rule(
        "replica_kms_key",
        "a replica sets kmsKeyArn exactly when the table uses a customer-managed key "
        "(serverSideEncryption.kmsKeyArn), and it must be a KMS key ARN (not an alias) in the "
        "replica's own region (KMS keys are regional)",
        "aws",
    ),
    Rule(
        "replica_removal_opt_in",
        "removing a replica, or changing its kmsKeyArn (which replaces it), deletes that "
        "region's copy of the table; list the region in spec.allowReplicaRemoval to allow it",
        "function",
        "function",
        _OBSERVED,
    ),
    Rule(
        "replica_removal_protected",
        "a replica with deletion protection cannot be removed: first set its "
        "deletionProtectionEnabled: false and let the Table sync, then remove it",
        "aws",
        "function",
        _OBSERVED,
    ),
    # On-demand throughput (function/api/table_options.py).
    Rule(
        "on_demand_throughput_requires_on_demand",
        "onDemandThroughput may be set only with billingMode PAY_PER_REQUEST",
        "aws",
    ),
    Rule(
        "on_demand_units_valid",
        "maxReadRequestUnits and maxWriteRequestUnits must be at least 1, or -1 to remove a limit",
        "aws",
    ),
    # Warm throughput (function/api/table_options.py, docs/table-options.md).
    Rule(
        "warm_throughput_above_baseline",
        f"warmThroughput must ask for more than AWS's baseline in at least one dimension "
        f"(readUnitsPerSecond above {WARM_READ_MIN} or writeUnitsPerSecond above "
        f"{WARM_WRITE_MIN}): every table and index has the baseline already, and the "
        f"provider reports no warm throughput at exactly {WARM_READ_MIN}/{WARM_WRITE_MIN}, "
        "so asking for it would update the table on every poll",
        "function",
    ),
    # Resource-based policy (function/api/resource_policy.py).
    Rule(
        "resource_policy_document",
        "resourcePolicy must be a policy document whose Statement is a non-empty list of objects",
        "aws",
        "function",
        _FREE_FORM,
    ),
    Rule(
        "resource_policy_resource",
        "each statement of resourcePolicy must name as Resource only this table's ARN, one of "
        "its indexes' (ARN/index/NAME), or *; NotResource is not accepted",
        "function",
        "function",
        _FREE_FORM + "; the table's ARN is known only once it exists",
    ),
    Rule(
        "resource_policy_size",
        f"resourcePolicy may be at most {RESOURCE_POLICY_MAX_BYTES // 1024} KB as JSON",
        "aws",
        "function",
        _FREE_FORM,
    ),
    # Create-time sources (function/api/table_options.py, function/render/create_source.py).
    Rule(
        "create_source_exclusive",
        "a table is created either by a point-in-time restore (restoreSource*) or by an S3 "
        "import (importTable), not both",
        "aws",
    ),
    Rule(
        "restore_source_exactly_one",
        "a restore names exactly one source, restoreSourceTableArn or restoreSourceName",
        "aws",
        sides=(
            ("both", "here both are set"),
            ("none", "here a restore point is set without a source"),
        ),
    ),
    Rule(
        "restore_point_exactly_one",
        "a restore needs exactly one point: restoreDateTime, or restoreToLatestTime: true; "
        "neither without a source",
        "aws",
        sides=(
            ("none", "here the restore has no point"),
            ("both", "here it has both"),
        ),
    ),
    Rule(
        "import_csv_options_only_with_csv",
        "importTable.csv may be set only with inputFormat CSV",
        "aws",
    ),
    Rule(
        "import_table_no_lsis",
        "a table imported from S3 cannot have localSecondaryIndexes (ImportTable creates "
        "none, and they cannot be added later)",
        "aws",
    ),
    # Access policies for the table's users (function/api/access.py).
    Rule(
        "stream_read_requires_streams",
        "accessPolicies.streamRead needs streamEnabled: true (the policy grants reading the "
        "table's stream, which a table without streams does not have)",
        "function",
    ),
    Rule(
        "access_policies_disabled",
        "the platform composes no access policies for this Composition "
        "(accessPolicies.enabled: false in its Input): leave spec.accessPolicies out or set "
        "its fields to false",
        "function",
        "function",
        _INPUT,
    ),
    Rule(
        "access_condition_format",
        "accessPolicies.condition must be an IAM Condition block: operators, each mapping "
        "condition keys to a string, number, boolean or a non-empty list of strings",
        "aws",
        "function",
        _INPUT,
    ),
    Rule(
        "access_policy_size",
        f"an access policy's document may be at most {IAM_POLICY_MAX_CHARS} characters (IAM's "
        "limit for a managed policy): fewer replicas, a shorter table name or a shorter "
        "Input condition",
        "aws",
        "function",
        "the document holds the table's name, which may be the composite's, its region, which "
        "may be the Input's, and the Input's condition",
    ),
)
