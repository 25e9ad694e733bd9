"""The table's resource-based policy (dynamodb ResourcePolicy), once the table exists.

PutResourcePolicy needs the table's ARN, which AWS reports only once the table
exists (the observed Table's ``status.atProvider.arn``). So the policy waits
for a Ready Table with an ARN, and once observed it stays, with the ARN it was
created for, even while the table is updating.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from function.api.resource_policy import policy_json
from function.render.apis import RESOURCE_POLICY
from function.render.context import RenderContext
from function.render.contribution import Contribution
from function.render.status import at_provider, ready_in
from function.render.table import TABLE_NAME

__all__ = ["RESOURCE_POLICY_NAME", "resource_policy_contribution", "table_arn"]

RESOURCE_POLICY_NAME = "resource-policy"


def table_arn(observed: Mapping[str, Any]) -> str | None:
    """The table's ARN as AWS reports it, or None before it exists."""
    arn = at_provider(observed.get(TABLE_NAME)).get("arn")
    return arn if isinstance(arn, str) and arn else None


def _applied_arn(observed: Mapping[str, Any]) -> str | None:
    policy = observed.get(RESOURCE_POLICY_NAME)
    spec = policy.get("spec") if isinstance(policy, dict) else None
    fp = spec.get("forProvider") if isinstance(spec, dict) else None
    arn = fp.get("resourceArn") if isinstance(fp, dict) else None
    return arn if isinstance(arn, str) and arn else None


def resource_policy_contribution(ctx: RenderContext, observed: Mapping[str, Any]) -> Contribution:
    """The ResourcePolicy, once the table has an ARN."""
    out = Contribution()
    document = ctx.spec.resource_policy
    if document is None:
        return out
    arn = table_arn(observed) if ready_in(observed, TABLE_NAME) else None
    arn = arn or _applied_arn(observed)
    if arn is None:
        out.pending.append("resource-policy waits for the table to be ready")
        return out
    policy = ctx.skeleton(RESOURCE_POLICY)
    fp = policy["spec"]["forProvider"]
    fp["resourceArn"] = arn
    fp["policy"] = policy_json(document)
    out.resources[RESOURCE_POLICY_NAME] = policy
    return out
