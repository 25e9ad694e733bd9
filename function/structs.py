"""Fast conversions between protobuf Structs and plain Python data.

The SDK's json_format-based helpers are correct but slow (hundreds of µs for
one Table); these walk the Struct directly. Observed resources are converted
lazily, only when the core asks for one by name.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from google.protobuf import struct_pb2

__all__ = ["LazyResources", "struct_to_dict", "to_struct"]


def _value(v: struct_pb2.Value) -> Any:
    kind = v.WhichOneof("kind")
    if kind == "struct_value":
        return struct_to_dict(v.struct_value)
    if kind == "list_value":
        return [_value(x) for x in v.list_value.values]
    if kind == "number_value":
        n = v.number_value
        # Kubernetes integers arrive as doubles; give them back as ints.
        return int(n) if n.is_integer() and abs(n) < 2**53 else n
    if kind == "string_value":
        return v.string_value
    if kind == "bool_value":
        return v.bool_value
    return None


def struct_to_dict(s: struct_pb2.Struct) -> dict[str, Any]:
    """A plain dict of a Struct; whole-number doubles become ints."""
    return {k: _value(v) for k, v in s.fields.items()}


def to_struct(d: Mapping[str, Any]) -> struct_pb2.Struct:
    """A Struct of a plain dict (numbers become doubles, as in any Struct)."""
    s = struct_pb2.Struct()
    s.update(d)
    return s


class LazyResources(Mapping[str, Any]):
    """Observed resources by name, each converted to a dict on first access."""

    def __init__(self, resources: Mapping[str, Any]) -> None:
        self._resources = resources
        self._cache: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._cache:
            if name not in self._resources:
                raise KeyError(name)
            self._cache[name] = struct_to_dict(self._resources[name].resource)
        return self._cache[name]

    def __contains__(self, name: object) -> bool:
        return name in self._resources

    def __iter__(self) -> Iterator[str]:
        return iter(self._resources)

    def __len__(self) -> int:
        return len(self._resources)
