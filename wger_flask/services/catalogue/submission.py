"""An exercise submission: one exercise with its translations, their aliases and comments,
created all together or not at all (upstream's ``exercise-submission/``).

The caller validated the shapes; this checks the rules between the parts (at least one
translation, one of them English, one translation per language, each description and comment
in its translation's language, no name nearly repeating an existing exercise's) and writes everything in the session. The request commits once; any error before
raises ``SubmissionRefused`` and nothing has been written.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from wger_flask.database import db
from wger_flask.models.catalogue import (
    Alias,
    Exercise,
    ExerciseComment,
    Language,
    Translation,
)
from wger_flask.services.catalogue import duplicates, history, language, sanitize

ENGLISH = "en"


class SubmissionRefused(Exception):
    """The submission breaks a rule; ``errors`` is the DRF-shaped body."""

    def __init__(self, errors: dict[str, Any]) -> None:
        super().__init__(errors)
        self.errors = errors


def check(data: dict[str, Any]) -> None:
    """The rules between the parts of a submission (shapes are already valid)."""
    translations = data.get("translations") or []
    if not translations:
        raise SubmissionRefused({"translations": ["At least one translation is required."]})
    codes = dict(db.session.execute(select(Language.id, Language.short_name)).all())
    languages = [item["language_id"] for item in translations]
    if ENGLISH not in {codes.get(pk) for pk in languages}:
        raise SubmissionRefused({"translations": ["At least one translation must be in English."]})
    if len(set(languages)) != len(languages):
        raise SubmissionRefused({"translations": ["Only one translation per language."]})
    if data.get("variation_group") and data.get("variations_connect_to"):
        raise SubmissionRefused(
            {
                "non_field_errors": [
                    "Give either variation_group or variations_connect_to, not both."
                ]
            }
        )
    errors: list[dict[str, list[str]]] = []
    for item in translations:
        errors.append(translation_problems(item, codes[item["language_id"]]))
    if any(errors):
        raise SubmissionRefused({"translations": errors})


def translation_problems(item: dict[str, Any], code: str) -> dict[str, list[str]]:
    """What is wrong with one translation of a submission, as the single-row rules would say:
    its description's and its comments' language, a name nearly repeating another exercise's."""
    problems: dict[str, list[str]] = {}
    texts = [("description", item["description_source"])]
    texts += [("comment", comment["comment"]) for comment in item.get("comments", [])]
    for what, text in texts:
        result = (language.plausible if what == "comment" else language.check)(text, code)
        if not result.result:
            problems.setdefault("language", []).append(
                f"The {what} seems to be in another language "
                f"({result.detected or 'unknown'}) than the one given ({code})."
            )
    existing = duplicates.similar_name(db.session, item["name"], item["language_id"])
    if existing is not None:
        problems["name"] = [duplicates.too_similar_message(item["name"], existing)]
    return problems


def create(data: dict[str, Any], user: Any) -> Exercise:
    """Write the exercise with everything it came with (the caller commits)."""
    check(data)
    exercise = Exercise(
        category_id=data["category_id"],
        muscles=data.get("muscles", []),
        muscles_secondary=data.get("muscles_secondary", []),
        equipment=data.get("equipment", []),
        variation_group=data.get("variation_group"),
        license_author=data.get("license_author", ""),
    )
    if data.get("license_id") is not None:
        exercise.license_id = data["license_id"]
    connect_to = data.get("variations_connect_to_id")
    if connect_to is not None:
        other = db.session.get_one(Exercise, connect_to)
        if other.variation_group is None:
            other.variation_group = uuid.uuid4()
        exercise.variation_group = other.variation_group
    history.record(exercise, user)
    for item in data["translations"]:
        translation = Translation(
            exercise_id=exercise.id,
            language_id=item["language_id"],
            name=item["name"],
            description_source=item["description_source"],
            description=sanitize.render_description(item["description_source"]),
            license_author=item.get("license_author", ""),
            license_id=exercise.license_id,
        )
        history.record(translation, user)
        for alias in item.get("aliases", []):
            db.session.add(Alias(translation_id=translation.id, alias=alias["alias"]))
        for comment in item.get("comments", []):
            db.session.add(
                ExerciseComment(translation_id=translation.id, comment=comment["comment"])
            )
    db.session.flush()
    return exercise
