"""Never adopt a table that is not ours: observe first, manage only what we own.

provider-aws adopts an existing AWS table whose name is a Table's external
name: it updates the table to the Table's spec, and deletes it with the Table.
In an AWS account shared by many teams, any claim naming another team's table
would take it over. So a Table starts observe-only and is managed only once
its observation says the table is free or ours:

=========================  ======================================  ==========
observed Table             what it says                            stage
=========================  ======================================  ==========
none, or not believable    (first reconcile; safety/provenance.py  OBSERVE
                           drops a decoy)
managementPolicies not     the table is managed already: created   MANAGE
exactly [Observe], owner   by us, or by a version before this      (sticky)
tag absent or ours
managed, another owner     the composite was bound by another      FOREIGN
tag                        claim (an unclaimed XR): never re-tag
[Observe], other name,     the observation is about another        OBSERVE
region or provider config  table (the claim changed meanwhile)
[Observe], Synced not of   the provider has not observed this      OBSERVE
this generation            identity yet: its answer is older
[Observe], Synced=False    "external resource does not exist"      MANAGE
                           (crossplane-runtime's managed
                           reconciler, observe-only policy)
[Observe], exists          carries our ownership tag (re-created   MANAGE
                           or restored for this claim), or the
                           platform's Input lists it, for this
                           tenant, in tenancy.adoptExistingTables
[Observe], exists          anything else                           FOREIGN
[Observe], otherwise       not observed yet, or an error           OBSERVE
=========================  ======================================  ==========

An observation decides only for the identity it was made for. The external
name is an annotation, and changing it leaves ``metadata.generation`` as it was,
so while observing the Table also carries the name it asks about in its spec
(the ``OBSERVING_TAG`` tag, which an observe-only Table never sends to AWS):
a new name, region or provider config is a new generation, and
crossplane-runtime stamps each condition it writes with the generation it
observed (``observedGeneration``). An answer about an older generation is
never read as one about the current name.

MANAGE is sticky: once the Table is rendered with full management policies,
Crossplane applies them and the observed Table never looks observe-only
again, so no transient condition flips it back (which could orphan the table
or hide it). A Table without the ownership tag (created by an earlier version
of this function) is ours: it gets the tag on its next update. A managed Table
tagged for another owner is not: an unclaimed XR a claim binds by
``spec.resourceRef`` keeps its table's owner, and the claim is refused.
FOREIGN ends in one Fatal that names only what the claim asked for.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from function.api.limits import OWNERSHIP_TAG_PREFIX, TAG_VALUE_MAX
from function.render.composite import Composite
from function.render.context import EXTERNAL_NAME

__all__ = [
    "OBSERVING_TAG",
    "OWNER_TAG",
    "UID_TAG",
    "Decision",
    "Stage",
    "Wanted",
    "decide",
    "foreign_message",
    "managed_name",
    "not_owned_message",
    "observing_tags",
    "owner_id",
    "ownership_tags",
    "reports_absent",
]

# Who owns the table: the tenant's namespace/name (claim or namespaced XR), or
# a cluster-scoped XR's name. Stable across a claim deleted and created again
# in the same namespace, and across a cluster migration; unique per tenant.
OWNER_TAG = OWNERSHIP_TAG_PREFIX + "owner"
# The composite's uid, for people reading the tags; not used to decide.
UID_TAG = OWNERSHIP_TAG_PREFIX + "composite-uid"
# On an observe-only Table only (never sent to AWS): the name it asks about, in its spec.
OBSERVING_TAG = OWNERSHIP_TAG_PREFIX + "observing"

# crossplane-runtime's ReconcileError for an observe-only resource AWS does not have.
_NOT_EXIST = "external resource does not exist"
_HASH_CHARS = 16


class Stage(enum.Enum):
    """What the function does with the Table on this request."""

    OBSERVE = "observe"  # render it observe-only and wait
    MANAGE = "manage"  # render it fully managed, with the ownership tag
    FOREIGN = "foreign"  # refuse: an existing table that is not ours


@dataclass(frozen=True)
class Decision:
    """The stage, and whether a platform-listed table is being taken over."""

    stage: Stage
    # The observed Table is not fully managed yet: creation or adoption is ahead.
    first_time: bool
    adopting: bool = False


def owner_id(composite: Composite) -> str:
    """The ownership tag's value for this composite; at most TAG_VALUE_MAX characters."""
    tenant = composite.tenant
    value = f"{tenant[0]}/{tenant[1]}" if tenant else composite.name
    if len(value) <= TAG_VALUE_MAX:
        return value
    digest = hashlib.sha256(value.encode()).hexdigest()[:_HASH_CHARS]
    return f"{value[: TAG_VALUE_MAX - _HASH_CHARS - 1]}-{digest}"


def ownership_tags(composite: Composite) -> dict[str, str]:
    """The tags that mark a table as this composite's."""
    tags = {OWNER_TAG: owner_id(composite)}
    if composite.uid:
        tags[UID_TAG] = composite.uid[:TAG_VALUE_MAX]
    return tags


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _observe_only(spec: Mapping[str, Any]) -> bool:
    policies = spec.get("managementPolicies")
    if not isinstance(policies, list) or not all(isinstance(p, str) for p in policies):
        return False
    return set(policies) == {"Observe"}


def _condition(status: Mapping[str, Any], kind: str) -> Mapping[str, Any]:
    conditions = status.get("conditions")
    for c in conditions if isinstance(conditions, list) else []:
        if isinstance(c, dict) and c.get("type") == kind:
            return c
    return {}


def _exists(status: Mapping[str, Any]) -> bool:
    ap = _dict(status.get("atProvider"))
    reported = any(isinstance(ap.get(k), str) and ap.get(k) for k in ("arn", "id"))
    return reported or _condition(status, "Ready").get("status") == "True"


def reports_absent(message: str) -> bool:
    """Whether a Synced=False message is an observe-only resource's "not in AWS" answer.

    For the observe-first Table that is the answer awaited, not a provider error.
    """
    return _NOT_EXIST in message


def _does_not_exist(status: Mapping[str, Any]) -> bool:
    synced = _condition(status, "Synced")
    message = synced.get("message")
    return synced.get("status") == "False" and isinstance(message, str) and reports_absent(message)


def _tags(status: Mapping[str, Any]) -> Mapping[str, Any]:
    ap = _dict(status.get("atProvider"))
    return {**_dict(ap.get("tagsAll")), **_dict(ap.get("tags"))}


def _owners(table: Mapping[str, Any]) -> set[str]:
    """Every owner tag value the Table carries: as AWS reported it, and as last applied."""
    status = _dict(table.get("status"))
    ap = _dict(status.get("atProvider"))
    fp = _dict(_dict(table.get("spec")).get("forProvider"))
    blocks = (ap.get("tagsAll"), ap.get("tags"), fp.get("tags"))
    return {v for b in blocks if isinstance(v := _dict(b).get(OWNER_TAG), str)}


@dataclass(frozen=True)
class Wanted:
    """What the rendered Table names: an observation counts only if it is of this table."""

    name: str
    region: str
    # None: the provider's default ProviderConfig, which the API server fills in as "default".
    provider_config: str | None


def _observed_identity(table: Mapping[str, Any]) -> tuple[Any, Any, Any, Any]:
    spec = _dict(table.get("spec"))
    return (
        _dict(_dict(table.get("metadata")).get("annotations")).get(EXTERNAL_NAME),
        _dict(_dict(spec.get("forProvider")).get("tags")).get(OBSERVING_TAG),
        _dict(spec.get("forProvider")).get("region"),
        _dict(spec.get("providerConfigRef")).get("name") or "default",
    )


def _number(value: Any) -> float | None:
    # Numbers cross protobuf's Struct as floats.
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else None


def _current(table: Mapping[str, Any]) -> bool:
    """Whether the provider's Synced condition is about the Table's current generation."""
    generation = _number(_dict(table.get("metadata")).get("generation"))
    seen = _number(_condition(_dict(table.get("status")), "Synced").get("observedGeneration"))
    return generation is not None and generation > 0 and seen == generation


def managed_name(observed: Any) -> str | None:
    """The external name of an observed Table the function already manages fully, else None."""
    if not isinstance(observed, dict) or _observe_only(_dict(observed.get("spec"))):
        return None
    name = _dict(_dict(observed.get("metadata")).get("annotations")).get(EXTERNAL_NAME)
    return name if isinstance(name, str) else None


def decide(observed: Any, wanted: Wanted, owner: str, adoptable: list[str]) -> Decision:
    """The stage for the Table ``wanted`` given the ``observed`` one (or None).

    ``observed`` must be believable already (safety/provenance.py's trusted_table).
    """
    if not isinstance(observed, dict):
        return Decision(Stage.OBSERVE, first_time=True)
    if not _observe_only(_dict(observed.get("spec"))):
        if _owners(observed) - {owner}:
            # Made for another owner: this composite was bound by someone else since.
            return Decision(Stage.FOREIGN, first_time=False)
        return Decision(Stage.MANAGE, first_time=False)
    if _observed_identity(observed) != (
        wanted.name,
        wanted.name,
        wanted.region,
        wanted.provider_config or "default",
    ) or not _current(observed):
        # Observed for another name, region or account, or before the last change:
        # says nothing about this one.
        return Decision(Stage.OBSERVE, first_time=True)
    status = _dict(observed.get("status"))
    reported_id = _dict(status.get("atProvider")).get("id")
    if isinstance(reported_id, str) and reported_id and reported_id != wanted.name:
        return Decision(Stage.OBSERVE, first_time=True)
    if _exists(status):
        if _tags(status).get(OWNER_TAG) == owner:
            return Decision(Stage.MANAGE, first_time=True)
        if wanted.name in adoptable:
            return Decision(Stage.MANAGE, first_time=True, adopting=True)
        return Decision(Stage.FOREIGN, first_time=True)
    if _does_not_exist(status):
        return Decision(Stage.MANAGE, first_time=True)
    return Decision(Stage.OBSERVE, first_time=True)


def observing_tags(wanted: Wanted) -> dict[str, str]:
    """The tag that ties an observe-only Table's generation to the name it asks about."""
    return {OBSERVING_TAG: wanted.name}


def not_owned_message() -> str:
    """The Fatal for a managed table made for another owner: nothing of the table, not its name."""
    return (
        "this composite's table is owned by another claim or composite, so this claim cannot "
        "manage it; create a new claim for a table of its own"
    )


def foreign_message(table_name: str) -> str:
    """The Fatal for a foreign table: the name the claim asked for, nothing of the table."""
    return (
        f"table {table_name!r} already exists and is not owned by this claim; choose another "
        "spec.tableName (a platform team can let this Composition take the table over with "
        "tenancy.adoptExistingTables in the function's Input)"
    )
