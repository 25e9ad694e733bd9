"""YAML the project ships or prints reads the same in Go (Kubernetes, Crossplane).

Go's YAML parsers follow YAML 1.1, where a bare y/Y/n/N is a boolean; PyYAML
reads them as strings. A bare `type: N` reached crank as `type: false`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support import EXAMPLES, ROOT


class GoLikeLoader(yaml.SafeLoader):
    """SafeLoader plus YAML 1.1's one-letter booleans, as Go's parsers read them."""


GoLikeLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:y|Y|n|N)$"), list("yYnN")
)


def _go_bool(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> bool:
    value = loader.construct_scalar(node)
    return value in "yY" if value in "yYnN" else loader.construct_yaml_bool(node)


GoLikeLoader.add_constructor("tag:yaml.org,2002:bool", _go_bool)


def _both(text: str) -> tuple[list[Any], list[Any]]:
    return list(yaml.safe_load_all(text)), list(yaml.load_all(text, Loader=GoLikeLoader))


SHIPPED = sorted([*EXAMPLES.rglob("*.yaml"), *(ROOT / "package").rglob("*.yaml")])


@pytest.mark.parametrize("path", SHIPPED, ids=[str(p.relative_to(ROOT)) for p in SHIPPED])
def test_shipped_yaml_reads_the_same_in_go(path: Path) -> None:
    python, go = _both(path.read_text())
    assert go == python


def test_function_render_prints_yaml_go_reads_the_same() -> None:
    done = subprocess.run(
        [
            *(sys.executable, "-m", "function.main", "render"),
            *(EXAMPLES / "provisioned" / "xr.yaml", "--input", EXAMPLES / "input.yaml"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    python, go = _both(done.stdout)
    assert "N" in str(python)  # the example has a number attribute
    assert go == python
