"""Global tables: the Table's replica blocks, and autoscaling in every replica region.

Application Auto Scaling is regional: a Target registered in the table's region
scales only that copy. So for each replica region this composes the same
Targets and Policies as for the table's own region (same ``resourceId``
``table/NAME``, the replica's region), named after the primary ones with the
region appended: ``table-read-target-eu-west-1``. AWS keeps a global table's
write autoscaling settings in step across regions; composing them per region
says the same numbers again, and the read settings exist only this way.

Write schedules therefore run in every region: a replica's write Target whose
dimension has schedules hands its bounds to them (``initProvider``) and gets
the same ScheduledActions, ``table-write-schedule-peak-eu-west-1``. Were they
only in the table's own region, the replica Targets' ``forProvider`` bounds
would set back, at every poll, what the schedule and AWS's write sync had just
moved: the regions would fight. Read schedules stay in the table's own region
(read capacity is each region's own; docs/autoscaling.md).

Two waits, both sticky like every other one (a resource or replica once
observed keeps being rendered, or Crossplane would delete it):

- A replica of a PROVISIONED table is added to the Table only once the table's
  write Policies (table and every GSI) are Ready: AWS refuses a replica whose
  write capacity is not yet autoscaled ("Table write capacity should either be
  Pay-Per-Request or AutoScaled"), which would otherwise fail the first
  CreateTable of every provisioned global table.
- A replica region's Targets wait for the replica to be active. The provider
  reports no replica status; it lists a replica in ``status.atProvider.replica``,
  with its ARN, after an apply that waited for the replica to become ACTIVE
  (the provider's create and update wait for that). So: the Table Ready, and
  the region listed there with an ARN.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from function.api.limits import PITR_PERIOD_DEFAULT
from function.api.replicas import ReplicaSettings, replica_settings
from function.render.autoscaling import (
    policy_name,
    render_scalable_target,
    render_scaling_policy,
    scaling_ref,
    target_name,
)
from function.render.capacity import still_on_demand
from function.render.context import RenderContext
from function.render.contribution import Contribution
from function.render.scheduled_scaling import (
    bounds_left_behind,
    render_scheduled_action,
    schedule_name,
    schedules_for,
)
from function.render.status import at_provider, ready_in
from function.render.table import TABLE_NAME

__all__ = [
    "active_replica_regions",
    "regional_name",
    "replica_autoscaling_contribution",
    "replica_blocks",
    "replica_recovery_warnings",
]

_NAME_MAX = 63


def regional_name(name: str, region: str) -> str:
    """``name`` in a replica region: ``table-read-target-eu-west-1``, at most 63 characters.

    A name that would be longer keeps its start and gets ``.`` and 8 hex digits
    of its SHA-256 before the region; names without a hash never contain ``.``
    after their index slug, so the forms cannot collide.
    """
    out = f"{name}-{region}"
    if len(out) <= _NAME_MAX:
        return out
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    keep = _NAME_MAX - len(region) - len(digest) - 2
    return f"{name[:keep].rstrip('-.')}.{digest}-{region}"


def _replica_list(block: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    items = block.get("replica")
    return [r for r in items if isinstance(r, dict)] if isinstance(items, list) else []


def _spec_for_provider(table: Any) -> Mapping[str, Any]:
    spec = table.get("spec") if isinstance(table, dict) else None
    fp = spec.get("forProvider") if isinstance(spec, dict) else None
    return fp if isinstance(fp, dict) else {}


def _regions(blocks: list[Mapping[str, Any]]) -> set[str]:
    return {r["regionName"] for r in blocks if isinstance(r.get("regionName"), str)}


def active_replica_regions(observed: Mapping[str, Any]) -> set[str]:
    """Regions whose replica the provider reports, with an ARN, on a Ready Table."""
    if not ready_in(observed, TABLE_NAME):
        return set()
    listed = _replica_list(at_provider(observed.get(TABLE_NAME)))
    return _regions([r for r in listed if isinstance(r.get("arn"), str) and r["arn"]])


def _block(replica: ReplicaSettings) -> dict[str, Any]:
    out: dict[str, Any] = {"regionName": replica.region}
    if replica.kms_key_arn:
        out["kmsKeyArn"] = replica.kms_key_arn
    # Said even when false, like the table's own settings: AWS's defaults differ.
    out["pointInTimeRecovery"] = replica.point_in_time_recovery
    out["propagateTags"] = replica.propagate_tags
    out["deletionProtectionEnabled"] = replica.deletion_protection
    return out


def replica_recovery_warnings(ctx: RenderContext) -> list[str]:
    """Replicas keep AWS's 35-day recovery window whatever the table's is: say so.

    The provider enables a replica's point-in-time recovery with no period
    (``updatePITR(..., nil, region, ...)`` in terraform-provider-aws
    ``internal/service/dynamodb/table.go``, on creating a replica and on
    changing its recovery), and the replica block has no period field, so AWS
    applies its default window there.
    """
    period = ctx.spec.point_in_time_recovery_period_days
    if not ctx.spec.point_in_time_recovery_enabled or period in (None, PITR_PERIOD_DEFAULT):
        return []
    regions = [r.region for r in replica_settings(ctx.spec) if r.point_in_time_recovery]
    if not regions:
        return []
    return [
        f"spec.pointInTimeRecoveryPeriodDays: the replicas in {', '.join(regions)} keep "
        f"{PITR_PERIOD_DEFAULT} days of point-in-time recovery, not {period}: the provider "
        "enables a replica's recovery without a period, so AWS's default applies there "
        "(docs/table-options.md)"
    ]


def replica_blocks(
    ctx: RenderContext, observed: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], list[str]]:
    """The Table's ``replica`` list, and why any replica is not in it yet."""
    replicas = replica_settings(ctx.spec)
    if not replicas:
        return [], []
    table = observed.get(TABLE_NAME)
    # Anything the Table already has, asked for or reported, stays.
    known = _regions(_replica_list(_spec_for_provider(table)))
    known |= _regions(_replica_list(at_provider(table)))
    write_policies = [
        policy_name(unit.index, "write") for unit in ctx.autoscaled if unit.write is not None
    ]
    unscaled = [p for p in write_policies if not ready_in(observed, p)]
    blocks, held = [], []
    for replica in replicas:
        if replica.region in known or not unscaled:
            blocks.append(_block(replica))
        else:
            held.append(replica.region)
    if not held:
        return blocks, []
    why = (
        f"replicas in {', '.join(held)} wait for {', '.join(unscaled)} to be ready "
        "(AWS adds a replica to a PROVISIONED table only once its write capacity is autoscaled)"
    )
    return blocks, [why]


def replica_autoscaling_contribution(
    ctx: RenderContext, observed: Mapping[str, Any]
) -> Contribution:
    """Targets, Policies and write schedules of each autoscaled table and GSI, per replica."""
    out = Contribution()
    if not ctx.autoscaled or not ctx.spec.replicas:
        return out
    active = active_replica_regions(observed)
    gsis = at_provider(observed.get(TABLE_NAME)).get("globalSecondaryIndex")
    live = gsis if isinstance(gsis, list) else []
    live_indexes = {g.get("name") for g in live if isinstance(g, dict)}
    # Replica capacity cannot be registered either while the table bills on demand.
    switching = still_on_demand(ctx)
    for replica in replica_settings(ctx.spec):
        region = replica.region
        waiting = False
        for unit in ctx.autoscaled:
            exists = unit.index is None or unit.index in live_indexes
            for dim in unit.dimensions:
                t_name = regional_name(target_name(unit.index, dim), region)
                p_name = regional_name(policy_name(unit.index, dim), region)
                if not ((region in active and exists and not switching) or t_name in observed):
                    # An index missing everywhere is the primary region's to report.
                    waiting = waiting or region not in active
                    continue
                # Write schedules run in every region, read schedules in the table's own.
                scheduled = dim == "write"
                target = render_scalable_target(ctx, unit, dim, scheduled=scheduled)
                target["spec"]["forProvider"]["region"] = region
                out.resources[t_name] = target
                if scheduled:
                    drift = bounds_left_behind(ctx, unit, dim, t_name, observed.get(t_name))
                    out.warnings.extend(drift)
                if ready_in(observed, t_name) or p_name in observed:
                    policy = render_scaling_policy(ctx, unit, dim)
                    policy["spec"]["forProvider"]["region"] = region
                    out.resources[p_name] = policy
                else:
                    out.pending.append(f"{p_name} waits for {t_name} to be ready")
                for schedule in schedules_for(unit, dim) if scheduled else []:
                    s_name = regional_name(schedule_name(unit.index, dim, schedule.name), region)
                    if ready_in(observed, t_name) or s_name in observed:
                        ref = scaling_ref(ctx, unit, dim)
                        action = render_scheduled_action(ctx, ref, dim, schedule)
                        action["spec"]["forProvider"]["region"] = region
                        out.resources[s_name] = action
                    else:
                        out.pending.append(f"{s_name} waits for {t_name} to be ready")
        if waiting and ready_in(observed, TABLE_NAME):
            out.pending.append(
                f"autoscaling in {region} waits for the replica there to be active "
                "(listed with an ARN in the Table's status.atProvider.replica)"
            )
    return out
