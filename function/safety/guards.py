"""Guards against losing a table: what AWS fixes at CreateTable must not change.

DynamoDB cannot change a table's keys, its key attributes' types, its local
secondary indexes, its name or its region; and the table stays in the AWS account
it was made in, so its provider config (the account's credentials) stays too: a
claim that switches to a Composition with another provider config would move the
table's management, and its deletion, to another account. Asked to, provider-aws refuses every
update of the table (force-new keys and LSIs), or creates a second table and
leaves the first unmanaged (name, region). So once a Table is observed, the request
is compared with it and any such change is refused with one Fatal result. GSI
rebuilds and billing-mode switches are allowed, with a Warning each.

The observed Table is read defensively: ``status.atProvider`` (what AWS
reported) wins once the provider has read the table; before that (while
creating, or with a partial status) ``spec.forProvider`` (what was last
applied) stands in. Values of the wrong type count as unknown, never as a change.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from function.api.rules import Violation, list_violations
from function.api.spec import AwsDynamodbSpec
from function.api.validation import violation
from function.render.context import EXTERNAL_NAME
from function.safety.updates import update_warnings

__all__ = [
    "GuardReport",
    "TableShape",
    "carried_forward",
    "check_table_change",
    "keep_table_identity",
    "table_shape",
]

# Upjet refuses force-new updates (assertNoForceNew in its external_tfpluginsdk.go)
# rather than replacing; a new external name or region makes it create a second table.
_REMEDY = (
    "AWS cannot make these changes in place: provider-aws would refuse every update of the "
    "table (keys, LSIs), or create a second, empty table and leave this one unmanaged (name, "
    "region). Restore the previous values; to really change them, create a new table (a new "
    "claim, or another spec.tableName) and migrate the data to it"
)


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _strs(value: Any) -> tuple[str, ...] | None:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else None


@dataclass(frozen=True)
class Index:
    """The parts of an index whose change AWS cannot make in place (LSI) or rebuilds (GSI)."""

    hash_key: str | None
    range_key: str | None
    # None: not reported (unknown), never compared.
    projection: str | None
    non_key_attributes: tuple[str, ...] | None


@dataclass(frozen=True)
class TableShape:
    """What is known of a table, read from an observed or a rendered Table; None = unknown."""

    name: str | None = None
    region: str | None = None
    # Key fields are known together: hash_key None means none of them is known.
    hash_key: str | None = None
    range_key: str | None = None
    attribute_types: Mapping[str, str] = field(default_factory=dict)
    lsis: Mapping[str, Index] = field(default_factory=dict)
    gsis: Mapping[str, Index] = field(default_factory=dict)
    billing_mode: str | None = None
    # The stream's view type while the stream is on (None: off or unknown).
    stream_view_type: str | None = None
    # A customer-managed KMS key (None: an AWS key, or unknown).
    kms_key_arn: str | None = None
    # spec.providerConfigRef: its name ("default" when unset, as the API server
    # defaults it) and kind (namespaced Tables only; None when unset).
    provider_config: tuple[str, str | None] = ("default", None)


def _indexes(value: Any) -> dict[str, Index]:
    out: dict[str, Index] = {}
    for ix in _dicts(value):
        name = _str(ix.get("name"))
        if name is not None:
            out[name] = Index(
                hash_key=_str(ix.get("hashKey")),
                range_key=_str(ix.get("rangeKey")),
                projection=_str(ix.get("projectionType")),
                non_key_attributes=_strs(ix.get("nonKeyAttributes")),
            )
    return out


def _shape(
    params: Mapping[str, Any], name: str | None, region: str | None, billing_mode: str | None
) -> TableShape:
    """Read one parameter block (forProvider or atProvider) as a table's shape."""
    hash_key = _str(params.get("hashKey"))
    types = {
        n: t
        for a in _dicts(params.get("attribute"))
        if (n := _str(a.get("name"))) is not None and (t := _str(a.get("type"))) is not None
    }
    return TableShape(
        name=name,
        region=region,
        hash_key=hash_key,
        range_key=_str(params.get("rangeKey")) if hash_key else None,
        attribute_types=types if hash_key else {},
        lsis=_indexes(params.get("localSecondaryIndex")) if hash_key else {},
        gsis=_indexes(params.get("globalSecondaryIndex")) if hash_key else {},
        billing_mode=billing_mode,
        stream_view_type=(
            _str(params.get("streamViewType")) if params.get("streamEnabled") is True else None
        ),
        kms_key_arn=_str(_dict(params.get("serverSideEncryption")).get("kmsKeyArn")),
    )


def table_shape(resource: Any) -> TableShape | None:
    """The shape of an observed (or rendered) Table; None when there is no Table at all.

    A block's key fields are trusted only when it names a hash key: an
    atProvider without one has not read the table yet, so forProvider stands in
    (absent rangeKey or LSIs in a block that has a hash key mean "none").
    """
    if not isinstance(resource, dict):
        return None
    spec = _dict(resource.get("spec"))
    fp = _dict(spec.get("forProvider"))
    ap = _dict(_dict(resource.get("status")).get("atProvider"))
    annotations = _dict(_dict(resource.get("metadata")).get("annotations"))
    name = _str(annotations.get(EXTERNAL_NAME)) or _str(ap.get("id"))
    region = _str(ap.get("region")) or _str(fp.get("region"))
    source = ap if _str(ap.get("hashKey")) else fp
    billing_mode = _str(ap.get("billingMode")) or _str(fp.get("billingMode"))
    ref = _dict(spec.get("providerConfigRef"))
    shape = _shape(source, name, region, billing_mode)
    return replace(
        shape, provider_config=(_str(ref.get("name")) or "default", _str(ref.get("kind")))
    )


def keep_table_identity(
    given: AwsDynamodbSpec,
    spec: AwsDynamodbSpec,
    derived_name: tuple[str, str],
    observed: TableShape | None,
) -> tuple[AwsDynamodbSpec, str, str]:
    """The table name (and its field path) and region to render, sticky once a Table exists.

    ``given`` is the spec as the claim wrote it, ``spec`` the defaulted one. A
    name derived from metadata.name, or a region from the Composition's Input,
    must not move an existing table when those inputs change: the observed
    Table's own name and region are kept. What the claim sets explicitly is
    used as written, and the guard refuses it if it differs from the table.
    ``observed`` is ``table_shape`` of the observed Table.
    """
    name, path = derived_name
    if observed is None:
        return spec, name, path
    if given.table_name is None and observed.name is not None:
        name, path = observed.name, "the existing table's name"
    if given.region is None and observed.region is not None and observed.region != spec.region:
        spec = spec.model_copy(update={"region": observed.region})
    return spec, name, path


@dataclass
class GuardReport:
    """Changes refused (one Fatal result) and changes allowed with a warning."""

    table_name: str = ""
    refused: list[Violation] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (reason, message)

    @property
    def fatal_message(self) -> str:
        """One message naming every refused change, old -> new, and what to do instead."""
        count = len(self.refused)
        noun = "change" if count == 1 else "changes"
        body = list_violations(self.refused)
        return (
            f"refusing to replace DynamoDB table {self.table_name!r}, {count} {noun} AWS "
            f"cannot make to an existing table: {body}. {_REMEDY}"
        )


def _show(value: str | None) -> str:
    return repr(value) if value is not None else "none"


def _index_diff(old: Index, new: Index, with_hash: bool) -> list[str]:
    parts = []
    if with_hash and old.hash_key != new.hash_key:
        parts.append(f"hash key {_show(old.hash_key)} -> {_show(new.hash_key)}")
    if old.range_key != new.range_key:
        parts.append(f"range key {_show(old.range_key)} -> {_show(new.range_key)}")
    if None not in (old.projection, new.projection) and old.projection != new.projection:
        parts.append(f"projection {_show(old.projection)} -> {_show(new.projection)}")
    return parts


def _key_changes(old: TableShape, new: TableShape) -> Iterator[Violation]:
    if old.hash_key != new.hash_key:
        detail = f"HASH key {_show(old.hash_key)} -> {_show(new.hash_key)}"
        yield violation("spec.keySchema", "table_keys_immutable", detail)
    if old.range_key != new.range_key:
        detail = f"RANGE key {_show(old.range_key)} -> {_show(new.range_key)}"
        yield violation("spec.keySchema", "table_keys_immutable", detail)


def _attribute_type_changes(
    old: TableShape, new: TableShape, desired_fp: Mapping[str, Any]
) -> Iterator[Violation]:
    fixed = {old.hash_key, old.range_key, *(ix.range_key for ix in old.lsis.values())}
    for i, attr in enumerate(_dicts(desired_fp.get("attribute"))):
        name = _str(attr.get("name"))
        if name not in fixed or name is None:
            continue
        before, after = old.attribute_types.get(name), new.attribute_types.get(name)
        if before is not None and after is not None and before != after:
            yield violation(
                f"spec.attributeDefinitions[{i}].type",
                "key_attribute_type_immutable",
                f"{name!r}: {before} -> {after}",
            )


def _positions(fp: Mapping[str, Any], key: str) -> dict[str, int]:
    return {n: i for i, ix in enumerate(_dicts(fp.get(key))) if (n := _str(ix.get("name")))}


def _lsi_changes(
    old: TableShape, new: TableShape, desired_fp: Mapping[str, Any]
) -> Iterator[Violation]:
    where = _positions(desired_fp, "localSecondaryIndex")
    for name in sorted(old.lsis.keys() - new.lsis.keys()):
        yield violation("spec.localSecondaryIndexes", "lsis_immutable", f"{name!r} removed")
    for name, ix in new.lsis.items():
        path = f"spec.localSecondaryIndexes[{where.get(name, 0)}]"
        if name not in old.lsis:
            yield violation(path, "lsis_immutable", f"{name!r} added")
            continue
        before = old.lsis[name]
        parts = _index_diff(before, ix, with_hash=False)
        # provider-aws keeps an LSI's nonKeyAttributes as an ordered list that
        # forces a new table, so even a reordering counts.
        was, now = before.non_key_attributes, ix.non_key_attributes
        if was is not None and now is not None and was != now:
            parts.append(f"nonKeyAttributes {list(was)} -> {list(now)}")
        if parts:
            yield violation(path, "lsis_immutable", f"{name!r} changed: {', '.join(parts)}")


def _gsi_warnings(old: TableShape, new: TableShape, desired_fp: Mapping[str, Any]) -> Iterator[str]:
    where = _positions(desired_fp, "globalSecondaryIndex")
    for name, ix in new.gsis.items():
        before = old.gsis.get(name)
        if before is None:
            continue
        parts = _index_diff(before, ix, with_hash=True)
        # GSI nonKeyAttributes are a set to provider-aws: order does not matter.
        had, has = before.non_key_attributes, ix.non_key_attributes
        if had is not None and has is not None and set(had) != set(has):
            parts.append(f"nonKeyAttributes {sorted(had)} -> {sorted(has)}")
        for key in (ix.hash_key, ix.range_key):
            was, now = old.attribute_types.get(key or ""), new.attribute_types.get(key or "")
            if key and was is not None and now is not None and was != now:
                parts.append(f"key attribute {key!r} type {was} -> {now}")
        if parts:
            yield (
                f"spec.globalSecondaryIndexes[{where.get(name, 0)}]: index {name!r} changes "
                f"({', '.join(parts)}); AWS deletes and rebuilds the index, which takes long "
                "on a large table, is billed like writing every projected item again, and "
                "leaves queries on the index failing until it is ACTIVE again"
            )


def _provider_config_change(old: TableShape, new: TableShape) -> Iterator[Violation]:
    (was, was_kind), (now, now_kind) = old.provider_config, new.provider_config
    if was != now or (None not in (was_kind, now_kind) and was_kind != now_kind):
        yield violation(
            "input.providerConfigName",
            "provider_config_immutable",
            f"{was!r} -> {now!r}" if was != now else f"kind {was_kind} -> {now_kind}",
        )


def check_table_change(desired_table: Mapping[str, Any], old: TableShape | None) -> GuardReport:
    """Compare the rendered Table with the observed one's shape; empty when none exists."""
    report = GuardReport()
    if old is None:
        return report
    new = table_shape(dict(desired_table))
    if new is None:  # cannot happen for a rendered table; kept total for safety
        return report
    desired_fp = _dict(_dict(desired_table.get("spec")).get("forProvider"))
    report.table_name = old.name or new.name or ""
    if old.name is not None and new.name is not None and old.name != new.name:
        report.refused.append(
            violation("spec.tableName", "table_name_immutable", f"{old.name!r} -> {new.name!r}")
        )
    if old.region is not None and new.region is not None and old.region != new.region:
        report.refused.append(
            violation("spec.region", "region_immutable", f"{old.region!r} -> {new.region!r}")
        )
    report.refused.extend(_provider_config_change(old, new))
    if old.hash_key is not None:
        report.refused.extend(_key_changes(old, new))
        report.refused.extend(_attribute_type_changes(old, new, desired_fp))
        report.refused.extend(_lsi_changes(old, new, desired_fp))
        report.warnings.extend(("IndexRebuild", w) for w in _gsi_warnings(old, new, desired_fp))
    encrypted = _dict(desired_fp.get("serverSideEncryption")).get("enabled") is True
    report.warnings.extend(update_warnings(old, new, encrypted))
    if (
        old.billing_mode is not None
        and new.billing_mode is not None
        and old.billing_mode != new.billing_mode
    ):
        when = (
            "this switch counts against"
            if new.billing_mode == "PAY_PER_REQUEST"
            else "switching back later counts against"
        )
        report.warnings.append(
            (
                "BillingModeSwitch",
                f"spec.billingMode: {old.billing_mode} -> {new.billing_mode}; allowed, but the "
                f"switch takes several minutes and {when} AWS's limit of 4 switches to "
                "on-demand (PAY_PER_REQUEST) in a rolling 24 hours; AWS refuses further ones "
                "until the window passes",
            )
        )
    return report


# Metadata the API server owns; sending it back in desired state would be wrong or refused.
_SERVER_METADATA = frozenset(
    {
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        "managedFields",
        "selfLink",
        "ownerReferences",
        "finalizers",
    }
)


def carried_forward(observed_table: Mapping[str, Any]) -> dict[str, Any]:
    """The observed Table as a desired resource: same spec and identity, no status.

    Used when a Fatal response's desired state lacks the Table although one is
    observed. Crossplane applies nothing from a Fatal response today, but if a
    response without the Table were ever applied (a future Crossplane, another
    tool replaying it, a later pipeline step that ignores results), the Table
    would be garbage-collected and the AWS table deleted with it. The observed
    body is the one desired state that is certain to change nothing: it keeps
    the external name, keys and indexes exactly as they are. Status and
    server-owned metadata are dropped because a function must not set them.
    """
    out = {k: v for k, v in observed_table.items() if k != "status"}
    metadata = observed_table.get("metadata")
    if isinstance(metadata, dict):
        out["metadata"] = {k: v for k, v in metadata.items() if k not in _SERVER_METADATA}
    return out
