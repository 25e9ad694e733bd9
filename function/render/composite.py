"""What the function needs to know about the observed composite resource."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Composite", "read_composite"]


@dataclass(frozen=True)
class Composite:
    """The observed XR, reduced to the facts rendering depends on."""

    name: str
    namespace: str | None
    # Crossplane v1-style XRs (claims, and v2 legacy XRDs) keep Crossplane's
    # machinery at the top of spec and support connection details; v2 XRs
    # move it under spec.crossplane and drop connection details.
    legacy: bool
    spec: Any
    # Crossplane sets these; a claim cannot: the XR's uid and, for a claim's
    # XR, the claim's namespace and name (spec.claimRef, or its labels).
    uid: str = ""
    claim_namespace: str | None = None
    claim_name: str | None = None

    @property
    def tenant(self) -> tuple[str, str] | None:
        """(namespace, name) of what a tenant created: the claim or the namespaced XR."""
        if self.namespace:
            return self.namespace, self.name
        if self.claim_namespace and self.claim_name:
            return self.claim_namespace, self.claim_name
        return None

    @property
    def namespaced(self) -> bool:
        """Namespaced XRs (Crossplane v2) compose the namespaced .m. kinds."""
        return bool(self.namespace)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def read_composite(xr: Any) -> Composite:
    """Read an observed XR of any shape; missing or odd fields become empty."""
    xr = xr if isinstance(xr, dict) else {}
    meta = xr.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    spec = xr.get("spec")
    legacy = not (isinstance(spec, dict) and "crossplane" in spec)
    machinery = spec.get("crossplane") if isinstance(spec, dict) and not legacy else spec
    ref = _dict(_dict(machinery).get("claimRef"))
    labels = _dict(meta.get("labels"))
    return Composite(
        name=_str(meta.get("name")),
        namespace=_str(meta.get("namespace")) or None,
        legacy=legacy,
        spec=spec,
        uid=_str(meta.get("uid")),
        claim_namespace=_str(ref.get("namespace"))
        or _str(labels.get("crossplane.io/claim-namespace"))
        or None,
        claim_name=_str(ref.get("name")) or _str(labels.get("crossplane.io/claim-name")) or None,
    )
