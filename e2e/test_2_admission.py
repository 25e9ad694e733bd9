"""The real API server's verdict on every claim spec the unit tests know, against the
function's: server-side dry-run of an AwsDynamodb claim (schema, defaults, CEL).

tests/test_admission.py checks the same agreement with a stand-in API server
(tests/admission.py); here the stand-in is also checked against the real one.
"""

from __future__ import annotations

from typing import Any

import pytest

from e2e.kube import Rest
from function.generate.cel import CEL_RULES
from tests.admission import admit
from tests.support import load_yaml
from tests.test_admission import (
    _AUTOSCALING,
    _PATCH_CASES,
    CASES,
    DEFAULT_INPUT,
    SPEC_SCHEMA,
    _decidable,
    _documents,
    _fixture_cases,
    _function_rules,
    _function_violations,
    _patched,
)

CLAIMS = "/apis/aws.project-planton.org/v1/namespaces/default/awsdynamodbs"


def _all_cases() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    cases = [(f"claims.yaml:{c['name']}", c["spec"], c.get("input", DEFAULT_INPUT)) for c in CASES]
    for where, doc in _documents():
        spec = {k: v for k, v in doc["spec"].items() if k in SPEC_SCHEMA["properties"]}
        cases.append((where, spec, DEFAULT_INPUT))
    cases += [(w, c["spec"], c.get("input") or {}) for w, c in _fixture_cases()]
    two_gsis = load_yaml(_AUTOSCALING / "two-gsis.yaml") if _PATCH_CASES else {}
    cases += [(f"autoscaling:{c['name']}", _patched(two_gsis, c)["spec"], {}) for c in _PATCH_CASES]
    return cases


CASES_ALL = _all_cases()


def _messages(body: dict[str, Any]) -> list[str]:
    causes = (body.get("details") or {}).get("causes") or []
    return [c.get("message", "") for c in causes] or [body.get("message", "")]


@pytest.mark.parametrize(("where", "spec", "fn_input"), CASES_ALL, ids=[c[0] for c in CASES_ALL])
def test_api_server_and_function_agree(
    rest: Rest, where: str, spec: Any, fn_input: dict[str, Any]
) -> None:
    claim = {
        "apiVersion": "aws.project-planton.org/v1",
        "kind": "AwsDynamodb",
        "metadata": {"name": "admission-case"},
        "spec": spec,
    }
    status, body = rest.create(CLAIMS, claim)
    # 422: the schema or a CEL rule; 400: strict field validation (an unknown field).
    assert status in (200, 201, 400, 422), f"unexpected answer {status}: {body}"
    refused = status in (400, 422)
    messages = _messages(body) if refused else []
    rules = _function_rules(spec, fn_input)
    decidable = _decidable(rules, spec)
    if not rules:
        assert not refused, f"the API server refuses a spec the function accepts: {messages}"
    if decidable:
        assert refused, f"the API server accepts a spec the function refuses for {decidable}"
    stand_in = admit(spec, SPEC_SCHEMA)
    assert refused == bool(stand_in), f"the stand-in says {stand_in}, the API server {messages}"
    if refused and all(r.kind == "cel" for r in stand_in):
        # The function's sentence, the side of a two-sided rule included.
        for v in _function_violations(spec, fn_input):
            if v.rule not in decidable & {c.rule for c in CEL_RULES}:
                continue
            said = {c.message for c in CEL_RULES if c.rule == v.rule}
            expected = [c for c in said if v.message.startswith(c)]
            assert any(e in m for e in expected for m in messages), f"{v} not in {messages}"
