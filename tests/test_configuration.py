"""`make package` builds the release: the Function package and the Configuration package.

The Configuration (configuration/crossplane.yaml) carries the claim XRD and the
Composition of examples/ and depends on this function and on the provider-aws
families whose resources the function renders; `make e2e` installs it from a
local registry. One version (function/__version__.py) names the release everywhere.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from function.__version__ import __version__
from function.generate.xrd import OUTPUT_KEYS
from tests.support import EXAMPLES, ROOT, load_all, load_yaml
from tests.test_xpkg import layers
from tests.toolchain import tool, versions

VERSION = f"v{__version__}"
CONFIGURATION = ROOT / "configuration" / "crossplane.yaml"
FUNCTION_PACKAGE = "xpkg.crossplane.io/project-planton/function-aws-dynamodb"


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tool("crank")  # skips, saying how to build it, when it is not built
    out = tmp_path_factory.mktemp("packages")
    done = subprocess.run(
        ["make", "--no-print-directory", "-o", "tools", "package", f"PACKAGE_DIR={out}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def _objects(xpkg: Path) -> list[dict[str, Any]]:
    package_yaml = layers(xpkg)["base"]["package.yaml"].decode()
    return [d for d in yaml.safe_load_all(package_yaml) if d is not None]


def test_make_package_builds_both_packages_named_with_the_version(packages: Path) -> None:
    built = sorted(p.name for p in packages.glob("*.xpkg"))
    assert built == [
        f"configuration-aws-dynamodb-{VERSION}.xpkg",
        f"function-aws-dynamodb-{VERSION}.xpkg",
    ]
    kinds = sorted(o["kind"] for o in _objects(packages / built[1]))
    assert kinds == ["CustomResourceDefinition", "Function"]


def test_the_configuration_holds_its_meta_the_claim_xrd_and_the_composition(
    packages: Path,
) -> None:
    objects = _objects(packages / f"configuration-aws-dynamodb-{VERSION}.xpkg")
    by_kind = {o["kind"]: o for o in objects}
    assert sorted(by_kind) == ["CompositeResourceDefinition", "Composition", "Configuration"]
    assert len(objects) == 3
    assert by_kind["Configuration"] == load_yaml(CONFIGURATION)
    # crank writes the objects back with an empty status; the rest is the file's.
    for kind, example in (
        ("CompositeResourceDefinition", "xrd.yaml"),
        ("Composition", "composition.yaml"),
    ):
        by_kind[kind].pop("status", None)
        assert by_kind[kind] == load_yaml(EXAMPLES / example), kind


def _provider_families() -> set[str]:
    """The provider-aws family of every kind the function renders for the examples."""
    families = set()
    for golden in (ROOT / "tests" / "golden").glob("*.yaml"):
        for doc in load_all(golden):
            group = doc["apiVersion"].split("/")[0]
            if match := re.fullmatch(r"([a-z0-9]+)\.aws(?:\.m)?\.upbound\.io", group):
                families.add(f"xpkg.crossplane.io/crossplane-contrib/provider-aws-{match[1]}")
    return families


def test_the_configuration_depends_on_every_provider_family_the_function_renders() -> None:
    depends = load_yaml(CONFIGURATION)["spec"]["dependsOn"]
    providers = {d["provider"]: d["version"] for d in depends if "provider" in d}
    assert set(providers) == _provider_families()
    # The v2 families: the .m. kinds and the tests' CRDs (tools/versions.mk) are v2.5.0.
    assert set(providers.values()) == {">=v2.5.0"}


def test_the_configuration_depends_on_this_release_of_the_function() -> None:
    (function,) = [d for d in load_yaml(CONFIGURATION)["spec"]["dependsOn"] if "function" in d]
    assert function == {"function": FUNCTION_PACKAGE, "version": f">={VERSION}"}


def test_the_composition_names_the_function_as_crossplanes_resolver_does() -> None:
    # Crossplane installs a dependency under its repository path made a DNS label
    # (internal/controller/pkg/resolver: xpkg.ToDNSLabel(RepositoryStr())).
    repository = FUNCTION_PACKAGE.split("/", 1)[1]
    name = repository.replace("/", "-")
    (step,) = load_yaml(EXAMPLES / "composition.yaml")["spec"]["pipeline"]
    assert step["functionRef"]["name"] == name
    for example in ("function.yaml", "functions.yaml"):
        fn = load_yaml(EXAMPLES / example)
        assert fn["metadata"]["name"] == name, example
        assert fn["spec"]["package"] == f"{FUNCTION_PACKAGE}:{VERSION}", example


def test_the_configuration_example_installs_this_release() -> None:
    cfg = load_yaml(EXAMPLES / "configuration.yaml")
    assert cfg["kind"] == "Configuration"
    assert cfg["metadata"]["name"] == load_yaml(CONFIGURATION)["metadata"]["name"]
    assert cfg["spec"]["package"] == (
        f"xpkg.crossplane.io/project-planton/configuration-aws-dynamodb:{VERSION}"
    )


def test_function_version_prints_the_release() -> None:
    done = subprocess.run(
        [Path(sys.executable).parent / "function", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"function-aws-dynamodb, version {__version__}\n"


def test_make_version_prints_the_release() -> None:
    done = subprocess.run(
        ["make", "--no-print-directory", "-s", "version"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout == f"{VERSION}\n"


def _semver(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def test_changelog_has_unreleased_then_release_sections_up_to_this_version() -> None:
    headings = re.findall(r"^## (.*)$", (ROOT / "CHANGELOG.md").read_text(), flags=re.M)
    assert headings[0] == "[Unreleased]"
    releases = []
    for heading in headings[1:]:
        match = re.fullmatch(r"\[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}", heading)
        assert match, f"CHANGELOG section {heading!r} is not '[X.Y.Z] - YYYY-MM-DD'"
        releases.append(_semver(match[1]))
    assert releases == sorted(releases, reverse=True), "release sections out of order"
    # The version is the release being prepared or the newest one released.
    assert not releases or _semver(__version__) >= releases[0]


def test_the_compatibility_table_names_the_pinned_versions() -> None:
    doc = (ROOT / "docs" / "package.md").read_text()
    table = doc[doc.index("## Compatibility and upgrading") :]
    table = table[: table.index("\n## ")]
    pins = versions()
    for pin in (
        "CROSSPLANE_VERSION",
        "CROSSPLANE_V1_VERSION",
        "PROVIDER_AWS_VERSION",
        "KUBERNETES_VERSION",
    ):
        assert pins[pin] in table, pin
    # The Configuration's constraints are the table's.
    meta = load_yaml(CONFIGURATION)["spec"]
    assert f"`crossplane.version: {meta['crossplane']['version']}`" in table
    assert {d["version"] for d in meta["dependsOn"] if "provider" in d} == {
        f">={pins['PROVIDER_AWS_VERSION']}"
    }


def test_the_package_docs_list_every_output_key() -> None:
    doc = (ROOT / "docs" / "package.md").read_text()
    start = doc.index("`status.outputs` (") + len("`status.outputs` (")
    listed = doc[start:].split(")", 1)[0]
    assert re.findall(r"`(\w+)`", listed) == list(OUTPUT_KEYS)
