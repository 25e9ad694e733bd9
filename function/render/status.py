"""Readiness of composed resources and the outputs reported on the composite."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = [
    "ACCEPTED_CONDITION",
    "SYNCED_CONDITION",
    "at_provider",
    "connection_details",
    "is_ready",
    "not_synced",
    "ready_in",
    "reported_number",
    "sync_error",
    "table_outputs",
]


# The conditions the function sets on the composite and its claim: whether it
# took the spec (False with the Fatal's reason and message, True otherwise), and
# whether the provider syncs every composed resource (False with the provider's
# message of each one it cannot). The XRDs' printer columns show them.
ACCEPTED_CONDITION = "SpecAccepted"
SYNCED_CONDITION = "ResourcesSynced"


def _conditions(resource: Any) -> list[Any]:
    if not isinstance(resource, dict):
        return []
    status = resource.get("status")
    if not isinstance(status, dict):
        return []
    conditions = status.get("conditions")
    return conditions if isinstance(conditions, list) else []


def is_ready(resource: Any) -> bool:
    """True when an observed resource's Ready condition is True; False if absent or odd."""
    return any(
        isinstance(c, dict) and c.get("type") == "Ready" and c.get("status") == "True"
        for c in _conditions(resource)
    )


def sync_error(conditions: Any) -> str | None:
    """The provider's message when a Synced condition is False; None otherwise.

    A managed resource is Synced=False when the provider's last reconcile failed
    (a missing ProviderConfig, AWS refusing a call): its message is the one reason
    the resource will never become Ready, so it must reach the claim.
    """
    for c in conditions if isinstance(conditions, list) else []:
        if isinstance(c, dict) and c.get("type") == "Synced" and c.get("status") == "False":
            message = c.get("message")
            reason = c.get("reason")
            text = message if isinstance(message, str) and message else None
            return text or (reason if isinstance(reason, str) and reason else "no message")
    return None


def not_synced(observed: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(name, provider message) of every observed resource that is Synced=False, by name.

    Asks the mapping for conditions alone when it can (the servicer's lazy view).
    """
    conditions_of = getattr(observed, "conditions", None)
    found = []
    for name in sorted(observed):
        conditions = (
            conditions_of(name) if callable(conditions_of) else _conditions(observed.get(name))
        )
        message = sync_error(conditions)
        if message is not None:
            found.append((name, message))
    return found


def ready_in(observed: Mapping[str, Any], name: str) -> bool:
    """Whether ``observed[name]`` is Ready.

    Asks the mapping itself when it can tell (the servicer's lazy view reads only
    the conditions); otherwise reads the whole resource.
    """
    ready = getattr(observed, "ready", None)
    if callable(ready):
        return bool(ready(name))
    return is_ready(observed.get(name))


def at_provider(resource: Any) -> Mapping[str, Any]:
    """An observed managed resource's status.atProvider, or {} while it has none."""
    if not isinstance(resource, dict):
        return {}
    status = resource.get("status")
    ap = status.get("atProvider") if isinstance(status, dict) else None
    return ap if isinstance(ap, dict) else {}


def reported_number(value: Any) -> int | None:
    """A number the provider reports in atProvider, as an int; None for anything else."""
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return int(value) if ok else None


# XR status.outputs key -> the observed Table's status.atProvider key.
_OUTPUTS = {
    "tableArn": "arn",
    "tableId": "id",
    "streamArn": "streamArn",
    "streamLabel": "streamLabel",
}


def table_outputs(table_name: str, observed_table: Any) -> dict[str, str]:
    """status.outputs for the composite: the table's name and what AWS reported."""
    ap = at_provider(observed_table)
    outputs = {"tableName": table_name}
    for out_key, ap_key in _OUTPUTS.items():
        value = ap.get(ap_key)
        if isinstance(value, str) and value:
            outputs[out_key] = value
    outputs.update(_replica_outputs(ap))
    return outputs


def _replica_outputs(ap: Mapping[str, Any]) -> dict[str, str]:
    """replicaRegions and replicaArns: comma-separated, by region, as AWS reports them.

    Strings, not lists, so they also fit a claim's connection secret.
    """
    blocks = ap.get("replica")
    found = sorted(
        (r["regionName"], r["arn"])
        for r in (blocks if isinstance(blocks, list) else [])
        if isinstance(r, dict)
        and isinstance(r.get("regionName"), str)
        and isinstance(r.get("arn"), str)
        and r["regionName"]
        and r["arn"]
    )
    if not found:
        return {}
    return {
        "replicaRegions": ",".join(region for region, _ in found),
        "replicaArns": ",".join(arn for _, arn in found),
    }


def connection_details(outputs: Mapping[str, str]) -> dict[str, bytes]:
    """The same outputs as connection details, for legacy XRs and their claims."""
    return {k: v.encode() for k, v in outputs.items()}
