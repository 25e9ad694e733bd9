"""The response cache: repeated requests come from it, and only ever with their own answer."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from function.offline import build_request, load_documents
from function.serve import cache
from function.serve import servicer as fn
from function.serve.cache import ResponseCache, request_key
from function.serve.servicer import FunctionRunner
from tests.support import EXAMPLES, FIXTURES, load_yaml

AUTOSCALED = EXAMPLES / "autoscaled"


def _request(tag: str = "t") -> fnv1.RunFunctionRequest:
    """The autoscaled example with its observed Table and Targets: every part of a request set."""
    req = build_request(
        load_yaml(AUTOSCALED / "xr.yaml"),
        load_documents([AUTOSCALED / "observed"]),
        {"apiVersion": "awsdynamodb.fn.project-planton.org/v1beta1", "kind": "Input"},
        tag=tag,
    )
    req.desired.resources["from-earlier-step"].resource.update({"apiVersion": "v1", "kind": "X"})
    req.context.update({"apiextensions.crossplane.io/environment": {"team": "data"}})
    return req


def _run(runner: FunctionRunner, req: fnv1.RunFunctionRequest) -> fnv1.RunFunctionResponse:
    return asyncio.run(runner.RunFunction(req, None))


def _uncached(req: fnv1.RunFunctionRequest) -> fnv1.RunFunctionResponse:
    return _run(FunctionRunner(ResponseCache(max_entries=0)), req)


def _warm(runner: FunctionRunner, req: fnv1.RunFunctionRequest) -> None:
    """Send ``req`` until the cache answers it (a composite is keyed from its second request)."""
    for i in range(3):
        warm = fnv1.RunFunctionRequest()
        warm.CopyFrom(req)
        warm.meta.tag = f"warm-{i}"
        _run(runner, warm)
    assert runner.cache.hits == 1


def test_an_identical_request_is_answered_from_the_cache_with_the_same_answer() -> None:
    runner = FunctionRunner()
    answers = [_run(runner, _request("same")) for _ in range(3)]
    assert (runner.cache.hits, runner.cache.misses) == (1, 2)
    assert len(runner.cache) == 1
    assert answers[2] == answers[1] == answers[0] == _uncached(_request("same"))
    assert len(answers[2].desired.resources) > 2  # a real answer, not the passed-through desired


def test_the_answer_carries_the_current_requests_tag_and_ttl() -> None:
    runner = FunctionRunner()
    _warm(runner, _request())
    for tag in ("second", "", "third"):
        rsp = _run(runner, _request(tag))
        assert rsp.meta.tag == tag
        assert rsp.meta.ttl.seconds == 60
    assert runner.cache.hits == 4


def test_an_answer_from_the_cache_is_a_copy_the_caller_may_change() -> None:
    runner = FunctionRunner()
    _warm(runner, _request())
    first = _run(runner, _request("a"))
    first.desired.resources.clear()
    first.results.add(message="changed by the caller")
    again = _run(runner, _request("b"))
    assert again == _uncached(_request("b"))


def _set_observed_status(req: fnv1.RunFunctionRequest) -> None:
    table = req.observed.resources["table"].resource
    table["status"]["atProvider"]["streamLabel"] = "2026-01-01T00:00:00.000"


def _observe_one_more(req: fnv1.RunFunctionRequest) -> None:
    target = req.observed.resources["table-read-target"].resource
    req.observed.resources["table-read-policy"].resource.update(
        {"apiVersion": target["apiVersion"], "kind": "Policy", "metadata": {"name": "p"}}
    )


def _unready_target(req: fnv1.RunFunctionRequest) -> None:
    conditions = req.observed.resources["table-read-target"].resource["status"]["conditions"]
    conditions[0]["status"] = "False"


def _change_desired(req: fnv1.RunFunctionRequest) -> None:
    req.desired.resources["from-earlier-step"].resource["kind"] = "Y"


def _change_input(req: fnv1.RunFunctionRequest) -> None:
    req.input["providerConfigName"] = "other"


def _change_context(req: fnv1.RunFunctionRequest) -> None:
    req.context["apiextensions.crossplane.io/environment"]["team"] = "web"


def _change_xr_spec(req: fnv1.RunFunctionRequest) -> None:
    req.observed.composite.resource["spec"]["tags"] = {"team": "web"}


def _change_xr_metadata(req: fnv1.RunFunctionRequest) -> None:
    req.observed.composite.resource["metadata"]["name"] = "payments"


def _change_desired_xr(req: fnv1.RunFunctionRequest) -> None:
    req.desired.composite.resource["metadata"]["labels"] = {"a": "b"}


def _add_capability(req: fnv1.RunFunctionRequest) -> None:
    req.meta.capabilities.append(fnv1.CAPABILITY_CAPABILITIES)


def _add_required_resource(req: fnv1.RunFunctionRequest) -> None:
    req.required_resources["vpc"].items.add().resource.update({"kind": "VPC"})


def _add_credentials(req: fnv1.RunFunctionRequest) -> None:
    req.credentials["aws"].credential_data.data["key"] = b"secret"


CHANGES: dict[str, Callable[[fnv1.RunFunctionRequest], None]] = {
    "observed Table's atProvider": _set_observed_status,
    "one more observed resource": _observe_one_more,
    "observed Target no longer ready": _unready_target,
    "desired resource from an earlier step": _change_desired,
    "function input": _change_input,
    "pipeline context": _change_context,
    "composite's spec": _change_xr_spec,
    "composite's name": _change_xr_metadata,
    "desired composite": _change_desired_xr,
    "meta capabilities": _add_capability,
    "required resources": _add_required_resource,
    "credentials": _add_credentials,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=list(CHANGES))
def test_any_change_to_the_request_is_a_miss_answered_afresh(
    change: Callable[[fnv1.RunFunctionRequest], None],
) -> None:
    runner = FunctionRunner()
    _warm(runner, _request())
    changed = _request("changed")
    change(changed)
    assert changed != _request("changed"), "the change must change the request"
    expected = _uncached(changed)
    assert _run(runner, changed) == expected
    assert runner.cache.hits == 1  # only the warm-up's: the changed request missed
    # Its own answer is kept too: by its third time it comes from the cache.
    assert _run(runner, changed) == expected
    hits = runner.cache.hits
    assert _run(runner, changed) == expected
    assert runner.cache.hits == hits + 1


def test_a_cached_fatal_is_the_same_fatal_and_passes_desired_through() -> None:
    runner = FunctionRunner()
    req = build_request(load_yaml(FIXTURES / "invalid-xr.yaml"), tag="bad")
    req.desired.resources["from-earlier-step"].resource.update({"apiVersion": "v1", "kind": "X"})
    answers = [_run(runner, req) for _ in range(3)]
    assert runner.cache.hits == 1
    cached = answers[2]
    fatal = [r for r in cached.results if r.severity == fnv1.SEVERITY_FATAL]
    assert len(fatal) == 1
    assert cached == _uncached(req)
    assert cached.desired == req.desired
    assert cached.meta.tag == "bad"


def test_an_internal_error_is_never_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Any] = []

    def broken(request: Any) -> Any:
        calls.append(request)
        raise RuntimeError("boom")

    monkeypatch.setattr(fn, "compose", broken)
    runner = FunctionRunner()
    for _ in range(3):
        rsp = _run(runner, _request())
        assert [r.reason for r in rsp.results] == ["InternalError"]
    assert len(calls) == 3
    assert len(runner.cache) == 0


def _distinct(n: int) -> list[fnv1.RunFunctionRequest]:
    reqs = []
    for i in range(n):
        req = _request(f"d{i}")
        req.observed.composite.resource["spec"]["tags"] = {"n": str(i)}
        reqs.append(req)
    return reqs


def _fill(runner: FunctionRunner, reqs: list[fnv1.RunFunctionRequest]) -> None:
    for req in reqs:
        _run(runner, req)  # the composite is new: seen, not kept
        _run(runner, req)  # kept


def test_the_cache_keeps_at_most_max_entries_and_evicts_the_least_recently_used() -> None:
    runner = FunctionRunner(ResponseCache(max_entries=2))
    first, second, third = _distinct(3)
    _fill(runner, [first, second])
    _run(runner, first)  # a hit: first is now the most recently used
    _fill(runner, [third])
    assert len(runner.cache) == 2
    hits = runner.cache.hits
    _run(runner, first)
    _run(runner, third)
    assert runner.cache.hits == hits + 2
    _run(runner, second)  # evicted
    assert runner.cache.hits == hits + 2


def test_only_composites_seen_lately_enough_to_be_kept_are_keyed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    keyed: list[str] = []

    def counting(req: fnv1.RunFunctionRequest) -> bytes:
        keyed.append(req.meta.tag)
        return request_key(req)

    monkeypatch.setattr(cache, "request_key", counting)
    runner = FunctionRunner(ResponseCache(max_entries=2))
    first, second, third = _distinct(3)
    for _ in range(3):  # each composite comes back after two others: too late for 2 entries
        for req in (first, second, third):
            assert _run(runner, req) == _uncached(req)
    assert keyed == []  # not one key computed in vain
    assert runner.cache.hits == 0
    _run(runner, first)
    assert keyed == []
    _run(runner, first)  # right after its last time: seen lately, so keyed and kept
    assert keyed == ["d0"]
    _run(runner, first)
    assert runner.cache.hits == 1


def test_the_cache_stays_within_max_bytes() -> None:
    one = len(_run(FunctionRunner(), _request()).SerializeToString())
    one += len(_request().SerializeToString())
    limit = 3 * one
    runner = FunctionRunner(ResponseCache(max_bytes=limit))
    _fill(runner, _distinct(6))
    assert 1 <= len(runner.cache) <= 3
    assert runner.cache.bytes <= limit


def test_an_answer_larger_than_the_whole_cache_is_not_kept() -> None:
    runner = FunctionRunner(ResponseCache(max_bytes=1000))
    _fill(runner, _distinct(1))
    assert len(runner.cache) == 0
    assert runner.cache.bytes == 0


def test_over_grpc_each_repeated_request_gets_its_own_tag(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    answers = [stub_v1.RunFunction(_request(f"grpc-{i}"), timeout=10) for i in range(4)]
    assert [a.meta.tag for a in answers] == [f"grpc-{i}" for i in range(4)]
    expected = _uncached(_request("grpc-3"))
    assert answers[3] == expected
    for a in answers[:3]:
        a.meta.tag = "grpc-3"
        assert a == expected


def test_one_large_answer_does_not_shrink_the_cache_for_good() -> None:
    # Eight composites polled in turn, each coming back after the seven others:
    # a cache of eight entries answers all of them.
    small = _distinct(8)
    one = len(_request().SerializeToString()) + len(
        _run(FunctionRunner(), _request()).SerializeToString()
    )
    runner = FunctionRunner(ResponseCache(max_entries=8, max_bytes=12 * one))
    _fill(runner, small)
    assert len(runner.cache) == 8
    # One large answer (an earlier step's large resource, passed through) evicts most of them.
    big = _request("big")
    big.desired.resources["large"].resource.update({"data": "x" * (4 * one)})
    _fill(runner, [big])
    assert len(runner.cache) < 8
    for _ in range(3):
        for req in small:
            _run(runner, req)
    # The evicted answers are kept again, the large one gave way: the cache is whole.
    assert len(runner.cache) == 8
    hits = runner.cache.hits
    for req in small:
        _run(runner, req)
    assert runner.cache.hits == hits + 8
