"""Keep the provider from resetting capacity that Application Auto Scaling manages.

Upjet applies ``spec.initProvider`` only when it creates the table and leaves
those fields out of every later diff, so capacity placed there is the
autoscaler's to change. Two provider details shape what moves
(docs/autoscaling.md has the evidence):

- ``globalSecondaryIndex`` is a Terraform set. Upjet's ignore list names list
  positions (``global_secondary_index.0.read_capacity``) while the set's diff is
  keyed by element hash, so an index's capacity in ``initProvider`` is still
  reset (provider-upjet-aws issue 1760). Only the whole block can be ignored:
  when any GSI is autoscaled, the whole ``globalSecondaryIndex`` list moves.
- Late initialization copies observed values into empty ``forProvider``
  fields, which would take them out of the ignore list again. The Table sets no
  late-init filter for these fields, so no Table is late-initialised
  (function/render/policies.py).
"""

from __future__ import annotations

from typing import Any

from function.api.autoscaling import Scaled
from function.render.context import RenderContext

__all__ = [
    "gsis_handed_over",
    "hand_capacity_to_autoscaler",
    "index_only_live_attributes",
    "still_on_demand",
]


def still_on_demand(ctx: RenderContext) -> bool:
    """True while an existing table AWS still bills on demand is asked to be PROVISIONED.

    Until AWS has switched it, the switch must carry every capacity number:
    capacity in initProvider is ignored on an existing table, so provider-aws
    would send a default 1/1 and no index throughput, which AWS refuses
    ("ProvisionedThroughput must be specified for index", provider-upjet-aws#1041),
    and a Target cannot register capacity of an on-demand table. So capacity
    and the index list stay in forProvider, and Targets wait, until then.
    """
    billing = ctx.observed.billing_mode
    return ctx.observed.exists and billing is not None and billing != "PROVISIONED"


def gsis_handed_over(scaled: list[Scaled]) -> bool:
    """True when the GSI list lives in initProvider: some index is autoscaled."""
    return any(s.index is not None for s in scaled)


def hand_capacity_to_autoscaler(table: dict[str, Any], scaled: list[Scaled]) -> None:
    """Move autoscaled capacity of a rendered Table from forProvider to initProvider."""
    fp = table["spec"]["forProvider"]
    init: dict[str, Any] = {}
    whole = next((s for s in scaled if s.index is None), None)
    # Only the dimensions that scale: a fixed one stays the provider's to apply.
    for dim in whole.dimensions if whole is not None else ():
        key = f"{dim}Capacity"
        if key in fp:
            init[key] = fp.pop(key)
    if gsis_handed_over(scaled) and "globalSecondaryIndex" in fp:
        init["globalSecondaryIndex"] = fp.pop("globalSecondaryIndex")
    if init:
        table["spec"]["initProvider"] = init


def _key_attributes(fp: dict[str, Any]) -> set[str]:
    keys = {fp.get("hashKey"), fp.get("rangeKey")}
    keys |= {lsi.get("rangeKey") for lsi in fp.get("localSecondaryIndex", [])}
    return {k for k in keys if isinstance(k, str)}


def index_only_live_attributes(table: dict[str, Any], ctx: RenderContext) -> None:
    """While the GSI list is in initProvider, define exactly the attributes live indexes use.

    The provider then plans the indexes AWS has, and its attribute check ("all
    attributes must be indexed", provider-upjet-aws#1597) fails the whole table
    for an attribute only a not-yet-live index uses, or for a live index's
    attribute the claim dropped. So a new index's attributes wait with it, and
    a removed index's attributes stay (typed as AWS reports them).
    """
    init = table["spec"].get("initProvider", {})
    if not ctx.observed.exists or "globalSecondaryIndex" not in init:
        return
    fp = table["spec"]["forProvider"]
    used = _key_attributes(fp)
    wanted = {g["name"]: g for g in init["globalSecondaryIndex"]}
    for name, reported in ctx.observed.gsi_keys.items():
        keys: tuple[Any, ...] = reported
        if not keys:  # not reported: the claim's keys for it, if it has the index
            if name not in wanted:
                return  # a live index of unknown keys: nothing safe to leave out
            keys = (wanted[name].get("hashKey"), wanted[name].get("rangeKey"))
        used.update(k for k in keys if isinstance(k, str))
    attributes = [a for a in fp["attribute"] if a["name"] in used]
    defined = {a["name"] for a in attributes}
    for name in sorted(used - defined):
        kind = ctx.observed.attribute_types.get(name)
        if kind is not None:
            attributes.append({"name": name, "type": kind})
    fp["attribute"] = attributes
