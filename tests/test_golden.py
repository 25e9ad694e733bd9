"""Every example's whole `function render` answer equals its checked-in golden file."""

from __future__ import annotations

import pytest
import yaml

from tests.golden import CASES, EXAMPLES, GOLDEN, Case, render


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_render_matches_golden(case: Case) -> None:
    docs, code, stderr = render(case)
    assert case.golden.is_file(), f"no {case.golden.name}: run `make golden` and review it"
    want = list(yaml.safe_load_all(case.golden.read_text()))
    assert docs == want, (
        f"`function render` output for {case.name} differs from {case.golden.name}; "
        "if the change is intended, run `make golden` and review the diff"
    )
    fatal = [d for d in docs if d.get("kind") == "Result" and d.get("severity") == "Fatal"]
    assert code == (1 if fatal else 0), stderr
    assert "Traceback" not in stderr


def test_every_example_has_golden_output() -> None:
    covered = {c.xr for c in CASES}
    for xr in EXAMPLES.glob("*/xr.yaml"):
        assert f"examples/{xr.parent.name}/xr.yaml" in covered


def test_no_stale_golden_files() -> None:
    assert {p.name for p in GOLDEN.glob("*.yaml")} == {c.golden.name for c in CASES}


def test_fatal_cases_are_fatal() -> None:
    for case in CASES:
        if case.name.startswith("fatal-"):
            docs = list(yaml.safe_load_all(case.golden.read_text()))
            assert any(d.get("severity") == "Fatal" for d in docs if d.get("kind") == "Result")
