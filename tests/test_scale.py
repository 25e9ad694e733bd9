"""make e2e-scale's pieces that need no control plane: the claims, the stand-in's choices,
the metered server and the figures (e2e/scale/, e2e/metered.py)."""

from __future__ import annotations

import asyncio
import copy
import io
import math
from collections import Counter
from typing import Any

import pytest
import yaml
from crossplane.function.proto.v1 import run_function_pb2 as fnv1

from e2e import metered, provider
from e2e.scale import mix, summary
from e2e.scale.standin import action, status_patch
from function import offline
from function.serve.servicer import FunctionRunner
from function.serve.structs import struct_to_dict
from tests.support import EXAMPLES, crossplane_documents, with_uid

COMPOSITION_INPUT = yaml.safe_load((EXAMPLES / "composition.yaml").read_text())["spec"]["pipeline"][
    0
]["input"]


# -- the claims --------------------------------------------------------------------------


def test_the_mix_repeats_its_weights_over_the_namespaces() -> None:
    round_ = sum(weight for _, _, weight in mix.MIX)
    claims = mix.claims(3 * round_)
    kinds = Counter(c["metadata"]["name"].rsplit("-", 1)[0] for c in claims)
    assert kinds == {name: 3 * weight for name, _, weight in mix.MIX}
    assert {c["metadata"]["namespace"] for c in claims} == set(mix.namespaces(3 * round_))
    assert len(mix.namespaces(3 * round_)) == mix.NAMESPACES


def test_no_two_claims_share_a_name_or_a_table() -> None:
    claims = mix.claims(2 * sum(weight for _, _, weight in mix.MIX))
    names = [(c["metadata"]["namespace"], c["metadata"]["name"]) for c in claims]
    assert len(set(names)) == len(names)
    fixed = [c["spec"]["tableName"] for c in claims if "tableName" in c["spec"]]
    assert fixed and len(set(fixed)) == len(fixed)


def _render(claim: dict[str, Any]) -> fnv1.RunFunctionResponse:
    composite = offline.composite_of(copy.deepcopy(claim))
    return offline.render(offline.build_request(composite, fn_input=COMPOSITION_INPUT))


@pytest.mark.parametrize("example", [name for name, _, _ in mix.MIX])
def test_every_claim_of_the_mix_is_accepted(example: str) -> None:
    """A refused claim would never turn Ready: the run would measure refusals, not tables."""
    claim = next(
        c for c in mix.claims(len(mix.pattern())) if c["metadata"]["name"].startswith(example + "-")
    )
    rsp = _render(claim)
    fatal = [r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]
    assert not fatal
    assert "table" in rsp.desired.resources


def test_a_resource_policy_names_the_renamed_table() -> None:
    claim = next(c for c in mix.claims(len(mix.pattern())) if "resourcePolicy" in c["spec"])
    resources = [r for s in claim["spec"]["resourcePolicy"]["Statement"] for r in s["Resource"]]
    assert resources and all(f"table/{claim['spec']['tableName']}" in r for r in resources)


# -- the stand-in provider -----------------------------------------------------------------


def _mr(observe_only: bool, generation: int = 1) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "forProvider": {"region": "us-east-1", "billingMode": "PAY_PER_REQUEST"}
    }
    if observe_only:
        spec["managementPolicies"] = ["Observe"]
    return {
        "apiVersion": "dynamodb.aws.upbound.io/v1beta2",
        "kind": "Table",
        "metadata": {"name": "t", "generation": generation},
        "spec": spec,
    }


def _patched(mr: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    return {**mr, "status": patch["status"]}


def test_an_observe_only_table_is_reported_absent_once() -> None:
    mr = _mr(observe_only=True)
    assert action(mr) == "absent"
    after = _patched(mr, status_patch(mr, "absent"))
    assert after["status"]["atProvider"] == {}
    assert action(after) is None


def test_a_managed_resource_is_reported_ready_at_its_generation() -> None:
    mr = _mr(observe_only=False, generation=3)
    assert action(mr) == "ready"
    after = _patched(mr, status_patch(mr, "ready"))
    assert after["status"]["atProvider"]["arn"].endswith(":table/t")
    assert {c["observedGeneration"] for c in after["status"]["conditions"]} == {3}
    assert action(after) is None
    # The function changed its spec: the provider reports it again.
    changed = {**after, "metadata": {**after["metadata"], "generation": 4}}
    assert action(changed) == "ready"


def test_a_table_reported_absent_and_then_managed_is_made_ready() -> None:
    observing = _mr(observe_only=True)
    absent = _patched(observing, status_patch(observing, "absent"))
    managed = {**absent, "metadata": {"name": "t", "generation": 2}, "spec": _mr(False)["spec"]}
    assert action(managed) == "ready"


def test_a_resource_being_deleted_is_left_alone() -> None:
    mr = _mr(observe_only=False)
    mr["metadata"]["deletionTimestamp"] = provider.NOW
    assert action(mr) is None


def _converged_in(claim: dict[str, Any], rounds: int = 12) -> int | None:
    """Reconciles until the composite is Ready, the stand-in answering each desired resource
    as it does on the control plane; None when it never is."""
    xr = with_uid(offline.composite_of(copy.deepcopy(claim)))
    observed: dict[str, dict[str, Any]] = {}
    for round_ in range(1, rounds + 1):
        composite, docs = crossplane_documents(xr, observed.values())
        rsp = offline.render(offline.build_request(composite, docs, fn_input=COMPOSITION_INPUT))
        assert not [r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]
        desired = rsp.desired.resources
        if rsp.desired.composite.ready != fnv1.READY_FALSE and all(
            r.ready == fnv1.READY_TRUE for r in desired.values()
        ):
            return round_
        now = {}
        for name, resource in desired.items():
            body = struct_to_dict(resource.resource)
            before = observed.get(name)
            same = before is not None and before["spec"] == body["spec"]
            generation = before["metadata"]["generation"] + (0 if same else 1) if before else 1
            meta = body.setdefault("metadata", {})
            meta.update(name=f"{xr['metadata']['name']}-{name}", generation=generation)
            meta.setdefault("annotations", {})[offline.RESOURCE_NAME_ANNOTATION] = name
            mr = {**body, "status": before.get("status", {})} if before else body
            if (what := action(mr)) is not None:
                mr = _patched(mr, status_patch(mr, what))
            now[name] = mr
        observed = now
    return None


@pytest.mark.parametrize("example", [name for name, _, _ in mix.MIX])
def test_every_claim_of_the_mix_turns_ready_with_the_stand_in(example: str) -> None:
    """What the scale run waits for: a claim the stand-in cannot make Ready would hang it."""
    claim = next(
        c for c in mix.claims(len(mix.pattern())) if c["metadata"]["name"].startswith(example + "-")
    )
    assert _converged_in(claim) is not None


# -- the metered server ----------------------------------------------------------------------


def test_the_metered_servicer_answers_as_the_function_and_writes_a_line_per_call() -> None:
    composite = offline.composite_of(mix.claims(1)[0])
    req = offline.build_request(composite, fn_input=COMPOSITION_INPUT)
    out = io.StringIO()
    runner = metered.metered(out)()
    for _ in range(2):
        got = asyncio.run(runner.RunFunction(req, None))
    want = asyncio.run(FunctionRunner().RunFunction(req, None))
    assert got == want
    calls = summary.read_calls(out.getvalue())
    assert [c.composite for c in calls] == [composite["metadata"]["name"]] * 2
    assert all(c.wall > 0 and c.cpu >= 0 for c in calls)


def test_a_call_without_a_composite_name_is_recorded_as_a_dash() -> None:
    assert metered.composite_name(fnv1.RunFunctionRequest()) == "-"


# -- the figures -----------------------------------------------------------------------------


def test_read_calls_skips_a_line_cut_short() -> None:
    text = metered.record_line(10.0, 0.002, 0.0015, "a-x") + "11.0 0.00" + "\n"
    assert summary.read_calls(text) == [summary.Call(10.0, 0.002, 0.0015, "a-x")]


def test_percentile_is_the_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert summary.percentile(values, 50) == 50.0
    assert summary.percentile(values, 99) == 99.0
    assert summary.percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert summary.percentile([5.0], 99) == 5.0
    with pytest.raises(ValueError, match="no values"):
        summary.percentile([], 50)


def test_time_to_a_fraction_of_the_claims() -> None:
    ready = [104.0, 101.0, 110.0, 102.0]
    assert summary.time_to(ready, 100.0, 4, 0.5) == 2.0
    assert summary.time_to(ready, 100.0, 4, 1.0) == 10.0
    # Not all were Ready: no time to all of them.
    assert summary.time_to(ready, 100.0, 5, 1.0) is None
    assert summary.time_to(ready, 100.0, 5, 0.8) == 10.0


def test_the_restart_gap_is_from_the_last_answer_to_the_first_new_call() -> None:
    calls = [
        summary.Call(10.0, 0.5, 0.1, "a"),
        summary.Call(19.0, 1.5, 0.1, "b"),  # in flight when stopped, drained
        summary.Call(35.0, 0.1, 0.1, "c"),
        summary.Call(40.0, 0.1, 0.1, "d"),
    ]
    gap = summary.restart_gap(calls, stopped=20.0, listening=31.0)
    assert (gap.last_before, gap.first_after) == (20.5, 35.0)
    assert gap.seconds() == 14.5
    assert summary.restart_gap(calls[:2], 20.0, 31.0).seconds() is None


def test_first_ready_after_a_moment() -> None:
    assert summary.first_after([12.0, 30.0, 25.0, 99.0], 20.0) == 5.0
    assert summary.first_after([12.0], 20.0) is None


def _sample(name: str, value: float, function: str = "fn", **labels: str) -> str:
    common = {"function_name": function, "function_package": "p", "grpc_method": "/m"}
    text = ",".join(f'{k}="{v}"' for k, v in (common | labels).items())
    return f"{name}{{{text}}} {value}"


def _metrics(requests: float = 40, fast: float = 20) -> str:
    """Crossplane 2.2.1's /metrics (prometheus/client_golang's text format), trimmed."""
    run = "function_run_function_"
    ok = {"grpc_code": "OK", "result_severity": "Normal"}
    warned = {"grpc_code": "OK", "result_severity": "Warning"}
    return "\n".join(
        [
            f"# HELP {run}request_total Total number of RunFunctionRequests sent.",
            f"# TYPE {run}request_total counter",
            _sample(f"{run}request_total", requests),
            _sample(f"{run}request_total", 7, function="other"),
            _sample(f"{run}response_total", 30, **ok),
            _sample(f"{run}response_total", 8, **warned),
            _sample(f"{run}response_total", 2, grpc_code="Unavailable", result_severity="Normal"),
            _sample(f"{run}seconds_bucket", fast, **ok, le="0.005"),
            _sample(f"{run}seconds_bucket", 29, **ok, le="0.01"),
            _sample(f"{run}seconds_bucket", 30, **ok, le="+Inf"),
            _sample(f"{run}seconds_bucket", 0, **warned, le="0.005"),
            _sample(f"{run}seconds_bucket", 8, **warned, le="0.01"),
            _sample(f"{run}seconds_bucket", 8, **warned, le="+Inf"),
            _sample(f"{run}seconds_sum", 0.2, **ok),
        ]
    )


def test_crossplane_metrics_of_one_function_summed_over_their_labels() -> None:
    got = summary.parse_metrics(_metrics(), "fn")
    assert got.requests == 40
    assert got.responses == {"OK": 38, "Unavailable": 2}
    assert got.buckets == {0.005: 20, 0.01: 37, math.inf: 38}
    assert summary.bucket_bounds(got.buckets, 50) == (0.0, 0.005)
    assert summary.bucket_bounds(got.buckets, 90) == (0.005, 0.01)
    assert summary.bucket_bounds(got.buckets, 99) == (0.01, math.inf)
    # The 50th of 100 observations is the last one of the first bucket.
    assert summary.bucket_bounds({0.005: 50, 0.01: 100, math.inf: 100}, 50) == (0.0, 0.005)


def test_metrics_between_two_scrapes() -> None:
    before = summary.parse_metrics(_metrics(), "fn")
    after = summary.parse_metrics(_metrics(requests=52, fast=30), "fn")
    delta = after.minus(before)
    assert delta.requests == 12
    assert delta.buckets[0.005] == 10
    assert delta.responses["OK"] == 0
    assert summary.bucket_bounds(summary.FunctionMetrics().buckets, 50) is None


def test_tables_per_core() -> None:
    # 1 call a minute of 10 ms: 6,000 tables keep a core busy; half of that at 50 %.
    assert summary.tables_per_core(0.010, 1.0) == pytest.approx(6000)
    assert summary.tables_per_core(0.010, 2.0, busy=0.5) == pytest.approx(1500)
