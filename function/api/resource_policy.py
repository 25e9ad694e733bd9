"""Checks of spec.resourcePolicy: a JSON policy document for this table only.

The document is free-form JSON (the XRD preserves it as it is), so admission
cannot see inside it; the function checks what AWS would refuse, and one thing
it would not: that the policy speaks only of this table (its ARN or one of its
indexes', or ``*``), so a claim cannot grant access to another team's table.
Before the table exists its ARN is not known; any account's ARN of a table
with this name in this region is accepted then, the exact ARN afterwards.

The size is bounded first, by a walk that stops as soon as it has seen more
than AWS's limit: a claim's megabyte of policy costs no more to refuse than
20 KB, and its statements are never looked into.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from function.api.limits import RESOURCE_POLICY_MAX_BYTES
from function.api.rules import Violation
from function.api.spec import AwsDynamodbSpec
from function.api.validation import violation

__all__ = ["check_resource_policy", "policy_json"]

_PATH = "spec.resourcePolicy"


def policy_json(document: dict[str, Any]) -> str:
    """The document as the provider gets it: compact, keys sorted (stable between reconciles)."""
    return json.dumps(document, separators=(",", ":"), sort_keys=True)


def _json_bytes_over(document: Any, limit: int) -> bool:
    """Whether the document's compact JSON is surely over ``limit`` bytes.

    Counts a lower bound (strings' characters, quotes, brackets and separators)
    and stops once past ``limit``, so it reads about ``limit`` bytes of any
    document, however large.
    """
    size = 0
    stack = [document]
    while stack:
        if size > limit:
            return True
        item = stack.pop()
        if isinstance(item, str):
            size += len(item) + 2
        elif isinstance(item, dict):
            size += len(item) + 1 if item else 2
            for key, value in item.items():
                size += len(key) + 3
                stack.append(value)
                if size > limit:
                    return True
        elif isinstance(item, list):
            size += len(item) + 1 if item else 2
            stack.extend(item)
        else:
            size += 1
    return size > limit


def _arn_pattern(region: str, table_name: str, arn: str | None) -> re.Pattern[str]:
    if arn:
        base = re.escape(arn)
    else:
        base = (
            rf"arn:aws[a-z-]*:dynamodb:{re.escape(region)}:\d{{12}}:table/{re.escape(table_name)}"
        )
    return re.compile(rf"^{base}(/index/[A-Za-z0-9_.*-]+)?$")


def _resources(statement: dict[str, Any]) -> list[Any] | None:
    value = statement.get("Resource")
    if isinstance(value, str):
        return [value]
    return value if isinstance(value, list) and value else None


def check_resource_policy(
    spec: AwsDynamodbSpec, table_name: str, table_arn: str | None
) -> Iterator[Violation]:
    """A policy object with a Statement list, about this table only, within AWS's size."""
    document = spec.resource_policy
    if document is None:
        return
    if _json_bytes_over(document, RESOURCE_POLICY_MAX_BYTES):
        yield violation(_PATH, "resource_policy_size", f"over {RESOURCE_POLICY_MAX_BYTES} bytes")
        return
    statements = document.get("Statement")
    if not isinstance(statements, list) or not statements:
        yield violation(f"{_PATH}.Statement", "resource_policy_document", "no Statement list")
        return
    allowed = _arn_pattern(spec.region or "", table_name, table_arn)
    for j, statement in enumerate(statements):
        path = f"{_PATH}.Statement[{j}]"
        if not isinstance(statement, dict):
            yield violation(path, "resource_policy_document", "a statement is an object")
            continue
        if "NotResource" in statement:
            yield violation(f"{path}.NotResource", "resource_policy_resource", "NotResource")
            continue
        resources = _resources(statement)
        if resources is None:
            yield violation(f"{path}.Resource", "resource_policy_resource", "no Resource")
            continue
        others = [
            r for r in resources if not (r == "*" or (isinstance(r, str) and allowed.match(r)))
        ]
        if others:
            shown = ", ".join(repr(r) for r in others[:3])
            yield violation(f"{path}.Resource", "resource_policy_resource", f"got {shown}")
    size = len(policy_json(document).encode())
    if size > RESOURCE_POLICY_MAX_BYTES:
        yield violation(_PATH, "resource_policy_size", f"{size} bytes")
