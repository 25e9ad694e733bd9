"""Admission (the generated XRD's schema and CEL rules) and the function agree.

Every claim in tests/fixtures/admission/claims.yaml, and every claim or XR in
examples/ and tests/fixtures/, goes through both: the stand-in API server in
tests/admission.py and ``function.compose.compose``. Admission must refuse
what the function refuses, with the same message, unless the function's
answer depends on the Composition's Input, and must never refuse what the
function accepts.
"""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from function.api.rules import RULES, Violation
from function.compose import Request, compose
from function.generate.cel import CEL_RULES, FUNCTION_ONLY, SCHEMA_RULES
from function.generate.xrd import xr_schema
from tests.admission import Refusal, admit, evaluate, prune_nulls
from tests.support import EXAMPLES, FIXTURES, ROOT, load_all, load_yaml

CASES: list[dict[str, Any]] = [
    *load_yaml(FIXTURES / "admission" / "claims.yaml"),
    *load_yaml(FIXTURES / "admission" / "table-options.yaml"),
    *load_yaml(FIXTURES / "admission" / "access.yaml"),
]
DEFAULT_INPUT = {"region": "us-east-1"}
KINDS = {"AwsDynamodb", "XAwsDynamodb"}
SPEC_SCHEMA = xr_schema()["properties"]["spec"]


def _function_violations(spec: Any, fn_input: dict[str, Any]) -> list[Violation]:
    # The function sees what the API server stored.
    xr = {"apiVersion": "aws.project-planton.org/v1", "kind": "XAwsDynamodb"}
    xr |= {"metadata": {"name": "orders"}, "spec": prune_nulls(spec)}
    return compose(Request(composite=xr, input=fn_input)).violations


def _function_rules(spec: Any, fn_input: dict[str, Any]) -> set[str]:
    return {v.rule for v in _function_violations(spec, fn_input)}


def _decidable(rules: set[str], spec: dict[str, Any]) -> set[str]:
    """The function's rules that admission can decide for this claim."""
    needs = {c.rule: c.needs for c in CEL_RULES}
    return {
        r
        for r in rules
        if r not in FUNCTION_ONLY
        and all(isinstance(spec, dict) and spec.get(n) is not None for n in needs.get(r, ()))
    }


def _check_agreement(spec: Any, fn_input: dict[str, Any]) -> tuple[set[str], list[Refusal]]:
    rules = _function_rules(spec, fn_input)
    refusals = admit(spec, SPEC_SCHEMA)
    assert [r for r in refusals if r.kind == "cel-error"] == []
    decidable = _decidable(rules, spec)
    if not rules:
        assert refusals == [], "admission refuses a spec the function accepts"
    if decidable:
        assert refusals, f"admission accepts a spec the function refuses for {decidable}"
    if refusals and all(r.kind == "cel" for r in refusals):
        # The function's own sentence, the side of a two-sided rule included (a
        # detail the function adds after it is the function's alone).
        cel_messages = {r.message for r in refusals}
        for v in _function_violations(spec, fn_input):
            if v.rule in decidable & {c.rule for c in CEL_RULES}:
                assert any(v.message.startswith(m) for m in cel_messages), (v, cel_messages)
    return rules, refusals


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_admission_and_function_agree_on_case(case: dict[str, Any]) -> None:
    rules, _ = _check_agreement(case["spec"], case.get("input", DEFAULT_INPUT))
    assert rules == set(case["refuses"]), "the case does not test what its name says"


def _documents() -> list[tuple[str, dict[str, Any]]]:
    docs = []
    for path in sorted([*EXAMPLES.rglob("*.yaml"), *FIXTURES.rglob("*.yaml")]):
        for doc in load_all(path):
            if isinstance(doc, dict) and doc.get("kind") in KINDS and "spec" in doc:
                docs.append((str(path.relative_to(ROOT)), doc))
    return docs


@pytest.mark.parametrize(("where", "doc"), _documents(), ids=[w for w, _ in _documents()])
def test_admission_and_function_agree_on_every_claim_and_xr_in_the_repo(
    where: str, doc: dict[str, Any]
) -> None:
    # Crossplane's own spec fields (compositionRef, crossplane, ...) come from
    # the schema Crossplane adds to an XR; the user's part is what the XRD says.
    spec = {k: v for k, v in doc["spec"].items() if k in SPEC_SCHEMA["properties"]}
    _check_agreement(spec, DEFAULT_INPUT)


def _fixture_cases() -> list[tuple[str, dict[str, Any]]]:
    """Case tables other tests keep under tests/fixtures (lists of {name, spec, input?})."""
    cases = []
    for path in sorted(FIXTURES.rglob("*.yaml")):
        docs = load_all(path)  # observed state may be several documents: never a case table
        doc = docs[0] if len(docs) == 1 else None
        if path.parent.name == "admission" or not isinstance(doc, list):
            continue
        for case in doc:
            if isinstance(case, dict) and "spec" in case and "name" in case:
                cases.append((f"{path.relative_to(FIXTURES)}:{case['name']}", case))
    return cases


@pytest.mark.parametrize(("where", "case"), _fixture_cases(), ids=[w for w, _ in _fixture_cases()])
def test_admission_and_function_agree_on_every_fixture_case(
    where: str, case: dict[str, Any]
) -> None:
    _check_agreement(case["spec"], case.get("input") or {})


_PATH_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def _patched(base: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    """``base`` with a case's ``set`` paths assigned and ``unset`` paths removed."""
    doc = copy.deepcopy(base)
    for path, value in case.get("set", {}).items():
        *parents, last = [int(i) if i else k for k, i in _PATH_PART.findall(path)]
        node = doc
        for step in parents:
            node = node.setdefault(step, {}) if isinstance(step, str) else node[step]
        node[last] = value
    for path in case.get("unset", []):
        *parents, last = [int(i) if i else k for k, i in _PATH_PART.findall(path)]
        node = doc
        for step in parents:
            node = node[step]
        del node[last]
    return doc


# The autoscaling tests' cases: patches to two-gsis.yaml (see that file's header).
_AUTOSCALING = FIXTURES / "autoscaling"
_PATCH_CASES: list[dict[str, Any]] = (
    load_yaml(_AUTOSCALING / "validation.yaml")
    if (_AUTOSCALING / "validation.yaml").is_file()
    else []
)


@pytest.mark.parametrize("case", _PATCH_CASES, ids=[c["name"] for c in _PATCH_CASES])
def test_admission_and_function_agree_on_autoscaling_cases(case: dict[str, Any]) -> None:
    xr = _patched(load_yaml(_AUTOSCALING / "two-gsis.yaml"), case)
    rules, _ = _check_agreement(xr["spec"], {})
    assert bool(rules) != bool(case.get("valid"))


def test_every_rule_is_mirrored_in_cel_enforced_by_the_schema_or_declared_function_only() -> None:
    covered = {c.rule for c in CEL_RULES} | set(FUNCTION_ONLY) | set(SCHEMA_RULES)
    assert set(RULES) - covered == set()
    assert covered - set(RULES) == set()


def test_the_catalogue_says_which_rules_have_a_cel_rule() -> None:
    """A rule's admission field is the truth: "cel" exactly when the XRD carries a CEL rule."""
    said = {r.id for r in RULES.values() if r.admission == "cel"}
    assert {c.rule for c in CEL_RULES} == said


def test_every_cel_rule_refuses_at_least_one_case() -> None:
    fired: set[str] = set()
    by_message = {c.message: c.rule for c in CEL_RULES}
    for case in CASES:
        refusals = admit(case["spec"], SPEC_SCHEMA)
        fired |= {by_message[r.message] for r in refusals if r.kind == "cel"}
    assert {c.rule for c in CEL_RULES} - fired == set()


@pytest.mark.parametrize(
    ("prefix", "refused"),
    [("aws:", True), ("AWS:", True), ("aWs:", True), ("aws-", False), ("awsx:", False)],
)
def test_tag_key_rule_refuses_aws_prefix_in_any_case(prefix: str, refused: bool) -> None:
    rule = next(c for c in CEL_RULES if c.rule == "tag_key_format")
    assert evaluate(rule.expression, {f"{prefix}team": "x"}) is not refused


def test_rules_are_placed_on_nodes_that_exist_and_name_fields_that_exist() -> None:
    schema = xr_schema()
    for cel in CEL_RULES:
        node = schema
        for part in cel.at.split("."):
            node = node["properties"][part.removesuffix("[]")]
            node = node["items"] if part.endswith("[]") else node
        assert cel.validation() in node["x-kubernetes-validations"]
        if cel.field_path is not None:
            assert cel.field_path.lstrip(".") in node["properties"]


def test_every_string_and_list_under_spec_is_bounded_for_the_cel_cost_budget() -> None:
    # The API server estimates a rule's cost from maxLength and maxItems;
    # unbounded strings or lists under a rule can exceed the budget.
    schema = xr_schema()

    def unbounded(node: dict[str, Any], path: str) -> list[str]:
        found = []
        if node.get("type") == "string" and "maxLength" not in node:
            found.append(path)
        if node.get("type") == "array" and "maxItems" not in node:
            found.append(path)
        for name, child in node.get("properties", {}).items():
            found += unbounded(child, f"{path}.{name}")
        if "items" in node:
            found += unbounded(node["items"], f"{path}[]")
        return found

    spec = schema["properties"]["spec"]
    # Tag values are only measured with size(), whose cost does not grow with length.
    assert unbounded(spec, "spec") == []


_capacity = st.integers(min_value=0, max_value=6)
_bound = st.one_of(st.none(), st.integers(min_value=1, max_value=6))


@st.composite
def _scaling_block(draw: st.DrawFn) -> dict[str, Any] | None:
    if draw(st.booleans()):
        return None
    block: dict[str, Any] = {}
    if draw(st.booleans()):
        block["enabled"] = draw(st.booleans())
    for dim in ("read", "write"):
        lo, hi = draw(_bound), draw(_bound)
        numbers = {k: v for k, v in (("minCapacity", lo), ("maxCapacity", hi)) if v is not None}
        if numbers or draw(st.booleans()):
            block[dim] = numbers
    return block


@st.composite
def _autoscaled_spec(draw: st.DrawFn) -> dict[str, Any]:
    """Small numbers, so bounds and capacities often meet at the edges."""

    def throughput() -> dict[str, int] | None:
        if draw(st.booleans()):
            return None
        return {"readCapacityUnits": draw(_capacity), "writeCapacityUnits": draw(_capacity)}

    spec: dict[str, Any] = {
        "attributeDefinitions": [{"name": "pk", "type": "S"}, {"name": "g", "type": "S"}],
        "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
    }
    billing = draw(st.sampled_from([None, "PROVISIONED", "PAY_PER_REQUEST"]))
    if billing:
        spec["billingMode"] = billing
    gsis = []
    for i in range(draw(st.integers(min_value=1, max_value=2))):
        gsi: dict[str, Any] = {
            "name": f"gsi-{i}",
            "keySchema": [{"attributeName": "g", "keyType": "HASH"}],
        }
        if (pt := throughput()) is not None:
            gsi["provisionedThroughput"] = pt
        if (block := draw(_scaling_block())) is not None:
            gsi["autoScaling"] = block
        gsis.append(gsi)
    spec["globalSecondaryIndexes"] = gsis
    if (pt := throughput()) is not None:
        spec["provisionedThroughput"] = pt
    if (block := draw(_scaling_block())) is not None:
        spec["autoScaling"] = block
    return spec


@settings(max_examples=80, deadline=None)
@given(spec=_autoscaled_spec(), default=st.sampled_from(["PROVISIONED", "PAY_PER_REQUEST"]))
def test_admission_and_function_agree_on_generated_autoscaling_specs(
    spec: dict[str, Any], default: str
) -> None:
    # The Input's default billing mode decides specs that leave billingMode out.
    _check_agreement(spec, {"region": "us-east-1", "defaults": {"billingMode": default}})
