"""``POST exercise-submission/``: a new exercise with its translations, aliases and comments in
one request, all or nothing; and ``POST check-language/`` (``language``).

Contributors only (``services.catalogue.may_contribute``); at most ``exercise_submission``
(20/hour) per account, through the shared limiter, unless it holds
``exercises.add_exercise``.
"""

from __future__ import annotations

from flask import Response
from marshmallow import ValidationError, fields, validate
from sqlalchemy import select

from wger_flask.blueprints.catalogue import language as language_routes
from wger_flask.database import db
from wger_flask.models.catalogue import (
    Equipment,
    Exercise,
    ExerciseCategory,
    Language,
    License,
    Muscle,
    Translation,
)
from wger_flask.rest import negotiation
from wger_flask.rest.auth import current_user
from wger_flask.rest.errors import APIError, ValidationFailed
from wger_flask.rest.permissions import require_user
from wger_flask.rest.requests import json_body
from wger_flask.rest.resources import commit
from wger_flask.rest.smorest import (
    AUTHENTICATED,
    VALIDATION_ERROR,
    Blueprint,
    error_response,
    set_doc,
)
from wger_flask.rest.throttling import client_key, limiter, quota
from wger_flask.schemas.base import BaseSchema
from wger_flask.schemas.fields import Related, RelatedIds, UUIDString, messages_of
from wger_flask.services.catalogue import permissions
from wger_flask.services.catalogue import submission as submissions

blp = Blueprint(
    "exercise-submission",
    __name__,
    url_prefix="/api/v2",
    description="Exercise submissions and the language check",
)

SCOPE = "exercise_submission"


class ExerciseSubmissionAliasRequestSchema(BaseSchema):
    alias = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ExerciseSubmissionCommentRequestSchema(BaseSchema):
    comment = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ExerciseTranslationSubmissionRequestSchema(BaseSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description_source = fields.String(required=True, validate=validate.Length(min=40))
    language = Related(Language, required=True)
    aliases = fields.List(fields.Nested(ExerciseSubmissionAliasRequestSchema), load_default=list)
    comments = fields.List(fields.Nested(ExerciseSubmissionCommentRequestSchema), load_default=list)
    license_author = fields.String(validate=validate.Length(max=3500), load_default="")


class ExerciseSubmissionRequestSchema(BaseSchema):
    category = Related(ExerciseCategory, required=True)
    muscles = RelatedIds(Muscle, load_default=list)
    muscles_secondary = RelatedIds(Muscle, load_default=list)
    equipment = RelatedIds(Equipment, load_default=list)
    variation_group = UUIDString(allow_none=True, load_default=None)
    variations_connect_to = Related(
        Exercise,
        allow_none=True,
        load_default=None,
        metadata={"description": "If given, the new exercise joins this one's variations."},
    )
    license = Related(License, load_default=None)
    license_author = fields.String(validate=validate.Length(max=3500), load_default="")
    translations = fields.List(
        fields.Nested(ExerciseTranslationSubmissionRequestSchema), required=True
    )


class ExerciseTranslationSubmissionSchema(BaseSchema):
    name = fields.String(required=True)
    description_source = fields.String(required=True)
    language = fields.Integer(attribute="language_id", required=True)
    license_author = fields.String()


class ExerciseSubmissionSchema(BaseSchema):
    id = fields.Integer(dump_only=True, required=True)
    category = fields.Integer(attribute="category_id", required=True)
    muscles = RelatedIds(Muscle)
    muscles_secondary = RelatedIds(Muscle)
    equipment = RelatedIds(Equipment)
    variation_group = UUIDString(allow_none=True)
    license = fields.Integer(attribute="license_id")
    license_author = fields.String()
    translations = fields.Nested(ExerciseTranslationSubmissionSchema, many=True, required=True)


REQUEST = ExerciseSubmissionRequestSchema()
RESPONSE = ExerciseSubmissionSchema()


def exempt() -> bool:
    """Holders of the add permission are not counted (upstream's exemption)."""
    return permissions.has_permission(current_user(), permissions.ADD_EXERCISE)


@limiter.shared_limit(quota(SCOPE), scope=SCOPE, key_func=client_key, exempt_when=exempt)
def submit_exercise() -> Response:
    user = require_user(current_user())
    if not permissions.may_add_or_edit(user):
        raise APIError(403)
    try:
        data = REQUEST.load(json_body())
    except ValidationError as error:
        raise ValidationFailed(messages_of(error)) from None
    try:
        exercise = submissions.create(data, user)
    except submissions.SubmissionRefused as refused:
        db.session.rollback()
        raise ValidationFailed(refused.errors) from None
    commit()
    exercise = db.session.get_one(Exercise, exercise.id)
    translations = db.session.execute(
        select(Translation).where(Translation.exercise_id == exercise.id).order_by(Translation.id)
    ).scalars()
    body = RESPONSE.dump(exercise)
    body["translations"] = ExerciseTranslationSubmissionSchema(many=True).dump(translations)
    return negotiation.render(body, 201)


set_doc(
    submit_exercise,
    {
        "operationId": "exercise_submission_create",
        "description": "Submit a new exercise with its translations, aliases and comments "
        "(at least one translation in English); all of it is created, or nothing.",
        "tags": ["exercise-submission"],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": ExerciseSubmissionRequestSchema}},
        },
        "responses": {
            "201": {
                "description": "The created exercise",
                "content": {"application/json": {"schema": ExerciseSubmissionSchema}},
            },
            "400": VALIDATION_ERROR,
            "401": error_response("Authentication credentials were not provided or invalid"),
            "403": error_response("Only trustworthy accounts may submit exercises"),
            "429": error_response("Too many submissions: see the Retry-After header"),
        },
        "security": AUTHENTICATED,
    },
)

blp.add_url_rule("/exercise-submission/", "exercise_submission", submit_exercise, methods=["POST"])
language_routes.register(blp)
