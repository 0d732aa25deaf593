"""``flask import-wger``: every upstream user, one transaction each, with a report.

Each user is written and then committed (or, with ``dry_run``, rolled back after every rule
and constraint of the real write has been checked), so a failure leaves nothing of that user
and an interrupted run is finished by running it again: the users already here are topped up
with what is missing, never duplicated or overwritten. Memory holds one user's rows at a time
and the bounded catalogue caches, whatever the number of users.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from wger_flask.database import AnySession
from wger_flask.services.wger_import.catalogue import Catalogue
from wger_flask.services.wger_import.media_files import MediaFiles
from wger_flask.services.wger_import.people import Context, Refused, UserResult, import_user
from wger_flask.services.wger_import.source import Source
from wger_flask.services.wger_import.writer import Conflict, TableCount

# Tables whose integer ids are written as upstream's: PostgreSQL's sequences are moved past
# them, so the next row made through the API does not collide.
EXPLICIT_ID_TABLES = (
    "auth_user",
    "manager_routine",
    "manager_day",
    "manager_slot",
    "manager_slotentry",
    "manager_weightconfig",
    "manager_maxweightconfig",
    "manager_repetitionsconfig",
    "manager_maxrepetitionsconfig",
    "manager_setsconfig",
    "manager_maxsetsconfig",
    "manager_restconfig",
    "manager_maxrestconfig",
    "manager_rirconfig",
    "manager_maxrirconfig",
    "gallery_image",
    "exercises_exercise",
    "exercises_translation",
    "exercises_alias",
    "exercises_exercisecomment",
    "exercises_exerciseimage",
    "exercises_exercisevideo",
)


@dataclass
class Report:
    """The whole run: rows per table summed over users, users per outcome, and the users with
    something to say (refused, failed, skipped rows, notes), at most ``keep_details`` of them
    and of the skipped rows: memory stays flat whatever the number of users."""

    dry_run: bool
    users: list[UserResult] = field(default_factory=list)
    tables: dict[str, TableCount] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    keep_details: int = 10_000

    def add(self, result: UserResult) -> None:
        self.outcomes[result.status] = self.outcomes.get(result.status, 0) + 1
        room = max(0, self.keep_details - sum(len(t.skipped) for t in self.tables.values()))
        for table, count in result.counts.items():
            total = self.tables.setdefault(table, TableCount())
            total.source += count.source
            total.imported += count.imported
            total.present += count.present
            total.skipped.extend(count.skipped[:room])
            total.dropped += len(count.skipped) - len(count.skipped[:room]) + count.dropped
            room -= len(count.skipped[:room])
        worth_telling = result.status in ("refused", "failed") or result.notes
        if worth_telling and len(self.users) < self.keep_details:
            self.users.append(
                UserResult(
                    result.source_id,
                    result.username,
                    result.status,
                    result.reason,
                    notes=result.notes,
                )
            )

    def statuses(self) -> dict[str, int]:
        return dict(self.outcomes)


def bump_sequences(session: AnySession) -> None:
    """On PostgreSQL, move each explicit-id table's sequence to its highest id."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        return
    for table in EXPLICIT_ID_TABLES:
        connection.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f'GREATEST((SELECT max(id) FROM "{table}"), 1))'
            )
        )


def run_import(
    source: Source,
    session: AnySession,
    *,
    media_root: str | None,
    dry_run: bool,
    now: dt.datetime,
    commit: Callable[[], None],
    rollback: Callable[[], None],
    on_user: Callable[[UserResult], None] = lambda result: None,
) -> Report:
    """Import every user of ``source`` (see the module's docstring). ``commit``/``rollback``
    end each user's transaction: the caller owns the commit point."""
    media = MediaFiles(media_root, dry_run=dry_run)
    context = Context(source, session, Catalogue(source, session), media, now)
    report = Report(dry_run=dry_run)
    for user_id in source.user_ids():
        rows = source.rows("auth_user", "id = :id", order="", id=user_id)
        if not rows:
            continue
        row = rows[0]
        result = _one_user(context, row, dry_run, commit, rollback)
        report.add(result)
        on_user(result)
    return report


def _one_user(
    context: Context,
    row: dict[str, Any],
    dry_run: bool,
    commit: Callable[[], None],
    rollback: Callable[[], None],
) -> UserResult:
    try:
        result = import_user(context, row)
        bump_sequences(context.session)
        if dry_run:
            rollback()
            context.media.discard()
            context.catalogue.caches.clear()
            if result.status == "imported":
                result.status = "would import"
            elif result.status == "topped up":
                result.status = "would top up"
            return result
        commit()
        context.media.settle()
        context.users[row["id"]] = row["id"]
        return result
    except (Refused, Conflict) as error:
        status, reason = "refused", str(error)
    except Exception as error:  # one user's failure must not stop the others
        status, reason = (
            "failed",
            f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}",
        )
    rollback()
    context.media.discard()
    context.catalogue.caches.clear()
    context.users.pop(row["id"], None)
    return UserResult(row["id"], str(row["username"]), status=status, reason=reason)
