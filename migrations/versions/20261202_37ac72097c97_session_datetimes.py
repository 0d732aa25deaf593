"""workoutsession: datetime_start and datetime_end (the released 2.7 shape)

Filled from each session's ``date``, ``time_start`` and ``time_end`` (taken as UTC), so a
session made by a 2.6 client reads the same through a 2.7 one.

Revision ID: 37ac72097c97
Revises: 4d6e05a115b0
Create Date: 2026-12-02 17:40:00

"""

import datetime as dt

import sqlalchemy as sa
from alembic import op

from wger_flask.models import types

revision = "37ac72097c97"
down_revision = "4d6e05a115b0"
branch_labels = None
depends_on = None

TABLE = "manager_workoutsession"


def upgrade():
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("datetime_start", types.UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("datetime_end", types.UTCDateTime(), nullable=True))

    sessions = sa.table(
        TABLE,
        sa.column("id", types.GUID()),
        sa.column("date", sa.Date()),
        sa.column("time_start", sa.Time()),
        sa.column("time_end", sa.Time()),
        sa.column("datetime_start", types.UTCDateTime()),
        sa.column("datetime_end", types.UTCDateTime()),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(sessions.c.id, sessions.c.date, sessions.c.time_start, sessions.c.time_end)
    ).all()
    for row in rows:
        start = dt.datetime.combine(row.date, row.time_start or dt.time.min, tzinfo=dt.UTC)
        end = (
            dt.datetime.combine(row.date, row.time_end, tzinfo=dt.UTC)
            if row.time_end is not None
            else None
        )
        connection.execute(
            sessions.update()
            .where(sessions.c.id == row.id)
            .values(datetime_start=start, datetime_end=end)
        )

    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("datetime_start", existing_type=types.UTCDateTime(), nullable=False)
        batch.create_index(
            "ix_manager_workoutsession_datetime_start", ["datetime_start"], unique=False
        )


def downgrade():
    with op.batch_alter_table(TABLE) as batch:
        batch.drop_index("ix_manager_workoutsession_datetime_start")
        batch.drop_column("datetime_end")
        batch.drop_column("datetime_start")
