"""Manifests read the same by kubectl as by PyYAML.

kubectl parses YAML 1.1, where a plain y, Y, n or N is a boolean; PyYAML reads
them as strings. An unquoted ``N`` in the XRD's enum reached a real API server
as ``false`` (e2e/test_2_admission.py), so every number attribute was refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.support import EXAMPLES, ROOT

# YAML 1.1's booleans that PyYAML's resolver (also YAML 1.1) leaves as strings.
_AMBIGUOUS = {"y", "Y", "n", "N"}
_MANIFESTS = sorted([*EXAMPLES.rglob("*.yaml"), *(ROOT / "package").rglob("*.yaml")])


def _ambiguous_scalars(text: str) -> list[str]:
    return [
        f"line {token.start_mark.line + 1}: {token.value}"
        for token in yaml.scan(text)
        if isinstance(token, yaml.ScalarToken) and token.plain and token.value in _AMBIGUOUS
    ]


@pytest.mark.parametrize("path", _MANIFESTS, ids=[str(p.relative_to(ROOT)) for p in _MANIFESTS])
def test_no_plain_scalar_that_kubectl_reads_as_a_boolean(path: Path) -> None:
    assert _ambiguous_scalars(path.read_text()) == []


def test_the_check_sees_an_unquoted_n() -> None:
    assert _ambiguous_scalars("enum: [S, N]\ntype: 'N'\n") == ["line 1: N"]
