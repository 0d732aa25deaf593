"""the ingredient generation moves with everything an ingredient answer shows

Whole ``ingredient`` and ``ingredientinfo`` answers are now kept per ingredient generation
(``blueprints/ingredients/answers.py``). ``ingredientinfo`` nests each ingredient's weight
units, image, language and license, so the generation must move on writes to those tables as
well as to the ingredients: the same bump (a random 64-bit value on SQLite, the sequence on
PostgreSQL, statement-level there) now fires on every insert, update and delete of
``nutrition_ingredientweightunit``, ``nutrition_image``, ``core_language`` and
``core_license``. Those tables are written rarely; a write to one also recomputes the kept
counts and search rankings, which is harmless.

Revision ID: 3b9d6f0a2c71
Revises: f3b9c2d4e6a8
Create Date: 2026-12-07 10:30:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '3b9d6f0a2c71'
down_revision = 'f3b9c2d4e6a8'
branch_labels = None
depends_on = None

SHOWN_TABLES = (
    "nutrition_ingredientweightunit",
    "nutrition_image",
    "core_language",
    "core_license",
)
EVENTS = ("insert", "update", "delete")
# As the ingredient table's own triggers (migration b6e107786122): never a value used before.
BUMP = "UPDATE nutrition_ingredient_generation SET value = random() WHERE id = 1"


def _sqlite_name(table, event):
    return f"{table}_ingredient_generation_{event}"


def _postgresql_name(table):
    return f"{table}_ingredient_generation"


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in SHOWN_TABLES:
            op.execute(
                f"CREATE TRIGGER {_postgresql_name(table)} "
                f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION nutrition_ingredient_generation_bump()"
            )
        return
    for table in SHOWN_TABLES:
        for event in EVENTS:
            op.execute(
                f"CREATE TRIGGER {_sqlite_name(table, event)} AFTER {event.upper()} ON {table} "
                f"BEGIN {BUMP}; END"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in SHOWN_TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {_postgresql_name(table)} ON {table}")
        return
    for table in SHOWN_TABLES:
        for event in EVENTS:
            op.execute(f"DROP TRIGGER IF EXISTS {_sqlite_name(table, event)}")
