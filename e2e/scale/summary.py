"""The figures of a scale run, from what it recorded: pure functions, tested in tests/."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Call:
    """One RunFunction call as e2e/metered.py wrote it."""

    start: float
    wall: float
    cpu: float
    composite: str

    @property
    def end(self) -> float:
        return self.start + self.wall


def read_calls(text: str) -> list[Call]:
    """The calls of a metered file; a line cut short (the server killed mid-write) is skipped."""
    calls = []
    for line in text.splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        try:
            calls.append(Call(float(parts[0]), float(parts[1]), float(parts[2]), parts[3]))
        except ValueError:
            continue
    return calls


def between(calls: Iterable[Call], start: float, end: float) -> list[Call]:
    """The calls that started in [start, end)."""
    return [c for c in calls if start <= c.start < end]


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile (0 < q <= 100) of ``values``."""
    if not values:
        raise ValueError("no values")
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def time_to(ready_at: Iterable[float], start: float, total: int, fraction: float) -> float | None:
    """Seconds from ``start`` until ``fraction`` of ``total`` claims were Ready, or None."""
    needed = max(1, math.ceil(fraction * total))
    times = sorted(ready_at)
    return times[needed - 1] - start if len(times) >= needed else None


def first_after(times: Iterable[float], start: float) -> float | None:
    """Seconds from ``start`` to the first of ``times`` after it, or None."""
    later = [t for t in times if t > start]
    return min(later) - start if later else None


@dataclass(frozen=True)
class Gap:
    """The function's restart as its calls show it."""

    last_before: float | None  # the end of the last call before it was stopped
    first_after: float | None  # the start of the first call after it listened again

    def seconds(self) -> float | None:
        if self.last_before is None or self.first_after is None:
            return None
        return self.first_after - self.last_before


def restart_gap(calls: Iterable[Call], stopped: float, listening: float) -> Gap:
    """Calls around a restart: stopped at ``stopped`` (Unix s), serving again at ``listening``."""
    calls = list(calls)
    before = [c.end for c in calls if c.start < stopped]
    after = [c.start for c in calls if c.start >= listening]
    return Gap(max(before, default=None), min(after, default=None))


def per_composite(calls: Iterable[Call]) -> Counter[str]:
    return Counter(c.composite for c in calls)


# --- Crossplane's metrics (Prometheus text format) -----------------------------------------

_SAMPLE = re.compile(r"^(?P<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(?P<labels>.*)\})? (?P<value>\S+)$")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


@dataclass
class FunctionMetrics:
    """Crossplane's counters and latency histogram for one function, summed over labels."""

    requests: float = 0.0
    responses: dict[str, float] = field(default_factory=dict)  # by grpc_code
    buckets: dict[float, float] = field(default_factory=dict)  # cumulative count per bound (le)

    def minus(self, earlier: FunctionMetrics) -> FunctionMetrics:
        return FunctionMetrics(
            self.requests - earlier.requests,
            {k: v - earlier.responses.get(k, 0.0) for k, v in self.responses.items()},
            {le: v - earlier.buckets.get(le, 0.0) for le, v in self.buckets.items()},
        )


def parse_metrics(text: str, function: str) -> FunctionMetrics:
    """``function_run_function_*`` of ``function`` from Crossplane's /metrics text."""
    found = FunctionMetrics()
    for line in text.splitlines():
        match = _SAMPLE.match(line)
        if not match or not match["name"].startswith("function_run_function_"):
            continue
        labels = dict(_LABEL.findall(match["labels"] or ""))
        if labels.get("function_name") != function:
            continue
        value = float(match["value"])
        if match["name"] == "function_run_function_request_total":
            found.requests += value
        elif match["name"] == "function_run_function_response_total":
            code = labels.get("grpc_code", "?")
            found.responses[code] = found.responses.get(code, 0.0) + value
        elif match["name"] == "function_run_function_seconds_bucket":
            le = float(labels["le"])
            found.buckets[le] = found.buckets.get(le, 0.0) + value
    return found


def bucket_bounds(buckets: dict[float, float], q: float) -> tuple[float, float] | None:
    """The (lower, upper) bounds, in seconds, of the bucket holding the q-th percentile."""
    bounds = sorted(buckets)
    if not bounds or buckets[bounds[-1]] <= 0:
        return None
    needed = q / 100 * buckets[bounds[-1]]
    lower = 0.0
    for le in bounds:
        if buckets[le] >= needed:
            return lower, le
        lower = le
    return lower, math.inf


# --- sizing ---------------------------------------------------------------------------------


def tables_per_core(cpu_per_call: float, calls_per_table_minute: float, busy: float = 1.0) -> float:
    """Quiet tables one core serves at ``busy`` (0-1) of its time, each costing
    ``calls_per_table_minute`` calls of ``cpu_per_call`` CPU seconds."""
    return busy * 60.0 / (cpu_per_call * calls_per_table_minute)
