"""Golden outputs: the whole `function render` answer for every example, checked in.

Each case is rendered by the real command line, as a user runs it, and compared
with tests/golden/NAME.yaml as parsed YAML, so any change to what the function
emits shows up as a readable diff in review. After an intended change run
`make golden` (this module as a script) and review the diff of tests/golden/.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
GOLDEN = ROOT / "tests" / "golden"
FUNCTION = Path(sys.executable).parent / "function"
INPUT = "examples/input.yaml"


@dataclass(frozen=True)
class Case:
    """One `function render` run: the XR, what is observed, and the Input."""

    name: str
    xr: str
    observed: tuple[str, ...] = ()
    input: str | None = INPUT
    reason: str = ""
    extra_args: tuple[str, ...] = field(default=())

    @property
    def golden(self) -> Path:
        return GOLDEN / f"{self.name}.yaml"

    def argv(self) -> list[str]:
        argv = [str(FUNCTION), "render", self.xr]
        for path in self.observed:
            argv += ["--observed", path]
        if self.input is not None:
            argv += ["--input", self.input]
        return argv


def _example_cases() -> list[Case]:
    cases = []
    for xr in sorted(EXAMPLES.glob("*/xr.yaml")):
        name = xr.parent.name
        own_input = xr.parent / "input.yaml"
        fn_input = str(own_input.relative_to(ROOT)) if own_input.is_file() else INPUT
        rel = str(xr.relative_to(ROOT))
        cases.append(Case(f"{name}-first-reconcile", rel, (), fn_input, "nothing observed yet"))
        if (xr.parent / "observed").is_dir():
            observed = (str((xr.parent / "observed").relative_to(ROOT)),)
            cases.append(Case(name, rel, observed, fn_input, "everything observed ready"))
    return cases


CASES: list[Case] = [
    Case("quick-start", "examples/xr.yaml", (), None, "what `make render` prints"),
    *_example_cases(),
    Case(
        "fatal-invalid-spec",
        "tests/fixtures/invalid-xr.yaml",
        reason="three problems, one Fatal naming each field",
    ),
    Case(
        "fatal-key-change",
        "tests/fixtures/golden/key-change-xr.yaml",
        ("examples/minimal/observed",),
        reason="the partition key of an existing table changed: refused, nothing applied",
    ),
    Case(
        "observed-table-free",
        "examples/minimal/xr.yaml",
        ("tests/fixtures/golden/observed-table-free.yaml",),
        reason="the observe-only Table says no such table exists: the function now manages it",
    ),
    Case(
        "fatal-foreign-table",
        "tests/fixtures/golden/foreign-table-xr.yaml",
        ("tests/fixtures/golden/foreign-table-observed.yaml",),
        reason="the claim names another team's existing table: refused, nothing of it shown",
    ),
    # Issue 21's reproducers (tests/fixtures/interplay/, tests/test_interplay.py).
    Case(
        "interplay-gsi-warm-throughput",
        "tests/fixtures/interplay/gsi-warm-throughput/xr.yaml",
        ("tests/fixtures/interplay/gsi-warm-throughput/observed.yaml",),
        reason="AWS raised an index's warm throughput above the claim's: held at AWS's, a Warning",
    ),
    Case(
        "interplay-insights-mode",
        "tests/fixtures/interplay/insights-mode/xr.yaml",
        ("tests/fixtures/interplay/insights-mode/observed.yaml",),
        reason="contributor insights modes changed: each keeps its mode, a Warning says how",
    ),
    Case(
        "interplay-warm-baseline",
        "tests/fixtures/interplay/warm-baseline/xr.yaml",
        reason="warm throughput exactly at AWS's baseline: refused, naming both fields",
    ),
    Case(
        "interplay-global-table",
        "tests/fixtures/interplay/global-table/xr.yaml",
        ("examples/global/observed",),
        reason="write schedules in every region; replicas keep 35 days of recovery: a Warning",
    ),
    Case(
        "interplay-scheduled-max-change",
        "tests/fixtures/interplay/scheduled-max-change/xr.yaml",
        ("examples/scheduled/observed",),
        reason="maxCapacity raised on a scheduled dimension no schedule sets: a Warning",
    ),
]


def render(case: Case) -> tuple[list[Any], int, str]:
    """The documents `function render` prints, its exit code and its stderr."""
    proc = subprocess.run(
        case.argv(), cwd=ROOT, capture_output=True, text=True, timeout=60, check=False
    )
    return list(yaml.safe_load_all(proc.stdout)), proc.returncode, proc.stderr


def header(case: Case) -> str:
    args = " ".join(case.argv()[1:])
    return (
        f"# Golden output of `function {args}`\n"
        f"# ({case.reason}). Written by `make golden`; review its diff, do not edit.\n"
    )


def write_all() -> None:
    GOLDEN.mkdir(exist_ok=True)
    names = set()
    for case in CASES:
        docs, _, _ = render(case)
        text = yaml.safe_dump_all(docs, sort_keys=False, width=100)
        case.golden.write_text(header(case) + text)
        names.add(case.golden.name)
    for stale in GOLDEN.glob("*.yaml"):
        if stale.name not in names:
            stale.unlink()
    print(f"wrote {len(CASES)} golden files to {GOLDEN.relative_to(ROOT)}/")


if __name__ == "__main__":
    write_all()
