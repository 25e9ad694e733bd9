"""The pinned Go tools and modules (tools/versions.mk), as the tests find them.

`make tools` builds the binaries into .tools/bin/; the reference CRDs come from the
Go module cache through `go mod download`. Where either is missing, the tests that
need it skip and say how to get it; under CI a skip fails the run (tests/conftest.py).
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOOLS_BIN = ROOT / ".tools" / "bin"
VERSIONS_MK = ROOT / "tools" / "versions.mk"
HOW = "run `make tools` (needs Go; see tools/versions.mk), or `make test`, which does it first"


@functools.cache
def versions() -> dict[str, str]:
    """Every NAME := VALUE pin of tools/versions.mk."""
    pins = re.findall(r"^(\w+)\s*:=\s*(\S+)", VERSIONS_MK.read_text(), flags=re.M)
    return dict(pins)


def tool(name: str) -> Path:
    """The path of a binary `make tools` builds; skip when it has not been built."""
    path = TOOLS_BIN / name
    if not os.access(path, os.X_OK):
        pytest.skip(f"{path.relative_to(ROOT)} is not built: {HOW}")
    return path


@functools.cache
def go_env() -> dict[str, str]:
    """The environment the Makefile builds with: the module proxy only, local toolchain."""
    go = shutil.which("go")
    if go is None:
        pytest.skip(f"Go is not installed, so the pinned modules cannot be read: {HOW}")
    proxy = subprocess.run(
        [go, "env", "GOPROXY"], capture_output=True, text=True, check=True
    ).stdout.strip()
    proxy = re.sub(r"[,|]direct", "", proxy)
    return {
        **os.environ,
        "GOTOOLCHAIN": "local",
        "GOFLAGS": "-mod=mod",
        "GOSUMDB": "off",
        "GOPROXY": "off" if proxy == "direct" else proxy,
    }


@functools.cache
def module_dir(module: str, version: str) -> Path:
    """The directory of MODULE@VERSION in the Go module cache, downloaded if need be."""
    env = go_env()
    with tempfile.TemporaryDirectory() as outside_any_module:
        proc = subprocess.run(
            ["go", "mod", "download", "-json", f"{module}@{version}"],
            cwd=outside_any_module,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    info = json.loads(proc.stdout or "{}")
    if proc.returncode != 0 or "Dir" not in info:
        raise AssertionError(
            f"go mod download {module}@{version} failed: {info.get('Error') or proc.stderr}"
        )
    return Path(info["Dir"])
