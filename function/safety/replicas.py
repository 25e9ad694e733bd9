"""Guard a global table's replicas: removing one deletes that region's copy.

Dropping a region from ``spec.replicas`` makes provider-aws delete the replica
table there; changing a replica's ``kmsKeyArn`` does the same and creates it
again (the provider treats a key change as a new replica). Either is refused
unless ``spec.allowReplicaRemoval`` names the region: one explicit, reviewable
line per region, which says nothing about any other replica (docs/safety.md
argues the choice). A replica whose deletion protection is on cannot be removed
by AWS at all, so removing it is refused with the order that works.

The observed Table is read like guards.py reads it: ``status.atProvider`` once
the provider has read the table, ``spec.forProvider`` before that.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from function.api.replicas import ReplicaSettings
from function.api.rules import Violation, list_violations
from function.api.validation import violation

__all__ = ["ObservedReplica", "check_replica_changes", "observed_replicas", "refusal_message"]


@dataclass(frozen=True)
class ObservedReplica:
    """What the observed Table says of one replica."""

    region: str
    kms_key_arn: str | None
    deletion_protection: bool


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def observed_replicas(table: Any) -> dict[str, ObservedReplica]:
    """The observed Table's replicas by region; {} without a Table."""
    if not isinstance(table, dict):
        return {}
    ap = _dict(_dict(table.get("status")).get("atProvider"))
    source = ap if _str(ap.get("hashKey")) else _dict(_dict(table.get("spec")).get("forProvider"))
    blocks = source.get("replica")
    out: dict[str, ObservedReplica] = {}
    for block in blocks if isinstance(blocks, list) else []:
        region = _str(_dict(block).get("regionName"))
        if region is not None:
            out[region] = ObservedReplica(
                region,
                _str(block.get("kmsKeyArn")),
                block.get("deletionProtectionEnabled") is True,
            )
    return out


def check_replica_changes(
    desired: Sequence[ReplicaSettings], allowed: Sequence[str], observed_table: Any
) -> list[Violation]:
    """Replicas the request would delete without the region in allowReplicaRemoval."""
    wanted = {r.region: r for r in desired}
    problems = []
    for region, old in sorted(observed_replicas(observed_table).items()):
        new = wanted.get(region)
        if new is None:
            what, where = f"replica {region!r} removed", "spec.replicas"
        elif new.kms_key_arn != old.kms_key_arn:
            index = next(i for i, r in enumerate(desired) if r.region == region)
            what = (
                f"replica {region!r} kmsKeyArn {old.kms_key_arn or 'none'} -> "
                f"{new.kms_key_arn or 'none'} replaces it"
            )
            where = f"spec.replicas[{index}].kmsKeyArn"
        else:
            continue
        if region not in allowed:
            problems.append(violation(where, "replica_removal_opt_in", what))
        elif old.deletion_protection:
            problems.append(violation(where, "replica_removal_protected", what))
    return problems


def refusal_message(table_name: str, refused: list[Violation]) -> str:
    """One Fatal message naming every refused replica deletion and what to do instead."""
    count = len(refused)
    noun = "replica" if count == 1 else "replicas"
    return (
        f"refusing to delete {count} {noun} of DynamoDB table {table_name!r}: "
        f"{list_violations(refused)}. Each replica is a full copy of the table in its "
        "region; the data stays in the other regions, but readers and writers there lose "
        "it. Restore spec.replicas, or allow the deletion as the message says"
    )
