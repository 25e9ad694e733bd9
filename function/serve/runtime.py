"""The gRPC serve loop: the SDK's, except that SIGTERM drains instead of cancelling.

The SDK's ``runtime.serve`` answers SIGTERM with ``server.stop(grace)``. The function
computes on the event loop, so while one call runs, calls that already arrived wait
inside gRPC core, unseen by the server; ``stop`` cancels them, and Crossplane sees
CANCELLED for work it had handed over before the pod was told to stop.

Here SIGTERM does not stop the server at once: it keeps answering until no call has
arrived for a moment (at most ``SHUTDOWN_GRACE_PERIOD_SECONDS``), so the call in
flight and those queued behind it all finish, then refuses new ones with UNAVAILABLE
(Crossplane retries, reaching another replica or the restarted pod) and stops.
Calls still run on the event loop, one at a time, as with the SDK. Flags,
credentials, the v1beta1 service and reflection are the SDK's.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Sequence
from typing import Any

import grpc
from crossplane.function import logging
from crossplane.function import runtime as sdkruntime
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1
from crossplane.function.proto.v1beta1 import run_function_pb2_grpc as grpcv1beta1
from grpc_reflection.v1alpha import reflection

__all__ = ["SHUTDOWN_GRACE_PERIOD_SECONDS", "DrainingRunner", "run", "serve"]

SHUTDOWN_GRACE_PERIOD_SECONDS = sdkruntime.SHUTDOWN_GRACE_PERIOD_SECONDS
QUIET_SECONDS = 0.2


class DrainingRunner(grpcv1.FunctionRunnerServiceServicer):
    """Runs the wrapped servicer and counts the calls taken; refuses new ones when draining."""

    def __init__(self, wrapped: grpcv1.FunctionRunnerServiceServicer) -> None:
        self.wrapped = wrapped
        self.draining = False
        self.started = 0
        self.taken = 0
        self.idle = asyncio.Event()
        self.idle.set()

    async def RunFunction(  # noqa: N802 (gRPC's name)
        self, req: fnv1.RunFunctionRequest, context: grpc.aio.ServicerContext
    ) -> fnv1.RunFunctionResponse:
        if self.draining:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "function is shutting down")
        self.started += 1
        self.taken += 1
        self.idle.clear()
        try:
            rsp: fnv1.RunFunctionResponse = await self.wrapped.RunFunction(req, context)  # type: ignore[no-untyped-call]
            return rsp
        finally:
            self.taken -= 1
            if self.taken == 0:
                self.idle.set()

    async def drain(self, timeout: float) -> None:
        """Serve until no call has been taken for ``QUIET_SECONDS``, then refuse new calls.

        The function computes on the event loop, so calls that arrived while it was
        busy wait inside gRPC core; each is taken as soon as the loop is free, well
        within the quiet period, so all of them are served. Only after ``timeout``
        (a client that never stops) are new calls refused while the taken ones finish.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        with contextlib.suppress(TimeoutError):
            while True:
                await asyncio.wait_for(self.idle.wait(), deadline - loop.time())
                seen = self.started
                await asyncio.sleep(QUIET_SECONDS)
                if self.started == seen and self.taken == 0:
                    break
        self.draining = True
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.idle.wait(), timeout)


def serve(
    function: grpcv1.FunctionRunnerServiceServicer,
    address: str,
    *,
    creds: grpc.ServerCredentials | None,
    insecure: bool,
    options: Sequence[tuple[str, Any]] | None = None,
) -> None:
    """``crossplane.function.runtime.serve``, with a SIGTERM that finishes the calls taken."""
    if creds is None and insecure is False:
        msg = "no credentials were provided - did you provide credentials or use the insecure flag?"
        raise ValueError(msg)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    server = grpc.aio.server(options=options)
    runner = DrainingRunner(function)
    grpcv1.add_FunctionRunnerServiceServicer_to_server(runner, server)  # type: ignore[no-untyped-call]
    grpcv1beta1.add_FunctionRunnerServiceServicer_to_server(  # type: ignore[no-untyped-call]
        sdkruntime.BetaFunctionRunner(wrapped=runner), server
    )
    reflection.enable_server_reflection(sdkruntime.SERVICE_NAMES, server)
    if creds is not None:
        server.add_secure_port(address, creds)
    if insecure:
        server.add_insecure_port(address)

    async def shut_down() -> None:
        await runner.drain(SHUTDOWN_GRACE_PERIOD_SECONDS)
        await server.stop(grace=1)

    stopping: list[asyncio.Task[None]] = []
    loop.add_signal_handler(signal.SIGTERM, lambda: stopping.append(loop.create_task(shut_down())))

    async def start() -> None:
        await server.start()
        await server.wait_for_termination()

    try:
        loop.run_until_complete(start())
        for task in stopping:
            loop.run_until_complete(task)
    finally:
        loop.run_until_complete(server.stop(grace=SHUTDOWN_GRACE_PERIOD_SECONDS))
        loop.close()


def run(
    function_runner: grpcv1.FunctionRunnerServiceServicer,
    *,
    debug: bool,
    address: str,
    tls_certs_dir: str | None,
    insecure: bool,
    max_recv_message_size: int,
    max_send_message_size: int | None,
) -> None:
    """``crossplane.function.cli.run`` (the standard flags), serving with ``serve`` above."""
    logging.configure(level=logging.Level.DEBUG if debug else logging.Level.INFO)
    if max_send_message_size is None:
        max_send_message_size = max_recv_message_size
    options = [
        ("grpc.max_receive_message_length", max_recv_message_size * 1024 * 1024),
        ("grpc.max_send_message_length", max_send_message_size * 1024 * 1024),
    ]
    creds = sdkruntime.load_credentials(tls_certs_dir) if tls_certs_dir else None
    serve(function_runner, address, creds=creds, insecure=insecure, options=options)
