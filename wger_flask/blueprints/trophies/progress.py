"""``trophy/progress/``: every trophy the caller may see, with their progress (a bare list)."""

from __future__ import annotations

from flask import Response, request

from wger_flask.blueprints.trophies.resources import blp
from wger_flask.rest import negotiation
from wger_flask.rest.auth import current_user
from wger_flask.rest.filtering import query_flag
from wger_flask.rest.serialization import compile_dumper
from wger_flask.rest.smorest import error_response, set_doc
from wger_flask.schemas.trophies import TrophyProgressSchema
from wger_flask.services.trophies import trophy_progress

dump_progress = compile_dumper(TrophyProgressSchema)


def progress() -> Response:
    """Return all trophies with the caller's progress: earned or not, how far along."""
    negotiation.page_context().name = "Trophy Progress"
    user = current_user()
    if user is None:
        return negotiation.render([])
    include_repeatable = query_flag(request.args, "include_repeatable")
    rows = trophy_progress(user, include_repeatable=include_repeatable)
    return negotiation.render([dump_progress(row) for row in rows])


set_doc(
    progress,
    {
        "operationId": "trophy_progress_list",
        "summary": "Get trophy progress",
        "description": (
            "Every active trophy with the caller's progress: whether and when it was earned, "
            "0–100 progress, and for progressive trophies not yet earned the current and "
            "target values. Hidden trophies appear once earned (staff see all); repeatable "
            "ones only with `include_repeatable=true`. Anonymous callers get `[]`."
        ),
        "parameters": [
            {
                "in": "query",
                "name": "include_repeatable",
                "schema": {"type": "string", "enum": ["true", "false"]},
                "description": "Also list repeatable trophies (personal records).",
            }
        ],
        "responses": {
            "200": {
                "description": "A bare list, not paginated",
                "content": {
                    "application/json": {"schema": {"type": "array", "items": TrophyProgressSchema}}
                },
            },
            "401": error_response("Invalid credentials"),
        },
        "security": [{"tokenAuth": []}, {"jwtAuth": []}, {"cookieAuth": []}, {}],
    },
)
blp.add_url_rule(
    "/trophy/progress/",
    endpoint="trophy-progress",
    view_func=progress,
    methods=["GET"],
    tags=["trophy"],
)
