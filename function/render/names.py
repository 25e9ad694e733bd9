"""Composition resource names for what is composed per GSI: stable, readable, unique.

A name must never change (Crossplane would delete and recreate the resource),
and two indexes must never share one. Names stay within 63 characters.
"""

from __future__ import annotations

import hashlib
import re

__all__ = ["index_slug", "scope"]

# Longest slugs that keep "index-<slug>-write-target" within 63 characters,
# with and without the 9-character ".<hash>" suffix.
_SLUG_MAX = 63 - len("index-") - len("-write-target")
_HASHED_SLUG_MAX = _SLUG_MAX - 9
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def index_slug(index: str) -> str:
    """A readable, stable, collision-free stand-in for a GSI name.

    Names already lowercase letters, digits and dashes (and short) are used as
    they are. Any other name gets a lowercased, dashed form plus ``.`` and a
    hash of the original: plain names never contain ``.``, so a hashed slug
    can never equal another index's plain one.
    """
    slug = _NOT_SLUG.sub("-", index.lower()).strip("-")
    if slug == index and len(slug) <= _SLUG_MAX:
        return slug
    digest = hashlib.sha256(index.encode()).hexdigest()[:8]
    slug = slug[:_HASHED_SLUG_MAX].rstrip("-")
    return f"{slug}.{digest}" if slug else digest


def scope(index: str | None) -> str:
    """``table`` for the table, ``index-<slug>`` for a GSI: the first part of a name."""
    return "table" if index is None else f"index-{index_slug(index)}"
