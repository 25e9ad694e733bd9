"""What the function renders for every example and every valid fixture case.

Shared by the CRD-conformance tests (jsonschema) and `crank beta validate`, so
both judge the same managed resources. Examples go through `function render`,
the CLI a user runs; fixture cases through the pure core, for speed.
"""

from __future__ import annotations

import functools
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from function.compose import compose
from tests.support import EXAMPLES, FIXTURES, ROOT, crossplane_request, load_yaml, reported_tags

EXAMPLE_DIRS = sorted(p.parent.name for p in EXAMPLES.glob("*/xr.yaml"))
VALID_SPECS: list[dict[str, Any]] = load_yaml(FIXTURES / "specs" / "valid.yaml")
SCOPES = {"cluster": None, "namespaced": "team-a"}


def example_input(name: str) -> Path:
    """A directory's own Input, else the Composition's (examples/input.yaml)."""
    own = EXAMPLES / name / "input.yaml"
    return own if own.is_file() else EXAMPLES / "input.yaml"


def function_render(*args: str | Path) -> subprocess.CompletedProcess[str]:
    """`function render ARGS` as a subprocess (exit 1 on a Fatal result)."""
    return subprocess.run(
        [sys.executable, "-m", "function.main", "render", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@functools.cache
def example_documents(name: str) -> tuple[dict[str, Any], ...]:
    """`function render` of examples/NAME/xr.yaml with its observed resources."""
    args: list[str | Path] = [EXAMPLES / name / "xr.yaml", "--input", example_input(name)]
    if (EXAMPLES / name / "observed").is_dir():
        args += ["--observed", EXAMPLES / name / "observed"]
    done = function_render(*args)
    assert done.returncode == 0, done.stderr
    return tuple(d for d in yaml.safe_load_all(done.stdout) if d is not None)


def example_resources(name: str) -> list[dict[str, Any]]:
    """The composed resources of an example (no composite, no results)."""
    return [d for d in example_documents(name)[1:] if d.get("kind") != "Result"]


def observed_resources(name: str) -> list[dict[str, Any]]:
    return [
        d
        for p in sorted((EXAMPLES / name).glob("observed/*.yaml"))
        for d in yaml.safe_load_all(p.read_text())
        if d is not None
    ]


def _xr(spec: dict[str, Any], namespace: str | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": "orders"}
    spec = dict(spec)
    if namespace:
        meta["namespace"] = namespace
        spec["crossplane"] = {"compositionRef": {"name": "xawsdynamodb"}}
    return {
        "apiVersion": "aws.project-planton.org/v1",
        "kind": "XAwsDynamodb",
        "metadata": meta,
        "spec": spec,
    }


@functools.cache
def valid_case_resources(case_name: str, scope: str) -> tuple[tuple[str, dict[str, Any]], ...]:
    """(composition resource name, body) of everything a valid case renders in a scope.

    A second pass with every resource observed Ready brings out what waits on the Table.
    """
    case = next(c for c in VALID_SPECS if c["name"] == case_name)
    xr = _xr(case["spec"], SCOPES[scope])
    fn_input = {**(case.get("input") or {}), "providerConfigName": "default"}
    outcome = compose(crossplane_request(composite=xr, input=fn_input))
    assert not outcome.fatal, outcome.results
    # The Table first observes; Ready with this composite's tags, it is the composite's own.
    ready = [{"type": "Ready", "status": "True"}]
    observed = {
        n: {**c.body, "status": {"conditions": ready, "atProvider": reported_tags(c.body)}}
        for n, c in outcome.resources.items()
    }
    outcome = compose(crossplane_request(composite=xr, observed=observed, input=fn_input))
    assert not outcome.fatal, outcome.results
    return tuple((n, c.body) for n, c in outcome.resources.items())
