"""Manifests read the same by kubectl as by PyYAML.

kubectl parses YAML 1.1, where a plain y, Y, n or N is a boolean; PyYAML reads
them as strings. An unquoted ``N`` in the XRD's enum reached a real API server
as ``false`` (e2e/test_2_admission.py), so every number attribute was refused.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from function.api.yaml11 import PYYAML_STRINGS, YAML11_BOOLEANS
from tests.support import EXAMPLES, ROOT, run_function_cli
from tests.test_crank_validate import CROSSPLANE_IMAGE, _cache
from tests.toolchain import tool, versions

# YAML 1.1's booleans that PyYAML's resolver (also YAML 1.1) leaves as strings.
_AMBIGUOUS = set(PYYAML_STRINGS)
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


# --- the command line reads these words as Kubernetes does, and says to quote them ---

_CLAIM = (
    "apiVersion: aws.project-planton.org/v1\nkind: AwsDynamodb\n"
    "metadata: {{name: {name}, namespace: shop}}\n"
    "spec:\n  region: us-east-1\n  streamEnabled: {stream}\n{extra}"
    "  attributeDefinitions: [{{name: pk, type: {type}}}]\n"
    "  keySchema: [{{attributeName: pk, keyType: HASH}}]\n"
)


def _claim(name: str = "orders", type: str = "S", extra: str = "", stream: str = "no") -> str:
    return _CLAIM.format(name=name, type=type, extra=extra, stream=stream)


FALSE_N = "got the boolean false: YAML, as kubectl reads it, makes an unquoted N the boolean false"
# (case, claim, the line `function validate` prints after the file's name, or None: valid)
BOOLEAN_CASES = [
    ("unquoted N as the attribute type", _claim(type="N"),
     f'spec.attributeDefinitions[0].type: {FALSE_N}; quote it: "N" [enum]'),
    ("unquoted no as the attribute type: the one type it can mean",
     _claim(type="no"), f'spec.attributeDefinitions[0].type: {FALSE_N}; quote it: "N" [enum]'),
    ("quoted N as the attribute type", _claim(type='"N"'), None),
    ("unquoted off as the table name", _claim(extra="  tableName: off\n"),
     "spec.tableName: got the boolean false, not a string: YAML, as kubectl reads it, makes an "
     "unquoted n, no, off or false (also capitalised or in upper case) the boolean false; quote "
     "the value [type]"),
    ("unquoted Y as a tag value", _claim(extra="  tags: {team: Y}\n"),
     "spec.tags.team: got the boolean true, not a string: YAML, as kubectl reads it, makes an "
     "unquoted y, yes, on or true (also capitalised or in upper case) the boolean true; quote "
     "the value [type]"),
    ("yes and no where a boolean belongs", _claim(stream="yes", extra="  streamViewType: "
     "NEW_IMAGE\n  deletionProtectionEnabled: n\n"), None),
]  # fmt: skip


@pytest.mark.parametrize(
    ("claim", "want"), [c[1:] for c in BOOLEAN_CASES], ids=[c[0] for c in BOOLEAN_CASES]
)
def test_validate_and_render_say_to_quote_a_word_yaml_made_a_boolean(
    tmp_path: Path, claim: str, want: str | None
) -> None:
    path = tmp_path / "claim.yaml"
    path.write_text(claim)
    run = run_function_cli("validate", path)
    render = run_function_cli("render", path)
    if want is None:
        assert run.returncode == 0, run.stdout + run.stderr
        assert render.returncode == 0, render.stderr
        return
    assert run.returncode == 1
    assert run.stdout == f"{path}: AwsDynamodb/orders: {want}\n"
    assert render.returncode == 1
    assert want in render.stderr


def test_the_command_line_reads_each_yaml_1_1_boolean_as_kubernetes_does(tmp_path: Path) -> None:
    """crank (Kubernetes' own YAML and schema code) and `function validate` agree on every word.

    Each word as an unquoted attribute type: both refuse it as a boolean, where
    PyYAML alone would pass y, Y, n and N as strings.
    """
    crank = tool("crank")
    words = sorted(YAML11_BOOLEANS)
    claims = tmp_path / "claims.yaml"
    claims.write_text(
        "---\n".join(_claim(name=f"word-{i}", type=w) for i, w in enumerate(words))
        + f"---\n{_claim(name='quoted', type=repr('N'))}"
    )
    cache = _cache(tmp_path)
    image = f"{CROSSPLANE_IMAGE}:{versions()['CROSSPLANE_VERSION']}"
    cmd = [crank, "beta", "validate", EXAMPLES / "xrd.yaml", claims, "--cache-dir", cache]
    judged = subprocess.run(
        [*map(str, cmd), "--crossplane-image", image], capture_output=True, text=True, check=False
    )
    refused_by_crank = set(
        re.findall(r"Kind=AwsDynamodb, (\S+) : .*must be of type string", judged.stdout)
    )
    ours = run_function_cli("validate", claims)
    refused_by_us = set(re.findall(r"AwsDynamodb/(\S+): .*got the boolean", ours.stdout))
    assert refused_by_crank == {f"word-{i}" for i in range(len(words))}, judged.stdout
    assert refused_by_us == refused_by_crank, ours.stdout
