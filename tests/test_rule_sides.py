"""A two-sided rule names the side a spec broke, in the function and at admission alike.

Planton's rules state both halves ("must be set when streamEnabled is true, and
must be unset when it is false"); a refusal adds, in parentheses, the half this
spec broke (api/rule.py, ``Rule.sides``). The XRD has one CEL rule per side, so
`kubectl apply` names the same side: here `function validate` (the real CLI) and
`crossplane beta validate` (the API server's validation code) judge one claim per
side of every two-sided rule, and must say the same sentence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
import yaml

from function.api.rules import RULES
from function.generate.cel import CEL_RULES
from tests.support import EXAMPLES, run_function_cli
from tests.test_crank_validate import crank_validate

_PROVISIONED = {"billingMode": "PROVISIONED"}
_SOME = {"readCapacityUnits": 5, "writeCapacityUnits": 5}


def _gsi(**fields: Any) -> dict[str, Any]:
    return {
        "attributeDefinitions": [{"name": "pk", "type": "S"}, {"name": "gk", "type": "S"}],
        "globalSecondaryIndexes": [
            {"name": "by-gk", "keySchema": [{"attributeName": "gk", "keyType": "HASH"}]} | fields
        ],
    }


# (case, rule, side, what the claim's spec adds to a minimal on-demand table)
SIDES: list[tuple[str, str, str, dict[str, Any]]] = [
    ("provisioned table without throughput", "provisioned_requires_throughput", "provisioned",
     _PROVISIONED),
    ("provisioned table with a zero write capacity", "provisioned_requires_throughput",
     "provisioned", _PROVISIONED | {"provisionedThroughput": {"readCapacityUnits": 5}}),
    ("on-demand table with throughput", "provisioned_requires_throughput", "on_demand",
     {"provisionedThroughput": _SOME}),
    ("provisioned GSI without throughput", "gsi_throughput_matches_billing", "provisioned",
     _PROVISIONED | {"provisionedThroughput": _SOME}
     | _gsi(projection={"type": "ALL"})),
    ("on-demand GSI with throughput", "gsi_throughput_matches_billing", "on_demand",
     _gsi(projection={"type": "ALL"}, provisionedThroughput=_SOME)),
    ("stream enabled without a view type", "stream_view_requires_enabled", "enabled",
     {"streamEnabled": True}),
    ("view type with streams off", "stream_view_requires_enabled", "disabled",
     {"streamEnabled": False, "streamViewType": "NEW_IMAGE"}),
    ("INCLUDE projection without attributes", "include_requires_attributes", "include",
     _gsi(projection={"type": "INCLUDE"})),
    ("KEYS_ONLY projection with attributes", "include_requires_attributes", "other",
     _gsi(projection={"type": "KEYS_ONLY", "nonKeyAttributes": ["x"]})),
    ("restore from two sources", "restore_source_exactly_one", "both",
     {"restoreSourceName": "orders-prod", "restoreToLatestTime": True,
      "restoreSourceTableArn": "arn:aws:dynamodb:us-east-1:123456789012:table/orders-prod"}),
    ("restore point without a source", "restore_source_exactly_one", "none",
     {"restoreToLatestTime": True}),
    ("restore without a point", "restore_point_exactly_one", "none",
     {"restoreSourceName": "orders-prod"}),
    ("restore to two points", "restore_point_exactly_one", "both",
     {"restoreSourceName": "orders-prod", "restoreToLatestTime": True,
      "restoreDateTime": "2026-01-01T00:00:00Z"}),
]  # fmt: skip


def _claim(index: int, spec: dict[str, Any]) -> dict[str, Any]:
    base = {
        "attributeDefinitions": [{"name": "pk", "type": "S"}],
        "keySchema": [{"attributeName": "pk", "keyType": "HASH"}],
        "billingMode": "PAY_PER_REQUEST",
    }
    return {
        "apiVersion": "aws.project-planton.org/v1",
        "kind": "AwsDynamodb",
        "metadata": {"name": f"side-{index}", "namespace": "shop"},
        "spec": base | spec,
    }


INPUT = {
    "apiVersion": "awsdynamodb.fn.project-planton.org/v1beta1",
    "kind": "Input",
    "region": "us-east-1",
    "tenancy": {"restoreSources": ["orders-prod"]},
}
CLAIMS = [_claim(i, spec) for i, (_, _, _, spec) in enumerate(SIDES)]
IDS = [case for case, *_ in SIDES]
LINE = re.compile(
    r"^[^:]+: AwsDynamodb/(?P<name>[^:]+): (?P<path>[^:]+): (?P<message>.*) \[(?P<rule>\w+)\]$"
)


@pytest.fixture(scope="module")
def function_says(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    """Each claim's problems from `function validate`, rule -> message, in one run."""
    folder = tmp_path_factory.mktemp("sides")
    claims, fn_input = folder / "claims.yaml", folder / "input.yaml"
    claims.write_text(yaml.safe_dump_all(CLAIMS))
    # A region, and the table the restores come from (tenancy would refuse it otherwise).
    fn_input.write_text(yaml.safe_dump(INPUT))
    run = run_function_cli("validate", claims, "--input", fn_input)
    said: dict[str, dict[str, str]] = defaultdict(dict)
    for line in run.stdout.splitlines():
        m = LINE.match(line)
        assert m, line
        said[m["name"]][m["rule"]] = m["message"]
    return said


@pytest.fixture(scope="module")
def crank_says(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Each claim's refusals from `crossplane beta validate` with examples/xrd.yaml."""
    return crank_validate(tmp_path_factory.mktemp("crank"), [EXAMPLES / "xrd.yaml"], CLAIMS)


@pytest.mark.parametrize("index", range(len(SIDES)), ids=IDS)
def test_the_function_names_the_side_broken(
    index: int, function_says: dict[str, dict[str, str]]
) -> None:
    _, rule, side, _ = SIDES[index]
    assert function_says[f"side-{index}"] == {rule: RULES[rule].says(side)}


@pytest.mark.parametrize("index", range(len(SIDES)), ids=IDS)
def test_admission_names_the_same_side(index: int, crank_says: dict[str, list[str]]) -> None:
    _, rule, side, _ = SIDES[index]
    refusals = crank_says[f"side-{index}"]
    assert refusals, "crank accepts it"
    assert all(r.endswith(RULES[rule].says(side)) for r in refusals), refusals


def test_every_side_of_every_rule_is_a_case_and_a_cel_rule() -> None:
    sided = {r.id: {name for name, _ in r.sides} for r in RULES.values() if r.sides}
    cased: dict[str, set[str]] = defaultdict(set)
    for _, rule, side, _ in SIDES:
        cased[rule].add(side)
    assert cased == sided
    # Wherever the XRD checks a two-sided rule, it checks each side apart.
    placed: dict[tuple[str, str], set[str | None]] = defaultdict(set)
    for cel in CEL_RULES:
        placed[cel.rule, cel.at].add(cel.side)
    for (rule, at), sides in placed.items():
        assert sides == (sided.get(rule) or {None}), (rule, at)


def test_a_side_is_named_only_by_a_rule_that_has_it(tmp_path: Path) -> None:
    with pytest.raises(KeyError):
        RULES["stream_view_requires_enabled"].says("provisioned")
    assert RULES["ttl_attribute_when_enabled"].says() == RULES["ttl_attribute_when_enabled"].message
