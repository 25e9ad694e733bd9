"""The benchmark's requests are what they say: every resource rendered, nothing waiting.

Since the ownership gate believes only an observation of the Table's current
generation, the benchmark's made-up observed resources must carry
``observedGeneration``; without it the "realistic" request settled at one
observe-only Table and every figure measured that instead.
"""

from __future__ import annotations

import asyncio

import pytest
from crossplane.function.proto.v1 import run_function_pb2 as fnv1

from benchmarks.bench import _yaml, settle
from function.serve.cache import ResponseCache
from function.serve.servicer import FunctionRunner


def _run(req: fnv1.RunFunctionRequest) -> fnv1.RunFunctionResponse:
    runner = FunctionRunner(ResponseCache(max_entries=0))
    return asyncio.run(runner.RunFunction(req, None))


@pytest.mark.parametrize(
    ("request_file", "resources"), [("minimal.yaml", 1), ("realistic.yaml", 26)]
)
def test_a_benchmark_request_settles_with_every_resource(request_file: str, resources: int) -> None:
    req, count = settle(_run, _yaml(request_file), _yaml("input.yaml"))
    assert count == resources
    rsp = _run(req)
    assert not [r.message for r in rsp.results if r.message.startswith("waiting:")]
    assert set(rsp.desired.resources) == set(req.observed.resources)
