"""What was rendered from the catalogue, kept in each worker's memory and checked against the
database's numbers (``generation``) on every read.

- **Pieces**: each exercise's JSON (per kind, e.g. ``exerciseinfo``) with the stamp it was
  rendered at. A page is its pieces joined; a write re-renders only the exercises it touched.
  Pieces are kept deflated (a sixth of the size: the whole catalogue's 4.5 MB of JSON takes
  about 0.8 MB a worker); inflating one costs microseconds, and only pages that are not kept
  whole need it.
  URLs in pieces point at ``HOST``, a placeholder replaced by the request's own host when a
  page is assembled (the same piece serves every host name the server answers to).
- **Counts**: a list's total per query shape (its filters) and generation, so the pages after
  the first of a list do not count again.
- **Responses**: whole JSON answers (body and ETag) by request (URL, format) with the
  generation they were computed at; any write to the catalogue makes them all stale at once.

Why memory and not the database: a kept response is served with one primary-key look-up and
no other work; the pieces need no writes on reads (a GET never writes) and no schema of their
own. Why it is still right on every worker and host: nothing kept is used unless the number it
was computed at is the one the database holds now, and the triggers renew those numbers in
the writing transaction. Both stores are bounded (bytes), so memory stays flat.
"""

from __future__ import annotations

import ctypes
import secrets
import threading
import zlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, cast

from flask import Flask, current_app, has_app_context
from flask.globals import app_ctx

from wger_flask.rest import caches
from wger_flask.rest.answers import KeptResponse as KeptResponse  # the generic layer's
from wger_flask.rest.answers import ResponseStore

# Not a host anyone can own (.invalid is reserved), and random per process: a text in the
# catalogue cannot forge it.
HOST = f"https://{secrets.token_hex(8)}.invalid/"
HOST_BYTES = HOST.encode()

MAX_PIECE_BYTES = 8 * 1024 * 1024  # all (deflated) pieces of a worker: 872 exerciseinfo ~0.8 MB
PIECE_LEVEL = 6
MAX_COUNTS = 4096  # a larger answer is assembled from its pieces every time


class PieceStore:
    """Rendered JSON by (kind, id), each with the stamp it was rendered at."""

    def __init__(self, max_bytes: int = MAX_PIECE_BYTES) -> None:
        self.max_bytes = max_bytes
        self._pieces: dict[tuple[str, int], tuple[int, bytes]] = {}
        self._size = 0
        self._lock = threading.Lock()

    def get(self, kind: str, id_: int, stamp: int | None) -> bytes | None:
        if stamp is None:
            return None
        kept = self._pieces.get((kind, id_))
        return zlib.decompress(kept[1]) if kept is not None and kept[0] == stamp else None

    def put(self, kind: str, id_: int, stamp: int | None, piece: bytes) -> None:
        if stamp is None:
            return
        piece = zlib.compress(piece, PIECE_LEVEL)
        with self._lock:
            old = self._pieces.pop((kind, id_), None)
            if old is not None:
                self._size -= len(old[1]) + caches.ENTRY_OVERHEAD
            if self._size + len(piece) + caches.ENTRY_OVERHEAD > self.max_bytes:
                return  # full: render this one again next time (a catalogue far past ours)
            self._pieces[(kind, id_)] = (stamp, piece)
            self._size += len(piece) + caches.ENTRY_OVERHEAD

    def __len__(self) -> int:
        return len(self._pieces)

    def size_bytes(self) -> int:
        return self._size

    def clear(self) -> None:
        with self._lock:
            self._pieces.clear()
            self._size = 0


class CountStore:
    """List counts by query shape (the applied filters), each with its generation."""

    def __init__(self, max_entries: int = MAX_COUNTS) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_entries * caches.ENTRY_OVERHEAD
        self._counts: dict[Hashable, tuple[int, int]] = {}
        self._lock = threading.Lock()

    def get(self, shape: Hashable, generation: int) -> int | None:
        kept = self._counts.get(shape)
        return kept[1] if kept is not None and kept[0] == generation else None

    def put(self, shape: Hashable, generation: int, count: int) -> None:
        with self._lock:
            if len(self._counts) >= self.max_entries and shape not in self._counts:
                self._counts.clear()  # many shapes (searches): start again
            self._counts[shape] = (generation, count)

    def size_bytes(self) -> int:
        return len(self._counts) * caches.ENTRY_OVERHEAD

    def clear(self) -> None:
        with self._lock:
            self._counts.clear()


@dataclass
class RenderedCatalogue:
    """One app's (one worker's) kept pieces, responses and list counts."""

    pieces: PieceStore
    responses: ResponseStore
    counts: CountStore = field(default_factory=lambda: CountStore())

    def clear(self) -> None:
        self.pieces.clear()
        self.responses.clear()
        self.counts.clear()


# Rendering many pieces at once (a first page of 100, a whole-catalogue download) leaves
# megabytes of freed rows and dicts in the C heap; glibc keeps them unless asked to give them
# back. Asked after large renders only (it walks the heap: about a millisecond).
TRIM_AFTER_PIECES = 50


def _malloc_trim() -> Callable[[], Any]:
    try:
        trim = ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to do
        return lambda: None
    return lambda: trim(0)


give_back_memory = _malloc_trim()


EXTENSION = "wger_catalogue_rendered"


def rendered(app: Flask | None = None) -> RenderedCatalogue:
    """The current app's stores (created on first use)."""
    app = app or app_ctx.app
    stores = app.extensions.get(EXTENSION)
    if stores is None:
        stores = app.extensions.setdefault(
            EXTENSION, RenderedCatalogue(PieceStore(), ResponseStore())
        )
    return cast(RenderedCatalogue, stores)


def forget_rendered(app: Flask) -> None:
    """Drop everything an app keeps (tests measuring a cold page)."""
    rendered(app).clear()


def _kept(store: str) -> Callable[[Flask | None], Any]:
    def of(app: Flask | None) -> Any:
        if app is None and not has_app_context():
            return None
        stores = (app or current_app).extensions.get(EXTENSION)
        return getattr(stores, store) if stores is not None else None

    return of


caches.register("catalogue_pieces", _kept("pieces"))
caches.register("catalogue_responses", _kept("responses"))
caches.register("catalogue_counts", _kept("counts"))
