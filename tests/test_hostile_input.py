"""Hostile input, fuzzed through the real gRPC server: always a well-formed answer.

Whatever the request holds (wrong types anywhere, no spec, huge lists, deep
nesting, unicode, nulls, unknown fields, garbage observed resources), the
server answers with either one readable Fatal result or a desired Table; never
a gRPC error, never a traceback in its log, and never a response without the
Table when the request had one. That the Table fits provider-aws's CRD is
fuzzed in tests/test_crd_conformance.py.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pytest
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context

from function.render.composite import read_composite
from function.safety.provenance import trusted_table
from function.serve.structs import struct_to_dict, to_struct
from tests.support import (
    EXAMPLES,
    FIXTURES,
    load_yaml,
    serve_subprocess,
    wait_for_channel,
)

GUARDS = FIXTURES / "guards"
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
MAX_MESSAGE = 20_000
pytestmark = pytest.mark.filterwarnings(
    "ignore::hypothesis.errors.HypothesisWarning"
)  # a readable Fatal; far below any gRPC limit


class LoggedServer:
    """A `function serve --insecure` whose log the tests read, one stub per test module."""

    def __init__(self, log: Path, stub: grpcv1.FunctionRunnerServiceStub) -> None:
        self.log = log
        self.stub = stub
        self._seen = 0

    def new_log(self) -> str:
        text = self.log.read_text(errors="replace")
        new, self._seen = text[self._seen :], len(text)
        return new


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LoggedServer]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with serve_subprocess("--insecure", log=log) as (_, address):
        channel = grpc.insecure_channel(address)
        wait_for_channel(channel)
        yield LoggedServer(log, grpcv1.FunctionRunnerServiceStub(channel))
        channel.close()


# JSON-like values as a protobuf Struct can carry them (numbers are doubles).
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(2**60), max_value=2**60),
    st.text(max_size=40),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6), st.dictionaries(st.text(max_size=20), inner, max_size=6)
    ),
    max_leaves=40,
)
json_objects = st.dictionaries(st.text(max_size=20), json_values, max_size=8)


def base_xr() -> dict[str, Any]:
    return load_yaml(GUARDS / "xr.yaml")


def autoscaled_xr() -> dict[str, Any]:
    return load_yaml(EXAMPLES / "autoscaled" / "xr.yaml")


def base_observed() -> dict[str, Any]:
    return load_yaml(GUARDS / "observed-table.yaml")


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


def _replace(doc: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    doc = copy.deepcopy(doc)
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    parent[path[-1]] = new
    return doc


@st.composite
def mutated(draw: st.DrawFn, doc: Any) -> Any:
    """``doc`` with one to three fields (any depth, the root included) set to random values."""
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_paths(doc))))
        doc = _replace(doc, path, draw(json_values))
    return doc


def _nested(depth: int, leaf: Any) -> Any:
    for i in range(depth):
        leaf = {f"level{i}": leaf} if i % 2 else [leaf]
    return leaf


huge_lists = st.sampled_from(
    [
        ("attributeDefinitions", [{"name": f"a{i}", "type": "S"} for i in range(5000)]),
        ("keySchema", [{"attributeName": "pk", "keyType": "HASH"}] * 3000),
        ("globalSecondaryIndexes", [{"name": f"g{i:04}"} for i in range(2000)]),
        ("tags", {f"k{i}": "v" * 300 for i in range(2000)}),
        ("attributeDefinitions", ["x" * 10_000] * 100),
    ]
)

composites = st.one_of(
    st.just(base_xr()),
    json_objects,
    mutated(base_xr()),
    mutated(autoscaled_xr()),
    st.builds(lambda xr: {k: v for k, v in xr.items() if k != "spec"}, st.just(base_xr())),
    st.builds(
        lambda extra: {**base_xr(), "spec": {**base_xr()["spec"], **extra}},
        st.dictionaries(st.text(min_size=1, max_size=30), json_values, min_size=1, max_size=5),
    ),
    st.builds(
        lambda field, value: _replace(base_xr(), ("spec", field[0]), field[1]),
        huge_lists,
        st.none(),
    ),
    st.builds(
        lambda depth, where: _replace(base_xr(), where, _nested(depth, "deep")),
        st.integers(5, 25),
        st.sampled_from([("spec",), ("spec", "tags"), ("spec", "keySchema"), ("metadata",)]),
    ),
    st.builds(
        lambda name, text: _replace(
            _replace(base_xr(), ("metadata", "name"), name), ("spec", "tableName"), text
        ),
        st.text(max_size=300),
        st.text(max_size=300),
    ),
)
observed_tables = st.one_of(
    st.none(), json_objects, mutated(base_observed()), st.just(base_observed())
)
inputs = st.one_of(
    st.none(),
    json_objects,
    mutated(
        {
            "apiVersion": "awsdynamodb.fn.project-planton.org/v1beta1",
            "kind": "Input",
            "region": "us-east-1",
            "warnings": {"disabled": ["pitr_disabled"]},
        }
    ),
)


def _request(
    tag: str,
    composite: Any,
    observed: Any,
    fn_input: Any,
    desired_table: Any,
) -> fnv1.RunFunctionRequest:
    req = fnv1.RunFunctionRequest(meta=fnv1.RequestMeta(tag=tag))
    req.observed.composite.resource.CopyFrom(to_struct(_object(composite, "spec")))
    if observed is not None:
        req.observed.resources["table"].resource.CopyFrom(to_struct(_object(observed, "spec")))
    if fn_input is not None:
        req.input.CopyFrom(to_struct(_object(fn_input, "region")))
    if desired_table is not None:
        req.desired.resources["table"].resource.CopyFrom(to_struct(_object(desired_table, "spec")))
    return req


def _object(value: Any, key: str) -> dict[str, Any]:
    """A Struct is always an object: a non-object document goes one level down."""
    return value if isinstance(value, dict) else {key: value}


def check_response(server: LoggedServer, req: fnv1.RunFunctionRequest) -> fnv1.RunFunctionResponse:
    """Every property a response to any request must have."""
    try:
        rsp = server.stub.RunFunction(req, timeout=30)
    except grpc.RpcError as exc:  # pragma: no cover - a failure is the finding
        pytest.fail(f"gRPC error {exc.code()}: {exc.details()}")
    log = server.new_log()
    assert "Traceback" not in log and "cannot compose" not in log, log
    assert rsp.meta.tag == req.meta.tag
    fatal = [r for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]
    # A Fatal keeps a Table Crossplane composed for this composite (never a decoy:
    # function/safety/provenance.py decides which observed Table that is).
    observed_table = (
        struct_to_dict(req.observed.resources["table"].resource)
        if "table" in req.observed.resources
        else None
    )
    composite = read_composite(struct_to_dict(req.observed.composite.resource))
    believed = trusted_table(observed_table, composite)[0] is not None
    had_table = "table" in req.desired.resources or (observed_table is not None and believed)
    if currently_in_test_context():
        event("fatal" if fatal else "rendered")
    if fatal:
        assert len(fatal) == 1
        message = fatal[0].message
        assert 0 < len(message) <= MAX_MESSAGE
        assert "internal error" not in message, message
        assert rsp.desired.composite == req.desired.composite
        for name, resource in req.desired.resources.items():
            assert rsp.desired.resources[name] == resource
        if had_table:
            assert "table" in rsp.desired.resources
    else:
        assert "table" in rsp.desired.resources
    return rsp


@FUZZ
@given(composite=composites, observed=observed_tables, fn_input=inputs)
def test_any_composite_gets_a_well_formed_answer(
    server: LoggedServer,
    composite: dict[str, Any],
    observed: dict[str, Any] | None,
    fn_input: dict[str, Any] | None,
) -> None:
    check_response(server, _request("fuzz-xr", composite, observed, fn_input, None))


@FUZZ
@given(observed=observed_tables, desired=st.one_of(st.none(), json_objects), composite=composites)
def test_the_table_is_never_dropped(
    server: LoggedServer,
    observed: dict[str, Any] | None,
    desired: dict[str, Any] | None,
    composite: dict[str, Any],
) -> None:
    req = _request("fuzz-keep", composite, observed, None, desired)
    rsp = check_response(server, req)
    if desired is not None:
        assert "table" in rsp.desired.resources
    # An observed Table: check_response asserts it is kept whenever it is believable.


@FUZZ
@given(observed=mutated(base_observed()))
def test_garbage_observed_table_never_breaks_an_unchanged_spec(
    server: LoggedServer, observed: Any
) -> None:
    if not isinstance(observed, dict):
        observed = {"garbage": observed}
    rsp = check_response(server, _request("fuzz-observed", base_xr(), observed, None, None))
    # Garbage can hide what the table is, but never invent a change to refuse.
    fatal = [r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]
    assert all("refusing to replace" in m for m in fatal)


def test_many_unknown_fields_give_a_bounded_message(server: LoggedServer) -> None:
    xr = base_xr()
    xr["spec"].update({f"unknownField{i}": i for i in range(20_000)})
    rsp = check_response(server, _request("many-unknown", xr, None, None, None))
    fatal = [r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]
    assert fatal[0].startswith("invalid AwsDynamodb spec, 20000 problems: spec.unknownField")
    assert "is not a field of this API" in fatal[0]
    assert fatal[0].endswith("; and 19970 more")


def test_huge_value_is_not_echoed_whole(server: LoggedServer) -> None:
    xr = base_xr()
    xr["spec"]["billingMode"] = "X" * 1_000_000
    xr["spec"]["x" * 100_000] = True
    rsp = check_response(server, _request("huge-value", xr, None, None, None))
    fatal = [r.message for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]
    assert "spec.billingMode: must be 'PROVISIONED' or 'PAY_PER_REQUEST'" in fatal[0]
    assert "xxxxxxxxxx…" in fatal[0]
