"""Reading request bodies as DRF's JSONParser does: JSON only, a dict, clear 4xx otherwise."""

from __future__ import annotations

from typing import Any, cast

import orjson
from flask import g, request

from wger_flask.rest.errors import APIError, ValidationFailed

JSON_TYPES = ("application/json",)


def _is_json_mimetype(mimetype: str) -> bool:
    return mimetype in JSON_TYPES or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def json_body(*, allow_form: bool = False) -> dict[str, Any]:
    """The request body as a dict (cached per request).

    415 when the body is not JSON (unless ``allow_form`` and it is form-encoded), 400 when it is
    malformed JSON or not an object. An empty body is an empty object, as DRF treats it.
    """
    if "_json_body" in g:
        return cast("dict[str, Any]", g._json_body)
    raw = request.get_data(cache=True)
    mimetype = request.mimetype or ""
    if allow_form and mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        body: Any = {key: value for key, value in request.form.items()}
    elif not raw.strip():
        body = {}
    elif not _is_json_mimetype(mimetype):
        raise APIError(415, f'Unsupported media type "{mimetype}" in request.')
    else:
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise APIError(400, f"JSON parse error - {error}") from None
    if not isinstance(body, dict):
        raise ValidationFailed(
            {
                "non_field_errors": [
                    f"Invalid data. Expected a dictionary, but got {_type_name(body)}."
                ]
            }
        )
    g._json_body = body
    return body


def _type_name(value: Any) -> str:
    return {list: "list", str: "str", int: "int", float: "float", bool: "bool"}.get(
        type(value), type(value).__name__
    )
