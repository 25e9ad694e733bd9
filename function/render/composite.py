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

    @property
    def namespaced(self) -> bool:
        """Namespaced XRs (Crossplane v2) compose the namespaced .m. kinds."""
        return bool(self.namespace)


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def read_composite(xr: Any) -> Composite:
    """Read an observed XR of any shape; missing or odd fields become empty."""
    xr = xr if isinstance(xr, dict) else {}
    meta = xr.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    spec = xr.get("spec")
    legacy = not (isinstance(spec, dict) and "crossplane" in spec)
    return Composite(
        name=_str(meta.get("name")),
        namespace=_str(meta.get("namespace")) or None,
        legacy=legacy,
        spec=spec,
    )
