"""Which IAM access policies a table gets, and their validation (docs/access.md).

A claim's ``spec.accessPolicies`` decides field by field; a field it leaves out
takes the Composition's Input default (``accessPolicies.readOnly``, ... all off
by default). The Input's ``streamRead`` default applies only to tables with
streams: a claim never asked for it, so a table without streams is not refused
for it, it just gets no stream policy. A claim's own ``streamRead: true``
without streams is refused (by CEL too). The platform may switch the feature
off (``enabled: false``: a claim asking for a policy is refused) and add an IAM
Condition to every statement (``condition``), a limit no claim can lift.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from function.api.input import FunctionInput
from function.api.limits import IAM_POLICY_MAX_CHARS
from function.api.resource_policy import policy_json
from function.api.rules import Violation
from function.api.spec import AwsDynamodbSpec
from function.api.validation import Check, violation

__all__ = [
    "ACCESS",
    "ACCESS_OUTPUT_KEYS",
    "POLICY_VERSION",
    "READ_ACTIONS",
    "READ_ONLY",
    "READ_WRITE",
    "STREAM_ACTIONS",
    "STREAM_READ",
    "WRITE_ACTIONS",
    "Access",
    "AccessPlan",
    "access_checks",
    "access_document",
    "check_access_input",
    "check_access_size",
    "plan_access",
]

_SPEC = "spec.accessPolicies"
_INPUT = "input.accessPolicies"


@dataclass(frozen=True)
class Access:
    """One kind of access policy: its field, its name part, and its output key."""

    field: str  # the spec and Input field, camelCase
    attr: str  # the models' attribute
    slug: str  # in the policy's name and its Composition resource name
    output: str  # the status.outputs key (and connection detail) of its ARN


READ_ONLY = Access("readOnly", "read_only", "read-only", "readOnlyPolicyArn")
READ_WRITE = Access("readWrite", "read_write", "read-write", "readWritePolicyArn")
STREAM_READ = Access("streamRead", "stream_read", "stream-read", "streamReadPolicyArn")
ACCESS: tuple[Access, ...] = (READ_ONLY, READ_WRITE, STREAM_READ)
ACCESS_OUTPUT_KEYS: tuple[str, ...] = tuple(a.output for a in ACCESS)


@dataclass(frozen=True)
class AccessPlan:
    """The access policies a table gets, and the platform's condition on every statement."""

    wanted: tuple[Access, ...]
    condition: dict[str, Any] | None = None


def _asked(spec: AwsDynamodbSpec, access: Access) -> bool | None:
    own = spec.access_policies
    value = getattr(own, access.attr) if own is not None else None
    return value if isinstance(value, bool) else None


def plan_access(spec: AwsDynamodbSpec, fn_input: FunctionInput) -> AccessPlan | None:
    """The table's access policies, or None when it gets none."""
    defaults = fn_input.access_policies
    if not defaults.enabled:
        return None
    wanted = []
    for access in ACCESS:
        asked = _asked(spec, access)
        if asked is None:
            asked = getattr(defaults, access.attr)
            if access is STREAM_READ and not spec.stream_enabled:
                asked = False  # the platform's default, for tables that have a stream
        if asked:
            wanted.append(access)
    return AccessPlan(tuple(wanted), defaults.condition) if wanted else None


def _check_claim(spec: AwsDynamodbSpec, fn_input: FunctionInput) -> Iterator[Violation]:
    if _asked(spec, STREAM_READ) and not spec.stream_enabled:
        yield violation(f"{_SPEC}.streamRead", "stream_read_requires_streams")
    if not fn_input.access_policies.enabled:
        for access in ACCESS:
            if _asked(spec, access):
                yield violation(f"{_SPEC}.{access.field}", "access_policies_disabled")


def access_checks(fn_input: FunctionInput) -> list[Check]:
    """The access-policy checks, to run after the core ones."""
    return [lambda spec: _check_claim(spec, fn_input)]


def _condition_value_ok(value: Any) -> bool:
    if isinstance(value, list):
        return bool(value) and all(isinstance(v, str) and v for v in value)
    return isinstance(value, str | bool | int | float) and value != ""


def check_access_input(fn_input: FunctionInput) -> list[Violation]:
    """The Input's condition must be an IAM Condition block, whichever table uses it."""
    condition = fn_input.access_policies.condition
    if condition is None:
        return []
    path = f"{_INPUT}.condition"
    if not condition:
        return [violation(path, "access_condition_format", "empty")]
    out = []
    for operator, keys in condition.items():
        if not isinstance(keys, dict) or not keys:
            out.append(violation(f"{path}.{operator}", "access_condition_format", "not keys"))
            continue
        for key, value in keys.items():
            if not key or not _condition_value_ok(value):
                out.append(
                    violation(f"{path}.{operator}[{key!r}]", "access_condition_format", "value")
                )
    return out


POLICY_VERSION = "2012-10-17"
READ_ACTIONS = tuple(
    f"dynamodb:{a}"
    for a in ("GetItem", "BatchGetItem", "Query", "Scan", "ConditionCheckItem", "DescribeTable")
)
WRITE_ACTIONS = tuple(
    f"dynamodb:{a}" for a in ("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem")
)
STREAM_ACTIONS = tuple(
    f"dynamodb:{a}" for a in ("DescribeStream", "GetRecords", "GetShardIterator", "ListStreams")
)
_KMS_READ = ("kms:Decrypt",)
_KMS_WRITE = ("kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey")


def _with_region(arn: str, region: str) -> str:
    """The same ARN in another region: a global table's replica has the table's name there."""
    parts = arn.split(":", 5)
    return ":".join([*parts[:3], region, *parts[4:]])


def _keys(spec: AwsDynamodbSpec) -> list[str]:
    """The customer-managed KMS keys of the table and its replicas; [] with AWS's keys."""
    sse = spec.server_side_encryption
    if sse is None or not sse.enabled or not sse.kms_key_arn:
        return []
    return [sse.kms_key_arn, *(r.kms_key_arn for r in spec.replicas if r.kms_key_arn)]


def _allow(sid: str, actions: tuple[str, ...], resources: list[str]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": list(actions), "Resource": resources}


def access_document(
    spec: AwsDynamodbSpec, access: Access, arn: str, condition: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The least-privilege document of one access policy for the table with ARN ``arn``.

    Items: the table and its indexes (``ARN/index/*``), written on the table
    only; the stream: ``ARN/stream/*``; the same in each replica's region; and
    the customer-managed KMS keys, which DynamoDB uses on the caller's behalf.
    """
    tables = [arn, *(_with_region(arn, r.region) for r in spec.replicas)]
    statements: list[dict[str, Any]] = []
    if access is STREAM_READ:
        statements.append(_allow("ReadStream", STREAM_ACTIONS, [f"{t}/stream/*" for t in tables]))
    else:
        items = [r for t in tables for r in (t, f"{t}/index/*")]
        statements.append(_allow("ReadItems", READ_ACTIONS, items))
        if access is READ_WRITE:
            statements.append(_allow("WriteItems", WRITE_ACTIONS, tables))
    if keys := _keys(spec):
        kms = _KMS_WRITE if access is READ_WRITE else _KMS_READ
        statements.append(_allow("UseTableKeys", kms, keys))
    if condition:
        for statement in statements:
            statement["Condition"] = copy.deepcopy(condition)
    return {"Version": POLICY_VERSION, "Statement": statements}


# The longest ARN prefix the table can have: partition aws-us-gov, a 12-digit account.
_LONGEST_PARTITION = "aws-us-gov"


def check_access_size(
    spec: AwsDynamodbSpec, table_name: str, plan: AccessPlan | None
) -> Iterator[Violation]:
    """Each document within IAM's limit, whatever account and partition the table lands in.

    IAM counts characters without whitespace; the compact JSON has none but
    inside strings, so its length is an upper bound.
    """
    if plan is None:
        return
    arn = f"arn:{_LONGEST_PARTITION}:dynamodb:{spec.region}:000000000000:table/{table_name}"
    for access in plan.wanted:
        size = len(policy_json(access_document(spec, access, arn, plan.condition)))
        if size > IAM_POLICY_MAX_CHARS:
            yield violation(
                f"{_SPEC}.{access.field}", "access_policy_size", f"about {size} characters"
            )
