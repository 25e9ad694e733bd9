"""The ``spec.accessPolicies`` block and the Input's defaults: IAM policies for the table's users.

A leaf module (only pydantic), so both ``spec.py`` and ``input.py`` can use it;
what the settings mean, how they are checked and the documents are in
``access.py``; the IAM Policies in ``render/access_policies.py``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["AccessPolicies", "AccessPolicyDefaults"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)


class AccessPolicies(_Model):
    """Which IAM policies to compose for the applications that use the table."""

    read_only: bool | None = Field(
        default=None,
        alias="readOnly",
        description=(
            "A policy to read items of the table and its indexes (default: the "
            "Composition's Input)."
        ),
    )
    read_write: bool | None = Field(
        default=None,
        alias="readWrite",
        description="A policy to read and write items (default: the Composition's Input).",
    )
    stream_read: bool | None = Field(
        default=None,
        alias="streamRead",
        description=(
            "A policy to read the table's stream; needs streamEnabled (default: the "
            "Composition's Input)."
        ),
    )


class AccessPolicyDefaults(_Model):
    """The platform's access policies: a claim's spec.accessPolicies wins field by field."""

    enabled: bool = Field(
        default=True,
        description=(
            "Compose access policies at all; false refuses a claim that asks for one "
            "and composes none."
        ),
    )
    read_only: bool = Field(
        default=False,
        alias="readOnly",
        description="A read-only policy for tables whose claim does not say.",
    )
    read_write: bool = Field(
        default=False,
        alias="readWrite",
        description="A read-write policy for tables whose claim does not say.",
    )
    stream_read: bool = Field(
        default=False,
        alias="streamRead",
        description=(
            "A stream-read policy for tables with streams whose claim does not say "
            "(tables without streams get none)."
        ),
    )
    condition: dict[str, Any] | None = Field(
        default=None,
        description=(
            "An IAM Condition block added to every statement of every access policy, "
            "such as {StringEquals: {aws:SourceVpce: vpce-...}}: a limit no claim can lift."
        ),
    )
