"""The catalogue's author history: one row per save of a licensed row (exercise, translation,
image, video), naming the author it credited and the account that saved it.

The schemas' ``author_history`` is upstream's (the distinct authors over the row's saves, the
shipped rows' own author included); exerciseinfo's ``total_authors_history`` joins those of an
exercise with its translations', images' and videos'.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect

from wger_flask.database import db
from wger_flask.models.catalogue import (
    AuthorHistory,
    Exercise,
    ExerciseImage,
    ExerciseVideo,
    Translation,
)

COLUMN = {
    Exercise: "exercise_id",
    Translation: "translation_id",
    ExerciseImage: "image_id",
    ExerciseVideo: "video_id",
}


def record(row: Any, user: Any) -> None:
    """Note a save of ``row`` by ``user``: its ``authors`` and a log entry (flushed)."""
    authors = list(row.authors or [])
    if not authors:  # a shipped row's first edit: it credited its shipped author until now
        before = inspect(row).attrs.license_author.history.deleted
        authors = [before[0]] if before and before[0] else []
    author = row.license_author or ""
    if author and author not in authors:
        authors.append(author)
    if authors != (row.authors or []):
        row.authors = authors
    db.session.add(row)
    db.session.flush()
    entry = AuthorHistory(
        license_author=row.license_author or "", user_id=getattr(user, "id", None)
    )
    setattr(entry, COLUMN[type(row)], row.id)
    db.session.add(entry)
