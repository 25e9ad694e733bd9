"""The base of every spec model: strict types, unknown fields refused."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Model"]


class Model(BaseModel):
    # Unknown fields are refused rather than dropped, so a typo such as
    # `pointInTimeRecovery` is reported instead of silently ignored.
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, defer_build=True)
