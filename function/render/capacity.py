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

__all__ = ["gsis_handed_over", "hand_capacity_to_autoscaler"]


def gsis_handed_over(scaled: list[Scaled]) -> bool:
    """True when the GSI list lives in initProvider: some index is autoscaled."""
    return any(s.index is not None for s in scaled)


def hand_capacity_to_autoscaler(table: dict[str, Any], scaled: list[Scaled]) -> None:
    """Move autoscaled capacity of a rendered Table from forProvider to initProvider."""
    fp = table["spec"]["forProvider"]
    init: dict[str, Any] = {}
    if any(s.index is None for s in scaled):
        for key in ("readCapacity", "writeCapacity"):
            if key in fp:
                init[key] = fp.pop(key)
    if gsis_handed_over(scaled) and "globalSecondaryIndex" in fp:
        init["globalSecondaryIndex"] = fp.pop("globalSecondaryIndex")
    if init:
        table["spec"]["initProvider"] = init
