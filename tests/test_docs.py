"""The docs stay true to the code."""

from __future__ import annotations

import re

from function.api.rules import RULES
from function.generate.apidocs import api_reference
from function.generate.cel import FUNCTION_ONLY
from function.safety.antipatterns import ANTI_PATTERNS
from tests.support import ROOT


def test_api_reference_matches_the_models() -> None:
    checked_in = (ROOT / "docs" / "api.md").read_text()
    assert checked_in == api_reference(), "docs/api.md drifted: run `function docs > docs/api.md`"


def test_api_reference_lists_every_spec_field_and_rule() -> None:
    text = api_reference()
    for field in (
        "spec.billingMode",
        "spec.globalSecondaryIndexes[].projection.nonKeyAttributes",
        "spec.ttl",
    ):
        assert f"`{field}`" in text
    for rule in RULES:
        assert f"`{rule}`" in text
    for pattern in ANTI_PATTERNS:
        assert f"`{pattern.id}`" in text


def test_readme_quick_start_is_the_two_make_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^make \w+", quick_start, flags=re.M)
    assert commands == ["make render", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^render:", makefile, flags=re.M) and re.search(
        r"^test:", makefile, flags=re.M
    )
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_package_docs_explain_every_function_only_rule() -> None:
    text = (ROOT / "docs" / "package.md").read_text()
    missing = [rule for rule in FUNCTION_ONLY if f"`{rule}`" not in text]
    assert missing == [], f"docs/package.md does not say why these stay out of the XRD: {missing}"
