"""Updates provider-aws makes with side effects, or silently does not make: a Warning each.

These compare the observed table (``guards.TableShape``) with the rendered one;
none of them loses the table, so none is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # guards imports this module; the shape is only a type here
    from function.safety.guards import TableShape

__all__ = ["update_warnings"]


def _stream_view_change(old: TableShape, new: TableShape) -> Iterator[tuple[str, str]]:
    was, now = old.stream_view_type, new.stream_view_type
    if was is None or now is None or was == now:
        return
    # The Terraform resource cannot change a live stream's view type: it
    # disables the stream and enables a new one (cycleStreamEnabled in
    # internal/service/dynamodb/table.go), which has a new ARN and label.
    yield (
        "StreamRecreate",
        f"spec.streamViewType: {was} -> {now}; AWS cannot change the view type of a live "
        "stream, so provider-aws disables the stream and enables a new one with a new ARN "
        "and label (status.outputs.streamArn). Consumers of the old stream (Lambda event "
        "source mappings, Kinesis adapters, pipes) stop receiving changes and must be pointed "
        "at the new ARN; changes made while the stream is switched are in neither stream",
    )


def _kms_key_kept(old: TableShape, new: TableShape, encrypted: bool) -> Iterator[tuple[str, str]]:
    if old.kms_key_arn is None or new.kms_key_arn is not None or not encrypted:
        return
    # kms_key_arn is optional and computed in the Terraform resource: leaving it
    # out keeps what AWS has, so no diff, no update.
    yield (
        "KmsKeyKept",
        "spec.serverSideEncryption.kmsKeyArn: the table stays encrypted with the customer "
        f"managed key {old.kms_key_arn!r}: provider-aws keeps the key AWS reports when "
        "kmsKeyArn is left out, so asking for the AWS managed key (enabled: true, no "
        "kmsKeyArn) changes nothing. To switch: set serverSideEncryption.enabled: false "
        "(the AWS owned key), wait until the Table is synced, then enabled: true again; or "
        "put the customer key's ARN back",
    )


def update_warnings(
    old: TableShape, new: TableShape, encrypted: bool = False
) -> Iterator[tuple[str, str]]:
    """(reason, message) for each change that needs the user's attention."""
    yield from _stream_view_change(old, new)
    yield from _kms_key_kept(old, new, encrypted)
