"""powersync: link ids, the synced-ingredient shadow table, the publication

What the PowerSync service needs from the database (docs/powersync.md):

- ``comment`` on ``nutrition_logitem`` (upstream's model has it, its API does not; the app's
  local schema declares it, so the rules carry it).
- ``id`` on the three many-to-many tables its rules read with ``SELECT *``
  (``exercises_exercise_muscles``, ``_muscles_secondary``, ``exercises_exercise_equipment``): it
  becomes their primary key, the pair stays unique (upstream's Django layout).
- ``nutrition_synced_ingredient``: the ingredients some plan or diary uses, with every column of
  ``nutrition_ingredient``, kept by triggers (SQLite and PostgreSQL alike): an item naming an
  ingredient copies it in, a change of the ingredient follows, its deletion removes it. The
  service syncs these rows, never the catalogue of a million, which would become a million
  buckets. A later migration that changes ``nutrition_ingredient``'s columns changes this table
  and its triggers with it (``tests/api/powersync/test_database.py`` compares them).
- the ``powersync`` publication, PostgreSQL only, for exactly the tables the shipped
  ``deploy/powersync/sync_rules.yaml`` reads; idempotent (an existing publication gains the
  missing tables). A later migration that makes the rules read another table adds it:
  ``ALTER PUBLICATION powersync ADD TABLE ...`` (the same test fails until it does).

Revision ID: 5a7c0e23d1f4
Revises: c14d21489122
Create Date: 2026-12-07 04:00:00

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '5a7c0e23d1f4'
down_revision = 'c14d21489122'
branch_labels = None
depends_on = None

LINKS = {
    "exercises_exercise_muscles": ("exercise_id", "muscle_id"),
    "exercises_exercise_muscles_secondary": ("exercise_id", "muscle_id"),
    "exercises_exercise_equipment": ("exercise_id", "equipment_id"),
}
INGREDIENT = "nutrition_ingredient"
SYNCED = "nutrition_synced_ingredient"
ITEM_TABLES = ("nutrition_mealitem", "nutrition_logitem")
PUBLICATION = "powersync"
# Every table deploy/powersync/sync_rules.yaml reads (upstream's 31).
PUBLISHED = (
    "core_language",
    "core_license",
    "core_repetitionunit",
    "core_weightunit",
    "exercises_exercise",
    "exercises_translation",
    "exercises_alias",
    "exercises_exercisecomment",
    "exercises_muscle",
    "exercises_exercise_muscles",
    "exercises_exercise_muscles_secondary",
    "exercises_equipment",
    "exercises_exercise_equipment",
    "exercises_exercisecategory",
    "exercises_exerciseimage",
    "exercises_exercisevideo",
    "core_userprofile",
    "gallery_image",
    SYNCED,
    "nutrition_image",
    "nutrition_ingredientweightunit",
    "manager_routine",
    "measurements_category",
    "nutrition_nutritionplan",
    "nutrition_meal",
    "nutrition_mealitem",
    "measurements_measurement",
    "manager_workoutsession",
    "manager_workoutlog",
    "nutrition_logitem",
    "weight_weightentry",
)


def postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade():
    with op.batch_alter_table("nutrition_logitem") as batch_op:
        batch_op.add_column(sa.Column("comment", sa.Text(), nullable=True))
    for table, pair in LINKS.items():
        add_link_id(table, pair)
    create_synced_ingredients()
    if postgresql():
        publish()


def downgrade():
    if postgresql():
        op.execute(f"DROP PUBLICATION IF EXISTS {PUBLICATION}")
    drop_synced_ingredients()
    for table, pair in LINKS.items():
        drop_link_id(table, pair)
    with op.batch_alter_table("nutrition_logitem") as batch_op:
        batch_op.drop_column("comment")


# ------------------------------------------------------------------------------ link ids


def add_link_id(table: str, pair: tuple[str, str]) -> None:
    if postgresql():
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}")
        op.execute(f"ALTER TABLE {table} ADD COLUMN id SERIAL")
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY (id)")
        op.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT uq_{table}_{pair[0]}_{pair[1]} "
            f"UNIQUE ({pair[0]}, {pair[1]})"
        )
        return
    # SQLite rebuilds the table; its triggers (the catalogue stamps) are made again after.
    with keeping_sqlite_triggers(table):
        columns = [
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column(pair[0], sa.Integer(), nullable=False),
            sa.Column(pair[1], sa.Integer(), nullable=False),
        ]
        rebuild_sqlite(table, columns, pair, with_id=True)


def drop_link_id(table: str, pair: tuple[str, str]) -> None:
    if postgresql():
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT uq_{table}_{pair[0]}_{pair[1]}")
        op.execute(f"ALTER TABLE {table} DROP CONSTRAINT pk_{table}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN id")
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT pk_{table} PRIMARY KEY ({', '.join(pair)})")
        return
    with keeping_sqlite_triggers(table):
        columns = [
            sa.Column(pair[0], sa.Integer(), nullable=False),
            sa.Column(pair[1], sa.Integer(), nullable=False),
        ]
        rebuild_sqlite(table, columns, pair, with_id=False)


class keeping_sqlite_triggers:
    """Note a table's triggers and indexes before it is rebuilt; make them again after."""

    def __init__(self, table: str) -> None:
        self.table = table

    def __enter__(self):
        bind = op.get_bind()
        self.saved = bind.exec_driver_sql(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('trigger', 'index') "
            "AND sql IS NOT NULL ORDER BY type DESC",
            (self.table,),
        ).scalars().all()
        # The rename at the end must not rewrite other tables' triggers that name the table.
        bind.exec_driver_sql("PRAGMA legacy_alter_table = ON")
        return self

    def __exit__(self, *exc_info):
        bind = op.get_bind()
        bind.exec_driver_sql("PRAGMA legacy_alter_table = OFF")
        if exc_info[0] is None:
            for statement in self.saved:
                bind.exec_driver_sql(statement)
        return False


def rebuild_sqlite(table: str, columns: list, pair: tuple[str, str], with_id: bool) -> None:
    referred = {"exercise_id": "exercises_exercise", "muscle_id": "exercises_muscle",
                "equipment_id": "exercises_equipment"}
    new = f"{table}__rebuilt"
    constraints = [
        sa.ForeignKeyConstraint(
            [name], [f"{referred[name]}.id"], ondelete="CASCADE",
            name=f"fk_{table}_{name}_{referred[name]}",
        )
        for name in pair
    ]
    if with_id:
        constraints.append(sa.PrimaryKeyConstraint("id", name=f"pk_{table}"))
        constraints.append(sa.UniqueConstraint(*pair, name=f"uq_{table}_{pair[0]}_{pair[1]}"))
    else:
        constraints.append(sa.PrimaryKeyConstraint(*pair, name=f"pk_{table}"))
    op.create_table(new, *columns, *constraints)
    op.execute(f"INSERT INTO {new} ({', '.join(pair)}) SELECT {', '.join(pair)} FROM {table} "
               f"ORDER BY {', '.join(pair)}")
    op.execute(f"DROP TABLE {table}")
    op.execute(f"ALTER TABLE {new} RENAME TO {table}")


# ------------------------------------------------------------------------------ synced ingredients


def ingredient_columns() -> list:
    return sa.inspect(op.get_bind()).get_columns(INGREDIENT)


def create_synced_ingredients() -> None:
    columns = ingredient_columns()
    names = [column["name"] for column in columns]
    op.create_table(
        SYNCED,
        *[
            sa.Column(column["name"], column["type"], nullable=column["nullable"],
                      autoincrement=False)
            for column in columns
        ],
        sa.PrimaryKeyConstraint("id", name=f"pk_{SYNCED}"),
    )
    listed = ", ".join(f'"{name}"' for name in names)
    used = " UNION ".join(f"SELECT ingredient_id FROM {table}" for table in ITEM_TABLES)
    op.execute(f"INSERT INTO {SYNCED} ({listed}) SELECT {listed} FROM {INGREDIENT} WHERE id IN ({used})")
    statements = postgresql_triggers(names) if postgresql() else sqlite_triggers(names)
    for statement in statements:
        op.execute(statement)


def drop_synced_ingredients() -> None:
    if postgresql():
        for table in ITEM_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_synced_ingredient ON {table}")
        op.execute(f"DROP TRIGGER IF EXISTS {INGREDIENT}_synced ON {INGREDIENT}")
        op.execute(f"DROP FUNCTION IF EXISTS {SYNCED}_add()")
        op.execute(f"DROP FUNCTION IF EXISTS {SYNCED}_follow()")
    else:
        for name in sqlite_trigger_names():
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.drop_table(SYNCED)


def sqlite_trigger_names() -> list[str]:
    names = [f"{table}_synced_ingredient_{event}" for table in ITEM_TABLES for event in ("insert", "update")]
    return names + [f"{INGREDIENT}_synced_update", f"{INGREDIENT}_synced_delete"]


def sqlite_triggers(names: list[str]) -> list[str]:
    listed = ", ".join(f'"{name}"' for name in names)
    copy = (
        f"INSERT OR IGNORE INTO {SYNCED} ({listed}) "
        f"SELECT {listed} FROM {INGREDIENT} WHERE id = NEW.ingredient_id"
    )
    statements = []
    for table in ITEM_TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_synced_ingredient_insert AFTER INSERT ON {table} "
            f"BEGIN {copy}; END"
        )
        statements.append(
            f"CREATE TRIGGER {table}_synced_ingredient_update AFTER UPDATE OF ingredient_id "
            f"ON {table} BEGIN {copy}; END"
        )
    new_values = ", ".join(f'NEW."{name}"' for name in names)
    statements.append(
        f"CREATE TRIGGER {INGREDIENT}_synced_update AFTER UPDATE ON {INGREDIENT} "
        f"BEGIN UPDATE {SYNCED} SET ({listed}) = ({new_values}) WHERE id = OLD.id; END"
    )
    statements.append(
        f"CREATE TRIGGER {INGREDIENT}_synced_delete AFTER DELETE ON {INGREDIENT} "
        f"BEGIN DELETE FROM {SYNCED} WHERE id = OLD.id; END"
    )
    return statements


def postgresql_triggers(names: list[str]) -> list[str]:
    listed = ", ".join(f'"{name}"' for name in names)
    new_values = ", ".join(f'NEW."{name}"' for name in names)
    statements = [
        f"""
        CREATE FUNCTION {SYNCED}_add() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO {SYNCED} ({listed})
            SELECT {listed} FROM {INGREDIENT} WHERE id = NEW.ingredient_id
            ON CONFLICT DO NOTHING;
            RETURN NULL;
        END $$
        """,
        f"""
        CREATE FUNCTION {SYNCED}_follow() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'DELETE' THEN
                DELETE FROM {SYNCED} WHERE id = OLD.id;
            ELSE
                UPDATE {SYNCED} SET ({listed}) = ({new_values}) WHERE id = OLD.id;
            END IF;
            RETURN NULL;
        END $$
        """,
        f"CREATE TRIGGER {INGREDIENT}_synced AFTER UPDATE OR DELETE ON {INGREDIENT} "
        f"FOR EACH ROW EXECUTE FUNCTION {SYNCED}_follow()",
    ]
    for table in ITEM_TABLES:
        statements.append(
            f"CREATE TRIGGER {table}_synced_ingredient AFTER INSERT OR UPDATE OF ingredient_id "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION {SYNCED}_add()"
        )
    return statements


# ------------------------------------------------------------------------------ publication


def publish() -> None:
    """Create the publication, or add to an existing one the tables it lacks (idempotent)."""
    bind = op.get_bind()
    exists = bind.exec_driver_sql(
        "SELECT 1 FROM pg_publication WHERE pubname = %(name)s", {"name": PUBLICATION}
    ).first()
    if exists is None:
        op.execute(f"CREATE PUBLICATION {PUBLICATION} FOR TABLE {', '.join(PUBLISHED)}")
        return
    present = set(
        bind.exec_driver_sql(
            "SELECT tablename FROM pg_publication_tables WHERE pubname = %(name)s "
            "AND schemaname = current_schema()",
            {"name": PUBLICATION},
        ).scalars()
    )
    for table in PUBLISHED:
        if table not in present:
            op.execute(f"ALTER PUBLICATION {PUBLICATION} ADD TABLE {table}")
