"""CloudWatch Contributor Insights for the table and for each GSI that asks.

AWS refuses Contributor Insights for a table or index it has not created yet,
so the table's waits for the observed Table to be Ready, and an index's also
for the Table to list that index. Once emitted a resource stays, even while the
table is updating: dropping it from desired state would make Crossplane delete it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from function.render.apis import CONTRIBUTOR_INSIGHTS
from function.render.context import RenderContext
from function.render.contribution import Contribution
from function.render.names import scope
from function.render.status import at_provider, ready_in
from function.render.table import CONTRIBUTOR_INSIGHTS_NAME, TABLE_NAME

__all__ = ["DEFAULT_MODE", "insights_contribution", "insights_name", "render_contributor_insights"]

# Said when the claim names no mode, so a mode removed from the claim reverts.
DEFAULT_MODE = "ACCESSED_AND_THROTTLED_KEYS"


def insights_name(index: str | None) -> str:
    """``contributor-insights`` for the table, ``index-<gsi>-insights`` for a GSI."""
    return CONTRIBUTOR_INSIGHTS_NAME if index is None else f"{scope(index)}-insights"


def render_contributor_insights(
    ctx: RenderContext, index: str | None = None, mode: str | None = None
) -> dict[str, Any]:
    """CloudWatch Contributor Insights for the table, or for one of its GSIs."""
    ci = ctx.skeleton(CONTRIBUTOR_INSIGHTS)
    fp = ci["spec"]["forProvider"]
    fp["tableName"] = ctx.table_name
    if index is not None:
        fp["indexName"] = index
    fp["mode"] = mode or DEFAULT_MODE
    return ci


def _live_indexes(observed: Mapping[str, Any]) -> set[str]:
    gsis = at_provider(observed.get(TABLE_NAME)).get("globalSecondaryIndex")
    if not isinstance(gsis, list):
        return set()
    return {g["name"] for g in gsis if isinstance(g, dict) and isinstance(g.get("name"), str)}


def insights_contribution(ctx: RenderContext, observed: Mapping[str, Any]) -> Contribution:
    """ContributorInsights for the table and each GSI that enables it, once each can exist."""
    out = Contribution()
    spec = ctx.spec
    wanted: list[tuple[str | None, str | None]] = []
    if spec.contributor_insights_enabled:
        wanted.append((None, spec.contributor_insights_mode))
    wanted += [
        (g.name, g.contributor_insights_mode)
        for g in spec.global_secondary_indexes
        if g.contributor_insights_enabled
    ]
    if not wanted:
        return out
    table_ready = ready_in(observed, TABLE_NAME)
    live = _live_indexes(observed) if table_ready else set()
    for index, mode in wanted:
        name = insights_name(index)
        exists = index is None or index in live
        if (table_ready and exists) or name in observed:
            out.resources[name] = render_contributor_insights(ctx, index, mode)
        elif not table_ready:
            what = "contributor insights" if index is None else name
            out.pending.append(f"{what} waits for the table to be ready")
        else:
            out.pending.append(f"{name} waits for index {index!r} to exist")
    return out
