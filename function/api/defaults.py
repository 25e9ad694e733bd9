"""Safe defaults, applied once, after parsing and before validation.

A claim that leaves a field out gets the Composition's Input value, and failing
that the safe default: on-demand billing, point-in-time recovery on, encryption
with the AWS-owned key. Fields the claim sets are never changed.
"""

from __future__ import annotations

from function.api.input import FunctionInput
from function.api.spec import AwsDynamodbSpec

__all__ = ["apply_defaults"]


def apply_defaults(spec: AwsDynamodbSpec, fn_input: FunctionInput) -> AwsDynamodbSpec:
    """Return a copy of ``spec`` with every unset defaultable field filled in."""
    given = spec.model_fields_set
    d = fn_input.defaults
    updates: dict[str, object] = {}
    # billingMode: only when absent; an explicit null or *_UNSPECIFIED stays
    # None so validation can say billingMode must be set.
    if "billing_mode" not in given:
        updates["billing_mode"] = d.billing_mode
    if spec.point_in_time_recovery_enabled is None:
        updates["point_in_time_recovery_enabled"] = d.point_in_time_recovery_enabled
    if spec.server_side_encryption is None:
        updates["server_side_encryption"] = d.server_side_encryption.model_copy()
    if "deletion_protection_enabled" not in given:
        updates["deletion_protection_enabled"] = d.deletion_protection_enabled
    if spec.table_class is None and d.table_class is not None:
        updates["table_class"] = d.table_class
    if spec.region is None and fn_input.region is not None:
        updates["region"] = fn_input.region
    if fn_input.tags:
        # The platform's tags win: a claim must not relabel its cost centre or owner.
        updates["tags"] = {**spec.tags, **fn_input.tags}
    return spec.model_copy(update=updates) if updates else spec
