"""The pinned tools: tools/versions.mk is the one place a version is written."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.toolchain import ROOT, tool, versions

# wrapper module -> (module it requires, the versions.mk pin it must require)
WRAPPERS = {"crossplane": ("github.com/crossplane/crossplane/v2", "CROSSPLANE_VERSION")}


@pytest.mark.parametrize("wrapper", WRAPPERS)
def test_wrapper_module_requires_the_pinned_version(wrapper: str) -> None:
    module, pin = WRAPPERS[wrapper]
    go_mod = (ROOT / "tools" / wrapper / "go.mod").read_text()
    required = re.findall(rf"^\s*(?:require\s+)?{re.escape(module)} (\S+)", go_mod, flags=re.M)
    assert required == [versions()[pin]]


@pytest.mark.parametrize(
    ("binary", "args", "prefix"),
    [("crank", ["version", "--client"], "Client Version: "), ("crossplane", ["--version"], "")],
)
def test_built_crossplane_binaries_report_the_pinned_version(
    binary: str, args: list[str], prefix: str
) -> None:
    done = subprocess.run([tool(binary), *args], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == prefix + versions()["CROSSPLANE_VERSION"]
