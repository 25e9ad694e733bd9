"""Planton's older enum spellings: accepted, normalised, and remembered for a warning.

Planton's current names are canonical. Its older prefixed names
(``BILLING_MODE_PAY_PER_REQUEST``) and AWS's own ``KEYS_ONLY`` projection are
accepted and normalised; each older spelling (not AWS's current name, see
``Spelled.current``) is recorded in the validation context
(``context={"spellings": [...]}``) so the caller can tell the user the preferred
spelling. ``*_UNSPECIFIED`` values mean "not set".

An enum type is one line: ``Annotated[Literal[...], Spelled(field, Literal[...], aliases)]``,
or ``Annotated[Literal[...] | None, ...]`` where the field is optional (so that
``*_UNSPECIFIED`` can become None).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any, get_args

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

__all__ = ["Spelled", "Spelling", "accepted_spellings"]


@dataclass(frozen=True)
class Spelling:
    """An older spelling met while parsing, where (``parent.key`` or ``key``) and its successor."""

    field: str
    value: str
    preferred: str | None


@dataclass(frozen=True)
class Spelled:
    """Annotated metadata: accept ``aliases`` for the ``canonical`` Literal's values.

    ``aliases`` maps an accepted spelling to its canonical value (``None`` for
    Planton's ``*_UNSPECIFIED`` zero values). ``current`` lists aliases that are
    not older spellings but other current names (AWS's ``KEYS_ONLY``): they are
    normalised without a deprecation warning.
    """

    field: str
    canonical: Any
    aliases: dict[str, str | None]
    current: frozenset[str] = dataclasses.field(default_factory=frozenset)

    @property
    def accepted(self) -> list[str]:
        """Every accepted spelling, canonical first."""
        return [*get_args(self.canonical), *self.aliases]

    def normalise(self, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and value in self.aliases:
            preferred = self.aliases[value]
            spellings = (info.context or {}).get("spellings")
            if spellings is not None and value not in self.current:
                spellings.append(Spelling(self.field, value, preferred))
            return preferred
        return value

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.with_info_before_validator_function(self.normalise, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        # The schema lists every accepted spelling, so admission takes Planton's older ones.
        return {"type": "string", "enum": self.accepted}


def accepted_spellings(enum_type: Any) -> list[str]:
    """Every spelling an enum type accepts (canonical first), for docs and the XRD."""
    for meta in getattr(enum_type, "__metadata__", ()):
        if isinstance(meta, Spelled):
            return meta.accepted
    return []
