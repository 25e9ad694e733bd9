"""Which observed Table to believe: the one Crossplane composed for this composite, nothing else.

Crossplane sends the function, as observed composed resources, the objects the
composite's resource references name. A tenant writes those references on a
namespaced XR (``spec.crossplane.resourceRefs``): any object of its namespace
that no other composite controls arrives, under whatever
``crossplane.io/composition-resource-name`` annotation the tenant gave it. A
Secret annotated ``table`` with another team's table as its external name would
otherwise read as "our Table, created earlier" and be managed at once.

So the observed ``table`` counts only if it is what this function renders for
that name, and Crossplane made it for this composite:

- the kind and apiVersion of the composite's scope (``*.aws.upbound.io`` for
  cluster-scoped composites, ``*.aws.m.upbound.io`` in the namespaced XR's own
  namespace);
- controlled by this composite: Crossplane puts a controller ownerReference
  with the composite's uid on everything it composes, and Kubernetes lets only
  one controller own an object;
- carrying management the function gives (``managementPolicies`` of actions it
  renders, or the API server's default ``["*"]`` of a Table made before this
  function set policies).

Every other observed resource counts only if this composite controls it and it
is a managed resource of the composite's scope (in its namespace, for a
namespaced XR): a decoy "resource-policy" would otherwise carry another table's
ARN into the ResourcePolicy the function renders.

Anything else is ignored, as if it were not observed, with a Warning naming only
the object's name (the tenant's own choice): nothing of any table.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from function.render.apis import TABLE
from function.render.composite import Composite
from function.render.policies import ALL_ACTIONS
from function.render.status import is_ready
from function.render.table import TABLE_NAME

__all__ = [
    "Believed",
    "believed_resources",
    "controlled_by",
    "given_management",
    "trusted_table",
]

# The API groups of provider-upjet-aws's managed resources, per composite scope.
_CLUSTER_GROUPS = ".aws.upbound.io/"
_NAMESPACED_GROUPS = ".aws.m.upbound.io/"


def _dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def controlled_by(resource: Mapping[str, Any], uid: str) -> bool:
    """Whether ``resource``'s controller ownerReference names the object with ``uid``."""
    refs = _dict(resource.get("metadata")).get("ownerReferences")
    return bool(uid) and any(
        isinstance(ref, dict) and ref.get("controller") is True and ref.get("uid") == uid
        for ref in (refs if isinstance(refs, list) else [])
    )


def given_management(spec: Mapping[str, Any]) -> bool:
    """managementPolicies the function renders, or the API server's default for older Tables."""
    policies = spec.get("managementPolicies")
    if not isinstance(policies, list) or not all(isinstance(p, str) for p in policies):
        return False
    return policies == ["*"] or ("Observe" in policies and set(policies) <= set(ALL_ACTIONS))


def _composed_here(resource: Mapping[str, Any], composite: Composite) -> bool:
    """A managed resource of the composite's scope (and namespace) that it controls."""
    api_version = resource.get("apiVersion")
    group = _NAMESPACED_GROUPS if composite.namespaced else _CLUSTER_GROUPS
    namespace = _dict(resource.get("metadata")).get("namespace")
    return (
        isinstance(api_version, str)
        and group in api_version
        and (namespace == composite.namespace if composite.namespaced else not namespace)
        and controlled_by(resource, composite.uid)
    )


def _is_ours(name: str, resource: Any, composite: Composite) -> bool:
    if not isinstance(resource, dict) or not _composed_here(resource, composite):
        return False
    if name != TABLE_NAME:
        return True
    return (
        resource.get("apiVersion") == TABLE.api_version(composite.namespaced)
        and resource.get("kind") == TABLE.kind
        and given_management(_dict(resource.get("spec")))
    )


def _distrust(name: str, resource: Any) -> str:
    shown = _dict(_dict(resource).get("metadata")).get("name")
    shown = repr(shown) if isinstance(shown, str) and shown else "without a name"
    return (
        f"ignoring the observed resource {shown} named as this composite's {name!r}: it is not "
        "what Crossplane composed for this composite (see docs/safety.md, Threat model)"
    )


def trusted_table(observed: Any, composite: Composite) -> tuple[Any, str | None]:
    """The observed Table if it is believable, else None and a Warning that says so."""
    if observed is None or _is_ours(TABLE_NAME, observed, composite):
        return observed, None
    return None, _distrust(TABLE_NAME, observed)


class Believed(Mapping[str, Any]):
    """The observed resources less those not believed; a lazy view stays lazy for readiness."""

    def __init__(self, observed: Mapping[str, Any], names: frozenset[str]) -> None:
        self._observed = observed
        self._names = names

    def __getitem__(self, name: str) -> Any:
        if name not in self._names:
            raise KeyError(name)
        return self._observed[name]

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return (n for n in self._observed if n in self._names)

    def __len__(self) -> int:
        return len(self._names)

    def ready(self, name: str) -> bool:
        """Whether a believed resource is Ready (asking the wrapped view when it can tell)."""
        if name not in self._names:
            return False
        ready = getattr(self._observed, "ready", None)
        return bool(ready(name)) if callable(ready) else is_ready(self._observed[name])


def believed_resources(
    observed: Mapping[str, Any], composite: Composite
) -> tuple[Believed, list[str]]:
    """The observed resources the function may believe, and a Warning for each of the rest."""
    believed: set[str] = set()
    warnings = []
    # A lazy view can give only what decides (serve/structs.py): the rest of each
    # resource stays unconverted until the core reads it.
    header = getattr(observed, "header", None)
    for name in observed:
        resource = header(name) if callable(header) else observed[name]
        if _is_ours(name, resource, composite):
            believed.add(name)
        else:
            warnings.append(_distrust(name, resource))
    return Believed(observed, frozenset(believed)), warnings
