"""Which actions Crossplane may take on the Table: deletion safety and autoscaling.

Two needs narrow Crossplane's default (every action, delete with the claim):

- Deletion protection. With ``deletionProtectionEnabled: true`` AWS refuses
  DeleteTable; left at the default, deleting the claim would make the provider
  call DeleteTable forever and the managed resource would never go away.
  Leaving the table, and its data, in AWS lets the managed resource go:
  cluster-scoped Tables (``dynamodb.aws.upbound.io``) get ``deletionPolicy:
  Orphan``; namespaced Tables (``dynamodb.aws.m.upbound.io``) have no
  deletionPolicy field, so they get ``managementPolicies`` without ``Delete``.
- Autoscaling. Late initialization would copy the capacity the autoscaler
  manages back into ``forProvider`` (function/render/capacity.py), so an
  autoscaled Table is managed without ``LateInitialize``.

- Ownership. Before the function knows a table of this name is free or its
  own (function/safety/ownership.py), the Table is observe-only
  (``managementPolicies: [Observe]``): the provider reads the table and
  changes nothing, creates nothing, deletes nothing.

Crossplane ignores ``deletionPolicy`` once ``managementPolicies`` is not the
default, so a protected table whose policies are narrowed anyway (autoscaled)
loses ``Delete`` from them too, in either scope.
"""

from __future__ import annotations

from typing import Any

from function.api.replicas import replica_settings
from function.render.context import RenderContext

__all__ = ["ALL_ACTIONS", "set_management_policies"]

ALL_ACTIONS = ("Observe", "Create", "Update", "Delete", "LateInitialize")


def set_management_policies(
    table: dict[str, Any], ctx: RenderContext, observe_only: bool = False
) -> None:
    """Set managementPolicies and deletionPolicy on a rendered Table; defaults stay unsaid."""
    if observe_only:
        table.setdefault("spec", {})["managementPolicies"] = ["Observe"]
        return
    # A protected replica blocks deleting the table too (the provider deletes
    # replicas first), so it keeps the table as the table's own protection does.
    protected = ctx.spec.deletion_protection_enabled or any(
        r.deletion_protection for r in replica_settings(ctx.spec)
    )
    namespaced = ctx.composite.namespaced
    narrowed = bool(ctx.autoscaled)
    dropped: set[str] = set()
    if narrowed:
        dropped.add("LateInitialize")
    if protected and (narrowed or namespaced):
        dropped.add("Delete")
    spec = table.setdefault("spec", {})
    if dropped:
        spec["managementPolicies"] = [a for a in ALL_ACTIONS if a not in dropped]
    if protected and not namespaced:
        spec["deletionPolicy"] = "Orphan"
