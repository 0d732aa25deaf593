"""Trophies (public catalogue), the caller's earned trophies and statistics: read-only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from wger_flask.models.trophies import TROPHY_TYPES, Trophy, UserStatistics, UserTrophy
from wger_flask.rest import negotiation, owner_answers, pagination
from wger_flask.rest.errors import not_found
from wger_flask.rest.filtering import GT, GTE, IN, LT, LTE, Filter, FilterSet, exact
from wger_flask.rest.filtering import parse_choice as choice
from wger_flask.rest.resources import Resource
from wger_flask.rest.smorest import Blueprint
from wger_flask.schemas.trophies import TrophySchema, UserStatisticsSchema, UserTrophySchema
from wger_flask.services.trophies import visible_trophies

blp = Blueprint("trophies", __name__, url_prefix="/api/v2", description="Trophies and statistics")


def trophy_type(target: Any) -> Filter:
    return Filter(target=target, kind="str", lookups=("exact", IN), parser=choice(TROPHY_TYPES))


TROPHY = Resource(
    name="trophy",
    model=Trophy,
    schema=TrophySchema,
    summary="The trophies: active ones, hidden ones only once earned (or to staff).",
    scope=visible_trophies,
    filters=FilterSet(
        {
            "id": exact(Trophy.id, "int", IN),
            "trophy_type": trophy_type(Trophy.trophy_type),
            "is_active": exact(Trophy.is_active, "bool"),
            "is_hidden": exact(Trophy.is_hidden, "bool"),
            "is_progressive": exact(Trophy.is_progressive, "bool"),
            "is_repeatable": exact(Trophy.is_repeatable, "bool"),
        }
    ),
    ordering_fields={"order": Trophy.order, "name": Trophy.name, "trophy_type": Trophy.trophy_type},
    default_ordering=(Trophy.order, Trophy.name),
).register(blp)


def own_trophies(stmt: Select[*tuple[Any, ...]], user: Any) -> Select[*tuple[Any, ...]]:
    """The caller's awards, joined to their trophy (its fields filter and order them)."""
    return stmt.join(UserTrophy.trophy).where(UserTrophy.user_id == user.id)


USER_TROPHY = Resource(
    name="user-trophy",
    model=UserTrophy,
    schema=UserTrophySchema,
    summary="The trophies you earned (a personal record once per record).",
    public=False,
    scope=own_trophies,
    filters=FilterSet(
        {
            "id": exact(UserTrophy.id, "int", IN),
            "earned_at": exact(UserTrophy.earned_at, "datetime", GT, GTE, LT, LTE),
            "is_notified": exact(UserTrophy.is_notified, "bool"),
            "trophy": exact(UserTrophy.trophy_id, "int", IN),
            "trophy__is_active": exact(Trophy.is_active, "bool"),
            "trophy__is_hidden": exact(Trophy.is_hidden, "bool"),
            "trophy__is_repeatable": exact(Trophy.is_repeatable, "bool"),
            "trophy__trophy_type": trophy_type(Trophy.trophy_type),
        }
    ),
    ordering_fields={
        "earned_at": UserTrophy.earned_at,
        "trophy__trophy_type": Trophy.trophy_type,
        "trophy__name": Trophy.name,
    },
    default_ordering=(UserTrophy.earned_at.desc(),),
).register(blp)


def statistics_page(
    resource: Resource, stmt: Select[*tuple[Any, ...]], page: Any, filtered: bool
) -> Any:
    """The caller's statistics (0 or 1 row)."""
    total = resource.count_rows(stmt)
    rows = resource.page_rows(stmt, page) if page.offset < total else []
    body = pagination.envelope(page, total, [resource.dump(row) for row in rows])
    negotiation.page_context().pagination = {"next": body["next"], "previous": body["previous"]}
    return negotiation.render(body)


def statistics_detail(resource: Resource, pk: str, user: Any) -> Any:
    record = resource.read_object(pk, user)
    if record is None:
        raise not_found()
    return negotiation.render(resource.dump(record))


USER_STATISTICS = Resource(
    name="user-statistics",
    model=UserStatistics,
    schema=UserStatisticsSchema,
    summary="Your workout statistics: volume, workouts, streaks, times (0 or 1 row).",
    public=False,
    ordering_fields={"id": UserStatistics.id, "last_updated": UserStatistics.last_updated},
    page_renderer=statistics_page,
    detail_renderer=statistics_detail,
).register(blp)
# the statistics row only (its streaks are stored runs, not counted to today)
owner_answers.keep_answers_of("trophies.user-statistics-list")
owner_answers.keep_answers_of("trophies.user-statistics-detail")
