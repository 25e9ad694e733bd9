"""Fixtures for the e2e scenarios: the running control plane (from `python -m e2e up`
or `make e2e`), or one started for this session when none is running."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from e2e import controlplane, crossplane, procs
from e2e.controlplane import State
from e2e.kube import Kube, Rest


def _running() -> State | None:
    state = State.load()
    if state and state.pids and all(procs.alive(p) for p in state.pids.values()):
        return state
    return None


@pytest.fixture(scope="session")
def state() -> Iterator[State]:
    running = _running()
    if running:
        yield running
        return
    started = controlplane.up()
    try:
        crossplane.up(started)
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
