"""What a renderer returns: its resources, its warnings, and why anything waits."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Contribution"]


@dataclass
class Contribution:
    """What one renderer adds: resources, warnings, and why anything is still pending."""

    resources: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)
