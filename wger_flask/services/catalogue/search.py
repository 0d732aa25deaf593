"""Exercise search for ``exerciseinfo``: ``name__search`` and ``language__code``.

A term matches an exercise when one of its translations' names, or one of their aliases,
contains it (case-insensitive, Unicode-aware on every database). With ``language__code`` only
translations in those languages count. Without an explicit ``ordering`` the results are ranked
as upstream ranks them: exact name, then prefix, then a word starting with the term, then any
substring; shorter names first within a rank.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, or_, select

from wger_flask.extensions import db
from wger_flask.models.catalogue import Alias, Exercise, Language, Translation

ENGLISH = "en"


def language_ids(codes: str | None, *, unknown_means_english: bool) -> list[int] | None:
    """Language ids for a comma list of codes; None when no codes were given.

    Unknown codes fall back to English for exercises (upstream's ``load_language``).
    """
    if not codes:
        return None
    wanted = {code.strip().lower() for code in codes.split(",") if code.strip()}
    if not wanted:
        return None
    rows = db.session.execute(
        select(Language.id, Language.short_name).where(Language.short_name.in_(wanted | {ENGLISH}))
    ).all()
    by_code = {short_name: language_id for language_id, short_name in rows}
    found = {by_code[code] for code in wanted if code in by_code}
    if unknown_means_english and any(code not in by_code for code in wanted) and ENGLISH in by_code:
        found.add(by_code[ENGLISH])
    return sorted(found)


def _translation_matches(term: str, languages: Iterable[int] | None) -> list[ColumnElement[bool]]:
    lowered = term.lower()
    alias_match = exists(
        select(Alias.id).where(
            Alias.translation_id == Translation.id,
            func.lower(Alias.alias).contains(lowered, autoescape=True),
        )
    )
    condition = or_(func.lower(Translation.name).contains(lowered, autoescape=True), alias_match)
    clauses = [Translation.exercise_id == Exercise.id, condition]
    if languages is not None:
        clauses.append(Translation.language_id.in_(list(languages)))
    return clauses


def search(
    stmt: Select[*tuple[Any, ...]], term: str, languages: Iterable[int] | None
) -> Select[*tuple[Any, ...]]:
    """Filter ``stmt`` (a select of Exercise) by ``term`` and order it by relevance."""
    term = term.strip()
    if not term:
        return stmt
    languages = list(languages) if languages is not None else None
    matches = _translation_matches(term, languages)
    stmt = stmt.where(exists(select(Translation.id).where(*matches)))
    lowered = func.lower(Translation.name)
    term_lower = term.lower()
    rank = (
        select(
            func.min(
                case(
                    (lowered == term_lower, 0),
                    (lowered.startswith(term_lower, autoescape=True), 1),
                    (lowered.contains(" " + term_lower, autoescape=True), 2),
                    else_=3,
                )
            )
        )
        .where(*matches)
        .scalar_subquery()
    )
    shortest = select(func.min(func.length(Translation.name))).where(*matches).scalar_subquery()
    return stmt.order_by(rank, shortest)


def in_languages(
    stmt: Select[*tuple[Any, ...]], languages: Iterable[int]
) -> Select[*tuple[Any, ...]]:
    """Exercises with at least one translation in ``languages``."""
    return stmt.where(
        exists(
            select(Translation.id).where(
                Translation.exercise_id == Exercise.id,
                Translation.language_id.in_(list(languages)),
            )
        )
    )
