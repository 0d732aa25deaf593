"""The exact ingredient count and deep offsets, without walking a million rows per request.

Counting a million rows on every page (``SELECT count(*)``) costs tens of milliseconds on
either database, and so does ``OFFSET 500000``, which steps over every skipped row. The
migration therefore keeps, **in the database, by triggers**, the number of rows in each block of
1,024 ids (``nutrition_ingredient_block``): an insert, delete or id change of any row, by this
server or by anyone else with SQL access, updates its block in the same transaction.

- The unfiltered count is the sum of about ``N / 1024`` small rows: exact, never stale, and
  needs no cache invalidation. (The database's statistics, ``pg_class.reltuples``, were not
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

from dataclasses import dataclass

from sqlalchemy import Select, func, select

from wger_flask.extensions import db
from wger_flask.models.nutrition import Ingredient, IngredientBlock

BLOCK_SIZE = 1024  # as the migration's triggers compute blocks: id / 1024


def total_rows() -> int:
    """The exact number of ingredients, from the trigger-kept blocks."""
    return db.session.execute(select(func.coalesce(func.sum(IngredientBlock.rows), 0))).scalar_one()


@dataclass(frozen=True)
class WindowStart:
    """Where row number ``offset`` (0-based, in id order) lies: its block, and rows to skip."""

    first_id: int
    skip: int


def window_start(offset: int) -> WindowStart | None:
    """The id range that starts at row ``offset`` of the id-ordered table; None past the end."""
    running = func.sum(IngredientBlock.rows).over(order_by=IngredientBlock.block)
    blocks = select(IngredientBlock.block, IngredientBlock.rows, running.label("upto")).subquery()
    found = db.session.execute(
        select(blocks.c.block, blocks.c.upto - blocks.c.rows)
        .where(blocks.c.upto > offset)
        .order_by(blocks.c.block)
        .limit(1)
    ).first()
    if found is None:
        return None
    block, rows_before = found
    return WindowStart(first_id=block * BLOCK_SIZE, skip=offset - rows_before)


def id_ordered_window(stmt: Select, limit: int, offset: int) -> Select:
    """``stmt`` (all ingredients, ordered by id) windowed to ``limit`` rows from ``offset``."""
    if offset == 0:
        return stmt.limit(limit)
    start = window_start(offset)
    if start is None:
        return stmt.where(Ingredient.id.is_(None)).limit(0)
    return stmt.where(Ingredient.id >= start.first_id).limit(limit).offset(start.skip)


def exact_count(stmt: Select) -> int:
    """``count(*)`` of a filtered statement."""
    return db.session.execute(
        select(func.count()).select_from(stmt.order_by(None).subquery())
    ).scalar_one()


def ordered_ids(stmt: Select) -> list[int]:
    """Every id ``stmt`` selects, in its order (one pass gives a search its ranking and count)."""
    return list(db.session.connection().execute(stmt.with_only_columns(Ingredient.id)).scalars())
