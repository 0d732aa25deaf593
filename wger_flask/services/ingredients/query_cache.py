"""Filtered counts and search rankings of the ingredient table, kept per query shape until the
table changes.

A filtered count (``?language=2``) or a search (``?name__search=cheddar``) must evaluate every
matching row: tens or hundreds of milliseconds at a million rows. The catalogue changes rarely
and is read constantly, so each worker keeps the result per query shape (the applied filters)
together with the table's **generation**: a number the migration's triggers renew, in the
same transaction, on every insert, update and delete of an ingredient (by this server or by
anyone with SQL access), to a value never used before (a sequence on PostgreSQL, a random
64-bit number on SQLite), so a result computed inside a transaction that rolled back can never
match a later generation. A request reads the generation (one primary-key look-up) and uses a
kept result only if it was computed at that generation: a result is never stale, only
recomputed. For a search the kept result is the ranked list of matching ids, so its pages are
read by id, and its ``count`` is the list's length.

The same generation keys the whole answers each app (worker) keeps (``kept_answers``; the
``answers`` hook in ``blueprints/ingredients/pages.py``): besides the ingredients, it moves on
writes to what ``ingredientinfo`` nests (weight units, images, languages, licenses; migration
``3b9d6f0a2c71``).

The cache is an optimisation local to one process: nothing else depends on it, so workers and
hosts need not share it. Its size is bounded in bytes (``MAX_KEPT_BYTES``, ids at 8 bytes
each and a fixed overhead per entry), and reported with the others (``rest.caches``).
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from typing import cast

from flask import Flask, current_app, has_app_context
from flask.globals import app_ctx
from sqlalchemy import select

from wger_flask.extensions import db
from wger_flask.models.ingredients import IngredientGeneration
from wger_flask.rest import answers, caches

MAX_ENTRIES = 512
MAX_RANKED_IDS = 500_000  # larger rankings keep only their count
MAX_KEPT_BYTES = 16 * 1024 * 1024  # all entries together, per worker


@dataclass(frozen=True)
class Kept:
    """A result computed at one generation: a count, and for searches the ranked ids."""

    generation: int
    count: int
    ranked_ids: array[int] | None = None


class QueryCache:
    """A bounded, thread-safe LRU of ``Kept`` results by query shape."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_KEPT_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, Kept] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, generation: int) -> Kept | None:
        with self._lock:
            kept = self._entries.get(key)
            if kept is None or kept.generation != generation:
                return None
            self._entries.move_to_end(key)
            return kept

    def put(self, key: Hashable, kept: Kept) -> None:
        with self._lock:
            self._drop(key)
            self._entries[key] = kept
            self._size += _size(kept)
            while len(self._entries) > self.max_entries or (
                self._size > self.max_bytes and len(self._entries) > 1
            ):
                self._drop(next(iter(self._entries)))

    def _drop(self, key: Hashable) -> None:
        kept = self._entries.pop(key, None)
        if kept is not None:
            self._size -= _size(kept)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._size = 0

    def size_bytes(self) -> int:
        return self._size


def _size(kept: Kept) -> int:
    ids = kept.ranked_ids
    return caches.ENTRY_OVERHEAD + (ids.itemsize * len(ids) if ids is not None else 0)


CACHE = QueryCache()
caches.register("ingredient_queries", CACHE)


CURRENT_GENERATION = select(IngredientGeneration.value).where(IngredientGeneration.id == 1)
GENERATION_SQL = "SELECT value FROM nutrition_ingredient_generation WHERE id = 1"


def generation() -> int:
    """The ingredient table's current generation (trigger-kept)."""
    return int(db.session.connection().execute(CURRENT_GENERATION).scalar() or 0)


def generation_before_reading() -> int:
    """The generation now, read before the request opens its transaction when it can (on a
    connection of its own: ``answers.read_number``); for the kept whole answers."""
    return answers.read_number(GENERATION_SQL)


# Whole ``ingredient``/``ingredientinfo`` answers, per app (one worker), kept per generation:
# the migrations' triggers move it on every write to the ingredients and to what
# ``ingredientinfo`` nests (weight units, images, languages, licenses), so a kept answer is
# current exactly when its generation is the database's.
MAX_ANSWER_BYTES = 4 * 1024 * 1024  # a page of 100 ingredientinfo rows is about 100 KB
ANSWERS_EXTENSION = "wger_ingredient_answers"


def kept_answers(app: Flask | None = None) -> answers.ResponseStore:
    """The current app's store of whole answers (created on first use)."""
    app = app or app_ctx.app
    store = app.extensions.get(ANSWERS_EXTENSION)
    if store is None:
        store = app.extensions.setdefault(
            ANSWERS_EXTENSION, answers.ResponseStore(max_bytes=MAX_ANSWER_BYTES)
        )
    return cast(answers.ResponseStore, store)


def _kept_answers_of(app: Flask | None) -> answers.ResponseStore | None:
    if app is None and not has_app_context():
        return None
    return cast(
        "answers.ResponseStore | None", (app or current_app).extensions.get(ANSWERS_EXTENSION)
    )


caches.register("ingredient_answers", _kept_answers_of)


def ranked(ids: list[int]) -> array[int] | None:
    """Ids compactly (8 bytes each), or None when there are too many to keep."""
    return array("q", ids) if len(ids) <= MAX_RANKED_IDS else None
