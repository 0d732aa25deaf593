"""Every cache a worker keeps in memory, each bounded in bytes, listed in one place.

A cache registers itself where it is made (``register``) with what measures it: an object
with ``size_bytes()`` and ``max_bytes``, or, for a store kept per app (``app.extensions``), a
function of the app returning one. ``report(app)`` gives each cache's current size and bound
in bytes, for the metrics endpoint (``wger_cache_bytes{cache=...}``) and the memory
benchmark. Sizes are the bytes the cache holds (bodies, compressed pieces, id arrays) plus a
fixed estimate per entry for its keys and bookkeeping (``ENTRY_OVERHEAD``): cheap to compute on
every scrape, and an upper bound in practice.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from flask import Flask

# Keys, tuples and dict slots of one entry: measured with tracemalloc on the catalogue's and
# the ingredients' entries (100-250 bytes each), rounded up.
ENTRY_OVERHEAD = 320

V = TypeVar("V")


class BoundedLRU(Generic[V]):
    """A thread-safe map, least recently used first out, bounded in bytes: each entry counts
    ``weigh(value)`` plus ``ENTRY_OVERHEAD``. The one eviction loop of the stores built on it."""

    def __init__(self, max_bytes: int, weigh: Callable[[V], int]) -> None:
        self.max_bytes = max_bytes
        self._weigh = weigh
        self._kept: OrderedDict[Hashable, V] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def _bytes(self, value: V) -> int:
        return self._weigh(value) + ENTRY_OVERHEAD

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._kept.get(key)
            if value is not None:
                self._kept.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            old = self._kept.pop(key, None)
            if old is not None:
                self._size -= self._bytes(old)
            self._kept[key] = value
            self._size += self._bytes(value)
            while self._size > self.max_bytes:
                _, dropped = self._kept.popitem(last=False)
                self._size -= self._bytes(dropped)

    def __len__(self) -> int:
        return len(self._kept)

    def size_bytes(self) -> int:
        return self._size

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self._size = 0


class Sized(Protocol):
    max_bytes: int

    def size_bytes(self) -> int: ...


@dataclass(frozen=True)
class CacheSize:
    size_bytes: int
    max_bytes: int


Source = Sized | Callable[[Flask | None], Sized | None]
_SOURCES: dict[str, Source] = {}
_lock = threading.Lock()


def register(name: str, source: Source) -> None:
    """List a cache under ``name`` (a module-level one, or a function of the app for one kept
    per app). Registering a name again replaces it (a module imported twice in tests)."""
    with _lock:
        _SOURCES[name] = source


def report(app: Flask | None = None) -> dict[str, CacheSize]:
    """Each registered cache's size and bound in bytes (per-app ones for ``app``; those the
    app has not made yet are left out)."""
    with _lock:
        sources = dict(_SOURCES)
    sizes = {}
    for name, source in sorted(sources.items()):
        cache = source(app) if callable(source) else source
        if cache is not None:
            sizes[name] = CacheSize(cache.size_bytes(), cache.max_bytes)
    return sizes


def total_bytes(app: Flask | None = None) -> int:
    return sum(size.size_bytes for size in report(app).values())


class LruCacheSize:
    """The size of a ``functools.lru_cache``: its entries times ``entry_bytes`` (the key and
    the short value it keeps), bounded by its ``maxsize``."""

    def __init__(self, cached: Any, entry_bytes: int) -> None:
        self.cached = cached
        self.entry_bytes = entry_bytes
        self.max_bytes = cached.cache_info().maxsize * entry_bytes

    def size_bytes(self) -> int:
        currsize: int = self.cached.cache_info().currsize
        return currsize * self.entry_bytes


def bounded_lru_cache(name: str, max_bytes: int, entry_bytes: int) -> Callable[[Any], Any]:
    """``functools.lru_cache`` sized in bytes: at most ``max_bytes // entry_bytes`` entries of
    at most ``entry_bytes`` each (key, value and bookkeeping), registered under ``name``."""

    def decorate(function: Any) -> Any:
        cached = functools.lru_cache(maxsize=max(1, max_bytes // entry_bytes))(function)
        register(name, LruCacheSize(cached, entry_bytes))
        return cached

    return decorate
