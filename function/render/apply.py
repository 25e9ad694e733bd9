"""What Crossplane's server-side apply of a composed resource needs from its body.

Crossplane applies each composed resource with server-side apply. When a
render stops saying every field under ``spec.initProvider`` that an earlier
render said (a GSI list back in ``forProvider`` for a change, a Target whose
schedules are gone), the API server removes them and stores
``initProvider: null``, even when the render says ``initProvider: {}``
(kubernetes/kubernetes issue 135841: server-side apply turns an empty object
into null). The provider's CRD refuses null ("spec.initProvider in body must be
of type object"), so the whole resource can no longer be applied and the change
never reaches the provider. The real control plane showed it (docs/e2e.md).

So a resource whose observed body has ``spec.initProvider`` keeps one that is
not empty: a copy of a field the function always renders in ``forProvider``.
Upjet ignores only the ``initProvider`` fields that ``forProvider`` lacks and
merges the rest without overwriting ``forProvider``, so an equal copy changes
nothing the provider does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["keep_init_provider_objects"]

INIT = "initProvider"
# Per kind, a forProvider field that the kind's initProvider schema also has
# (checked against the pinned CRDs by tests/test_apply_body.py).
KEEP_FIELD = {"Table": "billingMode", "Target": "serviceNamespace"}


def keep_init_provider_objects(
    bodies: Mapping[str, dict[str, Any]], observed: Mapping[str, Any]
) -> None:
    """Keep a non-empty ``spec.initProvider`` on each body whose observed one had it."""
    for name, body in bodies.items():
        spec = body.get("spec")
        seen = observed.get(name)
        seen_spec = seen.get("spec") if isinstance(seen, Mapping) else None
        had = isinstance(seen_spec, Mapping) and INIT in seen_spec
        if not had or not isinstance(spec, dict) or spec.get(INIT):
            continue
        field = KEEP_FIELD.get(str(body.get("kind")))
        fp = spec.get("forProvider")
        if field is not None and isinstance(fp, Mapping) and field in fp:
            spec[INIT] = {field: fp[field]}
        else:
            spec[INIT] = {}
