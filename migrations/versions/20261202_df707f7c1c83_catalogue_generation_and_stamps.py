"""catalogue generation and exercise stamps

Two numbers that database triggers renew, in the writing transaction, on ANY write to the
catalogue (by this server, by ``flask catalogue load``, or by anyone with SQL access):

- ``exercises_catalogue_generation``: one row, renewed by every insert, update and delete (and
  PostgreSQL TRUNCATE) of every catalogue table. Whole responses are kept per generation.
- ``exercises_exercise_stamp``: one row per exercise, renewed when anything its
  ``exerciseinfo`` shows changes: the exercise, its translations, aliases, notes, images,
  videos and muscle/equipment links, and the category, muscles, equipment and license it nests
  (those fan out to every exercise that uses them). Each exercise's rendered JSON is kept per
  stamp.

A new number is a value never used before, even by a transaction that rolled back: a random
64-bit value on SQLite, a sequence (not transactional) on PostgreSQL.

Revision ID: df707f7c1c83
Revises: 4d6e05a115b0
Create Date: 2026-12-02 17:20:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'df707f7c1c83'
down_revision = '4d6e05a115b0'
branch_labels = None
depends_on = None

GENERATION = "exercises_catalogue_generation"
STAMP = "exercises_exercise_stamp"
EXERCISE = "exercises_exercise"
SEQUENCE = "exercises_catalogue_seq"

# The exercises whose exerciseinfo shows a row of each table; ``{row}`` is NEW or OLD.
OWN = "{row}.exercise_id"
VIA_TRANSLATION = "SELECT exercise_id FROM exercises_translation WHERE id = {row}.translation_id"
EXERCISES_SHOWING = {
    "exercises_translation": OWN,
    "exercises_alias": VIA_TRANSLATION,
    "exercises_exercisecomment": VIA_TRANSLATION,
    "exercises_exerciseimage": OWN,
    "exercises_exercisevideo": OWN,
    "exercises_exercise_muscles": OWN,
    "exercises_exercise_muscles_secondary": OWN,
    "exercises_exercise_equipment": OWN,
    "exercises_muscle": (
        "SELECT exercise_id FROM exercises_exercise_muscles WHERE muscle_id = {row}.id "
        "UNION SELECT exercise_id FROM exercises_exercise_muscles_secondary "
        "WHERE muscle_id = {row}.id"
    ),
    "exercises_equipment": (
        "SELECT exercise_id FROM exercises_exercise_equipment WHERE equipment_id = {row}.id"
    ),
    "exercises_exercisecategory": f"SELECT id FROM {EXERCISE} WHERE category_id = {{row}}.id",
    "core_license": f"SELECT id FROM {EXERCISE} WHERE license_id = {{row}}.id",
}
# Tables no exerciseinfo nests by value (a language is an id there), that other catalogue
# responses show: only the generation moves.
GENERATION_ONLY = [
    "core_language",
    "core_repetitionunit",
    "core_weightunit",
    "exercises_deletionlog",
]
ALL_TABLES = [EXERCISE, *EXERCISES_SHOWING, *GENERATION_ONLY]
EVENTS = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}


def upgrade():
    op.create_table(
        GENERATION,
        sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('value', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exercises_catalogue_generation')),
    )
    op.create_table(
        STAMP,
        sa.Column('exercise_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('stamp', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('exercise_id', name=op.f('pk_exercises_exercise_stamp')),
    )
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in postgresql_upgrade() if postgresql else sqlite_upgrade():
        op.execute(statement)


def downgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    for statement in postgresql_downgrade() if postgresql else sqlite_downgrade():
        op.execute(statement)
    op.drop_table(STAMP)
    op.drop_table(GENERATION)


# ------------------------------------------------------------------------------ SQLite

SQLITE_NEW = "random()"


def _sqlite_restamp(table: str, row: str) -> str:
    ids = EXERCISES_SHOWING[table].format(row=row)
    return f"UPDATE {STAMP} SET stamp = random() WHERE exercise_id IN ({ids})"


def _sqlite_body(table: str, event: str) -> list[str]:
    body = [f"UPDATE {GENERATION} SET value = random() WHERE id = 1"]
    if table == EXERCISE:
        if event in ("UPDATE", "DELETE"):
            body.append(f"DELETE FROM {STAMP} WHERE exercise_id = OLD.id")
        if event in ("INSERT", "UPDATE"):
            body.append(f"INSERT OR REPLACE INTO {STAMP} (exercise_id, stamp) VALUES (NEW.id, random())")
    elif table in EXERCISES_SHOWING:
        body.extend(_sqlite_restamp(table, row) for row in EVENTS[event])
    return body


def sqlite_upgrade() -> list[str]:
    statements = [
        f"INSERT INTO {GENERATION} (id, value) VALUES (1, random())",
        f"INSERT INTO {STAMP} (exercise_id, stamp) SELECT id, random() FROM {EXERCISE}",
    ]
    for table in ALL_TABLES:
        for event in EVENTS:
            body = "; ".join(_sqlite_body(table, event))
            statements.append(
                f"CREATE TRIGGER {table}_catalogue_{event.lower()} AFTER {event} ON {table} "
                f"BEGIN {body}; END"
            )
    return statements


def sqlite_downgrade() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {table}_catalogue_{event.lower()}"
        for table in ALL_TABLES
        for event in EVENTS
    ]


# ------------------------------------------------------------------------------ PostgreSQL
# The generation: one statement-level trigger per table (a bulk load bumps it once per
# statement). The stamps: row-level triggers; a TRUNCATE (no row triggers) renews them all.

NEXT = f"nextval('{SEQUENCE}')"


def _postgresql_row_function(table: str) -> str:
    if table == EXERCISE:
        new = (
            f"INSERT INTO {STAMP} (exercise_id, stamp) VALUES (NEW.id, {NEXT}) "
            "ON CONFLICT (exercise_id) DO UPDATE SET stamp = EXCLUDED.stamp"
        )
        old = f"DELETE FROM {STAMP} WHERE exercise_id = OLD.id AND OLD.id IS DISTINCT FROM NEW.id"
        old_on_delete = f"DELETE FROM {STAMP} WHERE exercise_id = OLD.id"
        body = f"""
        IF TG_OP = 'DELETE' THEN {old_on_delete}; RETURN NULL; END IF;
        IF TG_OP = 'UPDATE' THEN {old}; END IF;
        {new};
        """
    else:
        ids = EXERCISES_SHOWING[table]
        restamp = f"UPDATE {STAMP} SET stamp = {NEXT} WHERE exercise_id IN ({{ids}})"
        body = f"""
        IF TG_OP IN ('UPDATE', 'DELETE') THEN {restamp.format(ids=ids.format(row='OLD'))}; END IF;
        IF TG_OP IN ('UPDATE', 'INSERT') THEN {restamp.format(ids=ids.format(row='NEW'))}; END IF;
        """
    return f"""
    CREATE FUNCTION {table}_catalogue_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        {body}
        RETURN NULL;
    END $$
    """


def postgresql_upgrade() -> list[str]:
    statements = [
        f"CREATE SEQUENCE {SEQUENCE}",
        f"INSERT INTO {GENERATION} (id, value) VALUES (1, {NEXT})",
        f"INSERT INTO {STAMP} (exercise_id, stamp) SELECT id, {NEXT} FROM {EXERCISE}",
        f"""
        CREATE FUNCTION exercises_catalogue_generation_bump() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {GENERATION} SET value = {NEXT} WHERE id = 1;
            RETURN NULL;
        END $$
        """,
        f"""
        CREATE FUNCTION exercises_catalogue_restamp_all() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE {STAMP} SET stamp = {NEXT};
            RETURN NULL;
        END $$
        """,
    ]
    for table in ALL_TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_catalogue_generation "
            f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION exercises_catalogue_generation_bump()"
        )
        if table in GENERATION_ONLY:
            continue
        statements.append(_postgresql_row_function(table))
        statements.append(
            f"CREATE TRIGGER {table}_catalogue_stamp AFTER INSERT OR UPDATE OR DELETE ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {table}_catalogue_stamp()"
        )
        statements.append(
            f"CREATE TRIGGER {table}_catalogue_truncate AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION exercises_catalogue_restamp_all()"
        )
    return statements


def postgresql_downgrade() -> list[str]:
    statements = []
    for table in ALL_TABLES:
        statements.append(f"DROP TRIGGER IF EXISTS {table}_catalogue_generation ON {table}")
        if table in GENERATION_ONLY:
            continue
        statements.append(f"DROP TRIGGER IF EXISTS {table}_catalogue_stamp ON {table}")
        statements.append(f"DROP TRIGGER IF EXISTS {table}_catalogue_truncate ON {table}")
        statements.append(f"DROP FUNCTION IF EXISTS {table}_catalogue_stamp()")
    statements += [
        "DROP FUNCTION IF EXISTS exercises_catalogue_restamp_all()",
        "DROP FUNCTION IF EXISTS exercises_catalogue_generation_bump()",
        f"DROP SEQUENCE IF EXISTS {SEQUENCE}",
    ]
    return statements
