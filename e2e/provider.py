"""The harness plays provider-upjet-aws: it reports managed resources created in AWS.

No provider controller runs. Where upjet would call AWS and write back what it
observed, ``make_ready`` patches the MR's status the way upjet does: ``atProvider``
mirrors ``forProvider`` plus the identifiers AWS assigns (arn, id, stream), and the
``Ready`` and ``Synced`` conditions turn True. Like crossplane-runtime, every condition
written carries the generation of the object it was observed at (``observedGeneration``):
the MR is read again just before, as the provider's reconcile would.
"""

from __future__ import annotations

import copy
from typing import Any

from e2e.kube import Kube

ACCOUNT = "123456789012"
NOW = "2026-01-01T00:00:00Z"


def _plural(kind: str) -> str:
    return {
        "Table": "tables",
        "Target": "targets",
        "Policy": "policies",
        "ContributorInsights": "contributorinsights",
    }.get(kind, kind.lower() + "s")


def resource_name(mr: dict[str, Any]) -> str:
    group = mr["apiVersion"].split("/")[0]
    return f"{_plural(mr['kind'])}.{group}"


def observed(mr: dict[str, Any]) -> dict[str, Any]:
    """What upjet would write to status.atProvider for ``mr``."""
    spec = mr.get("spec") or {}
    at = copy.deepcopy(spec.get("forProvider") or {})
    for key, value in (spec.get("initProvider") or {}).items():
        at.setdefault(key, copy.deepcopy(value))
    external = (mr["metadata"].get("annotations") or {}).get(
        "crossplane.io/external-name", mr["metadata"]["name"]
    )
    region = at.get("region", "us-east-1")
    group = mr["apiVersion"].split("/")[0]
    at["id"] = external
    if mr["kind"] == "Table":
        at["arn"] = f"arn:aws:dynamodb:{region}:{ACCOUNT}:table/{external}"
        if at.get("streamEnabled"):
            at["streamLabel"] = "2026-01-01T00:00:00.000"
            at["streamArn"] = f"{at['arn']}/stream/{at['streamLabel']}"
        # A global table's replicas, each listed with its ARN once ACTIVE.
        for replica in at.get("replica") or []:
            arn = f"arn:aws:dynamodb:{replica.get('regionName')}:{ACCOUNT}:table/{external}"
            replica["arn"] = arn
            if at.get("streamEnabled"):
                replica["streamLabel"] = at["streamLabel"]
                replica["streamArn"] = f"{arn}/stream/{at['streamLabel']}"
    elif mr["kind"] == "Policy" and group.startswith("iam."):
        # IAM is global: the ARN holds the policy's path and name, and is its id.
        at["arn"] = at["id"] = f"arn:aws:iam::{ACCOUNT}:policy{at.get('path', '/')}{external}"
    elif mr["kind"] == "Policy":
        at["arn"] = f"arn:aws:autoscaling:{region}:{ACCOUNT}:scalingPolicy:{external}"
    return at


# The conditions upjet writes once the external resource exists and is in sync.
READY = [
    {"type": "Ready", "status": "True", "reason": "Available", "lastTransitionTime": NOW},
    {"type": "Synced", "status": "True", "reason": "ReconcileSuccess", "lastTransitionTime": NOW},
]


def at_generation(conditions: list[dict[str, Any]], generation: int) -> list[dict[str, Any]]:
    """The conditions as crossplane-runtime writes them for an object at ``generation``."""
    return [{**c, "observedGeneration": generation} for c in conditions]


def report(kube: Kube, mr: dict[str, Any], at_provider: dict[str, Any], conditions: Any) -> None:
    """Write what the provider observed of ``mr`` now, stamped with its current generation."""
    namespace = mr["metadata"].get("namespace")
    current = kube.get(resource_name(mr), mr["metadata"]["name"], namespace) or mr
    generation = int(current["metadata"].get("generation", 1))
    kube.patch_status(
        resource_name(mr),
        mr["metadata"]["name"],
        {
            "status": {
                "atProvider": at_provider,
                "conditions": at_generation(conditions, generation),
            }
        },
        namespace,
    )


def make_ready(kube: Kube, mr: dict[str, Any]) -> None:
    report(kube, mr, observed(mr), READY)


# What crossplane-runtime's managed reconciler writes on an observe-only resource
# whose external resource does not exist (the function then manages the Table).
NOT_FOUND = {
    "type": "Synced",
    "status": "False",
    "reason": "ReconcileError",
    "message": "observe failed: external resource does not exist",
    "lastTransitionTime": NOW,
}


def observe_only(mr: dict[str, Any]) -> bool:
    return (mr.get("spec") or {}).get("managementPolicies") == ["Observe"]


def report_absent(kube: Kube, mr: dict[str, Any]) -> None:
    """Report, as the provider would, that AWS has no table of this observe-only MR's name."""
    report(kube, mr, {}, [NOT_FOUND])
