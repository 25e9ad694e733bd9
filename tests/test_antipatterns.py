"""Anti-pattern warnings: one result per finding, with path and reason; switchable off."""

from __future__ import annotations

from typing import Any

import pytest

from function.compose import Outcome, Request, compose
from function.safety.antipatterns import ANTI_PATTERNS, looks_low_cardinality
from tests.support import FIXTURES, load_yaml

CASES = load_yaml(FIXTURES / "antipatterns" / "cases.yaml")


def _run(spec: dict[str, Any], fn_input: dict[str, Any] | None = None) -> Outcome:
    xr = {"apiVersion": "aws.project-planton.org/v1", "kind": "XAwsDynamodb"}
    xr["metadata"] = {"name": "orders"}
    xr["spec"] = spec
    return compose(Request(composite=xr, input=fn_input))


def _anti(outcome: Outcome) -> list[str]:
    assert not outcome.fatal, outcome.results
    return [r.message for r in outcome.results if r.reason == "AntiPattern"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_anti_pattern_cases(case: dict[str, Any]) -> None:
    found = _anti(_run(case["spec"]))
    expected = case["warnings"]
    assert len(found) == len(expected), found
    for message, want in zip(sorted(found), sorted(expected, key=lambda w: w["path"]), strict=True):
        assert message.startswith(want["path"] + ": "), message
        assert f"[{want['id']};" in message
        for text in want.get("says", []):
            assert text in message


def _worst() -> dict[str, Any]:
    return next(c for c in CASES if c["name"] == "every anti-pattern at once")["spec"]


def test_all_warnings_switch_off() -> None:
    assert _anti(_run(_worst(), {"warnings": {"antiPatterns": False}})) == []


def test_one_warning_switches_off_by_id() -> None:
    every = _anti(_run(_worst()))
    without = _anti(_run(_worst(), {"warnings": {"disabled": ["pitr_disabled"]}}))
    assert any("[pitr_disabled;" in m for m in every)
    assert not any("[pitr_disabled;" in m for m in without)
    assert len(without) == len(every) - 1


def test_unknown_id_in_disabled_is_reported_not_fatal() -> None:
    found = _anti(_run(_worst(), {"warnings": {"disabled": ["pitr_disabled", "no_such"]}}))
    assert found[0].startswith("input.warnings.disabled[1]: 'no_such' is not an anti-pattern id")


def test_every_anti_pattern_has_a_case() -> None:
    ids = {w["id"] for c in CASES for w in c["warnings"]}
    assert ids == {p.id for p in ANTI_PATTERNS}


@pytest.mark.parametrize(
    ("name", "low"),
    [
        ("status", True),
        ("orderStatus", True),
        ("order_type", True),
        ("created-date", True),
        ("CATEGORY", True),
        ("isActive", True),
        ("pk", False),
        ("userId", False),
        ("statusId", False),
        ("orderDateTime", False),
        ("", False),
    ],
)
def test_low_cardinality_heuristic(name: str, low: bool) -> None:
    assert looks_low_cardinality(name) is low
