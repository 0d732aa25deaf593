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
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from flask import Flask

# Keys, tuples and dict slots of one entry: measured with tracemalloc on the catalogue's and
# the ingredients' entries (100-250 bytes each), rounded up.
ENTRY_OVERHEAD = 320


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
