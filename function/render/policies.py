"""Which actions Crossplane may take on the Table: no late initialization, deletion safety.

Every Table is managed without ``LateInitialize``. Late initialization copies
observed values into empty ``forProvider`` fields; for a DynamoDB table that
undoes or endangers what the function says (docs/safety.md has the evidence):

- Removing the last GSI, or every tag, leaves the field empty, and the provider
  copies the still-existing indexes or tags back: the removal never happens.
- ``warmThroughput`` is optional and computed; AWS reports it for every table.
  Once late-initialised it counts as configured, so Terraform stops suppressing
  AWS's defaults and forces a new table when AWS's value rises above the copied
  one (a decrease is force-new) — an update upjet refuses, on every reconcile.
- Autoscaled capacity handed to ``initProvider`` (function/render/capacity.py)
  would be copied back into ``forProvider`` and reset by the provider.

Ownership comes first: Before the function knows a table of this name is free or its
  own (function/safety/ownership.py), the Table is observe-only
  (``managementPolicies: [Observe]``): the provider reads the table and
  changes nothing, creates nothing, deletes nothing.

Deletion protection narrows the policies further. With
``deletionProtectionEnabled: true`` (on the table or a replica) AWS refuses DeleteTable; left at the
default, deleting the claim would make the provider call DeleteTable forever.
Crossplane ignores ``deletionPolicy`` once ``managementPolicies`` is not the
default (crossplane-runtime's LegacyManagementPoliciesResolver.ShouldDelete),
so a protected Table loses ``Delete`` from its policies in either scope;
cluster-scoped Tables (``dynamodb.aws.upbound.io``) also keep ``deletionPolicy:
Orphan`` for a provider running with management policies switched off.
"""

from __future__ import annotations

from typing import Any

from function.api.replicas import replica_settings
from function.render.context import RenderContext

__all__ = ["ALL_ACTIONS", "TABLE_ACTIONS", "set_management_policies"]

ALL_ACTIONS = ("Observe", "Create", "Update", "Delete", "LateInitialize")
# What the function lets Crossplane do to every Table it composes.
TABLE_ACTIONS = tuple(a for a in ALL_ACTIONS if a != "LateInitialize")


def set_management_policies(
    table: dict[str, Any], ctx: RenderContext, observe_only: bool = False
) -> None:
    """Set managementPolicies (and deletionPolicy) on a rendered Table."""
    if observe_only:
        table.setdefault("spec", {})["managementPolicies"] = ["Observe"]
        return
    # A protected replica blocks deleting the table too (the provider deletes
    # replicas first), so it keeps the table as the table's own protection does.
    protected = ctx.spec.deletion_protection_enabled or any(
        r.deletion_protection for r in replica_settings(ctx.spec)
    )
    spec = table.setdefault("spec", {})
    spec["managementPolicies"] = [a for a in TABLE_ACTIONS if not (protected and a == "Delete")]
    if protected and not ctx.composite.namespaced:
        spec["deletionPolicy"] = "Orphan"
