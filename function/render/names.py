"""Composition resource names for what is composed per GSI: stable, readable, unique.

A name must never change (Crossplane would delete and recreate the resource),
and two indexes must never share one. Names stay within 63 characters.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["index_slug", "scope"]

# Longest slug that keeps "index-<slug>-write-target" within 63 characters;
# a hashed slug spends 9 of them on ".<hash>".
_SLUG_MAX = 63 - len("index-") - len("-write-target")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def index_slug(index: str, slug_max: int = _SLUG_MAX) -> str:
    """A readable, stable, collision-free stand-in for a GSI name, at most ``slug_max`` long.

    Names already lowercase letters, digits and dashes (and short) are used as
    they are. Any other name gets a lowercased, dashed form plus ``.`` and a
    hash of the original: plain names never contain ``.``, so a hashed slug
    can never equal another index's plain one.
    """
    slug = _NOT_SLUG.sub("-", index.lower()).strip("-")
    if slug == index and len(slug) <= slug_max:
        return slug
    digest = hashlib.sha256(index.encode()).hexdigest()[:8]
    slug = slug[: slug_max - 9].rstrip("-")
    return f"{slug}.{digest}" if slug else digest


def scope(index: str | None) -> str:
    """``table`` for the table, ``index-<slug>`` for a GSI: the first part of a name."""
    return "table" if index is None else f"index-{index_slug(index)}"
