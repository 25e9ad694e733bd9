"""TTL can be switched off: a disabled TTL names the attribute AWS needs to switch it off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.test_guards import fatal, observed_table, run, spec_of, xr

Edit = Callable[[dict[str, Any]], None]


def _claim_ttl(ttl: dict[str, Any] | None) -> Edit:
    def edit(c: dict[str, Any]) -> None:
        if ttl is None:
            spec_of(c).pop("ttl", None)
        else:
            spec_of(c)["ttl"] = ttl

    return edit


def _observed_ttl(at_provider: dict[str, Any] | None, for_provider: dict[str, Any] | None) -> Edit:
    def edit(t: dict[str, Any]) -> None:
        if at_provider is not None:
            t["status"]["atProvider"]["ttl"] = at_provider
        if for_provider is not None:
            t["spec"]["forProvider"]["ttl"] = for_provider

    return edit


ON = {"enabled": True, "attributeName": "expiresAt"}
# AWS does not report the attribute of a disabled TTL (DescribeTimeToLive).
OFF_IN_AWS = {"enabled": False, "attributeName": ""}

# name, claim's ttl edit, observed Table edit (None: no Table yet), rendered forProvider.ttl.
CASES: list[tuple[str, Edit, Edit | None, dict[str, Any]]] = [
    (
        "ttl removed from the claim",
        _claim_ttl(None),
        _observed_ttl(ON, ON),
        {"enabled": False, "attributeName": "expiresAt"},
    ),
    (
        "ttl disabled in the claim",
        _claim_ttl({"enabled": False}),
        _observed_ttl(ON, ON),
        {"enabled": False, "attributeName": "expiresAt"},
    ),
    (
        "ttl disabled naming its attribute",
        _claim_ttl({"enabled": False, "attributeName": "ttlAt"}),
        _observed_ttl(ON, ON),
        {"enabled": False, "attributeName": "ttlAt"},
    ),
    (
        "already off in AWS, last applied name kept",
        _claim_ttl(None),
        _observed_ttl(OFF_IN_AWS, {"enabled": False, "attributeName": "expiresAt"}),
        {"enabled": False, "attributeName": "expiresAt"},
    ),
    ("never had ttl, new table", _claim_ttl(None), None, {"enabled": False}),
    (
        "never had ttl, existing table",
        _claim_ttl(None),
        _observed_ttl(None, None),
        {"enabled": False},
    ),
    ("ttl enabled", _claim_ttl(ON), _observed_ttl(None, None), ON),
]


@pytest.mark.parametrize(
    ("claim_edit", "observed_edit", "want"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_rendered_ttl(claim_edit: Edit, observed_edit: Edit | None, want: dict[str, Any]) -> None:
    composite = xr()
    claim_edit(composite)
    observed = None
    if observed_edit is not None:
        observed = observed_table()
        observed_edit(observed)
    outcome = run(composite, observed)
    assert fatal(outcome) == []
    assert outcome.resources["table"].body["spec"]["forProvider"]["ttl"] == want
