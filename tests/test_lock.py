"""The lock files the image installs from agree with pyproject.toml, so they cannot drift.

`make lock` writes requirements/runtime.txt (from pyproject.toml) and
requirements/build.txt (from requirements/build.in) with uv, every package
pinned with its hashes. Read as text here: no index is needed.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.support import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
RUNTIME = ROOT / "requirements" / "runtime.txt"
BUILD = ROOT / "requirements" / "build.txt"


# name==version, an optional "; marker", then the hashes.
PINNED = re.compile(r"([A-Za-z0-9._-]+)==(\S+)\s*(?:;\s*([^-]*?))?\s*((?:--hash=\S+\s*)*)")


@dataclass(frozen=True)
class Pin:
    version: Version
    hashes: int
    marker: str


def pins(text: str) -> dict[str, Pin]:
    """Each package of a uv/pip-compile lock: its version, how many hashes, its marker."""
    text = re.sub(r"\\\n", " ", text)
    found: dict[str, Pin] = {}
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        m = PINNED.fullmatch(line)
        assert m, f"not a pinned requirement: {line}"
        name = canonicalize_name(m.group(1))
        found[name] = Pin(Version(m.group(2)), m.group(4).count("--hash="), m.group(3) or "")
    return found


def dependencies() -> list[Requirement]:
    return [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]


def test_every_dependency_of_pyproject_is_locked_within_its_range() -> None:
    locked = pins(RUNTIME.read_text())
    for req in dependencies():
        name = canonicalize_name(req.name)
        assert name in locked, f"{req.name} is not in {RUNTIME.name}: run make lock"
        assert locked[name].version in req.specifier, (
            f"{req.name}: pyproject.toml says {req.specifier}, the lock has "
            f"{locked[name].version}: run make lock"
        )


@pytest.mark.parametrize("name", ["crossplane-function-sdk-python", "grpcio", "protobuf"])
def test_the_sdk_and_its_exact_pins_are_locked_at_pyprojects_version(name: str) -> None:
    (pinned,) = [r for r in dependencies() if canonicalize_name(r.name) == name]
    (spec,) = pinned.specifier
    assert spec.operator == "=="
    assert pins(RUNTIME.read_text())[name].version == Version(spec.version)


def test_the_locked_sdk_accepts_the_locked_grpcio_and_protobuf() -> None:
    # The SDK pins grpcio and protobuf exactly; read its pins from the installed
    # SDK, which must be the locked one for the comparison to mean anything.
    locked = pins(RUNTIME.read_text())
    sdk = "crossplane-function-sdk-python"
    assert Version(importlib.metadata.version(sdk)) == locked[sdk].version, (
        "the installed SDK is not the locked one: reinstall the venv (make clean test)"
    )
    for raw in importlib.metadata.requires(sdk) or []:
        req = Requirement(raw)
        if req.marker is None or req.marker.evaluate():
            name = canonicalize_name(req.name)
            assert locked[name].version in req.specifier, f"{sdk} wants {req}"


@pytest.mark.parametrize("lock", [RUNTIME, BUILD], ids=["runtime", "build"])
def test_every_locked_package_has_hashes(lock: Path) -> None:
    locked = pins(lock.read_text())
    assert locked
    assert {name: pin.hashes for name, pin in locked.items() if pin.hashes == 0} == {}


@pytest.mark.parametrize(("lock", "source"), [(RUNTIME, "pyproject.toml"), (BUILD, "build.in")])
def test_locks_are_universal_from_the_oldest_supported_python(lock: Path, source: str) -> None:
    # One lock for every supported Python (3.11 for the tests, 3.13 in the image).
    command = lock.read_text().splitlines()[1]
    oldest = re.fullmatch(r">=(\d+\.\d+)", PYPROJECT["project"]["requires-python"])
    assert oldest
    assert f"--universal --python-version {oldest.group(1)} --generate-hashes" in command
    assert command.endswith(source)


def test_build_lock_has_the_build_backend_pyproject_names() -> None:
    locked = pins(BUILD.read_text())
    for raw in PYPROJECT["build-system"]["requires"]:
        req = Requirement(raw)
        assert locked[canonicalize_name(req.name)].version in req.specifier


def test_renovate_bumps_the_sdk_and_its_pins_together() -> None:
    rules = json.loads((ROOT / "renovate.json").read_text())["packageRules"]
    exact = {canonicalize_name(r.name) for r in dependencies() if "==" in str(r.specifier)}
    groups = [set(rule["matchPackageNames"]) for rule in rules if "groupName" in rule]
    assert any(exact <= group for group in groups), exact


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("grpcio==1.84.0 \\\n    --hash=sha256:ab\n", None),
        ("grpcio==1.84.0\n", "hashes"),
        ("grpcio>=1.84.0 \\\n    --hash=sha256:ab\n", "not a pinned requirement"),
    ],
    ids=["pinned-with-hash", "no-hash", "a-range"],
)
def test_the_lock_reader_sees_what_it_checks(text: str, problem: str | None) -> None:
    if problem == "not a pinned requirement":
        with pytest.raises(AssertionError, match=problem):
            pins(text)
        return
    pin = pins(text)["grpcio"]
    assert pin.version == Version("1.84.0")
    assert (pin.hashes == 0) == (problem == "hashes")
