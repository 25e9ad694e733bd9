"""Updates provider-aws makes with side effects, or silently skips: one Warning each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.test_guards import fatal, observed_table, run, spec_of, warnings, xr

Edit = Callable[[dict[str, Any]], None]
KEY = "arn:aws:kms:us-east-1:123456789012:key/1111-2222"


def _stream(view: str | None) -> Edit:
    def edit(c: dict[str, Any]) -> None:
        spec_of(c).update(streamEnabled=view is not None)
        if view is not None:
            spec_of(c)["streamViewType"] = view

    return edit


def _observed_stream(view: str) -> Edit:
    def edit(t: dict[str, Any]) -> None:
        for block in (t["spec"]["forProvider"], t["status"]["atProvider"]):
            block.update(streamEnabled=True, streamViewType=view)

    return edit


def _sse(enabled: bool, key: str | None = None) -> Edit:
    def edit(c: dict[str, Any]) -> None:
        spec_of(c)["serverSideEncryption"] = {
            "enabled": enabled,
            **({"kmsKeyArn": key} if key else {}),
        }

    return edit


def _observed_key(key: str) -> Edit:
    def edit(t: dict[str, Any]) -> None:
        for block in (t["spec"]["forProvider"], t["status"]["atProvider"]):
            block["serverSideEncryption"] = {"enabled": True, "kmsKeyArn": key}

    return edit


# name, observed edit, XR edit, reason, texts in the one warning (none expected: []).
CASES: list[tuple[str, Edit, Edit, str, list[str]]] = [
    (
        "stream view type changes",
        _observed_stream("NEW_IMAGE"),
        _stream("NEW_AND_OLD_IMAGES"),
        "StreamRecreate",
        ["spec.streamViewType: NEW_IMAGE -> NEW_AND_OLD_IMAGES", "new ARN", "Consumers"],
    ),
    (
        "stream view type kept",
        _observed_stream("NEW_IMAGE"),
        _stream("NEW_IMAGE"),
        "StreamRecreate",
        [],
    ),
    ("stream switched on", lambda t: None, _stream("NEW_IMAGE"), "StreamRecreate", []),
    ("stream switched off", _observed_stream("NEW_IMAGE"), _stream(None), "StreamRecreate", []),
    (
        "customer key to AWS managed key",
        _observed_key(KEY),
        _sse(True),
        "KmsKeyKept",
        [f"customer managed key {KEY!r}", "enabled: false", "changes nothing"],
    ),
    ("customer key kept", _observed_key(KEY), _sse(True, KEY), "KmsKeyKept", []),
    ("customer key to AWS owned key", _observed_key(KEY), _sse(False), "KmsKeyKept", []),
    ("AWS managed key kept", lambda t: None, _sse(True), "KmsKeyKept", []),
]


@pytest.mark.parametrize(
    ("observed_edit", "edit", "reason", "expected"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_update_with_side_effects_is_warned_about(
    observed_edit: Edit, edit: Edit, reason: str, expected: list[str]
) -> None:
    observed = observed_table()
    observed_edit(observed)
    composite = xr()
    edit(composite)
    outcome = run(composite, observed)
    assert fatal(outcome) == []
    found = warnings(outcome, reason)
    assert len(found) == (1 if expected else 0), found
    for text in expected:
        assert text in found[0]
