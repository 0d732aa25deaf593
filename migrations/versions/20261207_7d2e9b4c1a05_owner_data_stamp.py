"""every user's data stamp, renewed by the database on each write to that user's data

Revision ID: 7d2e9b4c1a05
Revises: 3b9d6f0a2c71
Create Date: 2026-12-07 11:15:00.000000

``auth_user.data_stamp`` names the version of everything a user's own answers read (their
routines down to the progression configs, logs and sessions, nutrition plans down to the meal
items and the diary, measurements and weights, gallery, trophies and statistics, profile,
permissions, the user row itself). Triggers renew it on every INSERT, UPDATE and DELETE of
such a row, whoever writes it: a REST view, the PowerSync upload, ``flask import-wger``, a CLI
command, a foreign-key cascade, another worker or host. The owner answer cache
(``rest/owner_answers.py``) keys on it; docs/performance.md, "Owner data", says why.

A stamp is renewed with a **random** 62-bit value, not ``+ 1``: a value never comes back, so a
worker's cache cannot meet an earlier state under the same key after a user id is reused
(SQLite hands out the highest id again after its row was deleted), after a database is
restored from a backup, or after a rolled-back transaction (the test suite rolls back every
test). Two states of one user share a stamp with a chance of 2^-62 per pair.

A row resolves its user through its own ``user_id`` or its parents'. A row whose parents are
already gone (a cascade from a deleted routine or plan) resolves to no user: the parent's own
delete renewed the stamp. An update resolves the row's user before and after (a row moved
between users renews both).

On PostgreSQL the renewal happens at commit: deferred row constraint triggers queue each
written row, resolve its user through its parents as they are at commit, and renew each user
once per transaction (``data_stamp_xact`` holds the transaction that last renewed it). A
transaction therefore locks its user's row last, after every other row it writes, and two
transactions of one user writing in opposite orders cannot deadlock on it (statement-level
triggers, renewing after each statement, did: tests/api/accounts/test_data_stamp_concurrency.py).
A change of the user row renews the stamp in the same UPDATE (a BEFORE trigger). SQLite has
row triggers that renew at once: its writers are serialised, there is no one to wait for.

``trophies_catalogue_generation`` (one row) is renewed the same way by every write to the
trophy catalogue (``trophies_trophy``), which ``trophy/progress/`` nests for every user: it is
read with the stamp, in the same statement.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '7d2e9b4c1a05'
down_revision = '3b9d6f0a2c71'
branch_labels = None
depends_on = None

CONFIGS = (
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
)

# table → the user of a row, as SQL; tests/api/accounts/test_data_stamp.py fails
# when a model with ``__owner__`` has no entry here.
_ROUTINE_OF_DAY = "SELECT r.user_id FROM manager_routine r WHERE r.id = {}"
_DAY_OF_SLOT = (
    "SELECT r.user_id FROM manager_day d"
    " JOIN manager_routine r ON r.id = d.routine_id WHERE d.id = {}"
)
_SLOT_OF_ENTRY = (
    "SELECT r.user_id FROM manager_slot s"
    " JOIN manager_day d ON d.id = s.day_id"
    " JOIN manager_routine r ON r.id = d.routine_id WHERE s.id = {}"
)
_ENTRY_OF_CONFIG = (
    "SELECT r.user_id FROM manager_slotentry e"
    " JOIN manager_slot s ON s.id = e.slot_id"
    " JOIN manager_day d ON d.id = s.day_id"
    " JOIN manager_routine r ON r.id = d.routine_id WHERE e.id = {}"
)
_PLAN = "SELECT p.user_id FROM nutrition_nutritionplan p WHERE p.id = {}"
_MEAL = (
    "SELECT p.user_id FROM nutrition_meal m"
    " JOIN nutrition_nutritionplan p ON p.id = m.plan_id WHERE m.id = {}"
)
_CATEGORY = "SELECT c.user_id FROM measurements_category c WHERE c.id = {}"

DIRECT = (
    "auth_user",  # special-cased below: its own row
    "core_userprofile",
    "accounts_userpermission",
    "manager_routine",
    "manager_workoutsession",
    "manager_workoutlog",
    "nutrition_nutritionplan",
    "measurements_category",
    "gallery_image",
    "trophies_usertrophy",
    "trophies_userstatistics",
    "trophies_sessionfact",
)
THROUGH_PARENT = {
    "manager_day": (_ROUTINE_OF_DAY, "routine_id"),
    "manager_slot": (_DAY_OF_SLOT, "day_id"),
    "manager_slotentry": (_SLOT_OF_ENTRY, "slot_id"),
    **{table: (_ENTRY_OF_CONFIG, "slot_entry_id") for table in CONFIGS},
    "nutrition_meal": (_PLAN, "plan_id"),
    "nutrition_mealitem": (_MEAL, "meal_id"),
    "nutrition_logitem": (_PLAN, "plan_id"),
    "measurements_measurement": (_CATEGORY, "category_id"),
}
STAMPED = tuple(table for table in DIRECT if table != "auth_user") + tuple(THROUGH_PARENT)

EVENTS = ("insert", "update", "delete")
SQLITE_RANDOM = "(random() & 4611686018427387903)"
POSTGRES_RANDOM = "floor(random() * 4611686018427387903)::bigint"


def _users_of(table: str, row: str) -> str:
    """SQL for the user of ``row`` (NEW or OLD in a row trigger)."""
    if table in THROUGH_PARENT:
        query, column = THROUGH_PARENT[table]
        return f"({query.format(f'{row}.{column}')})"
    return f"{row}.user_id"


def _sqlite_upgrade() -> None:
    op.add_column("auth_user", sa.Column("data_stamp", sa.BigInteger(), nullable=False,
                                         server_default="0"))
    op.execute(f"UPDATE auth_user SET data_stamp = {SQLITE_RANDOM}")
    bump = f"UPDATE auth_user SET data_stamp = {SQLITE_RANDOM} WHERE id"
    # the user row itself: a new user starts at a random stamp, any change renews it (the
    # renewal is itself an UPDATE, which the WHEN lets through only once)
    op.execute(
        "CREATE TRIGGER auth_user_stamp_insert AFTER INSERT ON auth_user "
        f"BEGIN {bump} = NEW.id; END"
    )
    op.execute(
        "CREATE TRIGGER auth_user_stamp_update AFTER UPDATE ON auth_user "
        f"WHEN OLD.data_stamp = NEW.data_stamp BEGIN {bump} = NEW.id; END"
    )
    for table in STAMPED:
        new, old = _users_of(table, "NEW"), _users_of(table, "OLD")
        op.execute(
            f"CREATE TRIGGER {table}_stamp_insert AFTER INSERT ON {table} "
            f"BEGIN {bump} = {new}; END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_stamp_update AFTER UPDATE ON {table} "
            f"BEGIN {bump} IN ({old}, {new}); END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_stamp_delete AFTER DELETE ON {table} "
            f"BEGIN {bump} = {old}; END"
        )


def _postgres_renewal(user: str) -> str:
    """Renew ``user``'s stamp unless this transaction already did. Written out in each trigger
    function: a SQL function called per row was planned again on every call (a bulk insert of
    20,000 rows took 2.6-3.1 s against 1.0-1.3 s without triggers; written out, 1.1-1.9 s)."""
    return (
        f"UPDATE auth_user SET data_stamp = {POSTGRES_RANDOM}, data_stamp_xact = txid_current() "
        f"WHERE id = {user} AND data_stamp_xact IS DISTINCT FROM txid_current()"
    )


def _postgres_upgrade() -> None:
    # a volatile default: every existing row gets its own random stamp, as every new one will
    op.add_column("auth_user", sa.Column("data_stamp", sa.BigInteger(), nullable=False,
                                         server_default=sa.text(POSTGRES_RANDOM)))
    # the transaction that last renewed the stamp: a transaction renews it once
    op.add_column("auth_user", sa.Column("data_stamp_xact", sa.BigInteger(), nullable=True))
    # the user row itself: a change renews the stamp in the same UPDATE (BEFORE, no second
    # one); an UPDATE that sets the stamp or only its transaction (the renewal) passes as is
    op.execute(
        "CREATE FUNCTION auth_user_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF NEW.data_stamp = OLD.data_stamp "
        "AND NEW.data_stamp_xact IS NOT DISTINCT FROM OLD.data_stamp_xact THEN "
        f"NEW.data_stamp := {POSTGRES_RANDOM}; NEW.data_stamp_xact := txid_current(); "
        "END IF; RETURN NEW; END $$"
    )
    op.execute(
        "CREATE TRIGGER auth_user_stamp_update BEFORE UPDATE ON auth_user FOR EACH ROW "
        "EXECUTE FUNCTION auth_user_stamp()"
    )
    for table in STAMPED:
        # at commit: the user of the row as it was (update, delete) and as it is (insert,
        # update), each through its parents as they are then
        op.execute(
            f"CREATE FUNCTION {table}_stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP <> 'INSERT' THEN {_postgres_renewal(_users_of(table, 'OLD'))}; END IF; "
            f"IF TG_OP <> 'DELETE' THEN {_postgres_renewal(_users_of(table, 'NEW'))}; END IF; "
            "RETURN NULL; END $$"
        )
        for event in EVENTS:
            op.execute(
                f"CREATE CONSTRAINT TRIGGER {table}_stamp_{event} AFTER {event.upper()} "
                f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                f"EXECUTE FUNCTION {table}_stamp()"
            )


TROPHY_GENERATION = "trophies_catalogue_generation"


def _trophy_generation_upgrade(postgres: bool) -> None:
    op.create_table(
        TROPHY_GENERATION,
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{TROPHY_GENERATION}")),
    )
    random = POSTGRES_RANDOM if postgres else SQLITE_RANDOM
    op.execute(f"INSERT INTO {TROPHY_GENERATION} (id, value) VALUES (1, {random})")
    bump = f"UPDATE {TROPHY_GENERATION} SET value = {random} WHERE id = 1"
    if postgres:
        op.execute(
            f"CREATE FUNCTION {TROPHY_GENERATION}_bump() RETURNS trigger LANGUAGE plpgsql AS "
            f"$$ BEGIN {bump}; RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {TROPHY_GENERATION} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON trophies_trophy FOR EACH STATEMENT EXECUTE FUNCTION {TROPHY_GENERATION}_bump()"
        )
        return
    for event in ("insert", "update", "delete"):
        op.execute(
            f"CREATE TRIGGER {TROPHY_GENERATION}_{event} AFTER {event.upper()} ON trophies_trophy "
            f"BEGIN {bump}; END"
        )


def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        _postgres_upgrade()
    else:
        _sqlite_upgrade()
    _trophy_generation_upgrade(postgres)


def downgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:
        op.execute(f"DROP TRIGGER IF EXISTS {TROPHY_GENERATION} ON trophies_trophy")
        op.execute(f"DROP FUNCTION IF EXISTS {TROPHY_GENERATION}_bump()")
    else:
        for event in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {TROPHY_GENERATION}_{event}")
    op.drop_table(TROPHY_GENERATION)
    for table in STAMPED:
        for event in EVENTS:
            if postgres:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_stamp_{event} ON {table}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_stamp_{event}")
        if postgres:
            op.execute(f"DROP FUNCTION IF EXISTS {table}_stamp()")
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS auth_user_stamp_update ON auth_user")
        op.execute("DROP FUNCTION IF EXISTS auth_user_stamp()")
        op.drop_column("auth_user", "data_stamp_xact")
    else:
        op.execute("DROP TRIGGER IF EXISTS auth_user_stamp_insert")
        op.execute("DROP TRIGGER IF EXISTS auth_user_stamp_update")
    # SQLite's own DROP COLUMN, not a batch copy of the table: dropping the old auth_user
    # would run its ON DELETE CASCADEs and empty every user's data
    op.execute("ALTER TABLE auth_user DROP COLUMN data_stamp")
