"""A stand-in for function-python, the generic alternative to writing this function.

crossplane-contrib/function-python runs a Python script given in its Input: for
every RunFunctionRequest it logs the call, starts from ``response.to(req)``,
loads the script's source as a fresh module and calls its ``compose(req, rsp)``.
This server does the same on the same SDK runtime (function-python is not on
PyPI), so the benchmark can compare this function with the same composition
written as a function-python script: ``composition_script`` writes that script
from the resources this function renders.

    python benchmarks/function_python.py --insecure --address 127.0.0.1:9443
"""

from __future__ import annotations

import pprint
import types
from collections.abc import Mapping
from typing import Any

import click
import grpc
from crossplane.function import cli as sdkcli
from crossplane.function import logging, response
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1


class ScriptRunner(grpcv1.FunctionRunnerServiceServicer):
    """Runs the Input's script for every request, as function-python does."""

    def __init__(self) -> None:
        self.log = logging.get_logger()

    async def RunFunction(  # noqa: N802 (gRPC's name)
        self, req: fnv1.RunFunctionRequest, _: grpc.aio.ServicerContext | None
    ) -> fnv1.RunFunctionResponse:
        """Load the script afresh and call its compose(req, rsp)."""
        self.log.bind(tag=req.meta.tag).info("Running function")
        rsp = response.to(req)
        if "script" not in req.input:
            response.fatal(rsp, "missing script")
            return rsp
        module = types.ModuleType("script")
        exec(req.input["script"], module.__dict__)  # what function-python does
        module.compose(req, rsp)
        return rsp


# The script a platform team would write: its resources spelled out, the
# composite's name and tags taken from the request, readiness from the observed
# resources, written with the SDK's helpers as function-python's examples do.
_SCRIPT = """\
from crossplane.function import resource
from crossplane.function.proto.v1 import run_function_pb2 as fnv1


def compose(req, rsp):
    xr = req.observed.composite.resource
    name = xr["metadata"]["name"]
    tags = dict(xr["spec"]["tags"]) if "tags" in xr["spec"] else {{}}
    resources = {resources}
    for key, body in resources.items():
        if body["kind"] == "Table":
            body["spec"]["forProvider"]["tags"].update(tags)
            body["metadata"].setdefault("labels", {{}})["composite"] = name
        resource.update(rsp.desired.resources[key], body)
        ready = resource.get_condition(req.observed.resources.get(key), "Ready")
        if ready.status == "True":
            rsp.desired.resources[key].ready = fnv1.READY_TRUE
    resource.update(rsp.desired.composite, {{"status": {status}}})
"""


def composition_script(resources: Mapping[str, Any], status: Mapping[str, Any]) -> str:
    """A function-python script that composes ``resources`` and sets ``status``."""
    return _SCRIPT.format(
        resources=pprint.pformat(dict(resources), width=100, sort_dicts=False),
        status=pprint.pformat(dict(status), width=100, sort_dicts=False),
    )


@click.command()
@sdkcli.standard_options
def main(**kwargs: object) -> None:
    """Serve the function-python stand-in."""
    sdkcli.run(ScriptRunner(), **kwargs)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
