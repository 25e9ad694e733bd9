"""Render the DynamoDB Table from a RenderContext."""

from __future__ import annotations

from typing import Any

from function.api.limits import PITR_PERIOD_DEFAULT
from function.api.spec import GlobalSecondaryIndex, LocalSecondaryIndex, Projection
from function.render.apis import TABLE
from function.render.capacity import (
    hand_capacity_to_autoscaler,
    index_only_live_attributes,
    still_on_demand,
)
from function.render.context import RenderContext
from function.render.create_source import render_create_sources
from function.render.policies import set_management_policies
from function.render.throughput import render_throughput

__all__ = [
    "CONTRIBUTOR_INSIGHTS_NAME",
    "TABLE_NAME",
    "render_table",
]

# Composition resource names: stable, or Crossplane deletes and recreates.
TABLE_NAME = "table"
CONTRIBUTOR_INSIGHTS_NAME = "contributor-insights"

# Planton spells the keys-only projection KEYS_ONLY_PROJECTION; AWS says KEYS_ONLY.
_AWS_PROJECTION = {"ALL": "ALL", "KEYS_ONLY_PROJECTION": "KEYS_ONLY", "INCLUDE": "INCLUDE"}


def _projection(projection: Projection, out: dict[str, Any]) -> None:
    out["projectionType"] = _AWS_PROJECTION[projection.type]
    if projection.non_key_attributes:
        out["nonKeyAttributes"] = list(projection.non_key_attributes)


def _keys(keys: list[Any], out: dict[str, Any]) -> None:
    for k in keys:
        out["hashKey" if k.key_type == "HASH" else "rangeKey"] = k.attribute_name


def _gsi(gsi: GlobalSecondaryIndex, provisioned: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"name": gsi.name}
    _keys(gsi.key_schema, out)
    _projection(gsi.projection, out)
    if provisioned and gsi.provisioned_throughput is not None:
        out["readCapacity"] = gsi.provisioned_throughput.read_capacity_units
        out["writeCapacity"] = gsi.provisioned_throughput.write_capacity_units
    return out


def _lsi(lsi: LocalSecondaryIndex) -> dict[str, Any]:
    out: dict[str, Any] = {"name": lsi.name}
    # An LSI always shares the table's hash key; the provider takes only its range key.
    out["rangeKey"] = next(k.attribute_name for k in lsi.key_schema if k.key_type == "RANGE")
    _projection(lsi.projection, out)
    return out


def _ttl(ctx: RenderContext) -> dict[str, Any]:
    """Always said, like streams and PITR: a ttl block dropped from the claim switches TTL off.

    AWS's UpdateTimeToLive needs the attribute name to switch TTL off, and the
    provider sends whatever ttl.attributeName says (empty: refused by AWS), so a
    disabled TTL names the attribute the claim gives, or else the one the table has.
    """
    ttl = ctx.spec.ttl
    if ttl is not None and ttl.enabled:
        return {"enabled": True, "attributeName": ttl.attribute_name}
    name = (ttl.attribute_name if ttl is not None else "") or ctx.observed.ttl_attribute
    return {"enabled": False, "attributeName": name} if name else {"enabled": False}


def render_table(ctx: RenderContext) -> dict[str, Any]:
    """The provider-aws Table for the request."""
    spec = ctx.spec
    table = ctx.skeleton(TABLE, external_name=ctx.table_name)
    fp = table["spec"]["forProvider"]
    provisioned = spec.billing_mode == "PROVISIONED"

    fp["attribute"] = [{"name": a.name, "type": a.type} for a in spec.attribute_definitions]
    _keys(spec.key_schema, fp)
    fp["billingMode"] = spec.billing_mode
    if provisioned and spec.provisioned_throughput is not None:
        fp["readCapacity"] = spec.provisioned_throughput.read_capacity_units
        fp["writeCapacity"] = spec.provisioned_throughput.write_capacity_units
    if spec.global_secondary_indexes:
        fp["globalSecondaryIndex"] = [_gsi(g, provisioned) for g in spec.global_secondary_indexes]
    if spec.local_secondary_indexes:
        fp["localSecondaryIndex"] = [_lsi(x) for x in spec.local_secondary_indexes]
    fp["ttl"] = _ttl(ctx)
    fp["streamEnabled"] = spec.stream_enabled
    if spec.stream_enabled and spec.stream_view_type is not None:
        fp["streamViewType"] = spec.stream_view_type
    fp["pointInTimeRecovery"] = {"enabled": bool(spec.point_in_time_recovery_enabled)}
    if spec.point_in_time_recovery_enabled:
        # Always said while enabled: a period dropped from the claim goes back to
        # AWS's default instead of staying at whatever it was.
        period = spec.point_in_time_recovery_period_days or PITR_PERIOD_DEFAULT
        fp["pointInTimeRecovery"]["recoveryPeriodInDays"] = period
    sse = spec.server_side_encryption
    if sse is not None:
        fp["serverSideEncryption"] = {"enabled": sse.enabled}
        if sse.enabled and sse.kms_key_arn:
            fp["serverSideEncryption"]["kmsKeyArn"] = sse.kms_key_arn
    # Said even when unset: the provider would otherwise late-initialise the
    # class AWS has, and a class removed from the claim would never revert.
    fp["tableClass"] = spec.table_class or "STANDARD"
    fp["deletionProtectionEnabled"] = spec.deletion_protection_enabled
    if spec.tags:
        fp["tags"] = dict(spec.tags)
    render_create_sources(spec, fp)
    render_throughput(spec, fp)
    # Capacity that Application Auto Scaling manages must not be reset by the provider.
    hand_capacity_to_autoscaler(table, [] if still_on_demand(ctx) else ctx.autoscaled)
    index_only_live_attributes(table, ctx)
    set_management_policies(table, ctx, observe_only=ctx.observe_only)
    return table
