"""Platform policy for shared clusters: table names, regions, KMS keys and tags per tenant.

Many teams' claims (or namespaced XRs) share one provider config, so one AWS
account: a table name is global to the account and region, not to a
namespace. The Composition's Input may say, under ``tenancy``:

- ``tableNamePrefix``: a template such as ``{namespace}.`` put in front of every
  table name of a claim or namespaced XR that does not start with it already,
  so tenants cannot name each other's tables: ``tableName: orders`` is
  ``shop.orders`` in namespace ``shop`` and ``web.orders`` in ``web``.
  ``{namespace}`` must be followed by ``.`` or ``_``, characters no namespace
  contains; with ``-`` namespace ``shop``'s ``eu-orders`` would be namespace
  ``shop-eu``'s ``orders``.
- ``allowedRegions``, ``kmsKeyAccounts``: where tables and their keys may be.
- ``restoreSources``, ``importBuckets``: what a claim may copy data from
  besides its own tables (function/api/sources.py).
- ``adoptExistingTables``: existing tables this Composition may take over
  although they carry no ownership tag (a migration; never a claim field), each
  for one tenant: ``{namespace, name, table}`` names the claim (or namespaced
  XR) that may adopt ``table``; ``{name, table}`` a cluster-scoped XR without a
  claim. Any other claim selecting the Composition adopts nothing.

The prefix and the region rule apply before a table is created or adopted: a
table the composite already manages keeps its name and region, whatever the
policy became since. Tag and KMS rules apply on every request.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from function.api.limits import (
    MAX_TAGS,
    NAME_MAX,
    OWNERSHIP_TAGS,
    PROVIDER_TAGS_CLUSTER,
    PROVIDER_TAGS_NAMESPACED,
    S3_BUCKET_MAX,
    TABLE_ARN_MAX,
    TAG_RESERVED_PREFIXES_EXACT,
    TAG_SYMBOLS,
)
from function.api.rules import Violation
from function.api.spec import AwsDynamodbSpec
from function.api.validation import violation

__all__ = [
    "NAMESPACE_PLACEHOLDER",
    "AdoptTable",
    "Tenancy",
    "adoptable_tables",
    "check_kms_key",
    "check_region_allowed",
    "check_tag_chars",
    "check_tag_count",
    "claim_tag_conflicts",
    "default_table_name",
    "explicit_table_name",
    "name_prefix",
    "policy_checks",
    "reserved_tag_keys",
    "tag_text_ok",
]

NAMESPACE_PLACEHOLDER = "{namespace}"
# Characters that end {namespace} unambiguously: table names allow them, namespaces do not.
_NAMESPACE_ENDS = "._"
_PREFIX_MAX = 128
# Hex digits of sha256 kept when a derived name is shortened to fit NAME_MAX.
_HASH_CHARS = 16


class AdoptTable(BaseModel):
    """One existing table, and the one tenant that may take it over."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    namespace: str | None = Field(
        default=None,
        min_length=1,
        max_length=63,
        description=(
            "Namespace of the claim or namespaced XR that may adopt the table; omit for a "
            "cluster-scoped XR without a claim."
        ),
    )
    name: str = Field(
        min_length=1,
        max_length=253,
        description="Name of that claim or namespaced XR (or of the cluster-scoped XR).",
    )
    table: str = Field(
        min_length=1, max_length=NAME_MAX, description="Name of the existing DynamoDB table."
    )


class Tenancy(BaseModel):
    """Platform policy for claims and namespaced XRs sharing one AWS account."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True, defer_build=True)

    table_name_prefix: str | None = Field(
        default=None,
        alias="tableNamePrefix",
        max_length=_PREFIX_MAX,
        description=(
            "Prefix put in front of every table name of a claim or namespaced XR that lacks "
            "it, default names included; {namespace} is the claim's or XR's namespace and "
            "must be followed by . or _ (e.g. '{namespace}.'). Tables already managed keep "
            "their names."
        ),
    )
    allowed_regions: list[Annotated[str, Field(min_length=1, max_length=64)]] | None = Field(
        default=None,
        alias="allowedRegions",
        min_length=1,
        description="Regions tables may be created in (default: any).",
    )
    kms_key_accounts: list[Annotated[str, Field(pattern=r"^\d{12}$")]] | None = Field(
        default=None,
        alias="kmsKeyAccounts",
        min_length=1,
        description="AWS accounts whose KMS keys a claim may name in kmsKeyArn (default: any).",
    )
    restore_sources: list[Annotated[str, Field(min_length=1, max_length=TABLE_ARN_MAX)]] = Field(
        default_factory=list,
        alias="restoreSources",
        description=(
            "Tables claims and namespaced XRs may restore from besides those under their "
            "tableNamePrefix: a table name (for restoreSourceName) or a table ARN (for "
            "restoreSourceTableArn). Default: none."
        ),
    )
    import_buckets: list[Annotated[str, Field(min_length=1, max_length=S3_BUCKET_MAX)]] = Field(
        default_factory=list,
        alias="importBuckets",
        description=(
            "S3 buckets claims and namespaced XRs may import a table from (importTable.bucket). "
            "Default: none."
        ),
    )
    adopt_existing_tables: list[AdoptTable] = Field(
        default_factory=list,
        alias="adoptExistingTables",
        description=(
            "Existing tables without this function's ownership tag that one named claim "
            "(namespace and name) or cluster-scoped XR (name) of this Composition may take "
            "over (a migration). Default: none."
        ),
    )

    @field_validator("adopt_existing_tables", mode="before")
    @classmethod
    def _entries_name_a_tenant(cls, value: object) -> object:
        if isinstance(value, list) and any(isinstance(v, str) for v in value):
            # A bare table name would let any claim selecting the Composition adopt it.
            raise ValueError(
                "each entry names the table and the one claim that may adopt it: "
                "{namespace, name, table} ({name, table} for a cluster-scoped XR without a claim)"
            )
        return value

    @field_validator("table_name_prefix")
    @classmethod
    def _template(cls, value: str | None) -> str | None:
        if value is None:
            return value
        fixed = value.replace(NAMESPACE_PLACEHOLDER, "")
        if not re.fullmatch(r"[A-Za-z0-9_.-]*", fixed):
            raise ValueError(
                "tableNamePrefix may hold {namespace} and characters of table names "
                "(A-Z a-z 0-9 _ . -) only"
            )
        for match in re.finditer(re.escape(NAMESPACE_PLACEHOLDER), value):
            if value[match.end() : match.end() + 1] not in tuple(_NAMESPACE_ENDS):
                raise ValueError(
                    "in tableNamePrefix, {namespace} must be followed by . or _: namespaces "
                    "contain -, so with another separator one namespace's prefix would match "
                    "another's table names"
                )
        return value


def adoptable_tables(tenancy: Tenancy, tenant: tuple[str, str] | None, name: str) -> list[str]:
    """The tables this composite may adopt: entries naming its tenant, or it if it has none."""
    who = tenant or (None, name)
    return [e.table for e in tenancy.adopt_existing_tables if (e.namespace, e.name) == who]


def name_prefix(tenancy: Tenancy, namespace: str | None) -> str | None:
    """The prefix a tenant's table names must have; None without a policy or a tenant."""
    template = tenancy.table_name_prefix
    if template is None or namespace is None:
        return None
    return template.replace(NAMESPACE_PLACEHOLDER, namespace)


def _fit(name: str) -> str:
    """``name``, shortened with a hash of the whole when longer than DynamoDB allows."""
    if len(name) <= NAME_MAX:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:_HASH_CHARS]
    return f"{name[: NAME_MAX - _HASH_CHARS - 1]}-{digest}"


def default_table_name(
    composite_name: str, namespace: str | None, tenancy: Tenancy, prefix: str | None
) -> str:
    """The table name when the claim sets none.

    A cluster-scoped composite's name is unique in the cluster. A namespaced
    XR's is unique only in its namespace, so its namespace goes in front,
    separated by ``.`` (which no namespace contains): ``web/sessions`` becomes
    ``web.sessions``, never equal to another namespace's. A prefix policy
    that already names the namespace takes its place.
    """
    base = composite_name
    template = tenancy.table_name_prefix or ""
    if namespace and NAMESPACE_PLACEHOLDER not in template:
        base = f"{namespace}.{composite_name}"
    return _fit((prefix or "") + base)


def explicit_table_name(name: str, prefix: str | None, managed_name: str | None) -> str:
    """spec.tableName under a prefix policy: prefixed, unless it is already.

    ``managed_name`` is the name of the table the composite manages already, if
    any: a table made before the policy keeps its unprefixed name.
    """
    if prefix is None or name.startswith(prefix) or name == managed_name:
        return name
    return _fit(prefix + name)


def check_region_allowed(region: str | None, tenancy: Tenancy) -> Iterator[Violation]:
    allowed = tenancy.allowed_regions
    if allowed is not None and region and region not in allowed:
        yield violation("spec.region", "region_allowed", f"got {region!r}; allowed: {allowed}")


# arn:PARTITION:kms:REGION:ACCOUNT:key/ID or alias/NAME (validation.py checks the format).
_KMS_ARN_PARTS = re.compile(r"^arn:[^:]*:kms:(?P<region>[^:]*):(?P<account>[^:]*):")


def check_kms_key(spec: AwsDynamodbSpec, tenancy: Tenancy) -> Iterator[Violation]:
    """KMS keys: the table's in its region; every key in an allowed account if the platform says.

    A replica's key must be in the replica's region: api/replicas.py checks that.
    """
    sse = spec.server_side_encryption
    keys: list[tuple[str, str | None]] = [
        ("spec.serverSideEncryption.kmsKeyArn", sse.kms_key_arn if sse and sse.enabled else "")
    ]
    keys += [(f"spec.replicas[{i}].kmsKeyArn", r.kms_key_arn) for i, r in enumerate(spec.replicas)]
    accounts = tenancy.kms_key_accounts
    for path, arn in keys:
        parts = _KMS_ARN_PARTS.match(arn or "")
        if parts is None:
            continue
        region, account = parts["region"], parts["account"]
        if path.startswith("spec.server") and spec.region and region != spec.region:
            yield violation(path, "kms_key_region", f"key in {region!r}, table in {spec.region!r}")
        if accounts is not None and account not in accounts:
            yield violation(path, "kms_key_account", f"account {account!r}; allowed: {accounts}")


def tag_text_ok(text: str) -> bool:
    """AWS's tag character set: Unicode letters, separators and numbers, and _ . : / = + - @."""
    return all(unicodedata.category(c)[0] in "LZN" or c in TAG_SYMBOLS for c in text)


def check_tag_chars(tags: Mapping[str, str]) -> Iterator[Violation]:
    for key, value in tags.items():
        if not tag_text_ok(key):
            yield violation(f"spec.tags[{key!r}]", "tag_chars", "in the key")
        if not tag_text_ok(value):
            yield violation(f"spec.tags[{key!r}]", "tag_chars", "in the value")


def reserved_tag_keys(tags: Mapping[str, str]) -> Iterator[Violation]:
    """Keys only the provider (crossplane-) and this function (its ownership tags) set."""
    for key in tags:
        if key.startswith(TAG_RESERVED_PREFIXES_EXACT):
            yield violation(f"spec.tags[{key!r}]", "tag_key_reserved")


def claim_tag_conflicts(claim: Mapping[str, str], platform: Mapping[str, str]) -> list[str]:
    """Keys the claim sets that the Composition's Input also sets: the platform's value wins."""
    return sorted(claim.keys() & platform.keys())


def check_tag_count(tags: Mapping[str, str], namespaced: bool) -> Iterator[Violation]:
    """Every tag AWS will see: the claim's and the platform's, ownership and provider tags."""
    provider = PROVIDER_TAGS_NAMESPACED if namespaced else PROVIDER_TAGS_CLUSTER
    total = len(tags) + OWNERSHIP_TAGS + provider
    if total > MAX_TAGS:
        yield violation(
            "spec.tags",
            "tags_max",
            f"{len(tags)} from the claim and the Composition, {OWNERSHIP_TAGS} ownership and "
            f"{provider} provider tags make {total}",
        )


def policy_checks(
    given: AwsDynamodbSpec,
    spec: AwsDynamodbSpec,
    *,
    tenancy: Tenancy,
    namespaced: bool,
    first_time: bool,
) -> list[Violation]:
    """Every platform-policy problem; ``given`` is the claim's spec, ``spec`` the defaulted one.

    The region rule only while the table is not managed yet (``first_time``):
    an existing table keeps its region.
    """
    problems = [
        *check_tag_chars(given.tags),
        *reserved_tag_keys(given.tags),
        *check_tag_count(spec.tags, namespaced),
        *check_kms_key(spec, tenancy),
    ]
    if first_time:
        problems += check_region_allowed(spec.region, tenancy)
    return problems
