"""Fixtures for the scenarios against the real provider: the AWS emulator, as the harness
reaches it with its own fixed fake credentials (the provider has others)."""

from __future__ import annotations

import pytest

from e2e.aws.aws import Emulator
from e2e.controlplane import State
from e2e.provider_aws import emulator_url


@pytest.fixture(scope="session")
def aws(state: State) -> Emulator:
    return Emulator(emulator_url(state))
