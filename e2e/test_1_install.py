"""The README's Install section, pasted as it is, takes a new user to a Ready claim.

Every command of its ``sh`` blocks runs with ``bash`` as a user runs it, from a
folder holding the project's ``examples/`` and an AWS credentials file, with
``kubectl`` and ``crossplane`` (the CLI, ``.tools/bin/crank``) on the PATH and the
control plane's kubeconfig. What the harness does instead of the outside world:

- step 1's ``kubectl apply -f examples/configuration.yaml`` names the package on
  xpkg.crossplane.io, which this machine cannot reach: the harness installed the
  same manifest from its local registry before the scenarios (only the package's
  registry differs, and dependency resolution is off: ``e2e/crossplane.py``), so
  here the command runs as a server-side dry run, and the test checks the
  Configuration installed is that manifest;
- the provider families Crossplane installs with the Configuration bring the
  ProviderConfig CRD step 3 needs: the harness applies it (from the pinned
  provider module), as it applies their managed kinds' CRDs;
- after step 4 the harness plays the provider (``e2e/provider.py``): the Table is
  reported absent, then created, so the claim turns Ready before step 5.

It runs after test_1_apis and cleans up after itself (claim, namespace, Secret,
ProviderConfig and its CRD), so the later scenarios find the cluster as before.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from e2e import crossplane, scenario
from e2e.controlplane import State
from e2e.kube import Kube, eventually, is_true
from tests import crds

README = scenario.ROOT / "README.md"
BIN = scenario.ROOT / ".tools" / "bin"
NS, CLAIM_NAME = "shop", "orders"
PROVIDER_CONFIG_CRD = "provider-upjet-aws/aws.upbound.io_providerconfigs.yaml"
# The one command that needs the internet, and what runs instead.
PULLS_FROM_THE_INTERNET = "kubectl apply -f examples/configuration.yaml"


def install_commands(text: str) -> list[list[str]]:
    """The commands of each ``sh`` block of the README's Install section, continuations joined."""
    section = text.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^ *```sh\n(.*?)^ *```", section, flags=re.M | re.S)
    commands = []
    for block in blocks:
        joined = re.sub(r"\\\n\s*", " ", block)
        lines = [line.strip() for line in joined.splitlines()]
        commands.append([line for line in lines if line and not line.startswith("#")])
    return commands


def test_the_install_section_is_read_as_five_steps_of_commands() -> None:
    commands = install_commands(README.read_text())
    assert len(commands) == 5, commands
    assert PULLS_FROM_THE_INTERNET in commands[0]
    assert any("examples/minimal/claim.yaml" in c for c in commands[3])


@pytest.fixture
def user_dir(tmp_path: Path, state: State) -> tuple[Path, dict[str, str]]:
    """A user's folder (the project's examples, a credentials file) and environment."""
    (tmp_path / "examples").symlink_to(scenario.ROOT / "examples")
    (tmp_path / "aws-credentials.ini").write_text(
        "[default]\naws_access_key_id = AKIAEXAMPLE\naws_secret_access_key = example\n"
    )
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "kubectl").symlink_to(BIN / "kubectl")
    (bin_dir / "crossplane").symlink_to(BIN / "crank")
    env = {
        **os.environ,
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "KUBECONFIG": str(state.kubeconfig),
        "KUBECTL_COMMAND_HEADERS": "false",
    }
    return tmp_path, env


def _gone(kube: Kube, kind: str, name: str, namespace: str | None = None) -> None:
    if kube.get(kind, name, namespace) is None:
        return
    scenario.delete(kube, kind, name, namespace)
    eventually(
        f"{kind} {name} to be deleted",
        lambda: kube.get(kind, name, namespace) is None,
        timeout=2 * scenario.WAIT,
    )


def _clean(kube: Kube) -> None:
    if kube.get("crd", scenario.CLAIM) is not None:
        _gone(kube, scenario.CLAIM, CLAIM_NAME, NS)
    _gone(kube, "namespace", NS)
    _gone(kube, "secret", "aws-credentials", "crossplane-system")
    if kube.get("crd", "providerconfigs.aws.upbound.io") is not None:
        _gone(kube, "providerconfigs.aws.upbound.io", "default")
        _gone(kube, "crd", "providerconfigs.aws.upbound.io")


@pytest.fixture
def clean_cluster(kube: Kube) -> Iterator[None]:
    """No claim, namespace or credentials of the README's yet; none left afterwards."""
    _clean(kube)
    yield
    _clean(kube)


def _columns(table: str) -> dict[str, str]:
    """The first row of `kubectl get` output by column (empty columns included)."""
    header, row = table.splitlines()[:2]
    starts = [m.start() for m in re.finditer(r"\S+", header)]
    ends = [*starts[1:], None]
    return {header[a:b].strip(): row[a:b].strip() for a, b in zip(starts, ends, strict=True)}


def _run(command: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    if command == PULLS_FROM_THE_INTERNET:
        command += " --dry-run=server"
    return subprocess.run(
        ["bash", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=660,
        check=False,
    )


def test_the_readme_install_commands_reach_a_ready_claim(
    kube: Kube, state: State, user_dir: tuple[Path, dict[str, str]], clean_cluster: None
) -> None:
    cwd, env = user_dir
    # The harness's Configuration is the README's manifest, from its local registry.
    readme_cfg = yaml.safe_load((scenario.ROOT / "examples" / "configuration.yaml").read_text())
    installed = kube.get("configurations.pkg.crossplane.io", crossplane.CONFIGURATION)
    assert installed["spec"]["package"] == crossplane.package_ref(state, crossplane.CONFIGURATION)
    assert installed["spec"]["package"].endswith(readme_cfg["spec"]["package"].split("/", 1)[1])
    # What provider-aws brings with it in a real cluster.
    kube.apply(crds.path(PROVIDER_CONFIG_CRD))
    kube.run("wait", "--for=condition=Established", "--timeout=60s",
             "crd/providerconfigs.aws.upbound.io")  # fmt: skip

    steps = install_commands(README.read_text())
    ran: list[tuple[str, subprocess.CompletedProcess[str]]] = []
    for number, commands in enumerate(steps, start=1):
        if number == 5:
            # The provider creates the table the claim asked for.
            xr = scenario.xr_name_of_claim(kube, CLAIM_NAME, NS)
            table = scenario.wait_composed(kube, xr, {"table"})["table"]
            scenario.make_ready(kube, [table])
            scenario.wait_ready(kube, scenario.CLAIM, CLAIM_NAME, NS)
        for command in commands:
            done = _run(command, cwd, env)
            assert done.returncode == 0, f"step {number}: {command}\n{done.stdout}{done.stderr}"
            ran.append((command, done))

    said = dict(ran)
    get = said["kubectl get awsdynamodb -n shop"].stdout
    columns = _columns(get)
    assert columns["NAME"] == CLAIM_NAME, get
    assert (columns["SYNCED"], columns["READY"], columns["ACCEPTED"]) == ("True",) * 3, get
    trace = next(d for c, d in ran if c.startswith("crossplane beta trace")).stdout
    assert re.search(rf"^AwsDynamodb/{CLAIM_NAME} \({NS}\)\s+True\s+True\s+Available", trace, re.M)
    assert re.search(r"Table/\S+\s+True\s+True\s+Available", trace), trace
    claim = kube.get(scenario.CLAIM, CLAIM_NAME, NS)
    assert is_true(claim, "Ready")
