"""The exact ingredient count and deep offsets, without walking a million rows per request.

Counting a million rows on every page (``SELECT count(*)``) costs tens of milliseconds on
either database, and so does ``OFFSET 500000``, which steps over every skipped row. The
migration therefore keeps, **in the database, by triggers**, the number of rows in each block of
1,024 ids (``nutrition_ingredient_block``): an insert, delete or id change of any row, by this
server or by anyone else with SQL access, updates its block in the same transaction.

- The unfiltered count is the sum of about ``N / 1024`` small rows: exact and never stale.
  Each worker keeps the blocks' running sums for the table's current generation (see
  ``services/ingredient_query_cache``) and reads them again only after a write. (The database's statistics, ``pg_class.reltuples``, were not
  taken: they are estimates, and clients page with ``count``.) Filtered counts stay exact
  ``count(*)`` queries of the filtered statement, kept per query shape until the table changes
  (``services/ingredient_query_cache``).
- A deep offset of the unfiltered, id-ordered list becomes an id range: the running sum over
  the blocks finds the block that holds row number ``offset`` and how many of its rows to
  skip (fewer than 1,024), so the page is read from the primary-key index at that id.

The price: writers of ingredients update one small block row per 1,024 ids (PostgreSQL does it
once per statement through transition tables, so bulk loads stay fast).
"""

from __future__ import annotations

import bisect
from array import array
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select

from wger_flask.extensions import db
from wger_flask.models.ingredients import Ingredient, IngredientBlock
from wger_flask.services.ingredients.query_cache import generation

BLOCK_SIZE = 1024  # as the migration's triggers compute blocks: id / 1024


BLOCKS = select(IngredientBlock.block, IngredientBlock.rows).order_by(IngredientBlock.block)


@dataclass(frozen=True)
class BlockIndex:
    """The blocks at one table generation: block numbers and running row totals."""

    generation: int
    blocks: array[int]
    running: array[int]  # rows in this block and all before it

    @property
    def total(self) -> int:
        return self.running[-1] if self.running else 0


_kept: BlockIndex | None = None  # this process's copy, for the generation it was read at


def block_index(current: int | None = None) -> BlockIndex:
    """The block index of the table generation ``current`` (default: read it now); the
    blocks are read again only after a write."""
    global _kept
    if current is None:
        current = generation()
    kept = _kept
    if kept is not None and kept.generation == current:
        return kept
    blocks, running, total = array("q"), array("q"), 0
    for block, rows in db.session.connection().execute(BLOCKS):
        total += rows
        blocks.append(block)
        running.append(total)
    _kept = kept = BlockIndex(current, blocks, running)
    return kept


def total_rows(current: int | None = None) -> int:
    """The exact number of ingredients, from the trigger-kept blocks."""
    return block_index(current).total


@dataclass(frozen=True)
class WindowStart:
    """Where row number ``offset`` (0-based, in id order) lies: its block, and rows to skip."""

    first_id: int
    skip: int


def window_start(offset: int, current: int | None = None) -> WindowStart | None:
    """The id range that starts at row ``offset`` of the id-ordered table; None past the end."""
    index = block_index(current)
    position = bisect.bisect_right(index.running, offset)
    if position == len(index.running):
        return None
    rows_before = index.running[position - 1] if position else 0
    return WindowStart(first_id=index.blocks[position] * BLOCK_SIZE, skip=offset - rows_before)


def id_ordered_window(
    stmt: Select[*tuple[Any, ...]], limit: int, offset: int, current: int | None = None
) -> Select[*tuple[Any, ...]]:
    """``stmt`` (all ingredients, ordered by id) windowed to ``limit`` rows from ``offset``."""
    if offset == 0:
        return stmt.limit(limit)
    start = window_start(offset, current)
    if start is None:
        return stmt.where(Ingredient.id.is_(None)).limit(0)
    return stmt.where(Ingredient.id >= start.first_id).limit(limit).offset(start.skip)


def exact_count(stmt: Select[*tuple[Any, ...]]) -> int:
    """``count(*)`` of a filtered statement."""
    return db.session.execute(
        select(func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()
