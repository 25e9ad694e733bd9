"""Guards: a change that would replace an existing table is refused; others are allowed."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from crossplane.function.proto.v1 import run_function_pb2 as fnv1
from crossplane.function.proto.v1 import run_function_pb2_grpc as grpcv1

from function.api.rules import RULES
from function.compose import Outcome, compose
from function.offline import build_request
from function.serve.structs import struct_to_dict
from tests.support import FIXTURES, crossplane_documents, crossplane_request, load_yaml

GUARDS = FIXTURES / "guards"
Edit = Callable[[dict[str, Any]], None]


def xr() -> dict[str, Any]:
    return load_yaml(GUARDS / "xr.yaml")


def observed_table() -> dict[str, Any]:
    return load_yaml(GUARDS / "observed-table.yaml")


def run(
    composite: dict[str, Any],
    observed: dict[str, Any] | None = None,
    fn_input: dict[str, Any] | None = None,
) -> Outcome:
    return compose(
        crossplane_request(
            composite=composite,
            observed={"table": observed} if observed is not None else {},
            input=fn_input,
        )
    )


def fatal(outcome: Outcome) -> list[str]:
    return [r.message for r in outcome.results if r.severity == "Fatal"]


def warnings(outcome: Outcome, reason: str) -> list[str]:
    return [r.message for r in outcome.results if r.severity == "Warning" and r.reason == reason]


def spec_of(composite: dict[str, Any]) -> dict[str, Any]:
    return composite["spec"]  # type: ignore[no-any-return]


def _set_key(role: str, name: str | None) -> Edit:
    def edit(c: dict[str, Any]) -> None:
        keys = [k for k in spec_of(c)["keySchema"] if k["keyType"] != role]
        if name is not None:
            keys.append({"attributeName": name, "keyType": role})
            attrs = spec_of(c)["attributeDefinitions"]
            if all(a["name"] != name for a in attrs):
                attrs.append({"name": name, "type": "S"})
        spec_of(c)["keySchema"] = keys

    return edit


def _drop_unused_sk(c: dict[str, Any]) -> None:
    spec_of(c)["attributeDefinitions"] = [
        a for a in spec_of(c)["attributeDefinitions"] if a["name"] != "sk"
    ]


def _remove_range_key(c: dict[str, Any]) -> None:
    _set_key("RANGE", None)(c)
    _drop_unused_sk(c)
    # An LSI needs a range key on the table, so it goes too.
    del spec_of(c)["localSecondaryIndexes"]
    spec_of(c)["attributeDefinitions"] = [
        a for a in spec_of(c)["attributeDefinitions"] if a["name"] != "createdAt"
    ]


def _attr_type(name: str, new_type: str) -> Edit:
    def edit(c: dict[str, Any]) -> None:
        for a in spec_of(c)["attributeDefinitions"]:
            if a["name"] == name:
                a["type"] = new_type

    return edit


def _lsi(edit: Callable[[dict[str, Any]], None]) -> Edit:
    def apply(c: dict[str, Any]) -> None:
        edit(spec_of(c)["localSecondaryIndexes"][0])

    return apply


def _gsi(edit: Callable[[dict[str, Any]], None]) -> Edit:
    def apply(c: dict[str, Any]) -> None:
        edit(spec_of(c)["globalSecondaryIndexes"][0])

    return apply


def _add_lsi(c: dict[str, Any]) -> None:
    spec_of(c)["attributeDefinitions"].append({"name": "status", "type": "S"})
    spec_of(c)["localSecondaryIndexes"].append(
        {
            "name": "byStatus",
            "keySchema": [
                {"attributeName": "pk", "keyType": "HASH"},
                {"attributeName": "status", "keyType": "RANGE"},
            ],
            "projection": {"type": "KEYS_ONLY_PROJECTION"},
        }
    )


def _remove_lsi(c: dict[str, Any]) -> None:
    del spec_of(c)["localSecondaryIndexes"]
    spec_of(c)["attributeDefinitions"] = [
        a for a in spec_of(c)["attributeDefinitions"] if a["name"] != "createdAt"
    ]


def _lsi_range_key(ix: dict[str, Any]) -> None:
    ix["keySchema"][1]["attributeName"] = "sk"


def _lsi_keys_only(ix: dict[str, Any]) -> None:
    ix["projection"] = {"type": "KEYS_ONLY_PROJECTION"}


def _lsi_reorder(ix: dict[str, Any]) -> None:
    ix["projection"]["nonKeyAttributes"].reverse()


def _set(field: str, value: Any) -> Edit:
    def edit(c: dict[str, Any]) -> None:
        spec_of(c)[field] = value

    return edit


def _everything(c: dict[str, Any]) -> None:
    for edit in (_set_key("HASH", "id"), _set("region", "eu-west-1"), _remove_lsi):
        edit(c)
    _drop_unused_pk(c)


def _drop_unused_pk(c: dict[str, Any]) -> None:
    spec_of(c)["attributeDefinitions"] = [
        a for a in spec_of(c)["attributeDefinitions"] if a["name"] != "pk"
    ]


def _new_hash_key(c: dict[str, Any]) -> None:
    _set_key("HASH", "id")(c)
    _lsi(lambda ix: ix["keySchema"][0].update(attributeName="id"))(c)
    _drop_unused_pk(c)


REFUSED: list[tuple[str, Edit, list[str]]] = [
    ("hash key renamed", _new_hash_key, ["spec.keySchema: ", "HASH key 'pk' -> 'id'"]),
    ("range key removed", _remove_range_key, ["RANGE key 'sk' -> none"]),
    (
        "range key replaced",
        lambda c: (_set_key("RANGE", "sk2")(c), _drop_unused_sk(c)),
        ["RANGE key 'sk' -> 'sk2'"],
    ),
    (
        "hash key attribute type",
        _attr_type("pk", "N"),
        ["spec.attributeDefinitions[0].type: ", "'pk': S -> N", "[key_attribute_type_immutable]"],
    ),
    ("LSI key attribute type", _attr_type("createdAt", "S"), ["'createdAt': N -> S"]),
    ("LSI added", _add_lsi, ["spec.localSecondaryIndexes[1]: ", "'byStatus' added"]),
    ("LSI removed", _remove_lsi, ["spec.localSecondaryIndexes: ", "'byCreatedAt' removed"]),
    (
        "LSI range key",
        lambda c: (_lsi(_lsi_range_key)(c), _remove_unused_created_at(c)),
        ["'byCreatedAt' changed: range key 'createdAt' -> 'sk'"],
    ),
    ("LSI projection", _lsi(_lsi_keys_only), ["projection 'INCLUDE' -> 'KEYS_ONLY'"]),
    (
        "LSI nonKeyAttributes reordered",
        _lsi(_lsi_reorder),
        ["nonKeyAttributes ['total', 'currency'] -> ['currency', 'total']"],
    ),
    (
        "explicit table name",
        _set("tableName", "orders-v2"),
        ["spec.tableName: ", "'orders' -> 'orders-v2'", "[table_name_immutable]"],
    ),
    (
        "explicit region",
        _set("region", "eu-west-1"),
        ["spec.region: ", "'us-east-1' -> 'eu-west-1'", "[region_immutable]"],
    ),
    (
        "several at once, in one message",
        _everything,
        ["3 changes", "'us-east-1' -> 'eu-west-1'", "HASH key 'pk' -> 'id'", "removed"],
    ),
]


def _remove_unused_created_at(c: dict[str, Any]) -> None:
    spec_of(c)["attributeDefinitions"] = [
        a for a in spec_of(c)["attributeDefinitions"] if a["name"] != "createdAt"
    ]


@pytest.mark.parametrize(
    ("edit", "expected"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_change_that_replaces_the_table_is_one_fatal(edit: Edit, expected: list[str]) -> None:
    composite = xr()
    edit(composite)
    assert fatal(run(composite)) == [], "the edited spec must be valid on its own"
    outcome = run(composite, observed_table())
    messages = fatal(outcome)
    assert len(messages) == 1
    for text in [*expected, "refusing to replace DynamoDB table 'orders'", "migrate the data"]:
        assert text in messages[0]
    assert outcome.resources == {}
    assert outcome.results[-1].reason == "ImmutableChange"


def test_unchanged_spec_renders_without_guard_results() -> None:
    outcome = run(xr(), observed_table())
    assert fatal(outcome) == []
    assert warnings(outcome, "IndexRebuild") == []
    assert warnings(outcome, "BillingModeSwitch") == []
    assert "table" in outcome.resources


ALLOWED: list[tuple[str, Edit, str, list[str]]] = [
    (
        "GSI hash key",
        lambda c: (
            _gsi(lambda ix: ix["keySchema"][0].update(attributeName="pk"))(c),
            spec_of(c)["attributeDefinitions"].pop(3),
        ),
        "IndexRebuild",
        ["spec.globalSecondaryIndexes[0]: ", "hash key 'customer' -> 'pk'", "rebuilds"],
    ),
    (
        "GSI projection",
        _gsi(lambda ix: ix.update(projection={"type": "KEYS_ONLY_PROJECTION"})),
        "IndexRebuild",
        ["projection 'INCLUDE' -> 'KEYS_ONLY'"],
    ),
    (
        "GSI key attribute type",
        _attr_type("customer", "N"),
        "IndexRebuild",
        ["key attribute 'customer' type S -> N"],
    ),
    (
        "billing mode switch",
        lambda c: spec_of(c).update(
            billingMode="PROVISIONED",
            provisionedThroughput={"readCapacityUnits": 50, "writeCapacityUnits": 50},
            globalSecondaryIndexes=[
                {
                    **spec_of(c)["globalSecondaryIndexes"][0],
                    "provisionedThroughput": {"readCapacityUnits": 50, "writeCapacityUnits": 50},
                }
            ],
        ),
        "BillingModeSwitch",
        [
            "spec.billingMode: PAY_PER_REQUEST -> PROVISIONED",
            "switching back later counts against AWS's limit of 4 switches to on-demand",
        ],
    ),
]


@pytest.mark.parametrize(
    ("edit", "reason", "expected"), [c[1:] for c in ALLOWED], ids=[c[0] for c in ALLOWED]
)
def test_change_aws_makes_in_place_is_allowed_with_a_warning(
    edit: Edit, reason: str, expected: list[str]
) -> None:
    composite = xr()
    edit(composite)
    outcome = run(composite, observed_table())
    assert fatal(outcome) == []
    found = warnings(outcome, reason)
    assert len(found) == 1
    for text in expected:
        assert text in found[0]
    assert "table" in outcome.resources


def test_gsi_non_key_attributes_order_is_no_change() -> None:
    # atProvider lists them as [currency, total]; provider-aws keeps a GSI's as a set.
    composite = xr()
    assert fatal(run(composite, observed_table())) == []
    assert warnings(run(composite, observed_table()), "IndexRebuild") == []


def test_adding_a_gsi_needs_no_warning() -> None:
    composite = xr()
    spec_of(composite)["attributeDefinitions"].append({"name": "email", "type": "S"})
    spec_of(composite)["globalSecondaryIndexes"].append(
        {
            "name": "byEmail",
            "keySchema": [{"attributeName": "email", "keyType": "HASH"}],
            "projection": {"type": "KEYS_ONLY_PROJECTION"},
        }
    )
    outcome = run(composite, observed_table())
    assert fatal(outcome) == []
    assert warnings(outcome, "IndexRebuild") == []


def _table(outcome: Outcome) -> dict[str, Any]:
    return outcome.resources["table"].body


def test_derived_name_is_sticky_once_the_table_exists() -> None:
    composite = xr()
    del spec_of(composite)["tableName"]
    composite["metadata"]["name"] = "orders-renamed"
    outcome = run(composite, observed_table())
    assert fatal(outcome) == []
    table = _table(outcome)
    assert table["metadata"]["annotations"]["crossplane.io/external-name"] == "orders"
    assert outcome.status["outputs"]["tableName"] == "orders"
    # Without an observed Table the name is derived as usual.
    fresh = _table(run(composite))
    assert fresh["metadata"]["annotations"]["crossplane.io/external-name"] == "orders-renamed"


def test_region_from_the_input_is_sticky_once_the_table_exists() -> None:
    composite = xr()
    del spec_of(composite)["region"]
    fn_input = {"region": "eu-west-1"}
    outcome = run(composite, observed_table(), fn_input)
    assert fatal(outcome) == []
    assert _table(outcome)["spec"]["forProvider"]["region"] == "us-east-1"
    assert _table(run(composite, None, fn_input))["spec"]["forProvider"]["region"] == "eu-west-1"


def _without_status(observed: dict[str, Any]) -> dict[str, Any]:
    observed.pop("status")
    return observed


def _partial_status(observed: dict[str, Any]) -> dict[str, Any]:
    observed["status"] = {"atProvider": {"arn": "arn:aws:dynamodb:us-east-1:1:table/orders"}}
    return observed


def _null_at_provider(observed: dict[str, Any]) -> dict[str, Any]:
    observed["status"]["atProvider"] = None
    return observed


def _annotation_missing(observed: dict[str, Any]) -> dict[str, Any]:
    del observed["metadata"]["annotations"]["crossplane.io/external-name"]
    return observed


OBSERVED_STATES: list[tuple[str, Callable[[dict[str, Any]], dict[str, Any]]]] = [
    ("ready", lambda o: o),
    ("creating, no status yet", _without_status),
    ("partial atProvider", _partial_status),
    ("atProvider null", _null_at_provider),
    ("external-name annotation missing, atProvider.id known", _annotation_missing),
]


@pytest.mark.parametrize(
    "state", [s[1] for s in OBSERVED_STATES], ids=[s[0] for s in OBSERVED_STATES]
)
def test_guard_holds_whatever_the_observed_table_has_reported(
    state: Callable[[dict[str, Any]], dict[str, Any]],
) -> None:
    composite = xr()
    _new_hash_key(composite)
    spec_of(composite)["tableName"] = "orders-v2"
    messages = fatal(run(composite, state(observed_table())))
    assert len(messages) == 1
    assert "HASH key 'pk' -> 'id'" in messages[0]
    assert "'orders' -> 'orders-v2'" in messages[0]


def test_at_provider_wins_over_a_pending_for_provider_change() -> None:
    # forProvider already asks for hash key 'id' (applied by something else);
    # AWS still has 'pk'. Going back to 'pk' must stay possible, 'id' must not.
    observed = observed_table()
    observed["spec"]["forProvider"]["hashKey"] = "id"
    assert fatal(run(xr(), observed)) == []
    composite = xr()
    _new_hash_key(composite)
    assert "HASH key 'pk' -> 'id'" in fatal(run(composite, observed))[0]


def test_at_provider_without_range_key_means_the_table_has_none() -> None:
    observed = observed_table()
    del observed["status"]["atProvider"]["rangeKey"]
    del observed["status"]["atProvider"]["localSecondaryIndex"]
    messages = fatal(run(xr(), observed))
    assert len(messages) == 1
    assert "RANGE key none -> 'sk'" in messages[0]
    assert "'byCreatedAt' added" in messages[0]


@pytest.mark.parametrize(
    "garbage",
    [
        {"spec": "not an object", "status": 7},
        {"spec": {"forProvider": {"hashKey": 5, "attribute": "x", "localSecondaryIndex": [1]}}},
        {"metadata": {"annotations": {"crossplane.io/external-name": ["x"]}}},
        {},
    ],
    ids=["wrong types", "wrong field types", "odd annotation", "empty"],
)
def test_unreadable_observed_table_is_no_change(garbage: dict[str, Any]) -> None:
    outcome = run(xr(), garbage)
    assert fatal(outcome) == []
    assert "table" in outcome.resources


def test_fatal_over_grpc_keeps_desired_and_carries_the_observed_table(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    composite = xr()
    _new_hash_key(composite)
    observed = observed_table()
    req = build_request(*crossplane_documents(composite, [observed]))
    req.desired.resources["from-earlier-step"].resource.update({"apiVersion": "v1", "kind": "X"})
    rsp = stub_v1.RunFunction(req, timeout=10)
    fatal_results = [r for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]
    assert len(fatal_results) == 1
    assert fatal_results[0].target == fnv1.TARGET_COMPOSITE_AND_CLAIM
    assert rsp.desired.composite == req.desired.composite
    assert rsp.desired.resources["from-earlier-step"] == req.desired.resources["from-earlier-step"]
    table = struct_to_dict(rsp.desired.resources["table"].resource)
    expected = copy.deepcopy(observed)
    del expected["status"]
    server_owned_keys = ("uid", "resourceVersion", "generation", "creationTimestamp", "finalizers")
    for server_owned in (*server_owned_keys, "ownerReferences"):
        del expected["metadata"][server_owned]
    assert table == expected


def test_fatal_over_grpc_leaves_a_desired_table_from_an_earlier_step_alone(
    stub_v1: grpcv1.FunctionRunnerServiceStub,
) -> None:
    composite = xr()
    _new_hash_key(composite)
    req = build_request(*crossplane_documents(composite, [observed_table()]))
    req.desired.resources["table"].resource.update({"apiVersion": "v1", "kind": "Earlier"})
    rsp = stub_v1.RunFunction(req, timeout=10)
    assert [r for r in rsp.results if r.severity == fnv1.SEVERITY_FATAL]
    assert rsp.desired == req.desired


def test_every_immutability_rule_has_a_refused_case() -> None:
    seen = set()
    for _, edit, _ in REFUSED:
        composite = xr()
        edit(composite)
        seen |= {v.rule for v in run(composite, observed_table()).violations}
    # The provider config comes from the Composition's Input, not the claim.
    moved = run(xr(), observed_table(), {"providerConfigName": "team-b"})
    seen |= {v.rule for v in moved.violations}
    assert seen == {rule for rule in RULES if rule.endswith("_immutable")}


def test_switch_to_on_demand_counts_against_the_daily_limit() -> None:
    observed = observed_table()
    for block in (observed["spec"]["forProvider"], observed["status"]["atProvider"]):
        block["billingMode"] = "PROVISIONED"
    found = warnings(run(xr(), observed), "BillingModeSwitch")
    assert len(found) == 1
    assert found[0].startswith("spec.billingMode: PROVISIONED -> PAY_PER_REQUEST; ")
    assert "this switch counts against AWS's limit of 4 switches to on-demand" in found[0]


def test_index_details_the_observed_table_does_not_report_are_unknown_not_changed() -> None:
    observed = observed_table()
    for ix in [
        *observed["status"]["atProvider"]["localSecondaryIndex"],
        *observed["status"]["atProvider"]["globalSecondaryIndex"],
    ]:
        del ix["projectionType"], ix["nonKeyAttributes"]
    outcome = run(xr(), observed)
    assert fatal(outcome) == []
    assert warnings(outcome, "IndexRebuild") == []
