"""The exercises users contributed upstream, brought in with their translations, aliases,
comments, images, videos and authors, when this server's catalogue lacks them (matched by
UUID). An exercise keeps its id when the id is free here (clients cache it); otherwise it gets
a new one, which is reported. Files go through the catalogue's own upload functions (verified,
thumbnails made) and so through the one media storage.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, insert, select

from wger_flask.database import AnySession
from wger_flask.models.catalogue import (
    Alias,
    AuthorHistory,
    Exercise,
    ExerciseComment,
    ExerciseImage,
    ExerciseVideo,
    Translation,
    exercise_equipment,
    exercise_muscles,
    exercise_muscles_secondary,
)
from wger_flask.services import catalogue as catalogue_domain
from wger_flask.services.wger_import.catalogue import Catalogue
from wger_flask.services.wger_import.media_files import MediaFiles
from wger_flask.services.wger_import.source import Source
from wger_flask.services.wger_import.values import (
    as_bool,
    as_datetime,
    as_decimal,
    as_text,
    as_uuid,
)
from wger_flask.services.wger_import.writer import TableCount, write_rows

LICENSE_COLUMNS = (
    "license_title",
    "license_object_url",
    "license_author",
    "license_author_url",
    "license_derivative_source_url",
)


@dataclass
class ExerciseImport:
    """What importing exercises did: counts per table, renumbered ids, stored files."""

    counts: dict[str, TableCount] = field(default_factory=dict)
    renumbered: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    def count(self, table: str) -> TableCount:
        return self.counts.setdefault(table, TableCount())


def contributed_by(source: Source, user_id: int) -> list[int]:
    """The exercises a user created upstream (their history's first record names them)."""
    if not source.has("exercises_historicalexercise"):
        return []
    rows = source.query(
        "SELECT DISTINCT id FROM exercises_historicalexercise WHERE history_type = :plus "
        "AND history_user_id = :user ORDER BY id",
        plus="+",
        user=user_id,
    )
    return [row["id"] for row in rows]


def _free_id(session: AnySession, model: Any, wanted: int) -> int | None:
    taken = session.execute(select(model.id).where(model.id == wanted)).first()
    return None if taken else wanted


def _next_id(session: AnySession, model: Any) -> int:
    return (session.execute(select(func.max(model.id))).scalar() or 0) + 1


def _licensed(row: dict[str, Any], catalogue: Catalogue) -> dict[str, Any]:
    values: dict[str, Any] = {name: as_text(row.get(name)) for name in LICENSE_COLUMNS}
    values["license_id"] = catalogue.local_id("license", row.get("license_id")) or 2
    return values


def _history(
    source: Source, table: str, source_id: int, users: dict[int, int | None]
) -> tuple[list[str], list[tuple[str, int | None, Any]]]:
    """The authors a row credited over its saves, and (author, local user, when) per save."""
    if not source.has(table):
        return [], []
    saves = source.rows(table, "id = :id", order="history_id", id=source_id)
    authors: list[str] = []
    entries = []
    for save in saves:
        author = as_text(save.get("license_author"))
        if author and author not in authors:
            authors.append(author)
        user_id = save.get("history_user_id")
        user = users.get(user_id) if user_id else None
        entries.append((author, user, as_datetime(save.get("history_date"))))
    return authors, entries


def import_exercise(
    session: AnySession,
    source: Source,
    catalogue: Catalogue,
    media: MediaFiles,
    source_id: int,
    users: dict[int, int | None],
    result: ExerciseImport,
) -> int | None:
    """Bring one source exercise in (when missing here); its local id, or None if it cannot be."""
    local = catalogue.local_id("exercise", source_id)
    if local is not None:
        return int(local)
    rows = source.rows("exercises_exercise", "id = :id", order="", id=source_id)
    if not rows:
        return None
    row = rows[0]
    category = catalogue.local_id("category", row["category_id"])
    count = result.count("exercises_exercise")
    count.source += 1
    if category is None:
        count.skipped.append((f"exercise {source_id}", "its category is unknown here"))
        return None
    new_id = _free_id(session, Exercise, source_id) or _next_id(session, Exercise)
    if new_id != source_id:
        result.renumbered.append(f"exercise {source_id} is {new_id} here (id taken)")
    authors, saves = _history(source, "exercises_historicalexercise", source_id, users)
    values = {
        "id": new_id,
        "uuid": as_uuid(row["uuid"]),
        "category_id": category,
        "variation_group": as_uuid(row.get("variation_group")),
        "created": as_datetime(row["created"]),
        "last_update": as_datetime(row["last_update"]),
        "authors": authors,
        **_licensed(row, catalogue),
    }
    if not write_rows(session, Exercise.__table__, [values], count):
        return None
    _history_rows(session, "exercise_id", new_id, saves)
    _links(session, source, catalogue, source_id, new_id)
    _translations(session, source, catalogue, source_id, new_id, users, result)
    _media(session, source, catalogue, media, source_id, new_id, users, result)
    catalogue.forget("exercise", source_id)
    return new_id


def _history_rows(session: AnySession, column: str, row_id: int, saves: list[Any]) -> None:
    if saves:
        session.execute(
            insert(AuthorHistory),
            [
                {column: row_id, "license_author": author, "user_id": user, "changed": when}
                for author, user, when in saves
            ],
        )


def _links(
    session: AnySession, source: Source, catalogue: Catalogue, source_id: int, new_id: int
) -> None:
    for table, column, kind, local_table, local_column in (
        ("exercises_exercise_muscles", "muscle_id", "muscle", exercise_muscles, "muscle_id"),
        (
            "exercises_exercise_muscles_secondary",
            "muscle_id",
            "muscle",
            exercise_muscles_secondary,
            "muscle_id",
        ),
        (
            "exercises_exercise_equipment",
            "equipment_id",
            "equipment",
            exercise_equipment,
            "equipment_id",
        ),
    ):
        wanted = {
            catalogue.local_id(kind, link[column])
            for link in source.rows(table, "exercise_id = :id", order="", id=source_id)
        } - {None}
        if wanted:
            session.execute(
                insert(local_table),
                [{"exercise_id": new_id, local_column: target} for target in sorted(wanted)],
            )


def _translations(
    session: AnySession,
    source: Source,
    catalogue: Catalogue,
    source_id: int,
    new_id: int,
    users: dict[int, int | None],
    result: ExerciseImport,
) -> None:
    for row in source.rows("exercises_translation", "exercise_id = :id", id=source_id):
        _translation(session, source, catalogue, row, new_id, users, result)


def _translation(
    session: AnySession,
    source: Source,
    catalogue: Catalogue,
    row: dict[str, Any],
    exercise_id: int,
    users: dict[int, int | None],
    result: ExerciseImport,
) -> None:
    count = result.count("exercises_translation")
    count.source += 1
    language = catalogue.local_id("language", row["language_id"])
    if language is None:
        count.skipped.append((f"translation {row['id']}", "its language is unknown here"))
        return
    translation_id = _free_id(session, Translation, row["id"]) or _next_id(session, Translation)
    authors, saves = _history(source, "exercises_historicaltranslation", row["id"], users)
    values = {
        "id": translation_id,
        "uuid": as_uuid(row["uuid"]),
        "exercise_id": exercise_id,
        "language_id": language,
        "name": as_text(row["name"]),
        "description": as_text(row.get("description")),
        "description_source": as_text(row.get("description_source")),
        "created": as_datetime(row["created"]),
        "last_update": as_datetime(row["last_update"]),
        "authors": authors,
        **_licensed(row, catalogue),
    }
    if not write_rows(session, Translation.__table__, [values], count, key="uuid"):
        return
    _history_rows(session, "translation_id", translation_id, saves)
    for table, model, column in NOTES:
        children = source.rows(table, "translation_id = :id", id=row["id"])
        _notes(session, model, column, children, translation_id, result.count(table))


NOTES = (
    ("exercises_alias", Alias, "alias"),
    ("exercises_exercisecomment", ExerciseComment, "comment"),
)


def _notes(
    session: AnySession,
    model: Any,
    column: str,
    rows: list[dict[str, Any]],
    translation_id: int,
    count: TableCount,
) -> None:
    count.source += len(rows)
    write_rows(
        session,
        model.__table__,
        [
            {
                "id": _free_id(session, model, row["id"]) or _next_id(session, model),
                "uuid": as_uuid(row["uuid"]),
                "translation_id": translation_id,
                column: as_text(row[column]),
            }
            for row in rows
        ],
        count,
        key="uuid",
    )


def _created_by(source: Source, history: str, user_id: int) -> list[int]:
    if not source.has(history):
        return []
    rows = source.query(
        f'SELECT DISTINCT id FROM "{history}" WHERE history_type = :plus '
        "AND history_user_id = :user ORDER BY id",
        plus="+",
        user=user_id,
    )
    return [row["id"] for row in rows]


def import_contributions(
    session: AnySession,
    source: Source,
    catalogue: Catalogue,
    user_id: int,
    users: dict[int, int | None],
    result: ExerciseImport,
) -> None:
    """What a user added to exercises this catalogue has (matched by UUID): translations,
    and aliases and comments of translations it has; rows already here are left alone."""
    for translation_id in _created_by(source, "exercises_historicaltranslation", user_id):
        rows = source.rows("exercises_translation", "id = :id", order="", id=translation_id)
        if not rows or _local_by_uuid(session, Translation, rows[0]["uuid"]) is not None:
            continue
        exercise = catalogue.local_id("exercise", rows[0]["exercise_id"])
        if exercise is not None:  # else the exercise comes whole, with this translation
            _translation(session, source, catalogue, rows[0], exercise, users, result)
    for table, model, column in NOTES:
        history = (
            "exercises_historicalalias" if model is Alias else "exercises_historicalexercisecomment"
        )
        for note_id in _created_by(source, history, user_id):
            rows = source.rows(table, "id = :id", order="", id=note_id)
            if not rows or _local_by_uuid(session, model, rows[0]["uuid"]) is not None:
                continue
            parent = source.rows(
                "exercises_translation", "id = :id", order="", id=rows[0]["translation_id"]
            )
            translation = (
                _local_by_uuid(session, Translation, parent[0]["uuid"]) if parent else None
            )
            if translation is not None:
                _notes(session, model, column, rows, translation, result.count(table))


def _local_by_uuid(session: AnySession, model: Any, value: Any) -> int | None:
    return session.execute(select(model.id).where(model.uuid == as_uuid(value))).scalar()


@dataclass(frozen=True)
class MediaTable:
    """An upstream table of an exercise's files: the file goes through the catalogue's upload
    function (``store``); ``columns`` are the row's columns that come from the stored file."""

    source: str
    model: Any
    what: str  # how the report names a row: f"{what} {id}"
    file: str  # the column naming the file under upstream's MEDIA_ROOT
    store: Callable[[Any], Any]
    history: str  # upstream's history of the table (its authors)
    history_column: str  # the column of ours that names the row in the author history
    columns: Callable[[dict[str, Any], Any], dict[str, Any]]


def _image_columns(row: dict[str, Any], stored: Any) -> dict[str, Any]:
    return {
        "image": stored.name,
        "is_ai_generated": as_bool(row.get("is_ai_generated")),
        "style": as_text(row.get("style")) or "4",
        "width": stored.width,
        "height": stored.height,
        "thumbnail_small": stored.thumbnails.get("small", ""),
        "thumbnail_medium": stored.thumbnails.get("medium", ""),
    }


def _video_columns(row: dict[str, Any], video: Any) -> dict[str, Any]:
    return {
        "video": video.name,
        "size": video.size,
        "duration": as_decimal(video.duration),
        "width": video.width,
        "height": video.height,
        "codec": video.codec,
        "codec_long": video.codec_long,
    }


MEDIA = (
    MediaTable(
        "exercises_exerciseimage",
        ExerciseImage,
        "exercise image",
        "image",
        catalogue_domain.store_image,
        "exercises_historicalexerciseimage",
        "image_id",
        _image_columns,
    ),
    MediaTable(
        "exercises_exercisevideo",
        ExerciseVideo,
        "exercise video",
        "video",
        catalogue_domain.store_video,
        "exercises_historicalexercisevideo",
        "video_id",
        _video_columns,
    ),
)


def _media(
    session: AnySession,
    source: Source,
    catalogue: Catalogue,
    media: MediaFiles,
    source_id: int,
    new_id: int,
    users: dict[int, int | None],
    result: ExerciseImport,
) -> None:
    for table in MEDIA:
        for row in source.rows(table.source, "exercise_id = :id", id=source_id):
            _medium(session, source, catalogue, media, table, row, new_id, users, result)


def _medium(
    session: AnySession,
    source: Source,
    catalogue: Catalogue,
    media: MediaFiles,
    table: MediaTable,
    row: dict[str, Any],
    exercise_id: int,
    users: dict[int, int | None],
    result: ExerciseImport,
) -> None:
    """One image or video of an exercise: its file stored, its row written with its authors."""
    count = result.count(table.source)
    count.source += 1
    what = f"{table.what} {row['id']}"
    stream = media.open(row[table.file])
    if stream is None:
        count.skipped.append((what, media.missing_reason(row[table.file])))
        return
    try:
        with stream:
            stored = media.keep(table.store(stream))
    except catalogue_domain.UploadRejected as error:
        count.skipped.append((what, str(error)))
        return
    authors, saves = _history(source, table.history, row["id"], users)
    row_id = _free_id(session, table.model, row["id"]) or _next_id(session, table.model)
    values = {
        "id": row_id,
        "uuid": as_uuid(row["uuid"]),
        "exercise_id": exercise_id,
        "is_main": as_bool(row.get("is_main")),
        **table.columns(row, stored),
        "created": as_datetime(row["created"]),
        "last_update": as_datetime(row["last_update"]),
        "authors": authors,
        **_licensed(row, catalogue),
    }
    if write_rows(session, table.model.__table__, [values], count, key="uuid"):
        _history_rows(session, table.history_column, row_id, saves)
