"""What Crossplane's server-side apply of a composed resource needs from its body.

Crossplane applies each composed resource with server-side apply. When a
render stops saying every field under ``spec.initProvider`` that an earlier
render said (a GSI list handed back to ``forProvider``, a Target whose
schedules are gone), the API server removes them and leaves
``initProvider: null`` behind, which the provider's CRD refuses ("spec.initProvider
in body must be of type object"): the whole resource can then no longer be
applied, and the change that emptied it never reaches the provider. The real
provider's run showed it (docs/e2e.md). So a resource whose observed body has
``spec.initProvider`` keeps an empty one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["keep_init_provider_objects"]

INIT = "initProvider"


def keep_init_provider_objects(
    bodies: Mapping[str, dict[str, Any]], observed: Mapping[str, Any]
) -> None:
    """Give an empty ``spec.initProvider`` to each rendered body whose observed one had it."""
    for name, body in bodies.items():
        spec = body.get("spec")
        seen = observed.get(name)
        seen_spec = seen.get("spec") if isinstance(seen, Mapping) else None
        had = isinstance(seen_spec, Mapping) and INIT in seen_spec
        if had and isinstance(spec, dict) and INIT not in spec:
            spec[INIT] = {}
