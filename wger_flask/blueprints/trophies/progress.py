"""``trophy/progress/``: every trophy the caller may see, with their progress (a bare list)."""

from __future__ import annotations

from flask import Response

from wger_flask.blueprints.trophies.resources import blp
from wger_flask.rest import negotiation, owner_answers
from wger_flask.rest.actions import QueryArguments, action
from wger_flask.rest.auth import current_user
from wger_flask.rest.serialization import compile_dumper
from wger_flask.rest.smorest import OPTIONAL_AUTH
from wger_flask.schemas.fields import QueryFlag
from wger_flask.schemas.trophies import TrophyProgressSchema
from wger_flask.services.trophies import trophy_progress

dump_progress = compile_dumper(TrophyProgressSchema)


class ProgressArguments(QueryArguments):
    include_repeatable = QueryFlag(
        metadata={"description": "Also list repeatable trophies (personal records)."}
    )


@action(
    blp,
    "trophy",
    "progress",
    operation_id="trophy_progress_list",
    endpoint="trophy-progress",
    query=ProgressArguments,
    response=TrophyProgressSchema(many=True),
    description="A bare list, not paginated",
    errors={401: "Invalid credentials"},
    security=OPTIONAL_AUTH,
    summary="Get trophy progress",
    details=(
        "Every active trophy with the caller's progress: whether and when it was earned, "
        "0–100 progress, and for progressive trophies not yet earned the current and "
        "target values. Hidden trophies appear once earned (staff see all); repeatable "
        "ones only with `include_repeatable=True`. Anonymous callers get `[]`."
    ),
)
def progress(include_repeatable: bool = False) -> Response:
    """Return all trophies with the caller's progress: earned or not, how far along."""
    negotiation.page_context().name = "Trophy Progress"
    user = current_user()
    if user is None:
        return negotiation.render([])
    rows = trophy_progress(user, include_repeatable=include_repeatable)
    return negotiation.render([dump_progress(row) for row in rows])


# The trophy catalogue is every user's: its generation, read with the data stamp, is in the
# key. Hidden trophies show to staff: is_staff is the user row, which the stamp covers.
owner_answers.keep_answers_of("trophies.trophy-progress", lambda user: user.trophy_generation)
