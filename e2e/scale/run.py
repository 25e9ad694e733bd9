"""One scale run: up, N claims, a restart of the function half way, all Ready, quiet, down."""

from __future__ import annotations

import json
import os
import platform
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from e2e import controlplane, crossplane, procs
from e2e.controlplane import State
from e2e.scale import mix, summary
from e2e.scale.api import Api
from e2e.scale.claims import Tracker, refused
from e2e.scale.sample import Sampler
from e2e.scale.standin import StandIn

PROCESSES = [
    "function",
    "crossplane",
    "kube-apiserver",
    "etcd",
    "kube-controller-manager",
    "harness",
    "machine",  # every process on it, ours and other users'
]
REPORTS = controlplane.ROOT / "_output" / "e2e-scale"


@dataclass
class Options:
    claims: int
    steady: float  # seconds watched after all are Ready
    down: float  # seconds the function stays stopped
    restart_at: float  # the fraction of claims Ready when it is stopped (0: never)
    timeout: float  # seconds to wait for all claims to be Ready


@dataclass
class Marks:
    """Unix times of what the run did, and what it read at each."""

    applying: float = 0.0
    applied: float = 0.0
    stopped: float | None = None  # the function told to stop (SIGTERM)
    gone: float | None = None  # ... and gone
    listening: float | None = None  # serving again
    all_ready: float | None = None
    timed_out: float | None = None
    end: float = 0.0
    cpu: dict[str, dict[str, float]] = field(default_factory=dict)
    metrics: dict[str, summary.FunctionMetrics] = field(default_factory=dict)
    load: dict[str, list[float]] = field(default_factory=dict)


def _metrics(state: State) -> summary.FunctionMetrics:
    url = f"http://127.0.0.1:{state.ports['crossplane-metrics']}/metrics"
    with urllib.request.urlopen(url, timeout=10) as rsp:
        return summary.parse_metrics(rsp.read().decode(), crossplane.FUNCTION)


def _mark(name: str, marks: Marks, sampler: Sampler, state: State) -> None:
    sampler.read_now()
    marks.cpu[name] = sampler.totals()
    marks.metrics[name] = _metrics(state)
    marks.load[name] = list(os.getloadavg())


def up() -> State:
    state = controlplane.up()
    state.extra |= {
        crossplane.CALLS_FILE: str(state.dir / "function-calls.txt"),
        crossplane.QUIET_CROSSPLANE: "true",
    }
    state.save()
    try:
        crossplane.up(state)
    except AssertionError as exc:
        controlplane.down(state)
        raise procs.HarnessError(str(exc)) from exc
    except BaseException:
        controlplane.down(state)
        raise
    return state


def converge(opts: Options, state: State, marks: Marks, sampler: Sampler, tracker: Tracker) -> None:
    claims = mix.claims(opts.claims)
    _mark("start", marks, sampler, state)
    marks.applying = time.time()
    tracker.apply(claims)
    marks.applied = time.time()
    print(
        f"e2e-scale: {len(claims)} claims applied in {marks.applied - marks.applying:.1f}s",
        flush=True,
    )
    deadline, last_print = marks.applying + opts.timeout, 0.0
    while (ready := tracker.ready()) < opts.claims:
        now = time.time()
        if now > deadline:
            print(f"e2e-scale: timed out with {ready}/{opts.claims} Ready", flush=True)
            marks.timed_out = now
            _mark("ready", marks, sampler, state)
            return
        if now - last_print >= 15:
            print(
                f"e2e-scale: {now - marks.applying:4.0f}s {ready}/{opts.claims} Ready", flush=True
            )
            last_print = now
        if opts.restart_at and marks.stopped is None and ready >= opts.restart_at * opts.claims:
            restart(opts, state, marks, sampler)
        time.sleep(0.5)
    marks.all_ready = time.time()
    _mark("ready", marks, sampler, state)


def restart(opts: Options, state: State, marks: Marks, sampler: Sampler) -> None:
    print(f"e2e-scale: stopping the function for {opts.down:.0f}s", flush=True)
    sampler.read_now()
    marks.stopped = time.time()
    crossplane.stop_function(state)
    marks.gone = time.time()
    time.sleep(opts.down)
    crossplane.start_function(state)
    marks.listening = time.time()


def run(opts: Options) -> dict[str, Any]:
    state = up()
    try:
        api = Api(state)
        sampler, standin, tracker = Sampler(state), StandIn(api), Tracker(api)
        sampler.start()
        standin.start()
        tracker.start()
        marks = Marks()
        converge(opts, state, marks, sampler, tracker)
        if marks.all_ready is not None and opts.steady:
            print(f"e2e-scale: all Ready; watching them quiet for {opts.steady:.0f}s", flush=True)
            time.sleep(opts.steady)
            _mark("steady", marks, sampler, state)
        marks.end = time.time()
        with tracker.lock:
            final = dict(tracker.latest)
            ready_at = dict(tracker.ready_at)
        standin.close()
        tracker.close()
        sampler.done.set()
        calls = summary.read_calls(Path(state.extra[crossplane.CALLS_FILE]).read_text())
        return figures(
            opts=opts,
            marks=marks,
            calls=calls,
            ready_at=ready_at,
            final=final,
            standin=standin,
            sampler=sampler,
            errors=tracker.errors,
        )
    finally:
        controlplane.down(state)


def figures(
    *,
    opts: Options,
    marks: Marks,
    calls: list[summary.Call],
    ready_at: dict[str, float],
    final: dict[str, dict[str, Any]],
    standin: StandIn,
    sampler: Sampler,
    errors: list[str],
) -> dict[str, Any]:
    """Everything the run measured, as plain data (printed by report.py)."""
    n = opts.claims
    end_converge = marks.all_ready or marks.timed_out or marks.end
    phases: dict[str, Any] = {}
    for phase, (t0, t1, a, b) in {
        "converge": (marks.applying, end_converge, "start", "ready"),
        "steady": (end_converge, marks.end, "ready", "steady"),
    }.items():
        if a not in marks.cpu or b not in marks.cpu:
            continue
        in_phase = summary.between(calls, t0, t1)
        cpu = {p: marks.cpu[b].get(p, 0.0) - marks.cpu[a].get(p, 0.0) for p in PROCESSES}
        crossplane_side = marks.metrics[b].minus(marks.metrics[a])
        walls = [c.wall for c in in_phase]
        per_xr = summary.per_composite(in_phase)
        phases[phase] = {
            "seconds": t1 - t0,
            "calls": len(in_phase),
            "calls_per_claim": len(in_phase) / n,
            "calls_per_composite_max": max(per_xr.values(), default=0),
            "wall_ms_p50": 1000 * summary.percentile(walls, 50) if walls else None,
            "wall_ms_p99": 1000 * summary.percentile(walls, 99) if walls else None,
            "wall_ms_max": 1000 * max(walls, default=0.0),
            "thread_cpu_ms_mean": 1000 * sum(c.cpu for c in in_phase) / len(in_phase)
            if in_phase
            else None,
            "process_cpu_ms_per_call": 1000 * cpu["function"] / len(in_phase) if in_phase else None,
            "cpu_seconds": cpu,
            "crossplane_requests": crossplane_side.requests,
            "crossplane_responses": crossplane_side.responses,
            "crossplane_p50_bucket_s": summary.bucket_bounds(crossplane_side.buckets, 50),
            "crossplane_p99_bucket_s": summary.bucket_bounds(crossplane_side.buckets, 99),
        }
    restart: dict[str, Any] | None = None
    if marks.stopped is not None and marks.listening is not None:
        gap = summary.restart_gap(calls, marks.stopped, marks.listening)
        restart = {
            "ready_when_stopped": sum(t < marks.stopped for t in ready_at.values()),
            "down_seconds": marks.listening - marks.stopped,
            "stop_seconds": (marks.gone or marks.stopped) - marks.stopped,
            "no_call_seconds": gap.seconds(),
            "first_call_after_listening_s": (
                gap.first_after - marks.listening if gap.first_after is not None else None
            ),
            "first_ready_after_stop_s": summary.first_after(ready_at.values(), marks.stopped),
        }
    return {
        "claims": n,
        "mix": {name: weight for name, _, weight in mix.MIX},
        "machine": {
            "cpus": os.cpu_count(),
            "load": marks.load,
            "python": platform.python_version(),
        },
        "apply_seconds": marks.applied - marks.applying,
        "ready": len(ready_at),
        "time_to_ready_s": {
            f"{int(f * 100)}%": summary.time_to(ready_at.values(), marks.applying, n, f)
            for f in (0.5, 0.9, 0.99, 1.0)
        },
        "refused": sorted(k for k, c in final.items() if refused(c)),
        "claims_seen_at_end": len(final),
        "phases": phases,
        "restart": restart,
        "function_peak_rss_mib": [kib / 1024 for kib in sampler.peaks("function")],
        "standin": {
            "reported": standin.reported,
            "deleted": standin.deleted,
            "errors": standin.errors[:20],
        },
        "errors": errors[:20],
        "options": asdict(opts),
    }


def save(result: dict[str, Any]) -> Path:
    REPORTS.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = REPORTS / f"n{result['claims']}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    return path
