"""`crossplane render` (crank, the pinned Crossplane CLI) against the running function.

crank v2.2.1 renders in-process: it runs the Composition's pipeline itself and calls
each Function over gRPC. With the Development runtime it calls a function that is
already running, so no Docker and no `crossplane` binary are needed: the tests run
`function serve --insecure` on a free loopback port and point crank at it with
`-a render.crossplane.io/runtime-development-target=127.0.0.1:PORT`.

Every example must come out of crank as `function render` prints it: the same
composed resources (bar the metadata Crossplane itself adds), the same status,
the same results.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.rendered import EXAMPLE_DIRS, example_documents, example_input, function_render
from tests.support import EXAMPLES, FIXTURES, ROOT, load_yaml
from tests.toolchain import tool

RESOURCE_NAME = "crossplane.io/composition-resource-name"
# What crank adds to a composed resource and the function never sets.
CRANK_METADATA = {"name", "generateName", "ownerReferences"}


class _GoLoader(yaml.SafeLoader):
    """crank writes a timestamp-like string (a stream label) bare; Go reads it as a string."""


_GoLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _documents(text: str) -> list[dict[str, Any]]:
    return [d for d in yaml.load_all(text, Loader=_GoLoader) if d is not None]


@pytest.fixture(scope="module")
def crank() -> Path:
    return tool("crank")


def _composition(name: str, tmp_path: Path) -> Path:
    """examples/composition.yaml, with the example directory's own Input if it has one."""
    if example_input(name) == EXAMPLES / "input.yaml":
        return EXAMPLES / "composition.yaml"
    comp = load_yaml(EXAMPLES / "composition.yaml")
    comp["spec"]["pipeline"][0]["input"] = load_yaml(example_input(name))
    path = tmp_path / "composition.yaml"
    path.write_text(yaml.safe_dump(comp))
    return path


def crank_render(
    crank: Path, address: str, xr: Path, composition: Path, *args: str | Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            crank,
            "render",
            xr,
            composition,
            EXAMPLES / "functions.yaml",
            "--function-annotations",
            f"render.crossplane.io/runtime-development-target={address}",
            "--include-function-results",
            *args,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _composed(doc: dict[str, Any]) -> dict[str, Any]:
    meta = {k: v for k, v in doc["metadata"].items() if k not in CRANK_METADATA}
    labels = {k: v for k, v in meta.pop("labels", {}).items() if not k.startswith("crossplane.io/")}
    if labels:
        meta["labels"] = labels
    return {**doc, "metadata": meta}


def _split(docs: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    """(composite status without conditions, composed resources by name, results)."""
    status = {k: v for k, v in docs[0].get("status", {}).items() if k != "conditions"}
    composed = {
        d["metadata"]["annotations"][RESOURCE_NAME]: _composed(d)
        for d in docs[1:]
        if d.get("kind") != "Result"
    }
    results = [
        (d["severity"].removeprefix("SEVERITY_").title(), d["message"])
        for d in docs
        if d.get("kind") == "Result"
    ]
    return status, composed, results


@pytest.mark.parametrize("name", [".", *EXAMPLE_DIRS], ids=["xr.yaml", *EXAMPLE_DIRS])
def test_crank_renders_every_example_as_function_render_does(
    crank: Path, server_address: str, name: str, tmp_path: Path
) -> None:
    observed = EXAMPLES / name / "observed"
    args = ["--observed-resources", observed] if observed.is_dir() else []
    done = crank_render(
        crank, server_address, EXAMPLES / name / "xr.yaml", _composition(name, tmp_path), *args
    )
    assert done.returncode == 0, done.stderr
    got = _split(_documents(done.stdout))
    want = _split(list(example_documents(name)))
    assert got[0] == want[0], "composite status"
    assert got[1] == want[1], "composed resources"
    assert got[2] == want[2], "results"
    assert got[1], "no composed resources"


def test_crank_render_stops_on_the_functions_fatal_result(crank: Path, server_address: str) -> None:
    xr = FIXTURES / "invalid-xr.yaml"
    done = crank_render(crank, server_address, xr, EXAMPLES / "composition.yaml")
    ours = function_render(xr, "--input", EXAMPLES / "input.yaml")
    assert done.returncode == 1 and ours.returncode == 1
    message = ours.stderr.strip()
    assert message.startswith("invalid AwsDynamodb spec, 3 problems: ")
    assert f'pipeline step "dynamodb" returned a fatal result: {message}' in done.stderr
    assert done.stdout == ""


def test_crank_render_gets_the_pipeline_context_back_unchanged(
    crank: Path, server_address: str
) -> None:
    # The function reads no context; it must still hand it on to later steps.
    done = crank_render(
        crank,
        server_address,
        EXAMPLES / "minimal" / "xr.yaml",
        EXAMPLES / "composition.yaml",
        "--context-values",
        'example.org/team={"name": "data", "tier": 1}',
        "--include-context",
    )
    assert done.returncode == 0, done.stderr
    context = next(d for d in _documents(done.stdout) if d["kind"] == "Context")
    assert context["fields"] == {"example.org/team": {"name": "data", "tier": 1}}
