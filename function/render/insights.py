"""CloudWatch Contributor Insights for the table and for each GSI that asks.

AWS refuses Contributor Insights for a table or index it has not created yet,
so the table's waits for the observed Table to be Ready, and an index's also
for the Table to list that index. Once emitted a resource stays, even while the
table is updating: dropping it from desired state would make Crossplane delete it.

An existing resource keeps the mode it has. The provider's
``aws_dynamodb_contributor_insights`` has no Update and its ``mode`` does not
force a new resource (terraform-provider-aws
``internal/service/dynamodb/contributor_insights.go``), so a changed mode would
make the provider answer "doesn't support update" on every poll while the
resource still shows Ready, and AWS would keep the old mode. A Warning says how
to change it: switch insights off, let the resource go, switch them on again
(docs/table-options.md says why this is not done behind the claim's back).
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

# Said when the claim names no mode, so the provider never picks one of its own.
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


def _observed_mode(observed: Any) -> str | None:
    """The mode an observed ContributorInsights has: AWS's, else what it was created with."""
    for part in (at_provider(observed), _for_provider(observed)):
        mode = part.get("mode")
        if isinstance(mode, str) and mode:
            return mode
    return None


def _for_provider(resource: Any) -> Mapping[str, Any]:
    spec = resource.get("spec") if isinstance(resource, dict) else None
    fp = spec.get("forProvider") if isinstance(spec, dict) else None
    return fp if isinstance(fp, dict) else {}


def _mode_path(ctx: RenderContext, index: str | None) -> str:
    if index is None:
        return "spec.contributorInsightsMode"
    names = [g.name for g in ctx.spec.global_secondary_indexes]
    return f"spec.globalSecondaryIndexes[{names.index(index)}].contributorInsightsMode"


def _kept_mode(
    ctx: RenderContext, index: str | None, wanted: str, observed: Any
) -> tuple[str, str | None]:
    """The mode to render, and a Warning when it is not the claim's."""
    have = _observed_mode(observed)
    if have is None or have == wanted:
        return wanted, None
    enabled = _mode_path(ctx, index).replace("Mode", "Enabled")
    return have, (
        f"{_mode_path(ctx, index)}: the provider cannot change the mode of existing "
        f"Contributor Insights (no update, and the mode does not replace them), so "
        f"{insights_name(index)} keeps {have} instead of {wanted}; to change it, set "
        f"{enabled}: false, wait until {insights_name(index)} is gone, then enable "
        f"it again with the new mode"
    )


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
            kept, warning = _kept_mode(ctx, index, mode or DEFAULT_MODE, observed.get(name))
            out.resources[name] = render_contributor_insights(ctx, index, kept)
            if warning is not None:
                out.warnings.append(warning)
        elif not table_ready:
            what = "contributor insights" if index is None else name
            out.pending.append(f"{what} waits for the table to be ready")
        else:
            out.pending.append(f"{name} waits for index {index!r} to exist")
    return out
