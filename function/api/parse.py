"""Parse an untrusted spec into the pydantic model, or into readable violations.

Whatever the input's shape, ``parse_spec`` returns; it never raises. Schema
problems (types, enums, bounds, unknown fields) come back as ``Violation``s with
the XR's camelCase field path, the same shape as the cross-field rules in
``validation.py``.
"""

from __future__ import annotations

import difflib
import functools
import re
import typing
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from function.api.limits import NAME_PATTERN
from function.api.rules import RULES, Violation
from function.api.spec import AwsDynamodbSpec, Spelling
from function.api.yaml11 import boolean_for_string

__all__ = ["ParsedSpec", "field_path", "parse_model", "parse_spec"]

M = TypeVar("M", bound=BaseModel)

# pydantic error type -> rule id. The catalogue's message is used where it says
# it all; otherwise pydantic's own text, which names the bound or the choices.
_ERRORS: dict[str, str] = {
    "missing": "required",
    "extra_forbidden": "unknown_field",
    "literal_error": "enum",
    "string_pattern_mismatch": "name_format",
    "too_short": "bounds",
    "too_long": "bounds",
    "string_too_short": "bounds",
    "string_too_long": "bounds",
    "greater_than_equal": "bounds",
    "less_than_equal": "bounds",
    "greater_than": "bounds",
    "less_than": "bounds",
}
_CATALOGUE_WORDS = frozenset({"required", "unknown_field", "name_format"})


@dataclass
class ParsedSpec:
    """The outcome of parsing: a model, or the reasons there is none."""

    spec: AwsDynamodbSpec | None
    violations: list[Violation] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The user's part of the spec as given (Crossplane's own fields left out).
    user: dict[str, Any] = field(default_factory=dict)


def field_path(prefix: str, loc: Sequence[int | str]) -> str:
    """Render a pydantic location as the XR's field path: a.b[1].c."""
    path = prefix
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif path:
            path += f".{part}"
        else:
            path = str(part)
    return path


def _models_in(annotation: Any) -> Iterator[type[BaseModel]]:
    """The models an annotation can hold: X, X | None, list[X], dict[str, X], ..."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    for arg in typing.get_args(annotation):
        yield from _models_in(arg)


@functools.lru_cache(maxsize=256)
def _fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The field names (aliases) of the object at ``loc`` in ``model``'s data, or []."""
    models = [model]
    for part in loc:
        if isinstance(part, int):
            continue  # a list item: the same annotation's model
        nxt: list[type[BaseModel]] = []
        for m in models:
            for name, info in m.model_fields.items():
                if part in (info.alias, name):
                    nxt.extend(_models_in(info.annotation))
        models = nxt
    return sorted({info.alias or name for m in models for name, info in m.model_fields.items()})


def _closest(key: str, fields: list[str]) -> str | None:
    """The field ``key`` most likely misspells: same letters in another case, else close."""
    same = [f for f in fields if f.lower() == key.lower()]
    if same:
        return same[0]
    by_lower = {f.lower(): f for f in fields}
    match = difflib.get_close_matches(key.lower(), list(by_lower), n=1, cutoff=0.75)
    return by_lower[match[0]] if match else None


# Suggestions cost a fuzzy match each: a spec of thousands of unknown fields must
# not cost thousands of them (tests/test_serving.py sends 60000).
_MAX_SUGGESTIONS = 10
_MAX_SUGGESTED_KEY = 64


def _describe(error: Any, model: type[BaseModel] | None = None) -> tuple[str, str]:
    kind = error["type"]
    rule = _ERRORS.get(kind, "type")
    if rule == "name_format" and error.get("ctx", {}).get("pattern") != NAME_PATTERN:
        rule = "format"  # a schedule, time zone or time: pydantic's text names the pattern
    if rule in _CATALOGUE_WORDS:
        text = RULES[rule].message
        loc = error.get("loc") or ()
        key = loc[-1] if loc else None
        if model is not None and isinstance(key, str) and len(key) <= _MAX_SUGGESTED_KEY:
            suggestion = _closest(key, _fields_at(model, tuple(loc[:-1])))
            if suggestion:
                text += f" (did you mean {suggestion}?)"
    elif isinstance(error.get("input"), bool) and kind in ("literal_error", "string_type"):
        # An unquoted N, no or off where a string belongs: YAML made it a boolean.
        expected = str(error.get("ctx", {}).get("expected", ""))
        text = boolean_for_string(error["input"], re.findall(r"'([^']*)'", expected))
    else:
        text = str(error["msg"])
        text = text.replace("Input should be", "must be").replace("String should", "should")
        text = text.replace("List should", "should").replace("Dictionary should", "should")
        text = text.replace(" after validation", "")
        given = error.get("input")
        if (kind == "literal_error" or rule == "type") and isinstance(given, str | int | float):
            # A quoted number or an unquoted word is the usual slip: show what came.
            text += f" (got {given!r})"
    return rule, text


def parse_model(
    model: type[M], raw: Any, prefix: str
) -> tuple[M | None, list[Violation], list[str]]:
    """Validate ``raw`` against ``model``; violations carry paths under ``prefix``."""
    spellings: list[Spelling] = []
    try:
        parsed = model.model_validate(raw, context={"spellings": spellings})
    except ValidationError as exc:
        violations = []
        suggested = 0
        for error in exc.errors(include_url=False):
            unknown = error["type"] == "extra_forbidden"
            suggest = unknown and suggested < _MAX_SUGGESTIONS
            suggested += suggest
            rule, text = _describe(error, model if suggest else None)
            violations.append(Violation(field_path(prefix, error["loc"]), rule, text))
        # The spellings met before and around the errors are still worth saying.
        return None, violations, spelling_warnings(raw, spellings, prefix)
    return parsed, [], spelling_warnings(raw, spellings, prefix)


def _leaves(node: Any, path: str, parent: str) -> Iterator[tuple[str, str, str, Any]]:
    """(path, parent key, key, value) of every mapping entry, depth first."""
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{path}.{key}" if path else str(key)
            yield child, parent, str(key), value
            yield from _leaves(value, child, str(key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            # A list item's entries belong to the list's key (attributeDefinitions.type).
            yield from _leaves(item, f"{path}[{i}]", parent)


def spelling_warnings(raw: Any, spellings: list[Spelling], prefix: str) -> list[str]:
    """One warning per older spelling used, naming every field path that uses it."""
    warnings = []
    for spelling in dict.fromkeys(spellings):
        parent, _, key = spelling.field.rpartition(".")
        paths = [
            p
            for p, par, k, v in _leaves(raw, prefix, prefix)
            if k == key and v == spelling.value and (not parent or par == parent)
        ]
        where = ", ".join(paths) or f"{prefix}.{spelling.field}"
        value, preferred = spelling.value, spelling.preferred
        if preferred is None:
            warnings.append(f"{where}: {value} means unset; omit the field instead")
        else:
            warnings.append(f"{where}: {value} is an older spelling; write {preferred} instead")
    return warnings


def parse_spec(raw: Any) -> ParsedSpec:
    """Parse an XR's ``spec``. An absent or non-object spec is a violation, not a crash."""
    if raw is None:
        return ParsedSpec(None, [Violation("spec", "required", RULES["required"].message)])
    if not isinstance(raw, dict):
        return ParsedSpec(None, [Violation("spec", "type", "must be an object")])
    # Crossplane adds its own machinery under spec (claimRef, compositionRef,
    # resourceRefs, crossplane, ...); those are not the user's table request.
    user = {k: v for k, v in raw.items() if k not in _CROSSPLANE_SPEC_FIELDS}
    spec, violations, warnings = parse_model(AwsDynamodbSpec, user, "spec")
    return ParsedSpec(spec, violations, warnings, user)


# Fields Crossplane itself writes into a composite's spec (v1 legacy and v2).
_CROSSPLANE_SPEC_FIELDS = frozenset(
    {
        "crossplane",
        "claimRef",
        "compositionRef",
        "compositionSelector",
        "compositionRevisionRef",
        "compositionRevisionSelector",
        "compositionUpdatePolicy",
        "environmentConfigRefs",
        "resourceRefs",
        "publishConnectionDetailsTo",
        "writeConnectionSecretToRef",
    }
)
