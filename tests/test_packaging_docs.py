"""The package-building commands in README.md and docs/ do what their text says.

They cannot run here (no Docker engine), so they are read: every `xpkg build`
names its package root and an examples root that carries no test fixtures, and
the multi-architecture recipe builds, packages and pushes every architecture.
"""

from __future__ import annotations

import re
import shlex

import pytest

from tests.support import ROOT
from tests.test_dockerfile import DOCKERFILE, stages

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def shell_commands() -> list[tuple[str, str]]:
    """(file, command) for each command in the ```sh blocks, continuation lines joined."""
    found = []
    for path in DOCS:
        for block in re.findall(r"```sh\n(.*?)```", path.read_text(), flags=re.S):
            for line in re.sub(r"\\\n\s*", " ", block).splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    found.append((path.name, line.strip()))
    return found


def flags(command: str) -> dict[str, str]:
    words = shlex.split(command)
    return dict(w[2:].split("=", 1) for w in words if w.startswith("--") and "=" in w)


XPKG_BUILDS = [(f, c) for f, c in shell_commands() if "xpkg build" in c]


def test_the_docs_have_xpkg_builds() -> None:
    assert {f for f, _ in XPKG_BUILDS} >= {"README.md", "package.md"}


@pytest.mark.parametrize(("where", "command"), XPKG_BUILDS, ids=[f for f, _ in XPKG_BUILDS])
def test_xpkg_build_packages_package_and_no_fixtures(where: str, command: str) -> None:
    given = flags(command)
    assert given.get("package-root") == "package"
    # The default examples root is ./examples: this repository's, with the
    # observed-resource fixtures.
    examples = given.get("examples-root")
    assert examples is not None, f"{where}: {command}"
    assert not list((ROOT / examples).rglob("*.yaml")), f"{examples} would ship YAML"


def _multi_arch_recipes() -> list[tuple[str, str]]:
    recipes = []
    for path in DOCS:
        for block in re.findall(r"```sh\n(.*?)```", path.read_text(), flags=re.S):
            if "--embed-runtime-image-tarball" in block:
                recipes.append((path.name, re.sub(r"\\\n\s*", " ", block)))
    return recipes


@pytest.mark.parametrize(
    ("where", "block"), _multi_arch_recipes(), ids=[f for f, _ in _multi_arch_recipes()]
)
def test_multi_arch_recipe_builds_and_pushes_each_architecture(where: str, block: str) -> None:
    arches = re.search(r"for arch in ([\w ]+); do", block)
    assert arches and set(arches.group(1).split()) == {"amd64", "arm64"}
    build = next(line for line in block.splitlines() if "buildx build" in line)
    assert '--platform "linux/$arch"' in build
    # The tarball xpkg build embeds is the one buildx wrote, for the stage the image runs.
    assert "type=docker,dest=runtime-$arch.tar" in build
    assert f"--target {stages(DOCKERFILE.read_text())[-1].name}" in build
    assert '--embed-runtime-image-tarball="runtime-$arch.tar"' in block
    assert '-o "function-aws-dynamodb-$arch.xpkg"' in block
    push = next(line for line in block.splitlines() if "xpkg push" in line)
    pushed = re.search(r"-f (\S+)", push)
    assert pushed
    assert sorted(pushed.group(1).split(",")) == [
        f"function-aws-dynamodb-{a}.xpkg" for a in ("amd64", "arm64")
    ]


def test_both_docs_have_the_multi_arch_recipe() -> None:
    assert {f for f, _ in _multi_arch_recipes()} == {"README.md", "package.md"}


def _example_rows() -> dict[str, list[str]]:
    """Each example directory docs/package.md's "What is where" table names, and its rows."""
    text = (ROOT / "docs" / "package.md").read_text()
    table = text.split("## What is where", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, list[str]] = {}
    for row in table.splitlines():
        m = re.match(r"\| `examples/(?:\{([\w,-]+)\}|([\w-]+))/` \|(.*)", row)
        if m:
            for name in (m.group(1) or m.group(2)).split(","):
                rows.setdefault(name, []).append(m.group(3))
    return rows


def test_package_md_lists_every_example_directory() -> None:
    dirs = {p.name for p in (ROOT / "examples").iterdir() if p.is_dir()}
    rows = _example_rows()
    assert set(rows) == dirs
    assert {name: len(r) for name, r in rows.items() if len(r) > 1} == {}


@pytest.mark.parametrize("name", sorted(_example_rows()))
def test_package_md_says_a_claim_only_where_there_is_one(name: str) -> None:
    has_claim = (ROOT / "examples" / name / "claim.yaml").is_file()
    for row in _example_rows()[name]:
        assert ("a claim (`claim.yaml`)" in row) == has_claim


def test_management_policies_are_a_provider_setting_in_the_docs() -> None:
    # They are the provider's --enable-management-policies flag, not a Crossplane fact.
    for path in DOCS:
        assert "always on in Crossplane" not in path.read_text(), path.name
