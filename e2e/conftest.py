"""Fixtures for the e2e scenarios: the running control plane (from `python -m e2e up`
or `make e2e`), or one started for this session when none is running.

The scenarios under e2e/aws/ need the real provider (`make e2e-aws`); they are
collected only when E2E_PROVIDER=aws, and the others only without it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from e2e import controlplane, crossplane, procs, provider_aws
from e2e.controlplane import State
from e2e.kube import Kube, Rest

REAL_PROVIDER = os.environ.get(provider_aws.SCENARIOS_ENV) == provider_aws.MODE
HERE = Path(__file__).parent


def pytest_ignore_collect(collection_path: Path) -> bool | None:
    """The scenarios of e2e/aws/ with the real provider, the others without it."""
    if not collection_path.name.startswith("test_"):
        return None
    return ((HERE / "aws") in collection_path.parents) != REAL_PROVIDER or None


def _running() -> State | None:
    state = State.load()
    if state and state.pids and all(procs.alive(p) for p in state.pids.values()):
        return state
    return None


@pytest.fixture(scope="session")
def state() -> Iterator[State]:
    running = _running()
    if running:
        if (running.extra.get("provider") == provider_aws.MODE) != REAL_PROVIDER:
            raise procs.HarnessError(
                "the running control plane has the "
                + ("real provider" if not REAL_PROVIDER else "stand-in")
                + ": run `make controlplane-down` first"
            )
        yield running
        return
    started = controlplane.up()
    try:
        crossplane.up(started, REAL_PROVIDER)
        yield started
    finally:
        controlplane.down(started)


@pytest.fixture(scope="session")
def kube(state: State) -> Kube:
    return Kube(state.kubeconfig)


@pytest.fixture(scope="session")
def rest(state: State) -> Rest:
    return Rest(
        f"https://127.0.0.1:{state.ports['apiserver']}", controlplane.admin_ssl_context(state)
    )
