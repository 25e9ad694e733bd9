"""Issue 20's amplification figures, measured: `python -m benchmarks.amplification`.

A valid claim whose answer is far larger than its request (20 autoscaled GSIs,
10 schedules on each, alarms, 43 tags of the longest key and value), a large
resourcePolicy, and the response cache after one large answer. Each figure is
printed, none asserted (the guide: speed lives in benchmarks, never in a timed
assertion). The function runs as `function serve --insecure` on loopback, as
Crossplane runs it; the cache is measured in-process, through the servicer.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from benchmarks.bench import settle
from function.offline import build_request
from function.serve.cache import ResponseCache
from function.serve.servicer import FunctionRunner

ROOT = Path(__file__).resolve().parent.parent
INPUT = {
    "apiVersion": "awsdynamodb.fn.project-planton.org/v1beta1",
    "kind": "Input",
    "region": "us-east-1",
    "providerConfigName": "default",
}
# What the test client accepts: far above Crossplane's 4 MiB, so the size is seen.
_BIG = 64 * 1024 * 1024


def _scaling() -> dict[str, Any]:
    return {
        "read": {"minCapacity": 5, "maxCapacity": 500},
        "write": {"minCapacity": 5, "maxCapacity": 500},
        "schedules": [
            {"name": f"s{i}", "schedule": f"cron(0 {i} * * ? *)", "read": {"minCapacity": 10}}
            for i in range(10)
        ],
    }


def amplifying_xr(name: str = "amp", tags: int = 43, gsis: int = 20) -> dict[str, Any]:
    """A valid claim's XR: 20 autoscaled GSIs with 10 schedules each, alarms, long tags."""
    indexes = [
        {
            "name": f"index-{i:02d}",
            "keySchema": [{"attributeName": f"a{i}", "keyType": "HASH"}],
            "projection": {"type": "KEYS_ONLY_PROJECTION"},
            "provisionedThroughput": {"readCapacityUnits": 5, "writeCapacityUnits": 5},
            "autoScaling": _scaling(),
        }
        for i in range(gsis)
    ]
    return {
        "apiVersion": "aws.project-planton.org/v1",
        "kind": "XAwsDynamodb",
        "metadata": {
            "name": f"{name}-x1y2z",
            "uid": f"uid-{name}",
            "labels": {
                "crossplane.io/claim-name": name,
                "crossplane.io/claim-namespace": "shop",
            },
        },
        "spec": {
            "claimRef": {"kind": "AwsDynamodb", "name": name, "namespace": "shop"},
            "billingMode": "PROVISIONED",
            "provisionedThroughput": {"readCapacityUnits": 5, "writeCapacityUnits": 5},
            "attributeDefinitions": [
                {"name": "pk", "type": "S"},
                *({"name": f"a{i}", "type": "S"} for i in range(gsis)),
            ],
            "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
            "globalSecondaryIndexes": indexes,
            "autoScaling": _scaling(),
            "alarms": {"alarmActions": ["arn:aws:sns:us-east-1:123456789012:oncall"]},
            # Tags of the longest key and value, in 3-byte UTF-8 letters AWS allows.
            "tags": {f"{i:02d}" + "鍵" * 126: "値" * 256 for i in range(tags)},
        },
    }


def policy_xr(statements: int) -> dict[str, Any]:
    """A table whose resourcePolicy has ``statements`` statements (~330 bytes each)."""
    arn = "arn:aws:dynamodb:us-east-1:123456789012:table/shop.pol"
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::123456789012:role/reader"},
        "Action": ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:Scan"],
        "Resource": [arn, f"{arn}/index/*"],
        "Condition": {"StringEquals": {"aws:PrincipalTag/team": "shop"}},
    }
    xr = amplifying_xr("pol", tags=0)
    xr["spec"] = {
        "claimRef": xr["spec"]["claimRef"],
        "tableName": "shop.pol",
        "attributeDefinitions": [{"name": "pk", "type": "S"}],
        "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
        "resourcePolicy": {
            "Version": "2012-10-17",
            "Statement": [{**statement, "Sid": f"s{i}"} for i in range(statements)],
        },
    }
    return xr


def minimal_xr(name: str) -> dict[str, Any]:
    xr = amplifying_xr(name, tags=0)
    xr["spec"] = {
        "claimRef": xr["spec"]["claimRef"],
        "attributeDefinitions": [{"name": "pk", "type": "S"}],
        "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
    }
    return xr


def request(xr: dict[str, Any]) -> fnv1.RunFunctionRequest:
    return build_request(xr, [], INPUT)


def settled(xr: dict[str, Any]) -> fnv1.RunFunctionRequest:
    """The request once every resource the function renders exists and is Ready."""
    runner = FunctionRunner(ResponseCache(max_entries=0))
    req, _ = settle(lambda r: asyncio.run(runner.RunFunction(r, None)), xr, INPUT)
    return req


def everywhere(req: fnv1.RunFunctionRequest) -> fnv1.RunFunctionRequest:
    """``req`` with only its Table observed, under an Input that copies claim tags everywhere.

    Before issue 20 every claim's tags went onto every resource; the first answer
    after the Table is Ready then holds every Target and Alarm at once.
    """
    out = fnv1.RunFunctionRequest()
    out.CopyFrom(req)
    for name in list(out.observed.resources):
        if name != "table":
            del out.observed.resources[name]
    out.input.update({"claimTagsOnEveryResource": True})
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def served() -> Iterator[str]:
    address = f"127.0.0.1:{_free_port()}"
    # Far above Crossplane's 4 MiB both ways (send follows receive), so sizes are seen.
    cmd = [sys.executable, "-m", "function.main", "serve", "--insecure", "--address", address]
    cmd += ["--max-recv-message-size", "64"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        with grpc.insecure_channel(address) as channel:
            grpc.channel_ready_future(channel).result(timeout=30)
        yield address
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def _channel(address: str) -> grpc.Channel:
    return grpc.insecure_channel(address, options=[("grpc.max_receive_message_length", _BIG)])


def _timed(stub: Any, req: fnv1.RunFunctionRequest, n: int) -> tuple[float, Any]:
    times, rsp = [], None
    for i in range(n):
        req.meta.tag = f"t{i}"  # a fresh tag each time: the cache keys exclude it anyway
        req.observed.composite.resource["metadata"]["uid"] = f"uid-{time.perf_counter_ns()}"
        start = time.perf_counter()
        rsp = stub.RunFunction(req, timeout=120)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, rsp


def _fatal(rsp: fnv1.RunFunctionResponse) -> str:
    return next((r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL), "")


async def _under_load(
    address: str, big: fnv1.RunFunctionRequest, streams: int, probes: int
) -> float:
    """p50 ms of a minimal request while ``streams`` clients send the amplifying one."""
    small = request(minimal_xr("probe"))
    options = [("grpc.max_receive_message_length", _BIG)]
    async with grpc.aio.insecure_channel(address, options=options) as channel:
        stub = grpcv1.FunctionRunnerServiceStub(channel)  # type: ignore[no-untyped-call]
        stop = asyncio.Event()

        async def hammer(i: int) -> None:
            req = fnv1.RunFunctionRequest()
            req.CopyFrom(big)
            n = 0
            while not stop.is_set():
                n += 1
                req.observed.composite.resource["metadata"]["uid"] = f"load-{i}-{n}"
                await stub.RunFunction(req, timeout=120)

        tasks = [asyncio.create_task(hammer(i)) for i in range(streams)]
        await asyncio.sleep(1.0 if streams else 0)
        times = []
        for i in range(probes):
            small.observed.composite.resource["metadata"]["uid"] = f"probe-{i}"
            start = time.perf_counter()
            await stub.RunFunction(small, timeout=120)
            times.append(time.perf_counter() - start)
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    return statistics.median(times) * 1000


def cache_capacity() -> tuple[int, int, int]:
    """Entries the cache holds: full of small answers, after one large answer, after it left."""
    runner = FunctionRunner()
    small = [request(minimal_xr(f"c{i:03d}")) for i in range(runner.cache.max_entries)]

    def fill() -> int:
        for _ in range(3):
            for req in small:
                asyncio.run(runner.RunFunction(req, None))
        return len(runner.cache)

    full = fill()
    # A large entry (key and answer 0.9 MiB each): an earlier pipeline step's large
    # desired resource, which the request carries and the answer passes through.
    big = request(minimal_xr("big"))
    big.desired.resources["earlier"].resource.update({"data": "x" * (900 * 1024)})
    for _ in range(2):
        asyncio.run(runner.RunFunction(big, None))
    with_big = len(runner.cache)
    return full, with_big, fill()


def main() -> None:
    print(f"python {sys.version.split()[0]}, nproc {os.cpu_count()}")
    with served() as address, _channel(address) as channel:
        stub = grpcv1.FunctionRunnerServiceStub(channel)  # type: ignore[no-untyped-call]
        first = request(amplifying_xr())
        amp = settled(amplifying_xr())
        print(f"amplifying claim: first request {first.ByteSize() / 1024:.0f} KiB")
        for label, req in (
            ("settled, claim tags on the Table only", amp),
            ("Table observed, claim tags everywhere", everywhere(amp)),
        ):
            ms, rsp = _timed(stub, req, 5)
            print(
                f"  {label}: request {req.ByteSize() / 1024:.0f} KiB; answer "
                f"{rsp.ByteSize() / 1024 / 1024:.2f} MiB, {len(rsp.desired.resources)} "
                f"resources, p50 {ms:.0f} ms; fatal: {_fatal(rsp)[:220] or '-'}"
            )
        for statements in (60, 3400):
            pol = request(policy_xr(statements))
            ms, rsp = _timed(stub, pol, 5)
            print(
                f"resourcePolicy of {statements} statements: request "
                f"{pol.ByteSize() / 1024:.0f} KiB, p50 {ms:.1f} ms; "
                f"fatal: {_fatal(rsp)[:120] or '-'}"
            )
        for streams in (0, 16):
            ms = asyncio.run(_under_load(address, amp, streams, 30))
            print(f"minimal request p50 with {streams} amplifying streams: {ms:.1f} ms")
    full, with_big, after = cache_capacity()
    print(f"cache entries: full {full}, with one 1.8 MiB entry {with_big}, refilled after {after}")


if __name__ == "__main__":
    main()
