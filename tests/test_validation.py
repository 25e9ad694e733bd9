"""Every validation rule: a spec that passes and one that fails, by field path and rule id."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from function.api.lenient import READS
from function.api.replicas import replica_checks
from function.api.rules import RULES
from function.api.validation import CHECKS
from function.compose import Outcome, Request, compose
from tests.support import FIXTURES, load_yaml


@dataclass
class Case:
    name: str
    reason: str
    spec: Any
    input: dict[str, Any] | None = None
    want: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    xr_name: str = "orders"
    # A namespaced (Crossplane v2) XR in this namespace; None: cluster-scoped.
    namespace: str | None = None


def _cases(file: str) -> list[Case]:
    return [Case(**c) for c in load_yaml(FIXTURES / "specs" / file)]


def _base() -> dict[str, Any]:
    return {
        "region": "us-east-1",
        "attributeDefinitions": [{"name": "pk", "type": "S"}, {"name": "g", "type": "S"}],
        "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
    }


def _gsi(name: str, attrs: list[str] | None = None) -> dict[str, Any]:
    gsi: dict[str, Any] = {"name": name, "keySchema": [{"attributeName": "g", "keyType": "HASH"}]}
    if attrs:
        gsi["projection"] = {"type": "INCLUDE", "nonKeyAttributes": attrs}
    return gsi


def _computed_invalid() -> list[Case]:
    """Cases too long to write out by hand in YAML."""
    return [
        Case(
            "twenty-one-gsis",
            "AWS allows at most 20 GSIs.",
            {**_base(), "globalSecondaryIndexes": [_gsi(f"gsi-{i:02}") for i in range(21)]},
            want=[{"path": "spec.globalSecondaryIndexes", "rule": "bounds"}],
        ),
        Case(
            "projected-attributes-over-100-across-indexes",
            "At most 100 projected non-key attributes summed over all indexes.",
            {
                **_base(),
                "globalSecondaryIndexes": [
                    _gsi("gsi-a", [f"a{i}" for i in range(60)]),
                    _gsi("gsi-b", [f"b{i}" for i in range(41)]),
                ],
            },
            want=[
                {
                    "path": "spec.globalSecondaryIndexes[1].projection.nonKeyAttributes",
                    "rule": "projected_attributes_max",
                }
            ],
        ),
        Case(
            "fifty-one-tags-on-the-claim",
            "A table has at most 50 tags.",
            {
                **_base(),
                "attributeDefinitions": [{"name": "pk", "type": "S"}],
                "tags": {f"k{i}": "v" for i in range(51)},
            },
            want=[{"path": "spec.tags", "rule": "bounds"}],
        ),
        Case(
            "claim-and-input-tags-over-50",
            "The Composition's tags count toward the limit too.",
            {
                **_base(),
                "attributeDefinitions": [{"name": "pk", "type": "S"}],
                "tags": {f"claim{i}": "v" for i in range(30)},
            },
            input={"tags": {f"input{i}": "v" for i in range(21)}},
            want=[{"path": "spec.tags", "rule": "tags_max"}],
        ),
        Case(
            "tags-over-50-with-the-provider-and-ownership-tags",
            "46 of the claim's and the Input's, 2 ownership and 3 crossplane- tags make 51.",
            {
                **_base(),
                "attributeDefinitions": [{"name": "pk", "type": "S"}],
                "tags": {f"claim{i}": "v" for i in range(40)},
            },
            input={"tags": {f"input{i}": "v" for i in range(6)}},
            want=[{"path": "spec.tags", "rule": "tags_max"}],
        ),
        Case(
            "composite-name-too-short-for-a-table",
            "Without spec.tableName the composite's name must make a valid table name.",
            _base() | {"attributeDefinitions": [{"name": "pk", "type": "S"}]},
            want=[{"path": "metadata.name", "rule": "table_name_format"}],
            xr_name="ab",
        ),
    ]


def _run(case: Case) -> Outcome:
    xr: dict[str, Any] = {
        "apiVersion": "aws.project-planton.org/v1",
        "kind": "XAwsDynamodb",
        "metadata": {"name": case.xr_name},
        "spec": case.spec,
    }
    if case.namespace is not None:
        xr["metadata"]["namespace"] = case.namespace
        xr["spec"] = {**case.spec, "crossplane": {}}
    return compose(Request(composite=xr, input=case.input))


VALID = _cases("valid.yaml") + _cases("table-options/valid.yaml") + _cases("access/valid.yaml")
INVALID = (
    _cases("invalid.yaml")
    + _cases("table-options/invalid.yaml")
    + _cases("access/invalid.yaml")
    + _computed_invalid()
)


@pytest.mark.parametrize("case", VALID, ids=[c.name for c in VALID])
def test_valid_spec_is_accepted(case: Case) -> None:
    outcome = _run(case)
    assert not outcome.fatal, f"{case.reason}: {[r.message for r in outcome.results]}"
    assert "table" in outcome.resources
    warnings = [r.message for r in outcome.results if r.severity == "Warning"]
    for expected in case.warnings:
        assert any(expected in w for w in warnings), (
            f"{case.reason}: no warning {expected!r} in {warnings}"
        )


@pytest.mark.parametrize("case", INVALID, ids=[c.name for c in INVALID])
def test_invalid_spec_is_one_fatal_naming_each_problem(case: Case) -> None:
    outcome = _run(case)
    fatal = [r for r in outcome.results if r.severity == "Fatal"]
    assert len(fatal) == 1, f"{case.reason}: {outcome.results}"
    assert outcome.resources == {}
    found = {(v.path, v.rule) for v in outcome.violations}
    # The whole answer is known: exactly these problems, no fewer and no more.
    assert found == {(w["path"], w["rule"]) for w in case.want}, case.reason
    for want in case.want:
        assert f"{want['path']}: " in fatal[0].message
        assert f"[{want['rule']}]" in fatal[0].message


def test_every_catalogued_rule_has_a_failing_case() -> None:
    """A rule without a failing case is a rule nobody has seen refuse anything."""
    covered = {w["rule"] for c in INVALID for w in c.want}
    # Rules whose failing cases live in another module's tests.
    elsewhere = {
        r
        for r in RULES
        if r.startswith(("autoscaling", "replica_removal")) or r.endswith("_immutable")
    }
    # tests/test_table_options.py
    elsewhere |= {"resource_policy_size"}
    # tests/test_amplification.py: the answer's size, measured by the servicer
    elsewhere |= {"answer_size_max"}
    # tests/test_platform_api.py: a composite of another type than the Input names
    elsewhere |= {"composite_type"}
    assert set(RULES) - covered - elsewhere == set()


def test_legacy_spelling_warnings_reach_the_user_even_when_the_spec_is_refused() -> None:
    case = Case(
        "legacy-and-broken",
        "",
        {**_base(), "billingMode": "BILLING_MODE_PROVISIONED"},
    )
    outcome = _run(case)
    assert outcome.fatal
    assert any(
        "BILLING_MODE_PROVISIONED is an older spelling; write PROVISIONED" in r.message
        for r in outcome.results
        if r.severity == "Warning"
    )


@pytest.mark.parametrize(
    ("raw", "path", "rule"),
    [
        (None, "spec", "required"),
        ("a string", "spec", "type"),
        ([1, 2], "spec", "type"),
    ],
    ids=["no-spec", "string-spec", "list-spec"],
)
def test_spec_of_the_wrong_shape_is_a_fatal_not_a_crash(raw: Any, path: str, rule: str) -> None:
    outcome = _run(Case("shape", "", raw))
    assert outcome.fatal
    assert (path, rule) in {(v.path, v.rule) for v in outcome.violations}


def test_bad_function_input_is_reported_as_input() -> None:
    outcome = _run(Case("input", "", _base(), input={"regoin": "us-east-1"}))
    assert outcome.fatal
    assert outcome.results[-1].message.startswith("invalid function Input")
    assert ("input.regoin", "unknown_field") in {(v.path, v.rule) for v in outcome.violations}


def _spelling_warnings(outcome: Outcome) -> list[str]:
    return [r.message for r in outcome.results if r.reason == "DeprecatedSpelling"]


def test_aws_keys_only_projection_is_a_current_name_not_an_older_spelling() -> None:
    spec = {**_base(), "globalSecondaryIndexes": [_gsi("by-g")]}
    spec["globalSecondaryIndexes"][0]["projection"] = {"type": "KEYS_ONLY"}
    outcome = _run(Case("keys-only", "", spec))
    assert not outcome.fatal
    assert outcome.resources["table"].body["spec"]["forProvider"]["globalSecondaryIndex"][0][
        "projectionType"
    ] == ("KEYS_ONLY")
    assert _spelling_warnings(outcome) == []


def test_legacy_spelling_warnings_reach_the_user_when_the_spec_does_not_parse() -> None:
    spec = {**_base(), "billingMode": "BILLING_MODE_PAY_PER_REQUEST", "tableClass": "COLD"}
    outcome = _run(Case("legacy-and-unparsable", "", spec))
    assert ("spec.tableClass", "enum") in {(v.path, v.rule) for v in outcome.violations}
    assert _spelling_warnings(outcome) == [
        "spec.billingMode: BILLING_MODE_PAY_PER_REQUEST is an older spelling; "
        "write PAY_PER_REQUEST instead"
    ]


def test_every_check_says_which_fields_it_reads() -> None:
    """A check without an entry could judge a broken field when the spec does not parse."""
    assert {*CHECKS, *replica_checks()} == set(READS)
