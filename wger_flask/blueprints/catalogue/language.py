"""``POST check-language/``: is a text written in the given language? (upstream's check, used
by the apps before they submit an exercise). Public, like upstream's.

Body: ``input`` (at least 10 characters) and the language as ``language`` (its id) or
``language_code`` (``"de"``). 200 ``{"result": true}`` when the detected language is the given
one; 400 ``{"check": {"result": false, "detected_language": "de" | null, "message": ...}}``
when it is not; 400 ``{"language": [...]}`` when the language is missing or unknown.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from marshmallow import ValidationError, fields, validate
from sqlalchemy import select

from wger_flask.database import db
from wger_flask.models.catalogue import Language
from wger_flask.rest import negotiation
from wger_flask.rest.errors import APIError, ValidationFailed
from wger_flask.rest.filtering import beyond_any_key
from wger_flask.rest.requests import json_body
from wger_flask.rest.smorest import OPTIONAL_AUTH, VALIDATION_ERROR, Blueprint, set_doc
from wger_flask.schemas.base import BaseSchema
from wger_flask.schemas.fields import messages_of
from wger_flask.services.catalogue import language as detection


class LanguageCheckRequestSchema(BaseSchema):
    language = fields.Integer(strict=True)
    language_code = fields.String(validate=validate.Length(equal=2))
    input = fields.String(required=True, validate=validate.Length(min=10))


class LanguageCheckResponseSchema(BaseSchema):
    result = fields.Boolean(required=True)


REQUEST = LanguageCheckRequestSchema()


def _language(data: dict[str, Any]) -> Language:
    if data.get("language") is not None:
        pk = data["language"]
        row = None if beyond_any_key(Language, pk) else db.session.get(Language, pk)
    elif data.get("language_code"):
        row = db.session.execute(
            select(Language).where(Language.short_name == data["language_code"].lower())
        ).scalar_one_or_none()
    else:
        raise ValidationFailed({"language": ["Give the language as language or language_code."]})
    if row is None:
        raise ValidationFailed({"language": ["Unknown language."]})
    return row


def check_language() -> Response:
    try:
        data = REQUEST.load(json_body())
    except ValidationError as error:
        raise ValidationFailed(messages_of(error)) from None
    language = _language(data)
    result = detection.check(data["input"], language.short_name)
    if not result.result:
        detected = result.detected
        message = (
            f"The text seems to be in another language ({detected}), not {language.short_name}."
            if detected
            else f"The language of the text could not be detected as {language.short_name}."
        )
        raise APIError(
            400,
            body={"check": {"result": False, "detected_language": detected, "message": message}},
        )
    return negotiation.render({"result": True})


def register(blp: Blueprint) -> None:
    blp.add_url_rule("/check-language/", "check_language", check_language, methods=["POST"])


set_doc(
    check_language,
    {
        "operationId": "check_language_create",
        "description": "Checks the language of a string",
        "tags": ["check-language"],
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": LanguageCheckRequestSchema}},
        },
        "responses": {
            "200": {
                "description": "The text is in the given language",
                "content": {"application/json": {"schema": LanguageCheckResponseSchema}},
            },
            "400": {
                **VALIDATION_ERROR,
                "description": "The input could not be detected as the given language, or the "
                "language itself is unknown",
            },
        },
        "security": OPTIONAL_AUTH,
    },
)
