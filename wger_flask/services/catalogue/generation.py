"""The catalogue's generation and the exercises' stamps: numbers that database triggers renew
on every write (migration ``df707f7c1c83``), so what was rendered from the catalogue is known to
be current with one primary-key look-up.

- The **generation** (one row) moves on any insert, update or delete of any catalogue table,
  whoever writes: this server, ``flask catalogue load``, or SQL typed by hand. Whole responses
  are kept per generation.
- An exercise's **stamp** moves when anything its ``exerciseinfo`` shows changes (its
  translations, aliases, notes, images, videos, links, and the names of what it nests). Its
  rendered JSON is kept per stamp, so a write re-renders only the exercises it touched.

Both are new values never used before (random on SQLite, a sequence on PostgreSQL), so a
result computed inside a transaction that rolled back can never match a later number. They
live in the database, so every worker and host sees a write in its very next read.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from wger_flask.models.catalogue import Exercise, ExerciseStamp
from wger_flask.rest import answers

EXERCISES_WITH_STAMPS = Exercise.__table__.outerjoin(
    ExerciseStamp.__table__, ExerciseStamp.exercise_id == Exercise.id
)
STAMP = ExerciseStamp.stamp


GENERATION_SQL = "SELECT value FROM exercises_catalogue_generation WHERE id = 1"


def current_generation() -> int:
    """The catalogue's generation now (one primary-key look-up; see ``answers.read_number``
    for the connection it is read on)."""
    return answers.read_number(GENERATION_SQL)


def with_stamps(
    stmt: Select[*tuple[Any, ...]], columns: list[Any], *after: Any
) -> Select[*tuple[Any, ...]]:
    """``stmt`` (a select of exercises) selecting ``columns``, each exercise's stamp, then
    ``after`` (the stamp is None when an exercise has no stamp row: then its JSON is rendered
    every time)."""
    return stmt.with_only_columns(*columns, STAMP.label("stamp"), *after).select_from(
        EXERCISES_WITH_STAMPS
    )
