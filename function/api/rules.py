"""The catalogue of validation rules: stable ids and two-sided messages.

Python checks (``validation.py``), the XRD's CEL rules (``generate/cel.py``) and
the docs all take their wording from here, so a user reads the same sentence
whether admission or the function refuses a claim. The rules themselves are
listed in ``catalogue_table.py`` (the table's own) and ``catalogue_features.py``
(the function's additions); this module puts them in one catalogue.
"""

from __future__ import annotations

from function.api.catalogue_features import FEATURE_RULES
from function.api.catalogue_table import GUARD_AND_SCHEMA_RULES, TABLE_RULES
from function.api.rule import Admission, Rule, Violation

__all__ = ["RULES", "Admission", "Rule", "Violation", "format_violations", "list_violations"]


def _catalogue(*rules: Rule) -> dict[str, Rule]:
    catalogue = {r.id: r for r in rules}
    if len(catalogue) != len(rules):
        raise ValueError("two rules share an id")
    return catalogue


RULES: dict[str, Rule] = _catalogue(*TABLE_RULES, *FEATURE_RULES, *GUARD_AND_SCHEMA_RULES)


# A Fatal message stays readable, and far below gRPC's message limits, however
# hostile the spec: at most this many problems, each at most this long.
MAX_LISTED = 30
MAX_PROBLEM_CHARS = 400


def list_violations(violations: list[Violation]) -> str:
    """The problems joined by '; ', bounded in count and length."""
    items = []
    for v in violations[:MAX_LISTED]:
        text = str(v)
        if len(text) > MAX_PROBLEM_CHARS:
            text = text[: MAX_PROBLEM_CHARS - 1] + "…"
        items.append(text)
    if len(violations) > MAX_LISTED:
        items.append(f"and {len(violations) - MAX_LISTED} more")
    return "; ".join(items)


def format_violations(violations: list[Violation], subject: str = "AwsDynamodb spec") -> str:
    """One readable message listing every problem, for a single Fatal result."""
    count = len(violations)
    noun = "problem" if count == 1 else "problems"
    return f"invalid {subject}, {count} {noun}: {list_violations(violations)}"
