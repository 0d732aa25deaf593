"""Trophies and user statistics: the checkers, the running aggregates kept current as
workouts are logged, the full recompute, and what the API reads of them.

Owns ``models.trophies`` and the profile's ``time_zone`` / ``trophies_enabled`` switches.
May import: models (it reads ``models.routines``' sessions and logs, never writes them), the
extensions and ``wger_flask.fixtures``. Other code uses the names re-exported here.
"""

from __future__ import annotations

from typing import Any

from wger_flask.services.trophies.history import kg_of
from wger_flask.services.trophies.reading import (
    Progress,
    current_streak,
    current_weekend_streak,
    export_user,
    statistics_row,
    trophy_progress,
    visible_trophies,
)
from wger_flask.services.trophies.store import move_exercise_records
from wger_flask.services.trophies.tracker import init_app


def recompute(user_ids: Any = None) -> dict[str, int]:
    """Recompute the given users (default: everyone) from their logs, in the caller's
    transaction; how many were recomputed and skipped (trophies switched off)."""
    from sqlalchemy import select

    from wger_flask.extensions import db
    from wger_flask.models.accounts import User
    from wger_flask.services.trophies.rebuild import recompute_user

    connection = db.session.connection()
    ids = user_ids if user_ids is not None else db.session.execute(select(User.id)).scalars()
    done = skipped = 0
    for user_id in list(ids):
        if recompute_user(connection, user_id):
            done += 1
        else:
            skipped += 1
    return {"recomputed": done, "skipped": skipped}


__all__ = [
    "Progress",
    "current_streak",
    "current_weekend_streak",
    "export_user",
    "init_app",
    "kg_of",
    "move_exercise_records",
    "recompute",
    "statistics_row",
    "trophy_progress",
    "visible_trophies",
]
