"""The whole answer must fit in what Crossplane accepts from a function.

A valid spec can still make an answer too large: 20 autoscaled indexes with
schedules and alarms are hundreds of resources. Crossplane's gRPC client refuses
a larger answer (RESOURCE_EXHAUSTED) and the composite never syncs, with no word
of why. The servicer measures the answer it would send; this module says,
readably, which part is too big, so the claim's owner knows what to cut.
"""

from __future__ import annotations

from collections.abc import Iterable

from function.api.limits import CROSSPLANE_MESSAGE_MAX_BYTES
from function.api.rules import Violation
from function.api.validation import violation

__all__ = ["answer_too_large", "mib"]

# The largest parts named in the refusal.
_SHOWN = 4


def mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def answer_too_large(total: int, parts: Iterable[tuple[str, int]]) -> Violation | None:
    """A violation when ``total`` bytes pass the limit, naming the largest kinds of resource.

    ``parts``: (kind, bytes) of each resource in the answer.
    """
    if total <= CROSSPLANE_MESSAGE_MAX_BYTES:
        return None
    by_kind: dict[str, tuple[int, int]] = {}
    for kind, size in parts:
        count, summed = by_kind.get(kind, (0, 0))
        by_kind[kind] = (count + 1, summed + size)
    largest = sorted(by_kind.items(), key=lambda item: -item[1][1])[:_SHOWN]
    shown = ", ".join(f"{count} {kind} ({mib(size)})" for kind, (count, size) in largest)
    return violation("spec", "answer_size_max", f"the answer would be {mib(total)}: {shown}")
