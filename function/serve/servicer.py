"""The gRPC servicer: protobuf in, the pure core, protobuf out. Nothing else."""

from __future__ import annotations

import grpc
from crossplane.function import logging, response
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from function.api.limits import RESOURCE_POLICY_MAX_BYTES
from function.api.rules import format_violations
from function.compose import Outcome, Request, Result, compose
from function.render.composite import read_composite
from function.render.status import ACCEPTED_CONDITION, SYNCED_CONDITION
from function.render.table import TABLE_NAME
from function.safety.guards import carried_forward
from function.safety.provenance import trusted_table
from function.safety.size import answer_too_large
from function.serve.cache import ResponseCache
from function.serve.structs import (
    UNREAD_METADATA,
    LazyResources,
    Omit,
    fill_struct,
    struct_to_dict,
)

__all__ = ["FunctionRunner"]


_SEVERITY = {
    "Fatal": fnv1.SEVERITY_FATAL,
    "Warning": fnv1.SEVERITY_WARNING,
    "Normal": fnv1.SEVERITY_NORMAL,
}


# The core never reads the composite's resourceRefs (Crossplane's list of every
# composed resource), and converting it costs more the more resources there are.
_UNREAD: Omit = {
    **UNREAD_METADATA,
    "spec": {"resourceRefs": None, "crossplane": {"resourceRefs": None}},
}


# A resourcePolicy whose Struct is larger than this is surely over AWS's limit as
# JSON (a Struct is at most 5.5 times its compact JSON: a list of one-digit
# numbers), so it is refused without converting it: a megabyte of policy costs
# no more than the rest of the request.
_POLICY_STRUCT_MAX = 6 * RESOURCE_POLICY_MAX_BYTES
_UNREAD_POLICY: Omit = {
    "spec": {"resourceRefs": None, "crossplane": {"resourceRefs": None}, "resourcePolicy": None}
}


def to_request(req: fnv1.RunFunctionRequest) -> Request:
    """The plain-data view of a RunFunctionRequest that the core reads."""
    xr = req.observed.composite.resource
    spec = xr.fields.get("spec")
    policy = spec.struct_value.fields.get("resourcePolicy") if spec is not None else None
    too_large = policy is not None and policy.ByteSize() > _POLICY_STRUCT_MAX
    return Request(
        composite=struct_to_dict(xr, _UNREAD_POLICY if too_large else _UNREAD),
        observed=LazyResources(req.observed.resources),
        input=struct_to_dict(req.input) if req.HasField("input") else None,
        oversized=[("spec.resourcePolicy", "resource_policy_size")] if too_large else [],
    )


def write_outcome(outcome: Outcome, rsp: fnv1.RunFunctionResponse) -> None:
    """Write the core's outcome into a response that already carries the request's desired state."""
    for result in outcome.results:
        rsp.results.append(
            fnv1.Result(
                severity=_SEVERITY[result.severity],
                message=result.message,
                reason=result.reason or None,
                target=fnv1.TARGET_COMPOSITE_AND_CLAIM,
            )
        )
    # Crossplane (2.2.1, seen by make e2e) shows a Fatal result only in the XR's
    # Synced condition, never on the claim; a condition aimed at both is shown on
    # both, even in the response that carries the Fatal, and clears once accepted.
    fatal = next((r for r in outcome.results if r.severity == "Fatal"), None)
    rsp.conditions.append(
        fnv1.Condition(
            type=ACCEPTED_CONDITION,
            status=fnv1.STATUS_CONDITION_FALSE if fatal else fnv1.STATUS_CONDITION_TRUE,
            reason=(fatal.reason or "Refused") if fatal else "Accepted",
            message=fatal.message if fatal else None,
            target=fnv1.TARGET_COMPOSITE_AND_CLAIM,
        )
    )
    if fatal:
        # Desired state stays exactly as the request had it: Crossplane applies nothing.
        return
    rsp.conditions.append(
        fnv1.Condition(
            type=SYNCED_CONDITION,
            status=fnv1.STATUS_CONDITION_FALSE
            if outcome.not_synced
            else fnv1.STATUS_CONDITION_TRUE,
            reason="ResourceNotSynced" if outcome.not_synced else "Synced",
            message="; ".join(f"{n} is not Synced: {m}" for n, m in outcome.not_synced) or None,
            target=fnv1.TARGET_COMPOSITE_AND_CLAIM,
        )
    )
    xr = rsp.desired.composite
    if outcome.status:
        # Only status: a function must never write the composite's spec or metadata.
        xr.resource.get_or_create_struct("status").update(outcome.status)
    if outcome.pending:
        # Crossplane would call the XR ready once every emitted resource is;
        # resources still held back must keep it not ready.
        xr.ready = fnv1.READY_FALSE
    for key, value in outcome.connection_details.items():
        xr.connection_details[key] = value
    for name, composed in outcome.resources.items():
        target = rsp.desired.resources[name]
        target.resource.Clear()
        fill_struct(target.resource, composed.body)
        target.ready = fnv1.READY_TRUE if composed.ready else fnv1.READY_FALSE


def _kind(resource: fnv1.Resource) -> str:
    kind = resource.resource.fields.get("kind")
    return kind.string_value if kind is not None and kind.string_value else "other"


def refuse_if_too_large(
    req: fnv1.RunFunctionRequest, rsp: fnv1.RunFunctionResponse
) -> fnv1.RunFunctionResponse:
    """``rsp``, or a Fatal in its place when it is larger than Crossplane accepts."""
    problem = answer_too_large(
        rsp.ByteSize(), ((_kind(r), r.ByteSize()) for r in rsp.desired.resources.values())
    )
    if problem is None:
        return rsp
    refused = response.to(req)
    message = format_violations([problem])
    write_outcome(Outcome(results=[Result("Fatal", message, "AnswerTooLarge")]), refused)
    keep_observed_table(req, refused)
    return refused


def keep_observed_table(req: fnv1.RunFunctionRequest, rsp: fnv1.RunFunctionResponse) -> None:
    """A Fatal response never lacks a Table that exists: see guards.carried_forward for why.

    Only a Table Crossplane composed for this composite: a tenant's decoy is never echoed.
    """
    if TABLE_NAME in req.observed.resources and TABLE_NAME not in rsp.desired.resources:
        observed = struct_to_dict(req.observed.resources[TABLE_NAME].resource)
        composite = read_composite(struct_to_dict(req.observed.composite.resource, _UNREAD))
        if trusted_table(observed, composite)[0] is not None:
            rsp.desired.resources[TABLE_NAME].resource.update(carried_forward(observed))


class FunctionRunner(grpcv1.FunctionRunnerServiceServicer):
    """Runs the function for every RunFunctionRequest Crossplane sends."""

    def __init__(self, cache: ResponseCache | None = None) -> None:
        """Create a new FunctionRunner; ``cache`` keeps answers to repeated requests."""
        self.log = logging.get_logger()
        self.cache = ResponseCache() if cache is None else cache

    async def RunFunction(  # noqa: N802 (gRPC's name)
        self, req: fnv1.RunFunctionRequest, _: grpc.aio.ServicerContext | None
    ) -> fnv1.RunFunctionResponse:
        """Compose the table for one request; bad input becomes a Fatal result, never an error."""
        key = self.cache.key(req)
        cached = self.cache.get(key, req.meta.tag)
        if cached is not None:
            return cached
        rsp = response.to(req)
        try:
            outcome = compose(to_request(req))
        except Exception as exc:
            self.log.error("cannot compose", tag=req.meta.tag, error=repr(exc))
            message = f"internal error, please report it: cannot compose table: {exc!r}"
            write_outcome(Outcome(results=[Result("Fatal", message, "InternalError")]), rsp)
            keep_observed_table(req, rsp)
            return rsp  # not kept: an internal error may not recur
        write_outcome(outcome, rsp)
        if outcome.fatal:
            keep_observed_table(req, rsp)
        rsp = refuse_if_too_large(req, rsp)
        self.cache.put(key, rsp)
        return rsp
