"""The Dockerfile, read as text: no Docker engine is needed to check its stages agree.

A venv is not portable between interpreters: its bin/python is a symlink to the
interpreter that made it, and compiled wheels (grpcio, pydantic-core) are built
for that Python's minor version. So the stage that builds the venv must use
the very Python the runtime image has, at the same path.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest

from tests.support import ROOT

DOCKERFILE = ROOT / "Dockerfile"


@dataclass(frozen=True)
class Python:
    """Which interpreter an image provides, and where."""

    version: str
    path: str


def python_of(image: str) -> Python:
    """The python3 a base image has (for Debian, the one `apt-get install python3` gives)."""
    debian = {"12": "3.11", "bookworm": "3.11", "13": "3.13", "trixie": "3.13"}
    if m := re.match(r"python:(3\.\d+)", image):
        return Python(m.group(1), "/usr/local/bin/python3")
    if m := re.match(r"gcr\.io/distroless/python3-debian(\d+)", image):
        return Python(debian[m.group(1)], "/usr/bin/python3")
    if m := re.match(r"debian:(\d+|bookworm|trixie)", image):
        return Python(debian[m.group(1)], "/usr/bin/python3")
    raise AssertionError(f"unknown base image {image}: teach python_of about it")


@dataclass
class Stage:
    name: str
    image: str
    instructions: list[tuple[str, str]] = field(default_factory=list)


def stages(text: str) -> list[Stage]:
    """The Dockerfile's stages, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", text)
    found: list[Stage] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        op, _, args = line.partition(" ")
        if op.upper() == "FROM":
            parts = args.split()
            name = parts[2] if len(parts) > 2 and parts[1].upper() == "AS" else str(len(found))
            found.append(Stage(name, parts[0]))
        else:
            found[-1].instructions.append((op.upper(), args.strip()))
    return found


def mismatches(text: str) -> list[str]:
    """Every stage the runtime copies from whose Python differs from the runtime's."""
    all_stages = stages(text)
    runtime = all_stages[-1]
    by_name = {s.name: s for s in all_stages}
    want = python_of(runtime.image)
    problems = []
    for op, args in runtime.instructions:
        m = re.match(r"--from=(\S+)", args)
        if op == "COPY" and m and m.group(1) in by_name:
            got = python_of(by_name[m.group(1)].image)
            if got != want:
                problems.append(f"stage {m.group(1)} has {got}, runtime has {want}")
    return problems


def test_build_and_runtime_stages_have_the_same_python() -> None:
    assert mismatches(DOCKERFILE.read_text()) == []


def test_both_stages_are_debian_13() -> None:
    build, runtime = stages(DOCKERFILE.read_text())
    assert build.image == "debian:13-slim"
    assert runtime.image.startswith("gcr.io/distroless/python3-debian13:")
    assert python_of(build.image) == python_of(runtime.image) == Python("3.13", "/usr/bin/python3")


@pytest.mark.parametrize(
    ("build", "problem"),
    [
        ("debian:12-slim", "3.11"),  # the previous release: another minor version
        ("python:3.13-slim-trixie", "/usr/local/bin/python3"),  # same version, other path
    ],
)
def test_a_mismatched_build_stage_is_caught(build: str, problem: str) -> None:
    text = DOCKERFILE.read_text().replace("FROM debian:13-slim AS build", f"FROM {build} AS build")
    assert build in text
    found = mismatches(text)
    assert len(found) == 1 and problem in found[0]


def test_a_runtime_of_another_release_is_caught() -> None:
    text = DOCKERFILE.read_text().replace("python3-debian13", "python3-debian12")
    assert mismatches(text) == [
        "stage build has Python(version='3.13', path='/usr/bin/python3'), "
        "runtime has Python(version='3.11', path='/usr/bin/python3')"
    ]


def _pip_installs(stage: Stage) -> list[str]:
    """Every `pip install` command of a stage's RUN instructions."""
    return [
        cmd.strip()
        for op, args in stage.instructions
        if op == "RUN"
        for cmd in args.split("&&")
        if "pip install" in cmd
    ]


def test_every_pip_install_is_pinned_with_hashes_or_offline() -> None:
    # Reproducible: what comes from the index is the lock file's, hash-checked; the
    # function's own wheel comes from the build, never from an index.
    installs = _pip_installs(stages(DOCKERFILE.read_text())[0])
    assert installs
    for cmd in installs:
        hashed = re.search(r"--require-hashes -r (requirements/\S+\.txt)", cmd)
        offline = "--no-index" in cmd and "--no-deps" in cmd
        assert hashed or offline, cmd
        if hashed:
            assert (ROOT / hashed.group(1)).is_file()
    locks = {m.group(1) for c in installs if (m := re.search(r"-r (\S+)", c))}
    assert locks == {"requirements/build.txt", "requirements/runtime.txt"}


def test_the_wheel_builds_with_the_pinned_tools_only() -> None:
    build = stages(DOCKERFILE.read_text())[0]
    runs = " ".join(args for op, args in build.instructions if op == "RUN")
    # Build isolation would fetch hatchling unpinned from the index.
    assert "-m build --wheel --no-isolation" in runs


def test_runtime_is_distroless_non_root_on_9443_serving() -> None:
    runtime = stages(DOCKERFILE.read_text())[-1]
    assert runtime.image.startswith("gcr.io/distroless/python3-debian13")
    ops = dict(runtime.instructions)
    assert ops["USER"].split(":")[0] in {"nonroot", "65532"}
    assert ops["EXPOSE"] == "9443"
    entrypoint = json.loads(ops["ENTRYPOINT"])
    assert entrypoint[0].endswith("/bin/function") and entrypoint[1:] == ["serve"]


def test_dockerignore_keeps_what_the_build_copies() -> None:
    kept = {
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    build = stages(DOCKERFILE.read_text())[0]
    copied = [
        src
        for op, args in build.instructions
        if op == "COPY" and not args.startswith("--from")
        for src in args.split()[:-1]
    ]
    assert copied and set(copied) <= kept
    for src in copied:
        assert (ROOT / src).exists()
