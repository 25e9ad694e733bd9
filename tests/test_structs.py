"""The fast Struct conversions agree with protobuf's own, for any JSON-like data."""

from __future__ import annotations

from typing import Any

from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from google.protobuf import json_format, struct_pb2
from hypothesis import given, settings
from hypothesis import strategies as st

from function.render.status import is_ready
from function.serve.servicer import to_request
from function.serve.structs import LazyResources, fill_struct, ready_of, struct_to_dict, to_struct

_keys = st.sampled_from(["type", "status", "conditions", "spec", "name", "Ready", ""]) | st.text(
    max_size=8
)
_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["Ready", "True", "False", ""])
    | st.text(max_size=8)
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_keys, inner, max_size=4),
    max_leaves=25,
)
_objects = st.dictionaries(_keys, _json, max_size=5)
_condition = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["Ready", "Synced", 1, None]),
        "status": st.sampled_from(["True", "False", True, None]),
        "reason": st.text(max_size=4),
    },
)
# Resources shaped like managed resources, with odd shapes along the way.
_resources = st.fixed_dictionaries(
    {},
    optional={
        "status": st.fixed_dictionaries(
            {},
            optional={
                "conditions": st.lists(_condition | _json, max_size=4) | _json,
                "atProvider": _objects,
            },
        )
        | _json,
        "spec": _objects,
    },
)


def _sdk(d: dict[str, Any]) -> struct_pb2.Struct:
    s = struct_pb2.Struct()
    s.update(d)
    return s


def _plain(x: Any) -> Any:
    """What a Struct holds for ``x``: numbers are doubles, tuples are lists."""
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_plain(v) for v in x]
    if isinstance(x, bool) or x is None or isinstance(x, str):
        return x
    return float(x)


@settings(max_examples=200, deadline=None)
@given(_objects)
def test_fill_struct_builds_what_struct_update_builds(d: dict[str, Any]) -> None:
    s = struct_pb2.Struct()
    fill_struct(s, d)
    assert s == _sdk(d)
    assert to_struct(d) == _sdk(d)


@settings(max_examples=200, deadline=None)
@given(_objects)
def test_struct_to_dict_reads_what_json_format_reads(d: dict[str, Any]) -> None:
    s = _sdk(d)
    assert _plain(struct_to_dict(s)) == _plain(json_format.MessageToDict(s))


def _leaves(x: Any) -> list[Any]:
    if isinstance(x, dict):
        return [leaf for v in x.values() for leaf in _leaves(v)]
    if isinstance(x, list):
        return [leaf for v in x for leaf in _leaves(v)]
    return [x]


@settings(max_examples=200, deadline=None)
@given(_objects)
def test_struct_to_dict_gives_whole_numbers_back_as_ints(d: dict[str, Any]) -> None:
    out = struct_to_dict(_sdk(d))
    assert out == _plain(d)
    for leaf in _leaves(out):
        if isinstance(leaf, float):
            # Only doubles that are not exact integers stay floats.
            assert not leaf.is_integer() or abs(leaf) >= 2**53


def test_kubernetes_integers_come_back_as_ints() -> None:
    out = struct_to_dict(to_struct({"readCapacity": 5, "ratio": 0.5, "huge": 1e300}))
    assert out == {"readCapacity": 5, "ratio": 0.5, "huge": 1e300}
    assert {k: type(v) for k, v in out.items()} == {
        "readCapacity": int,
        "ratio": float,
        "huge": float,
    }


@settings(max_examples=300, deadline=None)
@given(_resources)
def test_ready_of_agrees_with_is_ready_and_changes_nothing(resource: dict[str, Any]) -> None:
    s = _sdk(resource)
    before = s.SerializeToString(deterministic=True)
    assert ready_of(s) == is_ready(struct_to_dict(s))
    assert s.SerializeToString(deterministic=True) == before


def test_ready_of_finds_a_ready_condition_among_others() -> None:
    conditions = [{"type": "Synced", "status": "True"}, {"type": "Ready", "status": "True"}]
    assert ready_of(to_struct({"status": {"conditions": conditions}}))
    conditions[1]["status"] = "False"
    assert not ready_of(to_struct({"status": {"conditions": conditions}}))


def test_struct_to_dict_leaves_out_what_omit_names() -> None:
    xr = {
        "metadata": {"name": "orders"},
        "spec": {
            "region": "us-east-1",
            "resourceRefs": [{"kind": "Table", "name": "orders-x"}],
            "crossplane": {"resourceRefs": [{"kind": "Table"}], "compositionRef": {"name": "c"}},
        },
        "status": "odd",
    }
    omit = {"spec": {"resourceRefs": None, "crossplane": {"resourceRefs": None}}, "status": None}
    assert struct_to_dict(to_struct(xr), omit) == {
        "metadata": {"name": "orders"},
        "spec": {"region": "us-east-1", "crossplane": {"compositionRef": {"name": "c"}}},
    }
    # An omitted object that is not an object arrives as it is.
    assert struct_to_dict(to_struct({"spec": "odd"}), omit) == {"spec": "odd"}


def test_lazy_resources_convert_a_resource_when_read_and_tell_readiness_without() -> None:
    ready = {"status": {"conditions": [{"type": "Ready", "status": "True"}]}, "spec": {"a": 1}}
    pending = {"status": {"conditions": [{"type": "Ready", "status": "False"}]}}
    observed = LazyResources(_resources_map({"table": ready, "target": pending}))
    assert observed.ready("table") and not observed.ready("target")
    assert not observed.ready("absent")
    assert observed["table"] == ready
    assert observed.ready("table")  # read again from the converted copy
    assert "target" in observed and "absent" not in observed
    assert sorted(observed) == ["table", "target"]
    assert observed.get("absent") is None


def test_lazy_resources_and_the_composite_leave_out_managed_fields() -> None:
    # The API server's record of who wrote which field can outweigh the object;
    # nothing reads it, so neither an observed resource nor the composite converts it.
    meta = {"name": "orders-x", "managedFields": [{"manager": "crossplane", "fieldsV1": {}}]}
    table = {"metadata": meta, "spec": {"forProvider": {"region": "us-east-1"}}}
    observed = LazyResources(_resources_map({"table": table}))
    assert observed["table"] == {
        "metadata": {"name": "orders-x"},
        "spec": {"forProvider": {"region": "us-east-1"}},
    }
    req = fnv1.RunFunctionRequest()
    req.observed.composite.resource.update({"metadata": meta, "spec": {"tableName": "t"}})
    composite = to_request(req).composite
    assert composite == {"metadata": {"name": "orders-x"}, "spec": {"tableName": "t"}}


def _resources_map(resources: dict[str, dict[str, Any]]) -> Any:
    state = fnv1.State()
    for name, body in resources.items():
        state.resources[name].resource.update(body)
    return state.resources
