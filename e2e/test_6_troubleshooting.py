"""docs/troubleshooting.md, captured: a claim in each state and what a user sees of it.

Four claims: accepted and waiting (the Table only observes; nothing answers for it),
refused (a spec only the function can judge), stuck on a provider error (the Table's
ProviderConfig is missing: the harness writes the Synced=False condition upjet writes
then) and Ready. For each, `kubectl get` (the printer columns), `kubectl describe`
and `crank beta trace` run as a user runs them; their output is written to
.e2e/troubleshooting/ and every output block of docs/troubleshooting.md must appear
in it, line by line in order (names' random suffixes, ages and times aside), so the
page cannot drift from what Crossplane shows.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from e2e import provider, scenario
from e2e.controlplane import State
from e2e.kube import Kube, condition, eventually, is_true

NS = "team-a"
DOC = scenario.ROOT / "docs" / "troubleshooting.md"
CRANK = scenario.ROOT / ".tools" / "bin" / "crank"
# What upjet writes on a managed resource whose ProviderConfig does not exist.
MISSING_PROVIDER_CONFIG = (
    "connect failed: cannot initialize the Terraform plugin SDK async external client: "
    "cannot get terraform setup: cannot get referenced ProviderConfig: "
    'ProviderConfig.aws.upbound.io "default" not found'
)


def _claims(kube: Kube) -> dict[str, str]:
    """Each state's claim, applied; its XR's name."""
    claims = {
        "waiting": scenario.claim_of("minimal/claim.yaml", "waiting", NS),
        # tag_chars is function-only: admission lets the claim in, the function refuses it.
        "refused": scenario.claim_of("minimal/claim.yaml", "refused", NS, tags={"cost": "#42"}),
        "stuck": scenario.claim_of("minimal/claim.yaml", "stuck", NS),
        "ready": scenario.claim_of("minimal/claim.yaml", "ready", NS),
    }
    for claim in claims.values():
        scenario.apply(kube, claim)
    return {name: scenario.xr_name_of_claim(kube, name, NS) for name in claims}


def _provider_error(kube: Kube, table: dict[str, object]) -> None:
    meta = table["metadata"]
    assert isinstance(meta, dict)
    failed = dict(provider.NOT_FOUND, message=MISSING_PROVIDER_CONFIG)
    kube.patch_status(
        provider.resource_name(table), meta["name"], {"status": {"conditions": [failed]}}
    )


@pytest.fixture(scope="module")
def states(kube: Kube) -> dict[str, str]:
    xrs = _claims(kube)
    scenario.make_ready(kube, [scenario.wait_composed(kube, xrs["ready"], {"table"})["table"]])
    _provider_error(kube, scenario.wait_composed(kube, xrs["stuck"], {"table"})["table"])
    scenario.wait_composed(kube, xrs["waiting"], {"table"})
    eventually(
        "each claim to show its state",
        lambda: all(_shows(kube, name) for name in xrs),
        timeout=scenario.WAIT,
    )
    return xrs


def _conditions(kube: Kube, name: str) -> dict[str, dict[str, str]]:
    claim = kube.get(scenario.CLAIM, name, NS) or {}
    return {c["type"]: c for c in (claim.get("status") or {}).get("conditions") or []}


def _shows(kube: Kube, name: str) -> bool:
    cond = _conditions(kube, name)
    accepted = cond.get("SpecAccepted", {})
    synced = cond.get("ResourcesSynced", {})
    if name == "refused":
        return accepted.get("status") == "False"
    if name == "stuck":
        return synced.get("status") == "False"
    if name == "ready":
        return cond.get("Ready", {}).get("status") == "True"
    return accepted.get("status") == "True" and synced.get("status") == "True"


def test_the_claim_says_whether_its_spec_was_accepted_and_why_not(
    kube: Kube, states: dict[str, str]
) -> None:
    refused = _conditions(kube, "refused")["SpecAccepted"]
    assert refused["reason"] == "InvalidSpec"
    assert "spec.tags" in refused["message"] and "[tag_chars]" in refused["message"]
    for name in ("waiting", "stuck", "ready"):
        assert _conditions(kube, name)["SpecAccepted"]["status"] == "True", name
    assert is_true(kube.get(scenario.CLAIM, "ready", NS), "Ready")


def test_a_claim_stuck_on_the_provider_carries_its_message(
    kube: Kube, states: dict[str, str]
) -> None:
    synced = _conditions(kube, "stuck")["ResourcesSynced"]
    assert synced["status"] == "False"
    assert synced["message"] == f"table is not Synced: {MISSING_PROVIDER_CONFIG}"
    xr = kube.get(scenario.XR, states["stuck"])
    assert condition(xr, "ResourcesSynced") is not None


def columns(out: str) -> list[dict[str, str]]:
    """`kubectl get` output as rows by column name; a column may be blank."""
    header, *rows = out.splitlines()
    starts = [m.start() for m in re.finditer(r"\S+", header)]
    names = header.split()
    bounds = list(zip(starts, [*starts[1:], None], strict=True))
    return [{n: row[a:b].strip() for n, (a, b) in zip(names, bounds, strict=True)} for row in rows]


def test_printer_columns_show_acceptance_and_reason(kube: Kube, states: dict[str, str]) -> None:
    rows = {r["NAME"]: r for r in columns(kube.run("get", "awsdynamodb", "-n", NS).stdout)}
    assert (rows["refused"]["ACCEPTED"], rows["refused"]["REASON"]) == ("False", "InvalidSpec")
    assert rows["refused"]["TABLE"] == ""
    for name in ("waiting", "stuck", "ready"):
        assert (rows[name]["ACCEPTED"], rows[name]["REASON"]) == ("True", "Accepted"), name
    assert rows["ready"]["READY"] == "True"
    assert rows["ready"]["TABLE"] == states["ready"]
    wide = {
        r["NAME"]: r for r in columns(kube.run("get", "awsdynamodb", "-n", NS, "-o", "wide").stdout)
    }
    assert "[tag_chars]" in wide["refused"]["MESSAGE"]
    assert wide["stuck"]["PROVIDER"] == f"table is not Synced: {MISSING_PROVIDER_CONFIG}"
    assert wide["ready"]["PROVIDER"] == ""


def _capture(kube: Kube, state: State) -> dict[str, str]:
    """Every command the page shows, run as a user runs it."""
    env = {**os.environ, "KUBECONFIG": str(state.kubeconfig)}

    def crank(*args: str) -> str:
        done = subprocess.run(
            [str(CRANK), *args], capture_output=True, text=True, env=env, timeout=60, check=False
        )
        return done.stdout + done.stderr

    out = {
        f"kubectl get awsdynamodb -n {NS}": kube.run("get", "awsdynamodb", "-n", NS).stdout,
        f"kubectl get awsdynamodb -n {NS} -o wide": kube.run(
            "get", "awsdynamodb", "-n", NS, "-o", "wide"
        ).stdout,
    }
    for name in ("waiting", "refused", "stuck", "ready"):
        out[f"kubectl describe awsdynamodb {name} -n {NS}"] = kube.run(
            "describe", "awsdynamodb", name, "-n", NS
        ).stdout
        out[f"crossplane beta trace awsdynamodb {name} -n {NS}"] = crank(
            "beta", "trace", "awsdynamodb", name, "-n", NS
        )
    return out


# What differs from run to run: the XR's random suffix, ages, timestamps, uids.
_VARIABLE = [
    (re.compile(r"\b(waiting|refused|stuck|ready)-[a-z0-9]{5}\b"), r"\1-xxxxx"),
    (re.compile(r"-xxxxx-[0-9a-f]{12}\b"), "-xxxxx-HASH"),
    (re.compile(r"\b(Generation|Version):(\s+)\d+"), r"\1:\2N"),
    (re.compile(r"\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"), "TIME"),
    (re.compile(r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"), "UID"),
    (re.compile(r"\(x\d+ over [0-9smhd]+\)"), ""),
    (re.compile(r"(?<![\w-])(\d+[smhd])+(?![\w-])"), "AGE"),
    (re.compile(r"\s+"), " "),
]


def normalize(line: str) -> str:
    for pattern, replacement in _VARIABLE:
        line = pattern.sub(replacement, line)
    return line.strip()


def doc_blocks() -> list[tuple[str, list[str]]]:
    """(command, output lines) of each captured block of the page.

    A block is a ```console fence whose first line is `$ COMMAND`; a line `...`
    stands for output left out.
    """
    blocks = []
    for body in re.findall(r"^```console\n(.*?)^```", DOC.read_text(), flags=re.M | re.S):
        first, *rest = body.splitlines()
        assert first.startswith("$ "), first
        blocks.append((first[2:], [line for line in rest if line.strip() != "..."]))
    return blocks


def test_the_troubleshooting_page_shows_real_output(
    kube: Kube, state: State, states: dict[str, str]
) -> None:
    captured = _capture(kube, state)
    keep = Path(state.dir) / "troubleshooting"
    keep.mkdir(exist_ok=True)
    for command, text in captured.items():
        (keep / (re.sub(r"\W+", "_", command) + ".txt")).write_text(f"$ {command}\n{text}")
    blocks = doc_blocks()
    assert blocks, f"{DOC} has no captured blocks"
    for command, lines in blocks:
        assert command in captured, f"{DOC}: `{command}` is not a captured command"
        real = [normalize(line) for line in captured[command].splitlines()]
        at = 0
        for line in lines:
            want = normalize(line)
            try:
                at = real.index(want, at) + 1
            except ValueError:
                pytest.fail(
                    f"{DOC}: `{command}` shows {line!r}, which the real output "
                    f"({keep}) lacks (in this order)"
                )
