"""Cross-field problems of a spec that does not parse, judged on the parts that did.

A spec with a schema error (a bad enum, a wrong type, an unknown field) has no
model, so the cross-field rules could not run and a user fixing one error at a
time met the next only on the next try. Here the top-level fields at fault are
left out, the required ones replaced by placeholders, and only the checks that
read none of those fields run: a problem is reported only when it does not
depend on a broken field.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from function.api import validation as v
from function.api.autoscaling import autoscaling_checks, plan_autoscaling
from function.api.defaults import apply_defaults
from function.api.input import FunctionInput
from function.api.replicas import (
    check_replica_kms_keys,
    check_replica_regions,
    check_replica_streams,
    check_replica_write_scaling,
    replica_checks,
)
from function.api.rules import Violation
from function.api.spec import AwsDynamodbSpec

__all__ = ["READS", "broken_fields", "cross_field_problems"]

_GSIS, _LSIS = "globalSecondaryIndexes", "localSecondaryIndexes"
_KEYS, _ATTRIBUTES = "keySchema", "attributeDefinitions"
_BILLING, _THROUGHPUT, _SCALING = "billingMode", "provisionedThroughput", "autoScaling"

# The spec fields (top level, camelCase) each check reads, defaults included.
READS: dict[v.Check, frozenset[str]] = {
    v.check_billing_mode_set: frozenset({_BILLING}),
    v.check_region: frozenset({"region"}),
    v.check_key_schemas: frozenset({_KEYS, _GSIS, _LSIS}),
    v.check_attribute_definitions: frozenset({_ATTRIBUTES, _KEYS, _GSIS, _LSIS}),
    v.check_throughput: frozenset({_BILLING, _THROUGHPUT, _GSIS}),
    v.check_index_names: frozenset({_GSIS, _LSIS}),
    v.check_lsis: frozenset({_KEYS, _LSIS}),
    v.check_projections: frozenset({_GSIS, _LSIS}),
    v.check_stream: frozenset({"streamEnabled", "streamViewType"}),
    v.check_ttl: frozenset({"ttl"}),
    v.check_encryption: frozenset({"serverSideEncryption"}),
    v.check_tags: frozenset({"tags"}),
    check_replica_streams: frozenset({"replicas", "streamEnabled", "streamViewType"}),
    check_replica_regions: frozenset({"replicas", "region"}),
    check_replica_write_scaling: frozenset({"replicas", _BILLING, _SCALING, _GSIS, _THROUGHPUT}),
    check_replica_kms_keys: frozenset({"replicas", "serverSideEncryption"}),
}
# Every autoscaling check reads these.
_AUTOSCALING_READS = frozenset({_SCALING, _BILLING, _THROUGHPUT, _GSIS})

# Stand-ins for required fields left out; only checks that never read them run.
_PLACEHOLDERS: Mapping[str, Any] = {
    _ATTRIBUTES: [{"name": "placeholder", "type": "S"}],
    _KEYS: [{"attributeName": "placeholder", "keyType": "HASH"}],
}


def broken_fields(violations: Sequence[Violation]) -> set[str]:
    """The top-level spec fields schema violations point at (``spec.a[0].b`` -> ``a``)."""
    out = set()
    for violation in violations:
        head, _, rest = violation.path.partition(".")
        if head == "spec" and rest:
            out.add(rest.split(".")[0].split("[")[0])
    return out


def _runnable(broken: set[str]) -> Iterator[v.Check]:
    for check in (*v.CHECKS, *replica_checks()):
        if not READS[check] & broken:
            yield check


def cross_field_problems(
    raw: Mapping[str, Any], violations: Sequence[Violation], fn_input: FunctionInput
) -> list[Violation]:
    """The cross-field violations of ``raw`` (the user's spec) that no schema error touches."""
    broken = broken_fields(violations)
    if not broken:
        return []  # the whole spec is at fault (not an object, say): nothing to judge
    kept = {k: val for k, val in raw.items() if k not in broken}
    for name, placeholder in _PLACEHOLDERS.items():
        kept.setdefault(name, placeholder)
    try:
        spec = AwsDynamodbSpec.model_validate(kept, context={"spellings": []})
    except ValueError:
        return []  # still unparsable: judge nothing rather than guess
    spec = apply_defaults(spec, fn_input)
    checks = list(_runnable(broken))
    if not _AUTOSCALING_READS & broken:
        checks += autoscaling_checks(plan_autoscaling(spec))
    return [found for check in checks for found in check(spec)]
