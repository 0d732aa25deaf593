"""weights are body-weight measurements: one row of truth, ``weight_weightentry`` dropped

Revision ID: f3b9c2d4e6a8
Revises: e25a1c0d7b3f
Create Date: 2026-12-07 10:45:00.000000

Every weight entry becomes a reading of its user's ``body_weight`` category, keeping its id
(a 2.6 client's cached UUIDs stay valid), its moment and its value; ``source`` is ``user``,
``notes`` empty. A user without the category gets it (as registration makes it). A weight entry
stored in a unit other than the category's (the profile said ``lb``, the category ``kg``)
keeps its meaning: the reading carries the unit in ``extra_data`` (``{"unit": "lb"}``), as a
2.7 client's reading in another unit does.

**A moment held twice** (a weight entry and a body-weight measurement at the same date and
time: the same reading logged by a 2.6 and a 2.7 client) becomes one row: the **measurement is
kept** and the weight entry dropped. The measurement is the richer row (notes, source, external
id, extra data a health import matches on), and its id is what the calculated categories
derive their readings' ids from (BMI), so keeping it leaves those rows in place. A 2.6 client
that cached the weight entry's id finds it gone (404) and the measurement, at the same moment,
in its next list. The same holds for an entry whose id a measurement already has.

``weight_weightentry`` is then dropped; on PostgreSQL it leaves the ``powersync`` publication
with it (the rules read the body-weight measurements instead).

Downgrade recreates the table and **copies** every body-weight reading into it (same id, user,
moment, value; a reading in another unit than the profile's is converted): the schema before
this revision kept the two apart and its readers of body-weight measurements (BMI, the 2.7
clients) still need them, so nothing is removed from the measurements. Upgrading again merges
the copies back into the same rows (same moment: the measurement is kept).
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB

from wger_flask.models import types

# revision identifiers, used by Alembic.
revision = 'f3b9c2d4e6a8'
down_revision = 'e25a1c0d7b3f'
branch_labels = None
depends_on = None

PUBLICATION = "powersync"
# Every table deploy/powersync/sync_rules.yaml reads from this revision on (5a7c0e23d1f4's list
# without weight_weightentry); tests/api/powersync/test_database.py compares them.
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
    "nutrition_synced_ingredient",
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
)
POUND_IN_KG = 0.45359237
CHUNK = 500
JSON = sa.JSON(none_as_null=True).with_variant(JSONB(none_as_null=True), "postgresql")

entries = sa.table(
    "weight_weightentry",
    sa.column("id", types.GUID()),
    sa.column("user_id", sa.Integer),
    sa.column("date", types.UTCDateTime()),
    sa.column("weight", sa.Numeric(5, 2)),
)
categories = sa.table(
    "measurements_category",
    sa.column("id", types.GUID()),
    sa.column("user_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("unit", sa.String),
    sa.column("metric_type", sa.String),
    sa.column("is_official", sa.Boolean),
    sa.column("order", sa.Integer),
    sa.column("parent_id", types.GUID()),
    sa.column("chart_type", sa.String),
    sa.column("dynamic_type", sa.String),
)
readings = sa.table(
    "measurements_measurement",
    sa.column("id", types.GUID()),
    sa.column("category_id", types.GUID()),
    sa.column("date", types.UTCDateTime()),
    sa.column("value", sa.Numeric(8, 2)),
    sa.column("notes", sa.String),
    sa.column("source", sa.String),
    sa.column("external_id", types.GUID()),
    sa.column("extra_data", JSON),
)
profiles = sa.table(
    "core_userprofile", sa.column("user_id", sa.Integer), sa.column("weight_unit", sa.String)
)


def _body_weight_categories(connection):
    """{user id: (category id, unit)} of every body-weight category."""
    return {
        user_id: (category_id, unit)
        for category_id, user_id, unit in connection.execute(
            sa.select(categories.c.id, categories.c.user_id, categories.c.unit).where(
                categories.c.metric_type == "body_weight"
            )
        )
    }


def _profile_units(connection):
    return dict(connection.execute(sa.select(profiles.c.user_id, profiles.c.weight_unit)).all())


def upgrade():
    connection = op.get_bind()
    owned = _body_weight_categories(connection)
    units = _profile_units(connection)
    users = connection.execute(sa.select(entries.c.user_id).distinct()).scalars().all()
    made = []
    for user_id in users:
        if user_id not in owned:
            category_id = types.uuid7()
            owned[user_id] = (category_id, "kg")
            made.append(
                {
                    "id": category_id, "user_id": user_id, "name": "Body weight",
                    "unit": "kg", "metric_type": "body_weight", "is_official": True,
                    "order": 1, "parent_id": None, "chart_type": "line", "dynamic_type": "NONE",
                }  # fmt: skip
            )
    if made:
        op.bulk_insert(categories, made)
    taken_moments = set(
        connection.execute(
            sa.select(readings.c.category_id, readings.c.date).join(
                categories, readings.c.category_id == categories.c.id
            ).where(categories.c.metric_type == "body_weight")
        ).all()
    )
    taken_ids = set(connection.execute(sa.select(readings.c.id)).scalars())
    moved = []
    for entry_id, user_id, date, weight in connection.execute(
        sa.select(entries.c.id, entries.c.user_id, entries.c.date, entries.c.weight)
    ):
        category_id, category_unit = owned[user_id]
        if (category_id, date) in taken_moments or entry_id in taken_ids:
            continue  # the same reading twice: the measurement is kept (see above)
        unit = units.get(user_id) or "kg"
        moved.append(
            {
                "id": entry_id, "category_id": category_id, "date": date, "value": weight,
                "notes": "", "source": "user", "external_id": None,
                "extra_data": None if unit == category_unit else {"unit": unit},
            }  # fmt: skip
        )
        taken_moments.add((category_id, date))
    for start in range(0, len(moved), CHUNK):
        connection.execute(readings.insert(), moved[start : start + CHUNK])
    with op.batch_alter_table("weight_weightentry", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_weight_weightentry_user_id"))
    op.drop_table("weight_weightentry")  # and so leaves the powersync publication
    if connection.dialect.name == "postgresql":
        publish()


def publish() -> None:
    """Create the publication, or add to an existing one the tables it lacks (idempotent; as
    5a7c0e23d1f4's, with this revision's tables)."""
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


def _in_unit(value, reading_unit, wanted):
    if reading_unit == wanted or reading_unit not in ("kg", "lb") or wanted not in ("kg", "lb"):
        return value
    factor = POUND_IN_KG if reading_unit == "lb" else 1 / POUND_IN_KG
    return round(float(value) * factor, 2)


def downgrade():
    op.create_table(
        "weight_weightentry",
        sa.Column("id", types.GUID(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("date", types.UTCDateTime(), nullable=False),
        sa.Column("weight", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["auth_user.id"],
            name=op.f("fk_weight_weightentry_user_id_auth_user"), ondelete="CASCADE",
        ),  # fmt: skip
        sa.PrimaryKeyConstraint("id", name=op.f("pk_weight_weightentry")),
        sa.UniqueConstraint("user_id", "date", name=op.f("uq_weight_weightentry_user_id_date")),
    )
    with op.batch_alter_table("weight_weightentry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_weight_weightentry_user_id"), ["user_id"], unique=False
        )
    connection = op.get_bind()
    units = _profile_units(connection)
    rows, seen = [], set()
    for reading_id, user_id, date, value, category_unit, extra in connection.execute(
        sa.select(
            readings.c.id, categories.c.user_id, readings.c.date, readings.c.value,
            categories.c.unit, readings.c.extra_data,
        )  # fmt: skip
        .join(categories, readings.c.category_id == categories.c.id)
        .where(categories.c.metric_type == "body_weight")
        .order_by(readings.c.date, readings.c.id)
    ):
        if (user_id, date) in seen:
            continue  # the old table's unique pair
        seen.add((user_id, date))
        unit = extra.get("unit") if isinstance(extra, dict) else None
        weight = _in_unit(value, unit or category_unit, units.get(user_id) or "kg")
        rows.append({"id": reading_id, "user_id": user_id, "date": date, "weight": weight})
    for start in range(0, len(rows), CHUNK):
        connection.execute(entries.insert(), rows[start : start + CHUNK])
    if connection.dialect.name == "postgresql":
        published = connection.exec_driver_sql(
            "SELECT 1 FROM pg_publication WHERE pubname = %(name)s", {"name": PUBLICATION}
        ).first()
        if published is not None:
            op.execute(f"ALTER PUBLICATION {PUBLICATION} ADD TABLE weight_weightentry")
