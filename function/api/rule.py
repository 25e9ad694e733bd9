"""What a validation rule is, and what breaking one looks like."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["FUNCTION_ONLY_INPUT", "FUNCTION_ONLY_OBSERVED", "Admission", "Rule", "Violation"]

# Where a rule is enforced besides the function: by the XRD's structural schema
# (types, enums, bounds), by a CEL rule in the XRD (generate/cel.py's CEL_RULES),
# or by the function alone, for the reason the rule gives.
Admission = Literal["schema", "cel", "function"]

# The two commonest reasons admission cannot decide a rule.
FUNCTION_ONLY_INPUT = "the policy is in the Composition's Input, which admission never sees"
FUNCTION_ONLY_OBSERVED = "compares with the observed Table, which admission never sees"


@dataclass(frozen=True)
class Rule:
    """A validation rule: what it checks, said so that both halves are clear."""

    id: str
    message: str
    source: str  # "planton" (spec.proto), "aws" (CreateTable limits) or "function"
    admission: Admission = "cel"
    # Why admission cannot decide a function-only rule.
    why: str = ""
    # A two-sided rule's sides, (name, what a spec did to break that side): a
    # refusal names the side it broke, and its CEL rules are one per side.
    sides: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if (self.admission == "function") != bool(self.why):
            raise ValueError(f"rule {self.id}: a function-only rule, and only one, says why")
        if len(self.sides) == 1:
            raise ValueError(f"rule {self.id}: a rule has no sides, or two or more")

    def says(self, side: str | None = None) -> str:
        """The message; of a two-sided rule, with the side this spec broke."""
        if side is None:
            return self.message
        return f"{self.message} ({dict(self.sides)[side]})"

    def messages(self) -> tuple[str, ...]:
        """Every message a refusal by this rule can carry (one per side)."""
        return tuple(self.says(name) for name, _ in self.sides) or (self.message,)


@dataclass(frozen=True)
class Violation:
    """One problem in a spec: where, which rule, and what to do about it."""

    path: str
    rule: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.rule}]"
