"""The command line reads YAML as Kubernetes does, and never answers bad files with a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.support import EXAMPLES
from tests.test_cli import _function

PRODUCTION = EXAMPLES / "production"


def test_render_keeps_timestamps_in_the_xr_and_the_observed_table_as_strings(
    tmp_path: Path,
) -> None:
    xr = tmp_path / "xr.yaml"
    xr.write_text(
        (PRODUCTION / "xr.yaml")
        .read_text()
        .replace("metadata:\n", "metadata:\n  creationTimestamp: 2026-01-01T00:00:00Z\n", 1)
    )
    observed = tmp_path / "observed"
    observed.mkdir()
    table = yaml.safe_load((PRODUCTION / "observed" / "table.yaml").read_text())
    table["status"]["atProvider"]["streamLabel"] = "STREAM_LABEL"
    # Unquoted, as a hand-written or kubectl-copied file may have it: a YAML timestamp.
    text = yaml.safe_dump(table).replace("STREAM_LABEL", "2026-01-01T00:00:00.000")
    (observed / "table.yaml").write_text(text)
    run = _function("render", str(xr), "--observed", str(observed))
    assert run.returncode == 0, run.stderr
    docs = list(yaml.safe_load_all(run.stdout))
    assert docs[0]["status"]["outputs"]["streamLabel"] == "2026-01-01T00:00:00.000"


# Files a user could hand any command; each must get a message, never a traceback.
BAD_FILES = {
    "timestamp-everywhere": "apiVersion: v1\nkind: XAwsDynamodb\nmetadata: {name: 2026-01-01}\n"
    "spec: {region: 2026-01-01T00:00:00Z}\n",
    "not-utf8": b"kind: \xff\xfe\n",
    "binary-value": "kind: XAwsDynamodb\nmetadata: {name: x}\nspec: !!binary aGVsbG8=\n",
    "set-value": "kind: XAwsDynamodb\nmetadata: {name: x}\nspec: !!set {a, b}\n",
    "metadata-a-string": "kind: XAwsDynamodb\nmetadata: just-a-string\nspec: {}\n",
    "integer-keys": "kind: XAwsDynamodb\nmetadata: {name: x}\nspec: {1: a, true: b}\n",
    "unclosed": "spec: [unclosed\n",
}


@pytest.mark.parametrize("command", ["render", "validate", "render-observed"])
@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_no_command_prints_a_traceback_for_a_bad_file(
    tmp_path: Path, command: str, name: str
) -> None:
    bad = tmp_path / f"{name}.yaml"
    content = BAD_FILES[name]
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content)
    args = {
        "render": ["render", str(bad)],
        "validate": ["validate", str(bad)],
        "render-observed": ["render", str(EXAMPLES / "xr.yaml"), "--observed", str(bad)],
    }[command]
    run = _function(*args)
    assert "Traceback" not in run.stderr + run.stdout
    assert run.returncode in (0, 1), run.stderr
