"""A small claim must not make a huge answer, through the real gRPC server (issue 20, hole 7).

The claim's tags stay on the Table unless the Input asks for them everywhere;
an answer larger than Crossplane accepts is one Fatal saying which part is too
big; an oversized resourcePolicy is refused for its size alone. The hostile
claim is the one `python -m benchmarks.amplification` measures. The response
cache's part is in tests/test_cache.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.amplification import amplifying_xr, policy_xr
from function.api.limits import CROSSPLANE_MESSAGE_MAX_BYTES, RESOURCE_POLICY_MAX_BYTES
from function.api.resource_policy import _json_bytes_over, policy_json
from function.safety.size import answer_too_large
from function.serve.structs import struct_to_dict
from tests.support import observed_not_found
from tests.test_tenancy import READY, Stub, fatal, run, table_of, with_status

PLATFORM = {"tags": {"cost-center": "data"}}
EVERYWHERE = {**PLATFORM, "claimTagsOnEveryResource": True}


def _ready_table(stub: Stub, xr: dict[str, Any], **input_: Any) -> dict[str, Any]:
    """The claim's Table once created and Ready, with every index AWS made."""
    first = table_of(run(stub, xr, **input_))
    body = table_of(run(stub, xr, observed_not_found(first), **input_))
    fp = body["spec"]["forProvider"]
    at_provider = {
        "arn": "arn:aws:dynamodb:us-east-1:123456789012:table/amp",
        "id": "amp",
        "hashKey": "pk",
        "tags": fp["tags"],
        "globalSecondaryIndex": [
            {"name": g["name"], "readCapacity": 5, "writeCapacity": 5}
            for g in xr["spec"]["globalSecondaryIndexes"]
        ],
    }
    return with_status(body, atProvider=at_provider, conditions=READY)


def _children(rsp: fnv1.RunFunctionResponse) -> dict[str, dict[str, Any]]:
    return {
        name: struct_to_dict(r.resource)
        for name, r in rsp.desired.resources.items()
        if name != "table"
    }


def test_a_claims_tags_stay_on_the_table_unless_the_input_asks(stub_v1: Stub) -> None:
    xr = amplifying_xr(tags=3, gsis=2)
    claim_tags = xr["spec"]["tags"]
    for input_, carried in ((PLATFORM, PLATFORM["tags"]), (EVERYWHERE, None)):
        rsp = run(stub_v1, xr, _ready_table(stub_v1, xr, **input_), **input_)
        assert fatal(rsp) == []
        table_tags = table_of(rsp)["spec"]["forProvider"]["tags"]
        assert claim_tags.items() <= table_tags.items()
        children = _children(rsp)
        kinds = {c["kind"] for c in children.values()}
        assert {"Target", "MetricAlarm"} <= kinds
        for name, child in children.items():
            tags = child["spec"]["forProvider"].get("tags")
            if child["kind"] in ("Target", "MetricAlarm"):
                assert tags == (carried or {**claim_tags, **PLATFORM["tags"]}), name


def test_an_answer_larger_than_crossplane_takes_is_one_fatal_naming_the_largest_parts(
    stub_v1: Stub,
) -> None:
    xr = amplifying_xr()
    table = _ready_table(stub_v1, xr, **EVERYWHERE)
    rsp = run(stub_v1, xr, table, **EVERYWHERE)
    assert rsp.ByteSize() <= CROSSPLANE_MESSAGE_MAX_BYTES
    [message] = fatal(rsp)
    assert message.startswith(
        "invalid AwsDynamodb spec, 1 problem: spec: the resources this spec makes must fit in "
        "the 4 MiB Crossplane accepts from a function"
    )
    assert "the answer would be 4." in message
    assert "42 MetricAlarm (" in message and "42 Target (" in message
    assert [r.reason for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL] == [
        "AnswerTooLarge"
    ]
    # Nothing new is applied: the Table stays as observed, no child is emitted.
    assert list(rsp.desired.resources) == ["table"]
    # Without the Input's opt-in the same claim's answer fits, and is accepted.
    table = _ready_table(stub_v1, xr, **PLATFORM)
    fits = run(stub_v1, xr, table, **PLATFORM)
    assert fatal(fits) == []
    assert len(fits.desired.resources) > 80


@pytest.mark.parametrize(
    ("statements", "detail"),
    [
        (100, f" (over {RESOURCE_POLICY_MAX_BYTES} bytes)"),  # 29 KB: the walk stops early
        (3400, ""),  # 1.2 MB: surely too large, not even converted from protobuf
    ],
)
def test_an_oversized_resource_policy_is_refused_for_its_size_alone(
    stub_v1: Stub, statements: int, detail: str
) -> None:
    xr = policy_xr(statements)
    for statement in xr["spec"]["resourcePolicy"]["Statement"]:
        statement["Resource"] = "arn:aws:dynamodb:us-east-1:999988887777:table/web.payments"
    # Every other problem is still named in the same Fatal.
    xr["spec"] |= {"pointInTimeRecoveryEnabled": False, "pointInTimeRecoveryPeriodDays": 7}
    [message] = fatal(run(stub_v1, xr))
    assert message.startswith("invalid AwsDynamodb spec, 2 problems: ")
    assert (
        "spec.resourcePolicy: resourcePolicy may be at most 20 KB as JSON"
        f"{detail} [resource_policy_size]"
    ) in message
    assert "spec.pointInTimeRecoveryPeriodDays: " in message


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30,
)


@given(JSON)
def test_the_size_walk_never_calls_a_policy_within_the_limit_too_large(document: Any) -> None:
    exact = len(policy_json({"d": document}).encode())
    assert not _json_bytes_over({"d": document}, exact)


@given(st.recursive(st.text(alphabet="abc xyz", max_size=20), lambda i: st.lists(i, max_size=4)))
def test_the_size_walk_is_exact_for_plain_text(document: Any) -> None:
    exact = len(policy_json({"d": document}).encode())
    assert _json_bytes_over({"d": document}, exact - 1)


def test_the_refusal_names_the_largest_kinds_of_resource_first() -> None:
    limit = CROSSPLANE_MESSAGE_MAX_BYTES
    parts = [("Table", 10), *[("Target", limit // 8)] * 4, *[("MetricAlarm", limit // 4)] * 4]
    assert answer_too_large(limit, parts) is None
    problem = answer_too_large(limit + 1, parts)
    assert problem is not None
    assert problem.message.endswith(
        "(the answer would be 4.0 MiB: 4 MetricAlarm (4.0 MiB), 4 Target (2.0 MiB), "
        "1 Table (0.0 MiB))"
    )
