"""A bounded response cache: the same request gets the same answer, without composing again.

Crossplane re-sends an unchanged composite's request every poll interval. The
answer depends only on the request (the function reads no clock, no
environment, no cluster), so it can be kept, keyed on the whole serialized
request except ``meta.tag``, which identifies one call and is copied into the
answer. Keys are compared in full, never by a digest, so a request is only ever
answered with the result of a byte-identical request. Entries and bytes are
both bounded; the least recently used entry goes first.

Serializing a large request for its key costs about a fifth of composing it,
so a request is only keyed when its composite is among the last ones seen, as
many as the cache holds: a changed composite (a new generation, a new uid)
cannot be answered from the cache, nor can one that comes back after more
others than the cache can keep, and neither pays for a key. The second
identical request is kept, and every one after it is answered from the cache.
"""

from __future__ import annotations

from collections import OrderedDict

from crossplane.function.proto.v1 import run_function_pb2 as fnv1

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_ENTRIES",
    "ResponseCache",
    "request_key",
]

DEFAULT_MAX_ENTRIES = 256
# Small enough that the served process stays under 64 MB with the cache full.
DEFAULT_MAX_BYTES = 2 * 1024 * 1024
# What one entry costs beyond its key and value: the two bytes objects and the
# OrderedDict's node.
_ENTRY_OVERHEAD = 200


def request_key(req: fnv1.RunFunctionRequest) -> bytes:
    """Everything in the request but its tag; deterministic, so equal requests match."""
    tag = req.meta.tag
    if not tag:
        return bytes(req.SerializeToString(deterministic=True))
    # Clearing and restoring the tag is cheaper than copying the request.
    req.meta.tag = ""
    try:
        return bytes(req.SerializeToString(deterministic=True))
    finally:
        req.meta.tag = tag


class ResponseCache:
    """Serialized responses by serialized request (less its tag), least recently used out first."""

    def __init__(
        self,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[bytes, bytes] = OrderedDict()
        # Hashes of the composites seen last, most recent last; a collision
        # only costs a key computed in vain.
        self._seen: OrderedDict[int, None] = OrderedDict()
        # How many entries fit: max_entries, unless the byte bound says fewer (_refit).
        self._capacity = max_entries
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def key(self, req: fnv1.RunFunctionRequest) -> bytes | None:
        """The request's key, or None for a composite not seen before (not worth keying)."""
        if self.max_entries < 1:
            return None
        seen = hash(req.observed.composite.resource.SerializeToString(deterministic=True))
        known = seen in self._seen
        self._seen[seen] = None
        self._seen.move_to_end(seen)
        while len(self._seen) > max(self._capacity, len(self._entries)):
            self._seen.popitem(last=False)
        return request_key(req) if known else None

    def get(self, key: bytes | None, tag: str) -> fnv1.RunFunctionResponse | None:
        """A fresh copy of the answer for ``key``, carrying ``tag``; None when not kept."""
        value = None if key is None else self._entries.get(key)
        if key is None or value is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        rsp: fnv1.RunFunctionResponse = fnv1.RunFunctionResponse.FromString(value)
        rsp.meta.tag = tag
        return rsp

    def put(self, key: bytes | None, rsp: fnv1.RunFunctionResponse) -> None:
        """Keep the answer for ``key``, evicting the least recently used to stay in bounds."""
        if key is None:
            return
        tag = rsp.meta.tag
        if tag:
            rsp.meta.tag = ""
        try:
            value = rsp.SerializeToString()
        finally:
            if tag:
                rsp.meta.tag = tag
        size = len(key) + len(value) + _ENTRY_OVERHEAD
        if size > self.max_bytes or self.max_entries < 1:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= len(key) + len(old) + _ENTRY_OVERHEAD
        while self._entries and (
            len(self._entries) >= self.max_entries or self.bytes + size > self.max_bytes
        ):
            k, v = self._entries.popitem(last=False)
            self.bytes -= len(k) + len(v) + _ENTRY_OVERHEAD
        self._entries[key] = value
        self.bytes += size
        self._refit()

    def _refit(self) -> None:
        """How many entries of the kept ones' typical size fit in max_bytes.

        Worked out afresh on every change, from the kept entries less the largest:
        one large answer neither shrinks the window while it is kept (the entries
        evicted to make room for it come back, and it leaves first once it is the
        least recently used) nor after it has left.
        """
        sizes = [len(k) + len(v) + _ENTRY_OVERHEAD for k, v in self._entries.items()]
        others = len(sizes) - 1
        if others < 1:
            self._capacity = self.max_entries
            return
        typical = (self.bytes - max(sizes)) / others
        self._capacity = max(1, min(self.max_entries, int(self.max_bytes // typical)))
