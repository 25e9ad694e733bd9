"""IAM policies for the applications that use the table (docs/access.md).

Each policy asked for (api/access.py's plan) is an IAM ``Policy`` whose document
(api/access.py's access_document) names only this table: its ARN and its
indexes' (``ARN/index/*``), its stream's (``ARN/stream/*``), the same for each
replica of a global table, and its customer-managed KMS keys. A document needs
the table's ARN, which AWS reports once the table exists, so the policies wait
for a Ready Table of this claim's (safety/ownership.py: while the Table only
observes, the table may be another team's, and nothing of it may reach a
policy). Once composed they stay, with
the document they were created with, even while the table is updating.

IAM policy names are unique in the account whatever their path, and without
regard to case, and IAM is global while table names are unique per region
only. So a policy's name is the table's with a fixed suffix and a hash of the
exact table name and region: ``orders-read-only-1a2b3c4d``. Its path is
``/dynamodb/<namespace>/`` for a tenant's table (``/dynamodb/`` for a
cluster-scoped XR of no claim), so a platform can let each team attach only its
own namespace's policies (``arn:aws:iam::ACCOUNT:policy/dynamodb/NAMESPACE/*``).
A policy switched off leaves desired state, and Crossplane deletes it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from function.api.access import Access, AccessPlan, access_document
from function.api.limits import IAM_POLICY_NAME_MAX
from function.api.resource_policy import policy_json
from function.render.apis import IAM_POLICY
from function.render.context import RenderContext
from function.render.contribution import Contribution
from function.render.resource_policy import table_arn
from function.render.status import at_provider, ready_in
from function.render.table import TABLE_NAME

__all__ = [
    "access_outputs",
    "access_policies_contribution",
    "policy_name",
    "policy_path",
    "policy_resource_name",
]

_WHAT = {
    "read-only": "Read-only access",
    "read-write": "Read and write access",
    "stream-read": "Stream read access",
}
_HASH_CHARS = 8


def policy_resource_name(access: Access) -> str:
    """The Composition resource name: ``access-read-only``, ..."""
    return f"access-{access.slug}"


def policy_name(table: str, region: str, access: Access) -> str:
    """The policy's name in IAM: the table's, a fixed suffix, and a hash of table and region."""
    digest = hashlib.sha256(f"{region}/{table}".encode()).hexdigest()[:_HASH_CHARS]
    tail = f"-{access.slug}-{digest}"
    return table[: IAM_POLICY_NAME_MAX - len(tail)] + tail


def policy_path(ctx: RenderContext) -> str:
    """``/dynamodb/<namespace>/`` for a tenant's table, ``/dynamodb/`` otherwise."""
    tenant = ctx.composite.tenant
    return f"/dynamodb/{tenant[0]}/" if tenant else "/dynamodb/"


def _applied_document(observed: Mapping[str, Any], name: str) -> str | None:
    """The document an observed policy was last rendered with, if any."""
    policy = observed.get(name)
    spec = policy.get("spec") if isinstance(policy, dict) else None
    fp = spec.get("forProvider") if isinstance(spec, dict) else None
    document = fp.get("policy") if isinstance(fp, dict) else None
    return document if isinstance(document, str) and document else None


def _render(ctx: RenderContext, access: Access, document: str) -> dict[str, Any]:
    policy = ctx.skeleton(IAM_POLICY, external_name=policy_name(ctx.table_name, ctx.region, access))
    fp = policy["spec"]["forProvider"]
    del fp["region"]  # IAM is global: the Policy kind has no region
    fp["path"] = policy_path(ctx)
    fp["description"] = (
        f"{_WHAT[access.slug]} to DynamoDB table {ctx.table_name} in {ctx.region}. "
        f"Composed by function-aws-dynamodb for {ctx.composite.name}."
    )
    fp["policy"] = document
    if tags := ctx.child_tags:
        fp["tags"] = tags
    return policy


def access_policies_contribution(ctx: RenderContext, observed: Mapping[str, Any]) -> Contribution:
    """The access policies asked for, once the table's ARN is known to be this claim's."""
    out = Contribution()
    plan = ctx.access
    if plan is None:
        return out
    if ctx.observe_only:
        # Even a policy observed before: its document would be about a table not known to be ours.
        out.pending.append("access policies wait until the table is known to be this claim's")
        return out
    arn = table_arn(observed)
    composed = any(policy_resource_name(a) in observed for a in plan.wanted)
    if arn is not None and not (ready_in(observed, TABLE_NAME) or composed):
        arn = None  # the first time, only a Ready table: its ARN is final and it is ours
    for access in plan.wanted:
        name = policy_resource_name(access)
        document = (
            policy_json(access_document(ctx.spec, access, arn, plan.condition)) if arn else None
        )
        document = document or _applied_document(observed, name)
        if document is None:
            out.pending.append(f"{name} waits for the table's ARN")
            continue
        out.resources[name] = _render(ctx, access, document)
    return out


def access_outputs(plan: AccessPlan | None, observed: Mapping[str, Any]) -> dict[str, str]:
    """The ARNs of the wanted policies AWS reports: readOnlyPolicyArn, ..."""
    outputs: dict[str, str] = {}
    for access in plan.wanted if plan is not None else ():
        arn = at_provider(observed.get(policy_resource_name(access))).get("arn")
        if isinstance(arn, str) and arn:
            outputs[access.output] = arn
    return outputs
