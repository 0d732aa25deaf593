"""a generation of the public routines, renewed by the database on each write to one

``routine/``, ``public-templates/`` and ``routine/{id}/`` show every user's public routines
beside the reader's own. A write to another user's public routine renews that owner's data
stamp (migration ``7d2e9b4c1a05``), not the reader's: ``manager_public_routine_generation``
(one row) is renewed by every INSERT, UPDATE and DELETE of a ``manager_routine`` row that is
or was public, whoever writes it, and the authentication look-up reads it with the stamp, so a
reader's kept routine answers are keyed on it too (``blueprints/routines``).

Only the routine rows count: the routes that read a routine's tree (structure, date sequences)
keep only the reader's own routines, whose rows the reader's stamp covers.

As the stamp, a renewal is a random 62-bit value: it never comes back after a rolled-back
transaction or a restored backup. On PostgreSQL the triggers run once per statement and renew
the row only when a changed row is or was public (transition tables).

Revision ID: 9c4e7a2b5d18
Revises: 7d2e9b4c1a05
Create Date: 2026-12-07 13:35:00.000000
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '9c4e7a2b5d18'
down_revision = '7d2e9b4c1a05'
branch_labels = None
depends_on = None

GENERATION = "manager_public_routine_generation"
ROUTINE = "manager_routine"
SQLITE_RANDOM = "(random() & 4611686018427387903)"
POSTGRES_RANDOM = "floor(random() * 4611686018427387903)::bigint"
# event → the SQLite condition on the changed row
SQLITE_WHEN = {
    "insert": "NEW.is_public",
    "update": "OLD.is_public OR NEW.is_public",
    "delete": "OLD.is_public",
}
# event → the PostgreSQL transition tables to look into for a public row
POSTGRES_ROWS = {
    "insert": ("new_rows",),
    "update": ("new_rows", "old_rows"),
    "delete": ("old_rows",),
}


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        GENERATION,
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{GENERATION}")),
    )
    random = POSTGRES_RANDOM if postgres else SQLITE_RANDOM
    op.execute(f"INSERT INTO {GENERATION} (id, value) VALUES (1, {random})")
    bump = f"UPDATE {GENERATION} SET value = {random} WHERE id = 1"
    for event in ("insert", "update", "delete"):
        name = f"{GENERATION}_{event}"
        if not postgres:
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {ROUTINE} "
                f"WHEN {SQLITE_WHEN[event]} BEGIN {bump}; END"
            )
            continue
        public = " OR ".join(
            f"EXISTS (SELECT 1 FROM {rows} WHERE is_public)" for rows in POSTGRES_ROWS[event]
        )
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN IF {public} THEN {bump}; END IF; RETURN NULL; END $$"
        )
        transition = {
            "insert": "REFERENCING NEW TABLE AS new_rows",
            "update": "REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows",
            "delete": "REFERENCING OLD TABLE AS old_rows",
        }[event]
        op.execute(
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON {ROUTINE} {transition} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )
    if postgres:  # TRUNCATE has no rows to look at: any may have been public
        op.execute(
            f"CREATE FUNCTION {GENERATION}_truncate() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {bump}; RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {GENERATION}_truncate AFTER TRUNCATE ON {ROUTINE} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {GENERATION}_truncate()"
        )


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    for event in ("insert", "update", "delete", "truncate"):
        name = f"{GENERATION}_{event}"
        if postgres:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON {ROUTINE}")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table(GENERATION)
