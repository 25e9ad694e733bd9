"""How fast is the function, measured against its own floor in the same run.

Starts two servers on loopback, as subprocesses on the same SDK runtime:

- ``function serve --insecure``: this function;
- ``benchmarks/noop.py``: a function that only answers ``response.to(req)``,
  the floor any Python function on this SDK pays for gRPC and protobuf;

then sends both the same RunFunctionRequests and prints latency (p50/p99 at
concurrency 1), throughput (at concurrency 8) and their ratios to the floor,
time from process start to the first answer, and peak RSS once the function's
response cache has been filled to its bound.

Requests: ``minimal`` (an on-demand table, its Table observed), ``realistic``
(an autoscaled provisioned table with 5 GSIs, 1 LSI, streams, TTL, KMS and
Contributor Insights, every composed resource observed Ready) and ``gsi20``
(the same with 20 autoscaled GSIs). The observed set is whatever the function
itself renders: render, mark every desired resource Ready, repeat until the set
stops growing, so the benchmark covers any renderer added later.

Modes: ``steady`` sends one request again and again (Crossplane re-sends an
unchanged XR every poll; from its third time the function answers it from its
response cache); ``fresh`` sends requests that all differ (a tag value in the
spec, the XR's uid and meta.tag), so nothing can be answered from a cache.

The floor and the function run in alternating rounds so that load from other
processes on the machine hits both alike; read the ratios, not the absolutes.
Everything is bounded in count and time. Figures only, never assertions.

    make bench                       # the default run (about a minute)
    .venv/bin/python benchmarks/bench.py --quick
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import yaml
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.function_python import composition_script  # noqa: E402
from function.offline import RESOURCE_NAME_ANNOTATION, build_request  # noqa: E402
from function.serve.cache import DEFAULT_MAX_BYTES, DEFAULT_MAX_ENTRIES  # noqa: E402
from function.serve.structs import struct_to_dict  # noqa: E402

REQUESTS = ROOT / "benchmarks" / "requests"
FUNCTION = "function"
# The mid-sized request: the realistic table with 2 of its 5 GSIs (14 resources).
MID = "mid"
MID_GSIS = 2
# Fast reconnects, so "first answer" is not rounded up to gRPC's 1 s backoff.
_CHANNEL_OPTIONS = [
    ("grpc.initial_reconnect_backoff_ms", 5),
    ("grpc.min_reconnect_backoff_ms", 5),
    ("grpc.max_reconnect_backoff_ms", 20),
]


# -- servers ------------------------------------------------------------------


@dataclass
class Server:
    """A served function: its process, address and when it was started."""

    name: str
    proc: subprocess.Popen[bytes]
    address: str
    started: float
    first_answer: float = 0.0
    rss_at_start: float = 0.0
    channel: grpc.Channel | None = None
    stub: Any = None

    def cpu_seconds(self) -> float:
        """User plus system CPU time of the process so far, from /proc."""
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def memory_mb(self, field: str = "VmHWM") -> float:
        """VmHWM (peak resident set size so far) or VmRSS of the process, from /proc."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        return float("nan")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _function_cmd() -> list[str]:
    script = shutil.which("function", path=str(Path(sys.executable).parent))
    return [script, "serve"] if script else [sys.executable, "-m", "function.main", "serve"]


@contextmanager
def served(name: str, cmd: Sequence[str], probe: fnv1.RunFunctionRequest) -> Iterator[Server]:
    """Start ``cmd serve``-style on a free port; time it to its first answer to ``probe``."""
    address = f"127.0.0.1:{_free_port()}"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [*cmd, "--insecure", "--address", address],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    server = Server(name, proc, address, started)
    try:
        server.channel = grpc.insecure_channel(address, options=_CHANNEL_OPTIONS)
        server.stub = grpcv1.FunctionRunnerServiceStub(server.channel)
        # Generous: on a loaded machine a start can take tens of seconds.
        deadline = started + 120
        while True:
            if proc.poll() is not None:
                err = proc.stderr.read().decode() if proc.stderr else ""
                raise SystemExit(f"{name} exited {proc.returncode}: {err}")
            try:
                server.stub.RunFunction(probe, timeout=5)
                break
            except grpc.RpcError as exc:
                if exc.code() != grpc.StatusCode.UNAVAILABLE or time.perf_counter() > deadline:
                    raise
                time.sleep(0.002)
        server.first_answer = time.perf_counter() - started
        server.rss_at_start = server.memory_mb("VmRSS")
        yield server
    finally:
        if server.channel is not None:
            server.channel.close()
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr is not None:
            proc.stderr.close()


# -- requests -----------------------------------------------------------------


def _yaml(name: str) -> dict[str, Any]:
    return yaml.safe_load((REQUESTS / name).read_text())  # type: ignore[no-any-return]


def with_gsis(xr: dict[str, Any], count: int) -> dict[str, Any]:
    """The XR with ``count`` provisioned GSIs, each on its own attribute."""
    xr = yaml.safe_load(yaml.safe_dump(xr))
    spec = xr["spec"]
    gsis = spec["globalSecondaryIndexes"][:count]
    used = {k["attributeName"] for g in gsis for k in g["keySchema"]}
    used |= {k["attributeName"] for k in spec["keySchema"]}
    used |= {
        k["attributeName"] for x in spec.get("localSecondaryIndexes", []) for k in x["keySchema"]
    }
    for i in range(len(gsis), count):
        attr = f"attr{i}"
        used.add(attr)
        gsis.append(
            {
                "name": f"by-attr-{i}",
                "keySchema": [
                    {"attributeName": attr, "keyType": "HASH"},
                    {"attributeName": "createdAt", "keyType": "RANGE"},
                ],
                "projection": {"type": "ALL"},
                "provisionedThroughput": {"readCapacityUnits": 5, "writeCapacityUnits": 5},
            }
        )
    spec["globalSecondaryIndexes"] = gsis
    known = {a["name"]: a for a in spec["attributeDefinitions"]}
    spec["attributeDefinitions"] = [known.get(n, {"name": n, "type": "S"}) for n in sorted(used)]
    return xr


def _merged(base: Any, over: Any) -> Any:
    """``over`` deep-merged onto ``base``; lists of named objects merge by name."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = {**base}
        for k, v in over.items():
            out[k] = _merged(base[k], v) if k in base else yaml.safe_load(yaml.safe_dump(v))
        return out
    if isinstance(base, list) and isinstance(over, list):
        named = {x.get("name"): x for x in base if isinstance(x, dict)}
        merged = [
            _merged(named.pop(x.get("name"), {}), x) if isinstance(x, dict) else x for x in over
        ]
        return merged + [x for x in base if isinstance(x, dict) and x.get("name") in named]
    return yaml.safe_load(yaml.safe_dump(over))


def _observed(name: str, body: dict[str, Any], xr: dict[str, Any], n: int) -> dict[str, Any]:
    """What Crossplane would observe of a desired resource once the provider made it Ready."""
    xr_meta = xr["metadata"]
    obs = yaml.safe_load(yaml.safe_dump(body))
    meta = obs.setdefault("metadata", {})
    meta["name"] = f"{xr_meta['name']}-{n:05x}"
    meta["generateName"] = f"{xr_meta['name']}-"
    meta["uid"] = f"00000000-0000-4000-8000-{n:012x}"
    meta["resourceVersion"] = str(190000 + n)
    meta["generation"] = 2
    meta["creationTimestamp"] = "2026-11-20T09:14:04Z"
    meta["finalizers"] = ["finalizer.managedresource.crossplane.io"]
    meta.setdefault("annotations", {}).update(
        {
            RESOURCE_NAME_ANNOTATION: name,
            "crossplane.io/external-create-pending": "2026-11-20T09:14:04Z",
            "crossplane.io/external-create-succeeded": "2026-11-20T09:14:06Z",
        }
    )
    meta.setdefault("annotations", {}).setdefault(
        "crossplane.io/external-name", f"{xr_meta['name']}-{name}"
    )
    meta["labels"] = dict(xr_meta.get("labels", {}))
    meta["ownerReferences"] = [
        {
            "apiVersion": xr["apiVersion"],
            "kind": xr["kind"],
            "name": xr_meta["name"],
            "uid": xr_meta.get("uid", ""),
            "controller": True,
            "blockOwnerDeletion": True,
        }
    ]
    spec = obs.setdefault("spec", {})
    spec.setdefault("deletionPolicy", "Delete")
    spec.setdefault("managementPolicies", ["*"])
    # Upjet reports the whole live state in atProvider: what forProvider and
    # initProvider asked for, plus what AWS computed.
    at_provider = _merged(spec.get("initProvider", {}), spec.get("forProvider", {}))
    at_provider["id"] = meta["annotations"]["crossplane.io/external-name"]
    at_provider["arn"] = f"arn:aws:dynamodb:eu-west-1:123456789012:table/{at_provider['id']}"
    if obs.get("kind") == "Table":
        at_provider["streamArn"] = at_provider["arn"] + "/stream/2026-11-20T09:14:06.123"
        at_provider["streamLabel"] = "2026-11-20T09:14:06.123"
        at_provider["tagsAll"] = dict(at_provider.get("tags", {}))
        at_provider["replica"] = []
    # crossplane-runtime v2 stamps each condition with the generation it is about;
    # the ownership gate believes only an observation of the current one.
    generation = meta["generation"]
    obs["status"] = {
        "atProvider": at_provider,
        "conditions": [
            {
                "type": "Ready",
                "status": "True",
                "reason": "Available",
                "lastTransitionTime": "2026-11-20T09:16:40Z",
                "observedGeneration": generation,
            },
            {
                "type": "Synced",
                "status": "True",
                "reason": "ReconcileSuccess",
                "lastTransitionTime": "2026-11-20T09:14:06Z",
                "observedGeneration": generation,
            },
            {
                "type": "LastAsyncOperation",
                "status": "True",
                "reason": "Success",
                "lastTransitionTime": "2026-11-20T09:16:40Z",
            },
        ],
    }
    return obs


def settle(
    run: Callable[[fnv1.RunFunctionRequest], fnv1.RunFunctionResponse],
    xr: dict[str, Any],
    fn_input: dict[str, Any],
) -> tuple[fnv1.RunFunctionRequest, int]:
    """A request whose observed set is every resource the function renders, all Ready."""
    observed: dict[str, dict[str, Any]] = {}
    for _ in range(10):
        req = build_request(xr, observed.values(), fn_input, tag="settle")
        rsp = run(req)
        fatal = [r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]
        if fatal:
            raise SystemExit(f"benchmark request is invalid: {fatal}")
        names = list(rsp.desired.resources)
        if set(names) == set(observed):
            # Settled only if nothing waits: a Table the ownership gate keeps
            # observe-only also "settles", at one resource (docs/performance.md).
            waiting = [r.message for r in rsp.results if r.message.startswith("waiting:")]
            if waiting:
                raise SystemExit(f"benchmark request never settles: {waiting[0]}")
            return req, len(names)
        for name in names:
            if name not in observed:
                body = struct_to_dict(rsp.desired.resources[name].resource)
                observed[name] = _observed(name, body, xr, len(observed))
    raise SystemExit("the desired set did not settle in 10 renders")


def _with_resource_refs(xr: dict[str, Any], req: fnv1.RunFunctionRequest) -> dict[str, Any]:
    """The XR as Crossplane sends it once composed: spec.resourceRefs lists every resource."""
    xr = yaml.safe_load(yaml.safe_dump(xr))
    refs = []
    for name in sorted(req.observed.resources):
        res = req.observed.resources[name].resource
        refs.append(
            {
                "apiVersion": res["apiVersion"],
                "kind": res["kind"],
                "name": res["metadata"]["name"],
            }
        )
    if refs and isinstance(xr.get("spec"), dict) and "claimRef" in xr["spec"]:
        xr["spec"]["resourceRefs"] = refs
    return xr


class Variants:
    """Requests that all differ from each other: tag value, uid and meta.tag."""

    def __init__(self, base: fnv1.RunFunctionRequest) -> None:
        self.base = base
        self.n = 0

    def take(self, count: int) -> list[fnv1.RunFunctionRequest]:
        out = []
        for _ in range(count):
            self.n += 1
            req = fnv1.RunFunctionRequest()
            req.CopyFrom(self.base)
            req.meta.tag = f"fresh-{self.n}"
            xr = req.observed.composite.resource
            xr["metadata"]["uid"] = f"fresh-{self.n:08d}"
            xr["spec"]["tags"]["revision"] = str(self.n)
            out.append(req)
        return out


def as_script_request(
    req: fnv1.RunFunctionRequest, rsp: fnv1.RunFunctionResponse
) -> fnv1.RunFunctionRequest:
    """``req`` for function-python: its Input a script composing what ``rsp`` holds."""
    resources = {
        name: struct_to_dict(rsp.desired.resources[name].resource)
        for name in sorted(rsp.desired.resources)
    }
    status = struct_to_dict(rsp.desired.composite.resource).get("status", {})
    out = fnv1.RunFunctionRequest()
    out.CopyFrom(req)
    out.input.Clear()
    out.input.update({"script": composition_script(resources, status)})
    return out


# -- measurement --------------------------------------------------------------


@dataclass
class Samples:
    """Latencies (seconds) and throughputs (requests/s) of one server in one case."""

    latencies: list[float] = field(default_factory=list)
    rates: list[float] = field(default_factory=list)
    # The server's own CPU seconds (user + system) and the requests they served,
    # over the latency blocks: unlike latency, hardly moved by other processes' load.
    cpu_seconds: float = 0.0
    cpu_requests: int = 0

    @property
    def cpu_per_request(self) -> float:
        return self.cpu_seconds / self.cpu_requests if self.cpu_requests else float("nan")

    def p(self, q: float) -> float:
        xs = sorted(self.latencies)
        return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")

    @property
    def rate(self) -> float:
        return statistics.median(self.rates) if self.rates else float("nan")


def latency(
    stub: Any, reqs: Sequence[fnv1.RunFunctionRequest], seconds: float, out: Samples
) -> None:
    """Send requests one at a time; record each round trip."""
    stop = time.perf_counter() + seconds
    for req in reqs:
        t0 = time.perf_counter()
        stub.RunFunction(req, timeout=30)
        t1 = time.perf_counter()
        out.latencies.append(t1 - t0)
        if t1 > stop:
            break


async def _throughput(
    address: str, reqs: Sequence[fnv1.RunFunctionRequest], concurrency: int, seconds: float
) -> float:
    async with grpc.aio.insecure_channel(address) as channel:
        stub = grpcv1.FunctionRunnerServiceStub(channel)
        await stub.RunFunction(reqs[0], timeout=30)  # connect outside the clock
        it = iter(reqs)
        done = 0
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done
            for req in it:
                await stub.RunFunction(req, timeout=30)
                done += 1
                if time.perf_counter() > stop:
                    return

        t0 = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        return done / (time.perf_counter() - t0)


def throughput(
    server: Server,
    reqs: Sequence[fnv1.RunFunctionRequest],
    concurrency: int,
    seconds: float,
    out: Samples,
) -> None:
    """Keep ``concurrency`` requests in flight; record requests per second."""
    out.rates.append(asyncio.run(_throughput(server.address, reqs, concurrency, seconds)))


@dataclass
class Case:
    """One request shape in one mode, sent to the function and to what it is compared with.

    ``against`` is the server it is compared with (the floor, or the function-python
    stand-in); ``bases`` gives a server its own base request (function-python's
    carries its script as Input), else it gets ``base``. Fresh variants of each
    base differ from each other in the same way.
    """

    name: str
    base: fnv1.RunFunctionRequest
    fresh: bool
    resources: int
    with_throughput: bool = True
    against: str = "floor"
    bases: dict[str, fnv1.RunFunctionRequest] = field(default_factory=dict)
    results: dict[str, Samples] = field(default_factory=dict)
    _variants: dict[str, Variants] = field(default_factory=dict)

    def requests(self, server: str, count: int) -> list[fnv1.RunFunctionRequest]:
        base = self.bases.get(server, self.base)
        if not self.fresh:
            return [base] * count
        return self._variants.setdefault(server, Variants(base)).take(count)


def measure(
    cases: Sequence[Case],
    servers: Sequence[Server],
    args: argparse.Namespace,
) -> None:
    """Alternate the function and what it is compared with, round by round, so noise hits both."""
    by_name = {s.name: s for s in servers}
    for c in cases:
        for name in (c.against, FUNCTION):
            c.results[name] = Samples()
    for r in range(args.rounds):
        for c in cases:
            pair = [by_name[c.against], by_name[FUNCTION]]
            for s in pair if r % 2 == 0 else reversed(pair):
                # A short warm-up outside the clock: connections and code paths.
                for req in c.requests(s.name, 3):
                    s.stub.RunFunction(req, timeout=30)
                out = c.results[s.name]
                before, sent = s.cpu_seconds(), len(out.latencies)
                latency(s.stub, c.requests(s.name, args.requests), args.seconds, out)
                out.cpu_seconds += s.cpu_seconds() - before
                out.cpu_requests += len(out.latencies) - sent
                if c.with_throughput:
                    reqs = c.requests(s.name, args.requests * 2)
                    throughput(s, reqs, args.concurrency, args.seconds, c.results[s.name])
        print(f"  round {r + 1}/{args.rounds} done", file=sys.stderr)


# What `function render` is compared with: the same interpreter importing the
# libraries it is built on, and nothing of its own.
_IMPORTS_ALONE = (
    "import crossplane.function.cli, crossplane.function.resource, crossplane.function.response,"
    " pydantic, yaml, click"
)


@dataclass
class Walls:
    """Wall times (seconds) of whole processes, one list per command."""

    times: dict[str, list[float]] = field(default_factory=dict)
    # CPU seconds (user + system) of each run, as the wall times.
    cpu: dict[str, list[float]] = field(default_factory=dict)

    def median(self, name: str, cpu: bool = False) -> float:
        xs = (self.cpu if cpu else self.times).get(name)
        return statistics.median(xs) if xs else float("nan")


def render_walls(rounds: int) -> Walls:
    """`function render examples/xr.yaml` and the imports alone, run alternately."""
    script = shutil.which("function", path=str(Path(sys.executable).parent))
    render = [script] if script else [sys.executable, "-m", "function.main"]
    commands = {
        "function render": [*render, "render", "examples/xr.yaml"],
        "imports alone": [sys.executable, "-c", _IMPORTS_ALONE],
    }
    out = Walls({name: [] for name in commands}, {name: [] for name in commands})
    for r in range(rounds):
        for name, cmd in commands.items() if r % 2 == 0 else reversed(commands.items()):
            c0, t0 = os.times(), time.perf_counter()
            subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, check=True)
            out.times[name].append(time.perf_counter() - t0)
            c1 = os.times()
            out.cpu[name].append(
                c1.children_user + c1.children_system - c0.children_user - c0.children_system
            )
    return out


# -- report -------------------------------------------------------------------


def _ms(x: float) -> str:
    return f"{x * 1000:7.2f}"


def fill_cache(server: Server, base: fnv1.RunFunctionRequest) -> int:
    """Fill the function's response cache to its bound with distinct requests; how many sent."""
    entry = len(base.SerializeToString()) + len(server.stub.RunFunction(base).SerializeToString())
    count = min(DEFAULT_MAX_ENTRIES, DEFAULT_MAX_BYTES // entry + 1) + 8
    for req in Variants(base).take(count):
        # A composite's second request is the one the cache keeps.
        server.stub.RunFunction(req, timeout=30)
        server.stub.RunFunction(req, timeout=30)
    return count


def report(
    cases: Sequence[Case], servers: Sequence[Server], walls: Walls, args: argparse.Namespace
) -> None:
    print()
    print(
        f"{'case':<22} {'res':>4} | {'vs':<15} {'p50':>7} {'p99':>7} | {'fn p50':>7} {'p99':>7}"
        f" | {'x p50':>6} | {'vs r/s':>7} {'fn r/s':>7} {'x r/s':>6}"
    )
    print("-" * 112)
    for c in cases:
        f, g = c.results[c.against], c.results[FUNCTION]
        line = (
            f"{c.name:<22} {c.resources:>4} | {c.against:<15} {_ms(f.p(0.5))} {_ms(f.p(0.99))} |"
            f" {_ms(g.p(0.5))} {_ms(g.p(0.99))} | {g.p(0.5) / f.p(0.5):6.2f}"
        )
        if c.with_throughput:
            line += f" | {f.rate:7.0f} {g.rate:7.0f} {g.rate / f.rate:6.2f}"
        print(line)
    print("(latency in ms at concurrency 1; r/s at concurrency", f"{args.concurrency})")
    print()
    print(
        f"{'CPU ms per request':<22} {'res':>4} | {'vs':<15} {'cpu':>7} |"
        f" {'fn cpu':>7} | {'x cpu':>6}"
    )
    print("-" * 72)
    for c in cases:
        f, g = c.results[c.against], c.results[FUNCTION]
        print(
            f"{c.name:<22} {c.resources:>4} | {c.against:<15} {_ms(f.cpu_per_request)} |"
            f" {_ms(g.cpu_per_request)} | {g.cpu_per_request / f.cpu_per_request:6.2f}"
        )
    print("(each server's own CPU, user + system, over its latency blocks)")
    by_name = {c.name: c for c in cases}
    five, twenty = by_name.get("realistic fresh"), by_name.get("gsi20 fresh")
    if five and twenty:
        ratio = twenty.results[FUNCTION].p(0.5) / five.results[FUNCTION].p(0.5)
        print(
            f"\n20 GSIs ({twenty.resources} resources) vs 5 GSIs ({five.resources}),"
            f" fresh p50: {ratio:.2f}x"
        )
    print()
    for s in servers:
        print(
            f"{s.name:<15} start -> first answer {s.first_answer:6.3f} s;"
            f" RSS then {s.rss_at_start:5.1f} MB; peak RSS (VmHWM) {s.memory_mb():5.1f} MB"
        )
    for name, times in walls.times.items():
        print(
            f"{name:<15} wall median {walls.median(name):6.3f} s,"
            f" CPU median {walls.median(name, cpu=True):6.3f} s, of {len(times)} runs"
        )
    print()
    print(f"{'goal (issue 23)':<62} {'measured':>9} {'goal':>8}  met  {'CPU ratio':>9}")
    print("-" * 97)
    measured = goals(by_name, {s.name: s for s in servers}, walls, args.concurrency)
    for label, value, op, goal, unit, cpu in measured:
        met = value <= goal if op == "<=" else value >= goal
        print(
            f"{label:<62} {value:8.2f}{unit} {op}{goal:5.2f}{unit}  {'yes' if met else 'NO ':<3}"
            + (f"  {cpu:8.2f}x" if cpu is not None else "")
        )
    print("(CPU ratio: the same comparison in each server's CPU per request, not in latency)")


def goals(
    cases: Mapping[str, Case], servers: Mapping[str, Server], walls: Walls, concurrency: int
) -> list[tuple[str, float, str, float, str, float | None]]:
    """Each of the issue's measures, from this run: label, value, op, goal, unit, CPU ratio."""

    def p50_ratio(name: str) -> float:
        c = cases[name]
        return c.results[FUNCTION].p(0.5) / c.results[c.against].p(0.5)

    def cpu_ratio(name: str) -> float:
        c = cases[name]
        return c.results[FUNCTION].cpu_per_request / c.results[c.against].cpu_per_request

    fp = cases[f"{MID} fresh vs fn-python"]
    fn = servers[FUNCTION]
    return [
        (
            f"fresh p50, {cases[MID + ' fresh'].resources} resources, c=1, / floor",
            p50_ratio(MID + " fresh"),
            "<=",
            2.5,
            "x",
            cpu_ratio(MID + " fresh"),
        ),
        (
            "steady (cache) p50, realistic, / floor",
            p50_ratio("realistic steady"),
            "<=",
            1.3,
            "x",
            cpu_ratio("realistic steady"),
        ),
        (
            f"fresh p50, realistic ({cases['realistic fresh'].resources} resources), / floor",
            p50_ratio("realistic fresh"),
            "<=",
            3.0,
            "x",
            cpu_ratio("realistic fresh"),
        ),
        (
            f"fresh r/s, c={concurrency}, {fp.resources} resources, / function-python",
            fp.results[FUNCTION].rate / fp.results[fp.against].rate,
            ">=",
            2.0,
            "x",
            1 / cpu_ratio(fp.name),
        ),
        (
            "function render wall / importing SDK, pydantic, yaml, click",
            walls.median("function render") / walls.median("imports alone"),
            "<=",
            1.3,
            "x",
            walls.median("function render", cpu=True) / walls.median("imports alone", cpu=True),
        ),
        ("cold start to first answer", fn.first_answer, "<=", 0.8, "s", None),
        ("peak RSS (VmHWM), response cache full", fn.memory_mb(), "<=", 64.0, "M", None),
    ]


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return (
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; nproc {os.cpu_count()}; {cpu};"
        f" Python {platform.python_version()}; load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds (default 3)")
    parser.add_argument(
        "--requests", type=int, default=400, help="requests per latency block (default 400)"
    )
    parser.add_argument(
        "--seconds", type=float, default=4.0, help="time cap per block, seconds (default 4)"
    )
    parser.add_argument("--concurrency", type=int, default=8, help="in flight for throughput")
    parser.add_argument("--quick", action="store_true", help="1 round of 100 requests")
    args = parser.parse_args(argv)
    if args.quick:
        args.rounds, args.requests, args.seconds = 1, 100, 2.0

    fn_input = _yaml("input.yaml")
    realistic_xr = _yaml("realistic.yaml")
    gsi20_xr = with_gsis(realistic_xr, 20)
    mid_xr = with_gsis(realistic_xr, MID_GSIS)
    minimal_xr = _yaml("minimal.yaml")
    probe = build_request(realistic_xr, (), fn_input, tag="probe")

    print(machine())
    t0 = time.perf_counter()
    # As in the image, where pip compiled every module on install: a start
    # that compiles the sources (PYTHONDONTWRITEBYTECODE) is not a cold start.
    for folder in ("function", "benchmarks"):
        compileall.compile_dir(ROOT / folder, quiet=1)
    walls = render_walls(max(3, args.rounds * 3))
    with ExitStack() as stack:
        # The floor first, so its cold start is not slowed by the function's.
        floor = stack.enter_context(
            served("floor", [sys.executable, str(ROOT / "benchmarks" / "noop.py")], probe)
        )
        fn = stack.enter_context(served(FUNCTION, _function_cmd(), probe))
        fp_cmd = [sys.executable, str(ROOT / "benchmarks" / "function_python.py")]
        fp = stack.enter_context(served("function-python", fp_cmd, probe))
        servers = [floor, fn, fp]

        def run(req: fnv1.RunFunctionRequest) -> fnv1.RunFunctionResponse:
            return fn.stub.RunFunction(req, timeout=30)  # type: ignore[no-any-return]

        cases: list[Case] = []
        for label, xr, steady, throughputs in (
            ("minimal", minimal_xr, True, True),
            (MID, mid_xr, False, True),
            ("realistic", realistic_xr, True, True),
            ("gsi20", gsi20_xr, False, False),
        ):
            req, count = settle(run, xr, fn_input)
            req = build_request(
                _with_resource_refs(xr, req),
                [struct_to_dict(r.resource) for r in req.observed.resources.values()],
                fn_input,
                tag=f"steady-{label}",
            )
            size = len(req.SerializeToString()) / 1024
            print(f"{label}: {count} resources rendered, request {size:.1f} KiB")
            if steady:
                cases.append(Case(f"{label} steady", req, fresh=False, resources=count))
            fresh = Case(f"{label} fresh", req, True, count, with_throughput=throughputs)
            cases.append(fresh)
            if label == MID:
                # The same composition as a function-python script, on the same requests.
                cases.append(
                    Case(
                        f"{label} fresh vs fn-python",
                        req,
                        fresh=True,
                        resources=count,
                        against=fp.name,
                        bases={fp.name: as_script_request(req, run(req))},
                    )
                )
        measure(cases, servers, args)
        # Peak RSS counts a full response cache: fill it with the largest requests.
        largest = max(cases, key=lambda c: c.base.ByteSize()).base
        sent = fill_cache(fn, largest)
        print(f"  cache filled with {sent} distinct {largest.ByteSize() // 1024} KiB requests")
        report(cases, servers, walls, args)
    print(f"\nbenchmark took {time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    main()
