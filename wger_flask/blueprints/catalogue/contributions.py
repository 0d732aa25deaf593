"""Writes to the exercise catalogue: who may (upstream's trust rule), and what every write
does besides saving its row (author history, the translation's HTML and language check,
deletion with a replacement)."""

from __future__ import annotations

from typing import Any

from flask import Response, after_this_request, request
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from wger_flask.database import db
from wger_flask.models.catalogue import Language, Translation
from wger_flask.rest.errors import ValidationFailed, integrity_errors
from wger_flask.services.catalogue import (
    deletion,
    history,
    images,
    language,
    permissions,
    sanitize,
)


def may_contribute(user: Any) -> bool:
    """Add and edit: trustworthy or ``exercises.add_exercise``; delete: the delete permission."""
    return permissions.may_write(user, request.method)


def note_save(obj: Any, user: Any) -> None:
    """Write the row (a conflict is the client's 400) and its author-history entry."""
    try:
        history.record(obj, user)
    except IntegrityError as error:
        db.session.rollback()
        raise ValidationFailed(integrity_errors(error)) from None


def record_history(obj: Any, data: dict[str, Any], user: Any, creating: bool) -> None:
    note_save(obj, user)


def _keep_original(obj: Any, *attributes: str) -> None:
    """Undo a change of ``attributes`` (upstream silently ignores them on update)."""
    state = inspect(obj)
    for name in attributes:
        changes = state.attrs[name].history
        if changes.deleted:
            setattr(obj, name, changes.deleted[0])


def check_description_language(source: str, language_id: int) -> None:
    code = db.session.get(Language, language_id).short_name
    result = language.check(source, code)
    if not result.result:
        detected = result.detected or "unknown"
        raise ValidationFailed(
            {
                "language": [
                    f"The description seems to be in another language ({detected}) "
                    f"than the one given ({code})."
                ]
            }
        )


def save_translation(obj: Translation, data: dict[str, Any], user: Any, creating: bool) -> None:
    if not creating:
        _keep_original(obj, "exercise_id", "language_id")
    if creating or "description_source" in data:
        check_description_language(obj.description_source, obj.language_id)
    obj.description = sanitize.render_description(obj.description_source)
    note_save(obj, user)


def delete_exercise(obj: Any, user: Any) -> None:
    files = deletion.before_exercise_delete(obj, request.args)
    if files:

        @after_this_request
        def remove_files(response: Response) -> Response:
            if response.status_code < 300:  # committed: the rows are gone
                images.remove(files)
            return response


def delete_translation(obj: Any, user: Any) -> None:
    deletion.before_translation_delete(obj, request.args)


def delete_media(obj: Any, user: Any) -> None:
    deletion.before_media_delete(obj)
