"""Replicas share nothing: a composite's requests spread over two `function serve`
processes get exactly the answers one process gives.

Crossplane reaches a function's replicas through a headless Service and
balances calls round-robin, so consecutive reconciles of one composite land on
different replicas. The sequence is the autoscaled example's reconcile, each
step sent three times as Crossplane re-sends an unchanged composite (so one
process answers the third from its response cache, while alternating replicas
each see a step at most twice): nothing observed; the Table Ready; the Targets
Ready; the Policies Ready.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import grpc
import pytest
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from function.offline import RESOURCE_NAME_ANNOTATION, build_request, response_documents
from tests.support import (
    EXAMPLES,
    crossplane_documents,
    load_all,
    load_yaml,
    serve_subprocess,
    wait_for_channel,
)

AUTOSCALED = EXAMPLES / "autoscaled"
XR = load_yaml(AUTOSCALED / "xr.yaml")
INPUT = load_yaml(EXAMPLES / "input.yaml")
TABLE = load_all(AUTOSCALED / "observed" / "table.yaml")
TARGETS = load_all(AUTOSCALED / "observed" / "targets.yaml")
SENDS_PER_STEP = 3


def _ready(desired: dict[str, Any]) -> dict[str, Any]:
    """A desired resource as the provider reports it once it exists."""
    body = copy.deepcopy(desired)
    body["status"] = {
        "atProvider": {"id": body["metadata"]["annotations"][RESOURCE_NAME_ANNOTATION]},
        "conditions": [
            {"type": "Ready", "status": "True", "reason": "Available"},
            {"type": "Synced", "status": "True", "reason": "ReconcileSuccess"},
        ],
    }
    return body


def _policies(rsp: fnv1.RunFunctionResponse) -> list[dict[str, Any]]:
    return [_ready(d) for d in response_documents(rsp)[1:] if d.get("kind") == "Policy"]


@pytest.fixture(scope="module")
def stubs() -> Iterator[list[grpcv1.FunctionRunnerServiceStub]]:
    """Three servers: two replicas, and one alone to compare with."""
    with ExitStack() as stack:
        found = []
        for _ in range(3):
            _, address = stack.enter_context(serve_subprocess("--insecure"))
            channel = stack.enter_context(grpc.insecure_channel(address))
            wait_for_channel(channel)
            found.append(grpcv1.FunctionRunnerServiceStub(channel))
        yield found


def _reconcile(pick: Any) -> list[fnv1.RunFunctionResponse]:
    """The reconcile sequence; ``pick(n)`` is the stub the n-th request goes to."""
    steps: list[list[dict[str, Any]]] = [[], TABLE, [*TABLE, *TARGETS]]
    answers: list[fnv1.RunFunctionResponse] = []
    sent = 0
    for step in range(4):
        if step == 3:
            # The Policies, as rendered once the Targets were Ready, now Ready too.
            steps.append([*steps[2], *_policies(answers[-1])])
        for _ in range(SENDS_PER_STEP):
            req = build_request(
                *crossplane_documents(XR, steps[step]), INPUT, tag=f"reconcile-{sent}"
            )
            answers.append(pick(sent).RunFunction(req, timeout=10))
            sent += 1
    return answers


def _kinds(rsp: fnv1.RunFunctionResponse) -> list[str]:
    return sorted(d["kind"] for d in response_documents(rsp)[1:] if d.get("kind") != "Result")


def test_alternating_replicas_answer_as_one_process_does(
    stubs: list[grpcv1.FunctionRunnerServiceStub],
) -> None:
    a, b, alone = stubs
    spread = _reconcile(lambda n: (a, b)[n % 2])
    single = _reconcile(lambda n: alone)
    # The sequence really walks the reconcile: Targets once the Table is Ready,
    # Policies once the Targets are, and all Ready at the end.
    assert _kinds(single[0]) == ["Table"]
    assert "Policy" not in _kinds(single[3]) and "Target" in _kinds(single[3])
    assert "Policy" in _kinds(single[6])
    assert response_documents(single[-1])[0]["status"]["outputs"]["tableArn"]
    assert len(spread) == len(single) == 4 * SENDS_PER_STEP
    for n, (got, want) in enumerate(zip(spread, single, strict=True)):
        assert got == want, f"request {n}: the replicas answered differently from one process"
