"""Deletion safety: a deletion-protected table outlives its claim.

With ``deletionProtectionEnabled: true`` AWS refuses DeleteTable. Left at
Crossplane's default, deleting the claim would make the provider call
DeleteTable forever and the managed resource would never go away. Telling
Crossplane not to delete the external resource instead leaves the table, and
its data, in AWS, and lets the managed resource be removed:

- cluster-scoped Tables (``dynamodb.aws.upbound.io``) get ``deletionPolicy: Orphan``;
- namespaced Tables (``dynamodb.aws.m.upbound.io``) have no deletionPolicy field,
  so they get ``managementPolicies`` with every action except ``Delete``.

Crossplane ignores ``deletionPolicy`` when ``managementPolicies`` is not the
default too, so when another part of the rendering narrowed the management
policies (autoscaled tables drop LateInitialize), ``Delete`` is taken out of
those as well, in either scope, and the rest is kept.
"""

from __future__ import annotations

from typing import Any

from function.context import RenderContext

__all__ = ["ALL_ACTIONS", "KEEP_ON_DELETE", "protect_from_deletion"]

ALL_ACTIONS = ("Observe", "Create", "Update", "Delete", "LateInitialize")
# Every management action but Delete ("*" would include it).
KEEP_ON_DELETE = [a for a in ALL_ACTIONS if a != "Delete"]


def protect_from_deletion(table: dict[str, Any], ctx: RenderContext) -> None:
    """Make a rendered Table survive its composite's deletion when deletion protection is on.

    When protection is off the fields are left out, so Crossplane's defaults
    (delete the table with the claim) apply again.
    """
    if not ctx.spec.deletion_protection_enabled:
        return
    spec = table.setdefault("spec", {})
    narrowed = spec.get("managementPolicies")
    if isinstance(narrowed, list):
        actions = ALL_ACTIONS if "*" in narrowed else narrowed
        spec["managementPolicies"] = [a for a in actions if a != "Delete"]
    elif ctx.composite.namespaced:
        spec["managementPolicies"] = list(KEEP_ON_DELETE)
    if not ctx.composite.namespaced:
        spec["deletionPolicy"] = "Orphan"
