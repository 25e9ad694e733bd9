"""What rendering needs to know of the Table the provider already observes.

Read defensively: the observed Table may be absent, partial or of any shape; a
value of the wrong type counts as unknown. ``status.atProvider`` is what AWS
reported; ``spec.forProvider`` what was last applied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from function.render.status import at_provider

__all__ = ["ObservedTable", "read_observed_table"]


@dataclass(frozen=True)
class ObservedTable:
    """Facts about the existing table; the defaults describe a table not created yet."""

    # The provider has read the table from AWS (status.atProvider is filled).
    exists: bool = False
    billing_mode: str | None = None
    # Live GSIs: name -> the attribute names of its keys.
    gsi_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    attribute_types: dict[str, str] = field(default_factory=dict)
    # The TTL attribute AWS has or was last given; AWS needs it to switch TTL off.
    ttl_attribute: str | None = None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def read_observed_table(resource: Any) -> ObservedTable:
    """The facts of an observed Table resource (anything else: a table not created yet)."""
    ap = at_provider(resource)
    fp = _dict(_dict(_dict(resource).get("spec")).get("forProvider"))
    gsi_keys: dict[str, tuple[str, ...]] = {}
    for gsi in _dicts(ap.get("globalSecondaryIndex")):
        name = _str(gsi.get("name"))
        if name is not None:
            # hashKey/rangeKey, or the newer keySchema list, whichever the provider reports.
            keys = [_str(gsi.get("hashKey")), _str(gsi.get("rangeKey"))]
            keys += [_str(k.get("attributeName")) for k in _dicts(gsi.get("keySchema"))]
            gsi_keys[name] = tuple(dict.fromkeys(k for k in keys if k is not None))
    types = {
        n: t
        for a in _dicts(ap.get("attribute"))
        if (n := _str(a.get("name"))) is not None and (t := _str(a.get("type"))) is not None
    }
    ttl = _str(_dict(ap.get("ttl")).get("attributeName")) or _str(
        _dict(fp.get("ttl")).get("attributeName")
    )
    return ObservedTable(
        exists=bool(ap),
        billing_mode=_str(ap.get("billingMode")),
        gsi_keys=gsi_keys,
        attribute_types=types,
        ttl_attribute=ttl,
    )
