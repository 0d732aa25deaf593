"""Ingredient search: ``name__search`` and ``language__code``, the same rules on every database.

A term matches an ingredient whose name contains it, case-insensitively. A term of 8, 12, 13
or 14 digits is first looked up as a barcode: when an ingredient has that ``code`` the result
is just those rows. Without an explicit ``ordering`` the matches are ranked: exact name, then
names starting with the term, then names with a word starting with it, then any substring;
shorter names first within a rank, then by id (not by name: collations differ between
databases, and the ranking must not). ``ranked_ids`` ranks a whole result in Python by the
same key (one pass over the matches, no sort in SQL); the SQL ordering serves pages that are
not kept.

The substring test uses an index on both databases: on SQLite an FTS5 table with the trigram
tokenizer (kept in sync by triggers, see the migration), on PostgreSQL a GIN trigram index on
``lower(name)``. Trigrams need three characters: shorter terms are matched by scanning names
(correct, but slower on a large catalogue).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, Select, case, column, func, literal_column, select, table

from wger_flask.extensions import db
from wger_flask.models.ingredients import Ingredient
from wger_flask.services.catalogue import language_ids

BARCODE_LENGTHS = (8, 12, 13, 14)
TRIGRAM = 3
ESCAPE = "\\"
FTS_TABLE = "nutrition_ingredient_fts"
FTS = table(FTS_TABLE, column("rowid"))


def looks_like_barcode(term: str) -> bool:
    """EAN-8, UPC-A, EAN-13 or GTIN-14: only digits, of one of those lengths."""
    return term.isascii() and term.isdigit() and len(term) in BARCODE_LENGTHS


def like_escaped(text: str) -> str:
    """``text`` as a literal inside a LIKE pattern."""
    for special in (ESCAPE, "%", "_"):
        text = text.replace(special, ESCAPE + special)
    return text


def fts_phrase(term: str) -> str:
    """An FTS5 phrase query for ``term`` (a trigram phrase matches any substring)."""
    return '"' + term.replace('"', '""') + '"'


def _name_contains(lowered: str) -> ColumnElement[bool]:
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite" and len(lowered) >= TRIGRAM:
        matching = literal_column(FTS_TABLE).op("MATCH")(fts_phrase(lowered))
        return Ingredient.id.in_(select(FTS.c.rowid).where(matching))
    pattern = f"%{like_escaped(lowered)}%"
    return func.lower(Ingredient.name).like(pattern, escape=ESCAPE)


def _relevance(lowered: str) -> list[ColumnElement[Any]]:
    name = func.lower(Ingredient.name)
    escaped = like_escaped(lowered)
    rank = case(
        (name == lowered, 0),
        (name.like(f"{escaped}%", escape=ESCAPE), 1),
        (name.like(f"% {escaped}%", escape=ESCAPE), 2),
        else_=3,
    )
    return [rank, func.length(Ingredient.name)]  # then the id, the lists' default ordering


def _barcode_match(stmt: Select[*tuple[Any, ...]], term: str) -> Select[*tuple[Any, ...]] | None:
    by_code = stmt.where(Ingredient.code == term)
    found = db.session.execute(by_code.with_only_columns(Ingredient.id).limit(1)).first()
    return by_code if found is not None else None


def search(stmt: Select[*tuple[Any, ...]], term: str) -> Select[*tuple[Any, ...]]:
    """Filter ``stmt`` (a select of Ingredient) by ``term`` and rank it by relevance."""
    term = term.strip()
    if not term:
        return stmt
    if looks_like_barcode(term):
        by_code = _barcode_match(stmt, term)
        if by_code is not None:
            return by_code
    lowered = term.lower()
    return stmt.where(_name_contains(lowered)).order_by(*_relevance(lowered))


def relevance_key(term: str) -> Callable[[tuple[int, str]], tuple[int, int, int]]:
    """The ranking of ``search`` as a sort key of ``(id, name)`` rows."""
    lowered = term.strip().lower()
    word = " " + lowered

    def key(row: tuple[int, str]) -> tuple[int, int, int]:
        pk, name = row
        folded = name.lower()
        if folded == lowered:
            rank = 0
        elif folded.startswith(lowered):
            rank = 1
        elif word in folded:
            rank = 2
        else:
            rank = 3
        return rank, len(name), pk

    return key


def ranked_ids(stmt: Select[*tuple[Any, ...]], term: str) -> list[int]:
    """Every id a ``search`` statement selects, in relevance order, ranked in Python."""
    unranked = stmt.order_by(None).with_only_columns(Ingredient.id, Ingredient.name)
    rows: list[tuple[int, str]] = [
        (row[0], row[1]) for row in db.session.connection().execute(unranked)
    ]
    rows.sort(key=relevance_key(term))
    return [row[0] for row in rows]


def in_languages(stmt: Select[*tuple[Any, ...]], codes: str) -> Select[*tuple[Any, ...]]:
    """Ingredients in the languages of a comma list of codes; unknown codes are ignored,
    and only unknown codes filter nothing (upstream)."""
    languages = language_ids(codes, unknown_means_english=False)
    if not languages:
        return stmt
    return stmt.where(Ingredient.language_id.in_(languages))
