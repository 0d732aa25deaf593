"""Upstream's near-duplicate check of exercise names: a new name (or a changed one) that is the
same as an existing translation's in that language once case, spaces, hyphens and underscores
are ignored, or at least 85 % alike (``difflib.SequenceMatcher`` on those normalised names), is
refused, naming the existing exercise.

Upstream asks PostgreSQL's trigram similarity when it runs there and ``SequenceMatcher``
otherwise; this server uses the ``SequenceMatcher`` rule on both databases, so an answer never
depends on the database (the two measures disagree near the threshold). Candidates are read
by SQL first: the same language, a name at most four characters longer or shorter.

May import: models.catalogue and SQLAlchemy.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from sqlalchemy import func, select

from wger_flask.database import AnySession
from wger_flask.models.catalogue import Translation

SIMILARITY_THRESHOLD = 0.85
LENGTH_WINDOW = 4
_SEPARATORS = re.compile(r"[\s\-_]+")


def normalised(name: str) -> str:
    """The name as the check compares it: lower case, no spaces, hyphens or underscores."""
    return _SEPARATORS.sub("", name.strip().lower())


def similar_name(
    session: AnySession, name: str, language_id: int, exclude_id: int | None = None
) -> str | None:
    """The name of an existing translation in ``language_id`` that ``name`` nearly repeats,
    the most alike first; None when there is none."""
    wanted = normalised(name)
    length = len(name)
    query = select(Translation.name).where(
        Translation.language_id == language_id,
        func.length(Translation.name).between(length - LENGTH_WINDOW, length + LENGTH_WINDOW),
    )
    if exclude_id is not None:
        query = query.where(Translation.id != exclude_id)
    best: tuple[float, str] | None = None
    for (candidate,) in session.execute(query):
        other = normalised(candidate)
        ratio = 1.0 if other == wanted else SequenceMatcher(None, wanted, other).ratio()
        if ratio >= SIMILARITY_THRESHOLD and (best is None or ratio > best[0]):
            best = (ratio, candidate)
    return None if best is None else best[1]


def too_similar_message(name: str, existing: str) -> str:
    return (
        f'The name "{name}" is too similar to the existing exercise "{existing}". Please '
        "choose a more distinct name or submit a variation instead."
    )
