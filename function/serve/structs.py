"""Fast conversions between protobuf Structs and plain Python data.

The SDK's json_format-based helpers are correct but slow (hundreds of µs for
one Table); these walk the Struct directly. Observed resources are converted
lazily, only when the core asks for one by name, and a resource's readiness
is read from its conditions alone: converting a whole observed resource to read
one condition costs more than the whole RunFunction floor.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from google.protobuf import struct_pb2

from function.render.status import is_ready

__all__ = [
    "UNREAD_METADATA",
    "LazyResources",
    "Omit",
    "conditions_of",
    "fill_struct",
    "ready_of",
    "struct_to_dict",
    "to_struct",
]

# Keys to leave out of a conversion: None leaves the key out, a nested Omit
# converts the key's object except what that names.
Omit = Mapping[str, "Omit | None"]

# What the API server keeps of every object's writers, field by field (it can
# outweigh the object itself): nothing in the core reads it.
UNREAD_METADATA: Omit = {"metadata": {"managedFields": None}}


def _value(v: struct_pb2.Value) -> Any:
    # Ordered by how often each kind occurs in a managed resource.
    kind = v.WhichOneof("kind")
    if kind == "string_value":
        return v.string_value
    if kind == "struct_value":
        return _fields(v.struct_value.fields)
    if kind == "list_value":
        return [_value(x) for x in v.list_value.values]
    if kind == "number_value":
        n = v.number_value
        # Kubernetes integers arrive as doubles; give them back as ints.
        return int(n) if n.is_integer() and abs(n) < 2**53 else n
    if kind == "bool_value":
        return v.bool_value
    return None


def _fields(f: Any) -> dict[str, Any]:
    # Most values of a managed resource are strings or objects: those are read
    # here, saving a call per value; indexing the map is cheaper than its items(),
    # which upb leaves to Python.
    out: dict[str, Any] = {}
    for k in f:
        v = f[k]
        kind = v.WhichOneof("kind")
        if kind == "string_value":
            out[k] = v.string_value
        elif kind == "struct_value":
            out[k] = _fields(v.struct_value.fields)
        else:
            out[k] = _value(v)
    return out


def struct_to_dict(s: struct_pb2.Struct, omit: Omit | None = None) -> dict[str, Any]:
    """A plain dict of a Struct; whole-number doubles become ints.

    ``omit`` leaves out what nobody reads: ``{"spec": {"resourceRefs": None}}``
    drops ``spec.resourceRefs`` and converts the rest.
    """
    f = s.fields
    if not omit:
        return _fields(f)
    out: dict[str, Any] = {}
    for k in f:
        v = f[k]
        if k not in omit:
            out[k] = _value(v)
            continue
        inner = omit[k]
        if inner is not None:
            kind = v.WhichOneof("kind")
            out[k] = struct_to_dict(v.struct_value, inner) if kind == "struct_value" else _value(v)
    return out


def _set(target: struct_pb2.Value, v: Any) -> None:
    # Most leaves of a managed resource are strings: test for them first.
    if isinstance(v, str):
        target.string_value = v
    elif isinstance(v, dict):
        s = target.struct_value
        s.SetInParent()
        fill_struct(s, v)
    elif v is True or v is False:
        target.bool_value = v
    elif isinstance(v, int | float):
        target.number_value = v
    elif isinstance(v, list | tuple):
        lv = target.list_value
        lv.SetInParent()
        add = lv.values.add
        for x in v:
            _set(add(), x)
    elif v is None:
        target.null_value = struct_pb2.NULL_VALUE
    else:
        raise ValueError(f"cannot put a {type(v).__name__} in a protobuf Struct")


def fill_struct(s: struct_pb2.Struct, d: Mapping[str, Any]) -> None:
    """Set ``d``'s fields in ``s``, as ``Struct.update`` does, at about half its cost."""
    fields = s.fields
    for k, v in d.items():
        # Strings and objects, most of a managed resource, without a call to _set each.
        if isinstance(v, str):
            fields[k].string_value = v
        elif isinstance(v, dict):
            inner = fields[k].struct_value
            inner.SetInParent()
            fill_struct(inner, v)
        else:
            _set(fields[k], v)


def to_struct(d: Mapping[str, Any]) -> struct_pb2.Struct:
    """A Struct of a plain dict (numbers become doubles, as in any Struct)."""
    s = struct_pb2.Struct()
    fill_struct(s, d)
    return s


def ready_of(resource: struct_pb2.Struct) -> bool:
    """``status.is_ready`` of a resource, read in place: has it a Ready condition that is True?"""
    # One map lookup each (get), not a test and then an index.
    status = resource.fields.get("status")
    if status is None or status.WhichOneof("kind") != "struct_value":
        return False
    conditions = status.struct_value.fields.get("conditions")
    if conditions is None or conditions.WhichOneof("kind") != "list_value":
        return False
    for c in conditions.list_value.values:
        # A Value that is not an object reads as an empty one, and a field that
        # is not a string reads as "": neither can pass for Ready and True.
        f = c.struct_value.fields
        kind = f.get("type")
        if kind is not None and kind.string_value == "Ready":
            ready = f.get("status")
            if ready is not None and ready.string_value == "True":
                return True
    return False


def conditions_of(resource: struct_pb2.Struct) -> list[Any]:
    """A resource's status.conditions, converting nothing else; [] if absent or odd."""
    status = resource.fields.get("status")
    if status is None or status.WhichOneof("kind") != "struct_value":
        return []
    conditions = status.struct_value.fields.get("conditions")
    if conditions is None or conditions.WhichOneof("kind") != "list_value":
        return []
    return [_value(c) for c in conditions.list_value.values]


class LazyResources(Mapping[str, Any]):
    """Observed resources by name, each converted to a dict on first access."""

    def __init__(self, resources: Mapping[str, Any]) -> None:
        self._resources = resources
        self._cache: dict[str, Any] = {}
        self._ready: dict[str, bool] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._cache:
            if name not in self._resources:
                raise KeyError(name)
            self._cache[name] = struct_to_dict(self._resources[name].resource, UNREAD_METADATA)
        return self._cache[name]

    def header(self, name: str) -> dict[str, Any]:
        """apiVersion, kind, metadata and spec.managementPolicies: what says whose it is.

        Deciding whether to believe an observed resource (safety/provenance.py)
        needs only these; converting all of it costs more than the rest of a
        fresh request's reads (docs/performance.md).
        """
        if name in self._cache:
            return dict(self._cache[name])
        fields = self._resources[name].resource.fields
        out: dict[str, Any] = {}
        for key in ("apiVersion", "kind"):
            if key in fields:
                out[key] = _value(fields[key])
        if "metadata" in fields:
            out["metadata"] = (
                struct_to_dict(fields["metadata"].struct_value, UNREAD_METADATA["metadata"])
                if fields["metadata"].WhichOneof("kind") == "struct_value"
                else _value(fields["metadata"])
            )
        spec = fields.get("spec")
        if spec is not None and spec.WhichOneof("kind") == "struct_value":
            policies = spec.struct_value.fields.get("managementPolicies")
            out["spec"] = {} if policies is None else {"managementPolicies": _value(policies)}
        elif spec is not None:
            out["spec"] = _value(spec)
        return out

    def ready(self, name: str) -> bool:
        """Whether the resource is Ready, converting only its conditions."""
        if name not in self._ready:
            if name in self._cache:
                self._ready[name] = is_ready(self._cache[name])
            elif name not in self._resources:
                self._ready[name] = False
            else:
                self._ready[name] = ready_of(self._resources[name].resource)
        return self._ready[name]

    def conditions(self, name: str) -> list[Any]:
        """The resource's status.conditions, converting only them."""
        if name in self._cache:
            status = self._cache[name].get("status")
            conditions = status.get("conditions") if isinstance(status, dict) else None
            return conditions if isinstance(conditions, list) else []
        if name not in self._resources:
            return []
        return conditions_of(self._resources[name].resource)

    def __contains__(self, name: object) -> bool:
        return name in self._resources

    def __iter__(self) -> Iterator[str]:
        return iter(self._resources)

    def __len__(self) -> int:
        return len(self._resources)
