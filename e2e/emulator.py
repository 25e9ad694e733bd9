"""The AWS emulator `make e2e-aws` runs the real provider against: moto's server, extended.

``python -m e2e.emulator --port N`` serves moto (the pinned ``moto[server]``) on
127.0.0.1 only. moto answers the table calls, tags, TTL, continuous backups,
resource policies, scalable targets, scaling policies, scheduled actions, metric
alarms and IAM policies the provider makes, but not every one: the calls in
``EXTENDED`` are added here, each on moto's own backend state (the table and the
scalable target moto keeps) and in the response shape of botocore's service model
(DynamoDB's through moto's own model-driven serializer). Nothing moto answers
itself is changed, and ``extend`` refuses to run once moto implements one of them
itself (then this extension goes). docs/e2e.md lists every extended call.

The provider's AWS SDK for Go speaks the Smithy RPC v2 CBOR protocol to CloudWatch,
which moto does not: ``CborFront`` takes those requests (``CBOR_OPERATIONS``), hands
each to moto's own CloudWatch handler as the JSON protocol request botocore would
send, and encodes moto's answer in CBOR with the shapes of botocore's service model.

Every call is counted per access key, service and action (``GET /_e2e/calls``), so
a scenario can tell the provider's calls (its Secret's key) from the harness's
own and assert, say, that the provider made no UpdateTable over several polls.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import os
import re
import signal
import sys
import threading
import traceback
import urllib.parse
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from types import FrameType
from typing import Any

import botocore.session
import cbor2
from botocore.utils import parse_timestamp
from moto.applicationautoscaling.exceptions import AWSValidationException
from moto.applicationautoscaling.models import FakeScalableTarget, applicationautoscaling_backends
from moto.applicationautoscaling.responses import ApplicationAutoScalingResponse
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.core.serialize import SERIALIZERS
from moto.dynamodb.exceptions import MockValidationException, ResourceNotFoundException
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoHandler
from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import make_server

HOST = "127.0.0.1"
REGION = "us-east-1"
# The account the provider assumes when told to skip credential validation (upjet's
# localstackAccountID): moto answers in it too (MOTO_ACCOUNT_ID), so the ARNs the
# emulator makes and the ones the provider builds agree.
ACCOUNT = "000000000000"
# Fixed fake credentials: the provider's (its ProviderConfig's Secret) and the
# harness's own, so the call counts tell the two apart.
PROVIDER_KEY = ("AKIAE2EPROVIDER00000", "e2e-provider-fake-secret")
HARNESS_KEY = ("AKIAE2EHARNESS000000", "e2e-harness-fake-secret")
CALLS_PATH = "/_e2e/calls"

# (botocore service name, operation): every call this module adds to moto.
EXTENDED = (
    ("dynamodb", "DescribeContributorInsights"),
    ("dynamodb", "UpdateContributorInsights"),
    ("dynamodb", "ListContributorInsights"),
    ("application-autoscaling", "TagResource"),
    ("application-autoscaling", "UntagResource"),
    ("application-autoscaling", "ListTagsForResource"),
)
# moto ignores RegisterScalableTarget's Tags; it keeps them here, on create only,
# as AWS does ("to tag an existing scalable target, use TagResource").
COMPLETED = (("application-autoscaling", "RegisterScalableTarget"),)


# --- DynamoDB: Contributor Insights -----------------------------------------------


@dataclass
class _Insights:
    status: str
    mode: str | None
    updated: datetime


INSIGHTS_MODES = ("ACCESSED_AND_THROTTLED_KEYS", "THROTTLED_KEYS")
# Per moto Table object, so a table deleted and created again starts DISABLED.
_insights: weakref.WeakKeyDictionary[Table, dict[str, _Insights]] = weakref.WeakKeyDictionary()


def _index_names(table: Table) -> list[str]:
    return [index.name for index in table.global_indexes]


def _insights_of(table: Table, index: str | None) -> _Insights:
    if index is not None and index not in _index_names(table):
        raise ResourceNotFoundException(f"Requested resource not found: Index: {index} not found")
    return _insights.get(table, {}).get(index or "", _Insights("DISABLED", None, datetime.now(UTC)))


def _describe_contributor_insights(self: DynamoHandler) -> ActionResult:
    table = self.dynamodb_backend.get_table(self.body.get("TableName", ""))
    index = self.body.get("IndexName")
    state = _insights_of(table, index)
    result: dict[str, Any] = {
        "TableName": table.name,
        "ContributorInsightsStatus": state.status,
        "LastUpdateDateTime": state.updated,
    }
    if index:
        result["IndexName"] = index
    # No ContributorInsightsRuleList: the emulator makes no CloudWatch rules to name.
    if state.mode:
        result["ContributorInsightsMode"] = state.mode
    return ActionResult(result)


def _update_contributor_insights(self: DynamoHandler) -> ActionResult:
    table = self.dynamodb_backend.get_table(self.body.get("TableName", ""))
    index = self.body.get("IndexName")
    action = self.body.get("ContributorInsightsAction")
    mode = self.body.get("ContributorInsightsMode")
    if action not in ("ENABLE", "DISABLE"):
        raise MockValidationException(
            f"1 validation error detected: Value '{action}' at 'contributorInsightsAction' "
            "failed to satisfy constraint: Member must satisfy enum value set: [ENABLE, DISABLE]"
        )
    if mode is not None and mode not in INSIGHTS_MODES:
        raise MockValidationException(
            f"1 validation error detected: Value '{mode}' at 'contributorInsightsMode' failed "
            "to satisfy constraint: Member must satisfy enum value set: "
            f"[{', '.join(INSIGHTS_MODES)}]"
        )
    _insights_of(table, index)  # the index must exist
    now = datetime.now(UTC)
    if action == "ENABLE":
        state = _Insights("ENABLED", mode or "ACCESSED_AND_THROTTLED_KEYS", now)
        answered = "ENABLING"
    else:
        state = _Insights("DISABLED", None, now)
        answered = "DISABLING"
    _insights.setdefault(table, {})[index or ""] = state
    # AWS answers with the transition; DescribeContributorInsights then shows where it
    # ends (moto's tables are ACTIVE at once the same way).
    result: dict[str, Any] = {"TableName": table.name, "ContributorInsightsStatus": answered}
    if index:
        result["IndexName"] = index
    if state.mode:
        result["ContributorInsightsMode"] = state.mode
    return ActionResult(result)


def _list_contributor_insights(self: DynamoHandler) -> ActionResult:
    """The table's (or, with no TableName, every table's) and its GSIs' summaries."""
    backend = self.dynamodb_backend
    name = self.body.get("TableName")
    tables = [backend.get_table(name)] if name else list(backend.tables.values())
    summaries = []
    for table in tables:
        for index in [None, *_index_names(table)]:
            state = _insights_of(table, index)
            summary: dict[str, Any] = {"TableName": table.name}
            if index:
                summary["IndexName"] = index
            summary["ContributorInsightsStatus"] = state.status
            if state.mode:
                summary["ContributorInsightsMode"] = state.mode
            summaries.append(summary)
    start = int(self.body.get("NextToken") or 0)
    size = int(self.body.get("MaxResults") or 100)
    if not 0 < size <= 100:
        raise MockValidationException(
            f"1 validation error detected: Value '{size}' at 'maxResults' failed to satisfy "
            "constraint: Member must have value less than or equal to 100"
        )
    result: dict[str, Any] = {"ContributorInsightsSummaries": summaries[start : start + size]}
    if start + size < len(summaries):
        result["NextToken"] = str(start + size)
    return ActionResult(result)


# --- Application Auto Scaling: tags on scalable targets ---------------------------

_target_tags: weakref.WeakKeyDictionary[FakeScalableTarget, dict[str, str]] = (
    weakref.WeakKeyDictionary()
)


class _TargetNotFoundError(JsonRESTError):
    def __init__(self, arn: str) -> None:
        super().__init__("ResourceNotFoundException", f"No scalable target found for {arn}")


def _target(self: ApplicationAutoScalingResponse, arn: str | None) -> FakeScalableTarget:
    if not arn:
        raise AWSValidationException("ResourceARN must be specified")
    backend = applicationautoscaling_backends[self.current_account][self.region]
    for by_resource in backend.targets.values():
        for target in by_resource.values():
            if target.arn == arn:
                return target
    raise _TargetNotFoundError(arn)


def _tag_resource(self: ApplicationAutoScalingResponse) -> str:
    target = _target(self, self._get_param("ResourceARN"))
    tags = self._get_param("Tags")
    if not isinstance(tags, dict) or not tags:
        raise AWSValidationException("Tags must be specified")
    _target_tags.setdefault(target, {}).update({str(k): str(v) for k, v in tags.items()})
    return json.dumps({})


def _untag_resource(self: ApplicationAutoScalingResponse) -> str:
    target = _target(self, self._get_param("ResourceARN"))
    keys = self._get_param("TagKeys")
    if not isinstance(keys, list):
        raise AWSValidationException("TagKeys must be specified")
    tags = _target_tags.get(target, {})
    for key in keys:
        tags.pop(key, None)
    return json.dumps({})


def _list_tags_for_resource(self: ApplicationAutoScalingResponse) -> str:
    target = _target(self, self._get_param("ResourceARN"))
    return json.dumps({"Tags": dict(_target_tags.get(target, {}))})


def _keeps_tags_on_create(
    register: Callable[[ApplicationAutoScalingResponse], str],
) -> Callable[[ApplicationAutoScalingResponse], str]:
    def register_scalable_target(self: ApplicationAutoScalingResponse) -> str:
        backend = applicationautoscaling_backends[self.current_account][self.region]
        key = (self._get_param("ScalableDimension"), self._get_param("ResourceId"))
        existed = key[1] in backend.targets.get(key[0], {})
        answer = register(self)  # moto's own call, unchanged
        tags = self._get_param("Tags")
        if not existed and isinstance(tags, dict) and tags:
            target = backend.targets[key[0]][key[1]]
            _target_tags[target] = {str(k): str(v) for k, v in tags.items()}
        return answer

    register_scalable_target.__wrapped__ = register  # type: ignore[attr-defined]
    return register_scalable_target


# --- CloudWatch: the Smithy RPC v2 CBOR front ---------------------------------------

# The CloudWatch calls the provider makes for a MetricAlarm (the Terraform fork's
# metric_alarm.go and tags_gen.go), served in CBOR; any other answers an error that
# names this tuple.
CBOR_OPERATIONS = (
    "PutMetricAlarm",
    "DescribeAlarms",
    "DeleteAlarms",
    "ListTagsForResource",
    "TagResource",
    "UntagResource",
)
SMITHY_PROTOCOL = "rpc-v2-cbor"
# CloudWatch's Smithy service shape is com.amazonaws.cloudwatch#GraniteServiceVersion20100801
# (botocore's targetPrefix): requests name it in their path, errors' ``__type`` carries
# the namespace.
CBOR_NAMESPACE = "com.amazonaws.cloudwatch"
CBOR_SERVICE = "GraniteServiceVersion20100801"
_CBOR_PATH = re.compile(rf"/service/{CBOR_SERVICE}/operation/(?P<operation>[^/]+)$")


@functools.cache
def _cloudwatch_model() -> Any:
    return botocore.session.get_session().get_service_model("cloudwatch")


# The kinds of shape the answers of CBOR_OPERATIONS hold besides structures, lists and
# timestamps: CBOR carries them as JSON does.
_PLAIN_SHAPES = ("string", "boolean", "integer", "long", "double")


def _cbor_value(value: Any, shape: Any) -> Any:
    """moto's JSON protocol answer as RPC v2 CBOR carries it, by its botocore shape:
    a structure's members (nothing else), timestamps as tag 1 over epoch seconds."""
    kind = shape.type_name
    if kind == "structure":
        return {k: _cbor_value(v, shape.members[k]) for k, v in value.items() if k in shape.members}
    if kind == "list":
        return [_cbor_value(v, shape.member) for v in value]
    if kind == "timestamp":
        return cbor2.CBORTag(1, round(parse_timestamp(value).timestamp(), 3))
    if kind in _PLAIN_SHAPES:
        return value
    # A blob (bytes, not base64) or a map would need its own case: none is served yet.
    raise ValueError(f"the CBOR front cannot encode a {kind} shape ({shape.name})")


@dataclass
class _Answer:
    status: str
    headers: list[tuple[str, str]]
    body: bytes


class CborFront:
    """WSGI middleware: serves CloudWatch's Smithy RPC v2 CBOR requests through moto.

    A request ``POST .../service/GraniteServiceVersion20100801/operation/<Operation>``
    with ``smithy-protocol: rpc-v2-cbor`` (as aws-sdk-go-v2 and botocore send it)
    reaches moto as the awsJson1_0 request of the same operation (``X-Amz-Target``),
    and moto's answer goes back in CBOR: the operation's output shape (no body when it
    has none), or an error map with the error's absolute shape id in ``__type``;
    ``x-amzn-query-error`` is kept (the Go SDK sends ``X-Amzn-Query-Mode``).
    Everything else passes through untouched.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        match = _CBOR_PATH.search(str(environ.get("PATH_INFO", "")))
        if environ.get("HTTP_SMITHY_PROTOCOL") != SMITHY_PROTOCOL or not match:
            return self.app(environ, start_response)
        model, operation = _cloudwatch_model(), match["operation"]
        if operation not in CBOR_OPERATIONS:
            return self._error(
                start_response,
                "404 Not Found",
                "UnknownOperationException",
                f"the emulator serves CloudWatch {operation} in CBOR only once it is in "
                "CBOR_OPERATIONS (e2e/emulator.py)",
            )
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        # The served calls' inputs hold strings, numbers, booleans, lists and maps only,
        # which JSON carries as CBOR does (no timestamps, no blobs).
        try:
            params = cbor2.loads(body) if body else {}
            payload = json.dumps(params).encode()
        except (cbor2.CBORDecodeError, TypeError, ValueError) as exc:
            return self._error(
                start_response,
                "400 Bad Request",
                "SerializationException",
                f"cannot read the CBOR body as the JSON protocol's: {exc}",
            )
        if not isinstance(params, dict):
            return self._error(
                start_response, "400 Bad Request", "SerializationException", "the body is not a map"
            )
        inner = dict(environ)
        inner.update(
            {
                "PATH_INFO": "/",
                "CONTENT_TYPE": f"application/x-amz-json-{model.metadata['jsonVersion']}",
                "CONTENT_LENGTH": str(len(payload)),
                "HTTP_X_AMZ_TARGET": f"{CBOR_SERVICE}.{operation}",
                "wsgi.input": io.BytesIO(payload),
            }
        )
        try:
            answer = self._call(inner)
            return self._encode(start_response, model.operation_model(operation), answer)
        except Exception as exc:  # moto failed, or answered what the front cannot encode
            traceback.print_exc()  # to the emulator's log
            return self._error(
                start_response, "500 Internal Server Error", "InternalFailure", repr(exc)
            )

    def _call(self, environ: dict[str, Any]) -> _Answer:
        started: list[tuple[str, list[tuple[str, str]]]] = []

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started.append((status, headers))
            return lambda data: None

        chunks = self.app(environ, start)
        try:
            body = b"".join(chunks)
        finally:
            if close := getattr(chunks, "close", None):
                close()
        status, headers = started[-1]
        return _Answer(status, headers, body)

    def _encode(self, start_response: Callable[..., Any], operation: Any, answer: _Answer) -> Any:
        decoded = json.loads(answer.body) if answer.body else {}
        kept = [
            (name, value)
            for name, value in answer.headers
            if name.lower() in ("x-amzn-requestid", "x-amzn-query-error")
        ]
        if answer.status.startswith("200"):
            if operation.output_shape is None:
                return self._respond(start_response, answer.status, kept, None)
            content = _cbor_value(decoded, operation.output_shape)
            return self._respond(start_response, answer.status, kept, content)
        code = str(decoded.get("__type", "")).rsplit("#", 1)[-1]
        shape = next((s for s in operation.error_shapes if s.name == code), None)
        error: dict[str, Any] = _cbor_value(decoded, shape) if shape is not None else {}
        if code:
            error["__type"] = f"{CBOR_NAMESPACE}#{code}"
        if message := decoded.get("message") or decoded.get("Message"):
            # The protocol's ``message``, and CloudWatch's own member (the Go SDK reads
            # both: the first for any error, the second into a modeled one).
            error["message"] = error["Message"] = message
        return self._respond(start_response, answer.status, kept, error)

    def _error(
        self, start_response: Callable[..., Any], status: str, code: str, message: str
    ) -> Any:
        error = {"__type": f"{CBOR_NAMESPACE}#{code}", "message": message}
        return self._respond(start_response, status, [], error)

    @staticmethod
    def _respond(
        start_response: Callable[..., Any],
        status: str,
        headers: list[tuple[str, str]],
        content: dict[str, Any] | None,
    ) -> list[bytes]:
        headers = [*headers, ("smithy-protocol", SMITHY_PROTOCOL)]
        body = b""
        if content is not None:
            body = cbor2.dumps(content)
            headers.append(("Content-Type", "application/cbor"))
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]


# --- installing the extension -----------------------------------------------------

_ADDED: dict[type[Any], dict[str, Callable[..., Any]]] = {
    DynamoHandler: {
        "describe_contributor_insights": _describe_contributor_insights,
        "update_contributor_insights": _update_contributor_insights,
        "list_contributor_insights": _list_contributor_insights,
    },
    ApplicationAutoScalingResponse: {
        "tag_resource": _tag_resource,
        "untag_resource": _untag_resource,
        "list_tags_for_resource": _list_tags_for_resource,
    },
}
# moto's own calls, wrapped to keep what they drop (COMPLETED).
_WRAPPED: list[tuple[type[Any], str, Callable[[Any], Callable[..., Any]]]] = [
    (ApplicationAutoScalingResponse, "register_scalable_target", _keeps_tags_on_create),
]
_lock = threading.Lock()


def extend() -> None:
    """Add the ``EXTENDED`` calls to moto (once); refuse if moto has any of them, or
    answers Smithy RPC v2 CBOR itself (then ``CborFront`` goes)."""
    with _lock:
        if "smithy-rpc-v2-cbor" in SERIALIZERS:
            raise RuntimeError(
                "moto now answers Smithy RPC v2 CBOR: drop CborFront from e2e/emulator.py"
            )
        for cls, methods in _ADDED.items():
            for name, method in methods.items():
                current = getattr(cls, name, None)
                if current is method:
                    continue
                if current is not None:
                    raise RuntimeError(
                        f"moto now implements {cls.__name__}.{name}: drop it from e2e/emulator.py"
                    )
                setattr(cls, name, method)
        for cls, name, wrap in _WRAPPED:
            current = getattr(cls, name)
            if not hasattr(current, "__wrapped__"):
                setattr(cls, name, wrap(current))


# --- counting calls ---------------------------------------------------------------

_CREDENTIAL = re.compile(r"Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/aws4_request")


class CallCounter:
    """WSGI middleware: counts each request by access key, service and action."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("PATH_INFO") == CALLS_PATH:
            return self._report(environ, start_response)
        match = _CREDENTIAL.search(environ.get("HTTP_AUTHORIZATION", ""))
        if match:
            action = self._action(environ)
            with self.lock:
                self.counts[(match[1], match[2], action)] += 1
        return self.app(environ, start_response)

    @staticmethod
    def _action(environ: dict[str, Any]) -> str:
        if target := environ.get("HTTP_X_AMZ_TARGET"):  # JSON protocols
            return str(target).rsplit(".", 1)[-1]
        path = str(environ.get("PATH_INFO", ""))
        if "/operation/" in path:  # Smithy RPC v2 (CloudWatch)
            return path.rsplit("/", 1)[-1]
        # The query protocol (IAM, STS): Action in the form body, read and put back.
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body: bytes = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        query = urllib.parse.parse_qs(body.decode("utf-8", "replace"))
        query |= urllib.parse.parse_qs(str(environ.get("QUERY_STRING", "")))
        return (query.get("Action") or ["?"])[0]

    def _report(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        with self.lock:
            if environ.get("REQUEST_METHOD") == "DELETE":
                self.counts.clear()
            rows = [
                {"key": key, "service": service, "action": action, "count": count}
                for (key, service, action), count in sorted(self.counts.items())
            ]
        body = json.dumps(rows).encode()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body]


def serve(port: int) -> None:
    """Serve the extended moto on HOST:port until SIGTERM or SIGINT."""
    os.environ["MOTO_ACCOUNT_ID"] = ACCOUNT
    extend()
    app = CallCounter(CborFront(DomainDispatcherApplication(create_backend_app)))
    server = make_server(HOST, port, app, threaded=True, request_handler=MotoRequestHandler)

    def stop(signum: int, frame: FrameType | None) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(
        f"moto (extended: {len(EXTENDED)} calls; CloudWatch in CBOR: "
        f"{len(CBOR_OPERATIONS)} calls) on http://{HOST}:{port}",
        flush=True,
    )
    server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m e2e.emulator", description=__doc__)
    parser.add_argument("--port", type=int, required=True, help=f"the port on {HOST}")
    serve(parser.parse_args(argv).port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
