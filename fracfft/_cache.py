"""A least-recently-used cache of read-only arrays, bounded in bytes.

Symbols (and any other arrays that are expensive to build and cheap to keep, such as the causal
weight spectra) are looked up by a hashable key. Two rules keep memory in check:

* **A budget in bytes.** Inserting evicts the least recently used entries until the total
  ``nbytes`` of the cached arrays is at most ``max_bytes``; an entry larger than the budget is
  never stored. The cache never holds more than its budget, not even for a moment.
* **Admission on the second request.** A key is stored only when it was requested before
  (a "doorkeeper" remembers the last few thousand keys that missed, not their arrays). A time
  loop with a fixed order pays the build twice and then only a dictionary lookup; a learned
  order that changes at every step builds once per step, as without a cache, and leaves
  nothing behind, so it cannot push useful symbols out or fill memory.

Every stored array is made read-only: callers share it and must not write to it.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from typing import NamedTuple

import numpy as np

__all__ = ["ByteLRU", "CacheInfo", "DEFAULT_MAX_BYTES", "ENV_VAR", "put_bounded"]

DEFAULT_MAX_BYTES = 256 << 20
ENV_VAR = "FRACFFT_SYMBOL_CACHE_BYTES"
_DOORKEEPER_KEYS = 4096  # keys only (a few hundred bytes each at most), not arrays


def put_bounded(table: dict, key, value, max_entries: int) -> None:
    """``table[key] = value``, first dropping the oldest entry when ``table`` is full.

    For the small per-call memos (validated plans, the torch bridge's lanes), which hold no
    array data and so are bounded by their number of entries; safe without a lock (another
    thread may drop the oldest entry first).
    """
    if len(table) >= max_entries:
        try:
            del table[next(iter(table))]
        except (KeyError, StopIteration, RuntimeError):
            pass
    table[key] = value


class CacheInfo(NamedTuple):
    """State of a :class:`ByteLRU`: budget, bytes and entries held, hits and misses."""

    max_bytes: int
    nbytes: int
    entries: int
    hits: int
    misses: int


def _arrays(value):
    return value if isinstance(value, tuple) else (value,)


def _nbytes(value) -> int:
    return sum(a.nbytes for a in _arrays(value))


def parse_bytes(value, name="max_bytes") -> int:
    """Return ``value`` (an int, or a string such as ``"256M"``, ``"1G"``, ``"0"``) in bytes."""
    if isinstance(value, str):
        text = value.strip().upper().removesuffix("B").removesuffix("I")
        scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
        if scale != 1:
            text = text[:-1]
        try:
            value = int(float(text) * scale)
        except ValueError:
            raise ValueError(f"{name} must be a number of bytes such as 268435456 or '256M'; "
                             f"got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be an int (bytes); got {type(value).__name__}")
    if value < 0:
        raise ValueError(f"{name} must be >= 0; got {value}")
    return int(value)


def default_max_bytes() -> int:
    """Return the budget set by the environment variable :data:`ENV_VAR`, else 256 MiB."""
    raw = os.environ.get(ENV_VAR)
    if raw is None or raw.strip() == "":
        return DEFAULT_MAX_BYTES
    return parse_bytes(raw, ENV_VAR)


class ByteLRU:
    """Least-recently-used cache of (tuples of) NumPy arrays, bounded in bytes; thread-safe.

    Parameters
    ----------
    max_bytes : int
        Budget; ``0`` disables caching.
    admit_on_first : bool, optional
        Store a key on its first miss instead of its second (no doorkeeper).
    """

    def __init__(self, max_bytes: int, admit_on_first: bool = False):
        self._lock = threading.Lock()
        self._data: OrderedDict = OrderedDict()
        self._seen: OrderedDict = OrderedDict()
        self._admit_on_first = admit_on_first
        self._max = parse_bytes(max_bytes)
        self._nbytes = 0
        self._hits = 0
        self._misses = 0

    @property
    def max_bytes(self) -> int:
        """The budget in bytes (0: caching is off)."""
        return self._max

    def info(self) -> CacheInfo:
        """Return the budget, bytes and entries held, hits and misses."""
        with self._lock:
            return CacheInfo(self._max, self._nbytes, len(self._data), self._hits, self._misses)

    def set_max_bytes(self, max_bytes) -> int:
        """Change the budget (evicting down to it at once); return the previous one."""
        new = parse_bytes(max_bytes)
        with self._lock:
            old, self._max = self._max, new
            self._evict_to(new)
        return old

    def clear(self) -> None:
        """Drop every entry and the doorkeeper's memory; counters are kept."""
        with self._lock:
            self._data.clear()
            self._seen.clear()
            self._nbytes = 0

    def _evict_to(self, limit: int) -> None:
        while self._data and self._nbytes > limit:
            _, old = self._data.popitem(last=False)
            self._nbytes -= _nbytes(old)

    def get(self, key, build):
        """Return the cached value of ``key``, or ``build()`` (stored when admitted).

        ``build`` returns an array or a tuple of arrays; they are made read-only whether or not
        they are stored, so a caller cannot come to depend on writing to them.
        """
        with self._lock:
            value = self._data.get(key)
            if value is not None:
                self._data.move_to_end(key)
                self._hits += 1
                return value
            self._misses += 1
        # Built outside the lock: other threads may build the same key meanwhile (harmless).
        value = build()
        for a in _arrays(value):
            a.flags.writeable = False
        with self._lock:
            if key in self._data:
                return value
            if not self._admit_on_first and key not in self._seen:
                self._seen[key] = None
                if len(self._seen) > _DOORKEEPER_KEYS:
                    self._seen.popitem(last=False)
                return value
            size = _nbytes(value)  # only for a key that is admitted (a changing order is not)
            if size > self._max:
                return value
            self._seen.pop(key, None)
            # Evict first, so the total never exceeds the budget at any time.
            self._evict_to(self._max - size)
            self._data[key] = value
            self._nbytes += size
        return value
