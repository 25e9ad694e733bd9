"""The floor: a composition function that does nothing, on the same SDK runtime.

It answers every RunFunctionRequest with ``response.to(req)`` (the request's tag,
desired state and context, and the default TTL), so what it costs is what any
Python function on this SDK pays for gRPC, protobuf and the event loop.

    python benchmarks/noop.py --insecure --address 127.0.0.1:9443
"""

from __future__ import annotations

import click
import grpc
from crossplane.function import cli as sdkcli
from crossplane.function import response
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1


class NoopRunner(grpcv1.FunctionRunnerServiceServicer):
    """Answers with the request's desired state and nothing else."""

    async def RunFunction(  # noqa: N802 (gRPC's name)
        self, req: fnv1.RunFunctionRequest, _: grpc.aio.ServicerContext | None
    ) -> fnv1.RunFunctionResponse:
        """Return the desired state unchanged."""
        return response.to(req)


@click.command()
@sdkcli.standard_options
def main(**kwargs: object) -> None:
    """Serve the no-op function."""
    sdkcli.run(NoopRunner(), **kwargs)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
