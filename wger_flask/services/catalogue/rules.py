"""The catalogue's write rules, per table (``docs/architecture.md``, "Where a rule goes"): who
may contribute (upstream's trust rule), and what every write does besides saving its row
(author history, the translation's HTML, language and near-duplicate name checks, the comments'
language check, ``is_main`` kept unique, deletion
with a replacement and the files that go after the commit)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import inspect, select, update
from sqlalchemy.exc import IntegrityError

from wger_flask.database import AnySession, after_commit
from wger_flask.models.catalogue import (
    Alias,
    Exercise,
    ExerciseComment,
    ExerciseImage,
    ExerciseVideo,
    Language,
    Translation,
)
from wger_flask.rest.errors import ValidationFailed, integrity_errors
from wger_flask.rest.writes import DESTROY, Rules
from wger_flask.services.catalogue import (
    deletion,
    duplicates,
    history,
    images,
    language,
    permissions,
    sanitize,
)


def may_contribute(user: Any, action: str) -> bool:
    """Add and edit: trustworthy or ``exercises.add_exercise``; delete: the delete permission."""
    return permissions.may_write(user, "DELETE" if action == DESTROY else "POST")


def note_save(session: AnySession, row: Any, user: Any) -> None:
    """Write the row (a conflict is the client's 400) and its author-history entry."""
    try:
        history.record(row, user)
    except IntegrityError as error:
        session.rollback()
        raise ValidationFailed(integrity_errors(error)) from None


def keep_original(row: Any, *attributes: str) -> None:
    """Undo a change of ``attributes`` (upstream silently ignores them on update)."""
    state = inspect(row)
    for name in attributes:
        changes = state.attrs[name].history
        if changes.deleted:
            setattr(row, name, changes.deleted[0])


def language_problem(session: AnySession, text: str, language_id: int, what: str) -> str | None:
    """Why ``text`` (the ``what`` of a translation: its description, a comment) is refused for
    being in another language than the translation's; None when it is in that language.
    Upstream names the ``language`` field for both. A comment is short: it is refused only
    when clearly in another language (``language.plausible``)."""
    code = session.get_one(Language, language_id).short_name
    result = (language.plausible if what == "comment" else language.check)(text, code)
    if result.result:
        return None
    detected = result.detected or "unknown"
    return f"The {what} seems to be in another language ({detected}) than the one given ({code})."


def check_description_language(session: AnySession, source: str, language_id: int) -> None:
    """A description in another language than its translation's is refused, naming both."""
    problem = language_problem(session, source, language_id, "description")
    if problem:
        raise ValidationFailed({"language": [problem]})


def check_name_is_distinct(session: AnySession, row: Translation, creating: bool) -> None:
    """Upstream's near-duplicate check, on a new name or a changed one (names that were
    near-duplicates before the check existed may keep their other edits)."""
    if not creating:
        changes = inspect(row).attrs["name"].history
        before = changes.deleted[0] if changes.deleted else row.name
        if duplicates.normalised(before) == duplicates.normalised(row.name):
            return
    with session.no_autoflush:  # the row itself is not a candidate yet
        existing = duplicates.similar_name(
            session, row.name, row.language_id, None if creating else row.id
        )
    if existing is not None:
        raise ValidationFailed({"name": [duplicates.too_similar_message(row.name, existing)]})


# ------------------------------------------------------------------------------ exercises


def check_exercise(
    session: AnySession, row: Exercise, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """Every save is recorded in the author history."""
    note_save(session, row, user)


def check_exercise_delete(
    session: AnySession, row: Exercise, options: Mapping[str, str], user: Any
) -> None:
    """Upstream's deletion: a deletion log (naming the ``replaced_by`` exercise, if valid),
    the users' entries and logs moved to the replacement, media and missing translations
    moved when asked (``transfer_media``, ``transfer_translations``); the files of the media
    deleted with it go once the commit succeeded."""
    files = deletion.before_exercise_delete(row, options)
    if files:
        after_commit(session, lambda: images.remove(files))


def check_translation(
    session: AnySession, row: Translation, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """Its exercise and language are fixed once made; the description must be in its
    language and is kept as sanitised HTML; a new or changed name must not nearly repeat another
    exercise's in that language; every save is recorded in the author history."""
    if not creating:
        keep_original(row, "exercise_id", "language_id")
    if creating or "description_source" in data:
        check_description_language(session, row.description_source, row.language_id)
    if creating or "name" in data:
        check_name_is_distinct(session, row, creating)
    row.description = sanitize.render_description(row.description_source)
    note_save(session, row, user)


def check_translation_delete(
    session: AnySession, row: Translation, options: Mapping[str, str], user: Any
) -> None:
    """A deletion log naming the ``replaced_by`` translation, if valid."""
    deletion.before_translation_delete(row, options)


def check_comment(
    session: AnySession, row: ExerciseComment, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """A comment is written in its translation's language (upstream's check; the field named
    is ``language``, as upstream's)."""
    if not (creating or "comment" in data or "translation_id" in data):
        return
    translation_language = session.execute(
        select(Translation.language_id).where(Translation.id == row.translation_id)
    ).scalar_one()
    problem = language_problem(session, row.comment, translation_language, "comment")
    if problem:
        raise ValidationFailed({"language": [problem]})


# ------------------------------------------------------------------------------ images, videos


def keep_one_main(session: AnySession, row: Any) -> None:
    """``is_main`` unique per exercise: a new main one demotes the others; an exercise's only
    (or first) file is its main one, as upstream."""
    model = type(row)
    session.add(row)
    session.flush()
    others = (model.exercise_id == row.exercise_id) & (model.id != row.id)
    if row.is_main:
        session.execute(
            update(model)
            .where(others, model.is_main.is_(True))
            .values(is_main=False)
            .execution_options(synchronize_session=False)
        )
    elif (
        session.execute(select(model.id).where(others, model.is_main.is_(True)).limit(1)).first()
        is None
    ):
        row.is_main = True


def promote_next_main(session: AnySession, row: Any) -> None:
    """Deleting the main file makes the exercise's oldest other one main."""
    if not row.is_main:
        return
    model = type(row)
    successor = session.execute(
        select(model.id)
        .where(model.exercise_id == row.exercise_id, model.id != row.id)
        .order_by(model.id)
        .limit(1)
    ).scalar_one_or_none()
    if successor is not None:
        session.execute(
            update(model)
            .where(model.id == successor)
            .values(is_main=True)
            .execution_options(synchronize_session=False)
        )


def check_exercise_media(
    session: AnySession, row: Any, data: dict[str, Any], user: Any, creating: bool
) -> None:
    """One main image (video) per exercise; every save is recorded in the author history."""
    keep_one_main(session, row)
    note_save(session, row, user)


def check_exercise_media_delete(
    session: AnySession, row: Any, options: Mapping[str, str], user: Any
) -> None:
    """The next one becomes main; a deletion log entry."""
    promote_next_main(session, row)
    deletion.before_media_delete(row)


MEDIA_RULES = Rules(
    save=check_exercise_media, delete=check_exercise_media_delete, permission=may_contribute
)

RULES: dict[type[Any], Rules] = {
    Exercise: Rules(save=check_exercise, delete=check_exercise_delete, permission=may_contribute),
    Translation: Rules(
        save=check_translation, delete=check_translation_delete, permission=may_contribute
    ),
    ExerciseImage: MEDIA_RULES,
    ExerciseVideo: MEDIA_RULES,
    ExerciseComment: Rules(save=check_comment, permission=may_contribute),
    Alias: Rules(permission=may_contribute),
}
