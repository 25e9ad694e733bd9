"""Load test: many concurrent clients against `function serve` on loopback.

Not a test: it prints figures (requests, errors, throughput, latency
percentiles) and exits 1 if any request failed. Bounded in time and in count.

    .venv/bin/python scripts/load.py                      # starts its own server
    .venv/bin/python scripts/load.py --clients 64 --seconds 20 --max-requests 50000
    .venv/bin/python scripts/load.py --address 127.0.0.1:9443   # a server you started

Only loopback addresses are accepted: this is for a developer's machine.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import grpc
import yaml
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from function.offline import build_request  # noqa: E402


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text())


def request_mix() -> list[tuple[str, fnv1.RunFunctionRequest]]:
    """What Crossplane sends most: valid XRs, one with its table observed, and a bad spec."""
    example = _load(ROOT / "examples" / "xr.yaml")
    guarded = _load(ROOT / "tests" / "fixtures" / "guards" / "xr.yaml")
    observed = _load(ROOT / "tests" / "fixtures" / "guards" / "observed-table.yaml")
    invalid = _load(ROOT / "examples" / "xr.yaml")
    invalid["spec"]["keySchema"] = [{"attributeName": "nope", "keyType": "RANGE"}]
    return [
        ("minimal", build_request(example, tag="minimal")),
        ("existing table", build_request(guarded, [observed], tag="existing")),
        ("invalid spec", build_request(invalid, tag="invalid")),
    ]


def _loopback(address: str) -> None:
    host = address.rsplit(":", 1)[0].strip("[]")
    try:
        ok = ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = host == "localhost"
    if not ok:
        raise SystemExit(f"refusing {address}: only loopback addresses are load-tested")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served() -> Iterator[str]:
    """`function serve --insecure` on a free loopback port, for the run's duration."""
    address = f"127.0.0.1:{_free_port()}"
    cmd = [sys.executable, "-m", "function.main", "serve", "--insecure", "--address", address]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=os.environ.copy())
    try:
        channel = grpc.insecure_channel(address)
        grpc.channel_ready_future(channel).result(timeout=30)
        channel.close()
        yield address
    finally:
        proc.terminate()
        code = proc.wait(timeout=15)
        print(f"server exited {code} after SIGTERM")


async def run_load(
    address: str, clients: int, seconds: float, max_requests: int
) -> tuple[list[float], Counter[str], float]:
    mix = request_mix()
    latencies: list[float] = []
    errors: Counter[str] = Counter()
    issued = 0
    # A few connections, shared by the clients, as several Crossplane replicas would use.
    channels = [
        grpc.aio.insecure_channel(address, options=[("grpc.use_local_subchannel_pool", 1)])
        for _ in range(min(4, clients))
    ]
    stubs = [grpcv1.FunctionRunnerServiceStub(ch) for ch in channels]
    stop_at = time.monotonic() + seconds

    async def client(n: int) -> None:
        nonlocal issued
        stub = stubs[n % len(stubs)]
        i = n
        while time.monotonic() < stop_at and issued < max_requests:
            issued += 1
            kind, req = mix[i % len(mix)]
            i += 1
            start = time.perf_counter()
            try:
                rsp = await stub.RunFunction(req, timeout=30)
            except grpc.aio.AioRpcError as exc:
                errors[f"{kind}: {exc.code().name}"] += 1
                continue
            latencies.append(time.perf_counter() - start)
            if rsp.meta.tag != req.meta.tag:
                errors[f"{kind}: wrong tag"] += 1
            elif "table" not in rsp.desired.resources and kind != "invalid spec":
                errors[f"{kind}: no table"] += 1

    began = time.monotonic()
    await asyncio.gather(*(client(n) for n in range(clients)))
    elapsed = time.monotonic() - began
    for ch in channels:
        await ch.close()
    return latencies, errors, elapsed


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def report(latencies: list[float], errors: Counter[str], elapsed: float, clients: int) -> None:
    total = len(latencies) + sum(errors.values())
    print(f"clients:     {clients}")
    print(f"requests:    {total} in {elapsed:.1f} s ({total / elapsed:.0f}/s)")
    print(f"errors:      {sum(errors.values())}")
    for kind, count in errors.items():
        print(f"  {kind}: {count}")
    if len(latencies) >= 2:
        q = statistics.quantiles(latencies, n=1000)
        print(
            f"latency:     p50 {_ms(q[499])}  p90 {_ms(q[899])}  p99 {_ms(q[989])}  "
            f"p99.9 {_ms(q[998])}  max {_ms(max(latencies))}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--address", help="a running server on loopback (default: start one)")
    parser.add_argument("--clients", type=int, default=32, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=10.0, help="stop after this long")
    parser.add_argument("--max-requests", type=int, default=20_000, help="stop after this many")
    args = parser.parse_args()
    if args.clients < 1 or args.seconds <= 0 or args.max_requests < 1:
        parser.error("--clients, --seconds and --max-requests must be positive")

    def go(address: str) -> tuple[list[float], Counter[str], float]:
        return asyncio.run(run_load(address, args.clients, args.seconds, args.max_requests))

    if args.address:
        _loopback(args.address)
        latencies, errors, elapsed = go(args.address)
    else:
        with served() as address:
            latencies, errors, elapsed = go(address)
    report(latencies, errors, elapsed, args.clients)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
