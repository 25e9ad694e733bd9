"""Application Auto Scaling for the table and its GSIs: Targets, then Policies.

For each autoscaled table or index and each dimension (read, write) this
renders one scalable Target and one target-tracking Policy. AWS refuses a
Target for a table or index that does not exist yet and a Policy for a Target
that is not registered, so each waits for what it depends on: Targets for the
observed Table to be Ready (and to have the index), a Policy for its Target to
be Ready. Waiting is sticky: once a resource is in the observed state it keeps
being rendered, because dropping it from desired state would make Crossplane
delete it whenever the table or target goes briefly unready.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from function.api.autoscaling import Dimension, Scaled
from function.render.apis import POLICY, TARGET
from function.render.capacity import gsis_handed_over, still_on_demand
from function.render.context import RenderContext
from function.render.contribution import Contribution
from function.render.names import index_slug, scope
from function.render.scheduled_scaling import (
    bounds_left_behind,
    hand_bounds_to_schedules,
    render_scheduled_action,
    schedule_name,
    schedules_for,
)
from function.render.status import at_provider, ready_in
from function.render.table import TABLE_NAME

__all__ = [
    "autoscaling_contribution",
    "index_slug",
    "policy_name",
    "render_scalable_target",
    "render_scaling_policy",
    "resource_id",
    "scalable_dimension",
    "scaling_ref",
    "target_name",
]

SERVICE_NAMESPACE = "dynamodb"
POLICY_TYPE = "TargetTrackingScaling"
_METRIC = {"read": "DynamoDBReadCapacityUtilization", "write": "DynamoDBWriteCapacityUtilization"}
_UNITS = {"read": "ReadCapacityUnits", "write": "WriteCapacityUnits"}


def target_name(index: str | None, dim: Dimension) -> str:
    """Resource name of a Target: ``table-read-target``, ``index-<gsi>-read-target``."""
    return f"{scope(index)}-{dim}-target"


def policy_name(index: str | None, dim: Dimension) -> str:
    """Resource name of a Policy: ``table-read-policy``, ``index-<gsi>-read-policy``."""
    return f"{scope(index)}-{dim}-policy"


def resource_id(table_name: str, index: str | None) -> str:
    """Application Auto Scaling's ResourceId: ``table/NAME`` or ``table/NAME/index/INDEX``."""
    return f"table/{table_name}" if index is None else f"table/{table_name}/index/{index}"


def scalable_dimension(index: str | None, dim: Dimension) -> str:
    """``dynamodb:table:ReadCapacityUnits``, ``dynamodb:index:WriteCapacityUnits``, ..."""
    kind = "table" if index is None else "index"
    return f"dynamodb:{kind}:{_UNITS[dim]}"


def scaling_ref(ctx: RenderContext, scaled: Scaled, dim: Dimension) -> dict[str, Any]:
    return {
        "resourceId": resource_id(ctx.table_name, scaled.index),
        "scalableDimension": scalable_dimension(scaled.index, dim),
        "serviceNamespace": SERVICE_NAMESPACE,
    }


def render_scalable_target(
    ctx: RenderContext, scaled: Scaled, dim: Dimension, scheduled: bool = True
) -> dict[str, Any]:
    """The ScalableTarget: which capacity the autoscaler may move, and how far.

    ``scheduled``: whether the dimension's schedules run on this target (always
    in the table's own region; in a replica region, for writes only).
    """
    target = ctx.skeleton(TARGET)
    fp = target["spec"]["forProvider"]
    settings = scaled.scaling(dim)
    fp.update(scaling_ref(ctx, scaled, dim))
    fp["minCapacity"] = settings.min_capacity
    fp["maxCapacity"] = settings.max_capacity
    if tags := ctx.child_tags:
        fp["tags"] = tags
    if scheduled:
        hand_bounds_to_schedules(target, scaled, dim)
    return target


def render_scaling_policy(ctx: RenderContext, scaled: Scaled, dim: Dimension) -> dict[str, Any]:
    """The target-tracking ScalingPolicy that holds utilization at the target."""
    # A policy name is unique per scalable target, so the metric name suffices;
    # it contains no "/", which the provider's policy identifier splits on.
    policy = ctx.skeleton(POLICY, external_name=_METRIC[dim])
    fp = policy["spec"]["forProvider"]
    settings = scaled.scaling(dim)
    fp["policyType"] = POLICY_TYPE
    fp.update(scaling_ref(ctx, scaled, dim))
    fp["targetTrackingScalingPolicyConfiguration"] = {
        "predefinedMetricSpecification": {"predefinedMetricType": _METRIC[dim]},
        "targetValue": settings.target_utilization,
        "scaleInCooldown": settings.scale_in_cooldown,
        "scaleOutCooldown": settings.scale_out_cooldown,
    }
    return policy


def _observed_indexes(observed_table: Any) -> list[dict[str, Any]]:
    gsis = at_provider(observed_table).get("globalSecondaryIndex")
    return [g for g in gsis if isinstance(g, dict)] if isinstance(gsis, list) else []


def _gsi_drift(ctx: RenderContext, scaled: list[Scaled], observed_table: Any) -> list[str]:
    """GSI changes the provider will not apply while the GSI list is in initProvider."""
    if not at_provider(observed_table):
        return []  # the table does not exist yet: initProvider creates every index
    live = {g.get("name"): g for g in _observed_indexes(observed_table)}
    wanted = {g.name for g in ctx.spec.global_secondary_indexes}
    why = (
        "is not applied while GSIs are autoscaled (the provider only creates the "
        "globalSecondaryIndex list, in spec.initProvider, with the table); set "
        "autoScaling.enabled: false on every GSI to apply it, then enable autoscaling again"
    )
    warnings = [
        f"spec.globalSecondaryIndexes: adding index {name!r} {why}; until then its key "
        "attributes are left out of the Table's attribute list, or provider-aws would refuse "
        "every update of the table (all attributes must be indexed)"
        for name in sorted(wanted - live.keys())
    ]
    warnings += [
        f"spec.globalSecondaryIndexes: removing index {name!r} {why}"
        for name in sorted(k for k in live.keys() - wanted if isinstance(k, str))
    ]
    # Fixed capacity of an opted-out index is ignored along with the list.
    autoscaled_indexes = {s.index for s in scaled}
    for i, gsi in enumerate(ctx.spec.global_secondary_indexes):
        pt, now = gsi.provisioned_throughput, live.get(gsi.name)
        if gsi.name in autoscaled_indexes or pt is None or now is None:
            continue
        want = (pt.read_capacity_units, pt.write_capacity_units)
        have = (now.get("readCapacity"), now.get("writeCapacity"))
        if None not in have and want != have:
            warnings.append(
                f"spec.globalSecondaryIndexes[{i}].provisionedThroughput: changing the capacity "
                f"of index {gsi.name!r} from {have[0]}/{have[1]} to {want[0]}/{want[1]} "
                f"(read/write) {why}"
            )
    return warnings


def autoscaling_contribution(ctx: RenderContext, observed: Mapping[str, Any]) -> Contribution:
    """Targets and Policies for every autoscaled table and GSI, in dependency order."""
    out = Contribution()
    scaled = ctx.autoscaled
    if not scaled:
        return out
    observed_table = observed.get(TABLE_NAME)
    table_ready = ready_in(observed, TABLE_NAME)
    live_indexes = {g.get("name") for g in _observed_indexes(observed_table)}
    switching = still_on_demand(ctx)
    if gsis_handed_over(scaled) and not switching:
        out.warnings.extend(_gsi_drift(ctx, scaled, observed_table))

    waiting_for_table = False
    for unit in scaled:
        exists = unit.index is None or unit.index in live_indexes
        for dim in unit.dimensions:
            t_name, p_name = target_name(unit.index, dim), policy_name(unit.index, dim)
            if not ((table_ready and exists and not switching) or t_name in observed):
                if switching:
                    waiting_for_table = True
                elif table_ready:
                    out.pending.append(f"{t_name} waits for index {unit.index!r} to exist")
                else:
                    waiting_for_table = True
                continue
            out.resources[t_name] = render_scalable_target(ctx, unit, dim)
            out.warnings.extend(bounds_left_behind(ctx, unit, dim, t_name, observed.get(t_name)))
            if ready_in(observed, t_name) or p_name in observed:
                out.resources[p_name] = render_scaling_policy(ctx, unit, dim)
            else:
                out.pending.append(f"{p_name} waits for {t_name} to be ready")
            for schedule in schedules_for(unit, dim):
                s_name = schedule_name(unit.index, dim, schedule.name)
                if ready_in(observed, t_name) or s_name in observed:
                    ref = scaling_ref(ctx, unit, dim)
                    out.resources[s_name] = render_scheduled_action(ctx, ref, dim, schedule)
                else:
                    out.pending.append(f"{s_name} waits for {t_name} to be ready")
    if waiting_for_table:
        why = (
            f"to switch from {ctx.observed.billing_mode} to PROVISIONED billing"
            if switching
            else "to be ready"
        )
        out.pending.insert(0, f"autoscaling targets wait for the table {why}")
    return out
