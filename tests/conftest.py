"""Fixtures: one real `function serve` subprocess, and gRPC stubs for it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import grpc
import pytest
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1
from crossplane.function.proto.v1beta1 import run_function_pb2_grpc as grpcv1beta1
from hypothesis import settings

from tests.support import serve_subprocess, wait_for_channel

# CI explores the same examples every run, so a red build always reproduces;
# developers' runs explore new ones (and keep failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def server_address() -> Iterator[str]:
    """A real `function serve --insecure` on loopback, shared by the session."""
    with serve_subprocess("--insecure") as (_, address):
        yield address


@pytest.fixture(scope="session")
def channel(server_address: str) -> Iterator[grpc.Channel]:
    ch = grpc.insecure_channel(server_address)
    wait_for_channel(ch)
    yield ch
    ch.close()


@pytest.fixture(scope="session")
def stub_v1(channel: grpc.Channel) -> grpcv1.FunctionRunnerServiceStub:
    return grpcv1.FunctionRunnerServiceStub(channel)


@pytest.fixture(scope="session")
def stub_v1beta1(channel: grpc.Channel) -> grpcv1beta1.FunctionRunnerServiceStub:
    return grpcv1beta1.FunctionRunnerServiceStub(channel)
