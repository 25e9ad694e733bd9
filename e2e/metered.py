"""``function serve``, writing one line per RunFunction call: for ``make e2e-scale``.

``function serve`` logs nothing per call (only a call that fails inside the core),
and has no metrics endpoint; Crossplane's own histogram of its calls
(``function_run_function_seconds``) has buckets 5 ms wide at best. So the scale
run serves the function through this module: the real CLI (``function serve``,
same flags, same defaults, same servicer), with the servicer's ``RunFunction``
timed from the outside. Each call appends one line to the file given first::

    <start, Unix seconds> <wall seconds> <CPU seconds of the serving thread> <composite name>

The cost is two clock reads and one short write per call (a few microseconds,
against the milliseconds a call takes). The file is opened for appending, so a
restarted server adds to the same record.

    python -m e2e.metered CALLS_FILE serve --tls-certs-dir=... --address=...
"""

from __future__ import annotations

import sys
import time
from typing import IO

import grpc
from crossplane.function.proto.v1 import run_function_pb2 as fnv1

from function import main as function_main
from function.serve import servicer


def composite_name(req: fnv1.RunFunctionRequest) -> str:
    """The observed composite's ``metadata.name``, or ``-`` when it has none."""
    meta = req.observed.composite.resource.fields.get("metadata")
    name = meta.struct_value.fields.get("name") if meta is not None else None
    return name.string_value or "-" if name is not None else "-"


def record_line(start: float, wall: float, cpu: float, name: str) -> str:
    return f"{start:.6f} {wall:.6f} {cpu:.6f} {name}\n"


def metered(out: IO[str]) -> type[servicer.FunctionRunner]:
    """The function's servicer, each call timed and written to ``out``."""

    class MeteredRunner(servicer.FunctionRunner):
        async def RunFunction(  # noqa: N802 (gRPC's name)
            self, req: fnv1.RunFunctionRequest, context: grpc.aio.ServicerContext | None
        ) -> fnv1.RunFunctionResponse:
            start, wall, cpu = time.time(), time.perf_counter(), time.thread_time()
            try:
                return await super().RunFunction(req, context)
            finally:
                wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
                out.write(record_line(start, wall, cpu, composite_name(req)))

    return MeteredRunner


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[1] != "serve":
        sys.exit("usage: python -m e2e.metered CALLS_FILE serve [function serve flags]")
    out = open(argv[0], "a", buffering=1)  # noqa: SIM115 (open while the server runs)
    # `function serve` imports the servicer's class when it runs: it finds this one.
    servicer.FunctionRunner = metered(out)  # type: ignore[misc]
    function_main.cli(argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
