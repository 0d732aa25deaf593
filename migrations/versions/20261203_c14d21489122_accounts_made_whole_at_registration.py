"""accounts made whole at registration: a profile and the official measurement categories for
every existing account (reads no longer create them)

Revision ID: c14d21489122
Revises: 2b43a5a6f0fe
Create Date: 2026-12-03 09:00:00.000000

The values are frozen here (as the code defined them at this revision), so the migration means
the same whatever the code becomes.
"""
from alembic import op
import sqlalchemy as sa
from wger_flask.models import types

# revision identifiers, used by Alembic.
revision = 'c14d21489122'
down_revision = '2b43a5a6f0fe'
branch_labels = None
depends_on = None

PROFILE_DEFAULTS = {
    "is_temporary": False,
    "workout_reminder_active": False,
    "workout_reminder": 14,
    "workout_duration": 12,
    "notification_language_id": 2,
    "gender": "1",
    "sleep_hours": 7,
    "work_hours": 8,
    "work_intensity": "1",
    "sport_hours": 3,
    "sport_intensity": "2",
    "freetime_hours": 8,
    "freetime_intensity": "1",
    "calories": 2500,
    "weight_unit": "kg",
    "num_days_weight_reminder": 0,
    "time_zone": "",
    "trophies_enabled": True,
}
# (metric, name, unit, order, components: (metric, name, unit, order))
OFFICIAL = (
    ("body_weight", "Body weight", "kg", 1, ()),
    ("body_fat", "Body fat", "%", 2, ()),
    (
        "blood_pressure",
        "Blood pressure",
        "mmHg",
        3,
        (
            ("blood_pressure_systolic", "Systolic", "mmHg", 1),
            ("blood_pressure_diastolic", "Diastolic", "mmHg", 2),
        ),
    ),
    ("height", "Height", "cm", 4, ()),
)

users = sa.table("auth_user", sa.column("id", sa.Integer))
languages = sa.table("core_language", sa.column("id", sa.Integer))
profiles = sa.table(
    "core_userprofile",
    sa.column("user_id", sa.Integer),
    *(sa.column(name) for name in PROFILE_DEFAULTS),
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


def _category(user_id, metric, name, unit, order, parent_id=None):
    return {
        "id": types.uuid7(),
        "user_id": user_id,
        "name": name,
        "unit": unit,
        "metric_type": metric,
        "is_official": True,
        "order": order,
        "parent_id": parent_id,
        "chart_type": "line",
        "dynamic_type": "NONE",
    }


def upgrade():
    connection = op.get_bind()
    without_profile = connection.execute(
        sa.select(users.c.id).where(
            ~sa.exists(sa.select(profiles.c.user_id).where(profiles.c.user_id == users.c.id))
        )
    ).scalars().all()
    language_present = connection.execute(
        sa.select(languages.c.id).where(languages.c.id == 2)
    ).first()
    if without_profile and language_present:
        op.bulk_insert(
            profiles, [{"user_id": user_id, **PROFILE_DEFAULTS} for user_id in without_profile]
        )
    taken = {
        (user_id, metric)
        for user_id, metric in connection.execute(
            sa.select(categories.c.user_id, categories.c.metric_type).where(
                categories.c.metric_type != "custom"
            )
        )
    }
    rows = []
    for user_id in connection.execute(sa.select(users.c.id)).scalars().all():
        for metric, name, unit, order, components in OFFICIAL:
            if (user_id, metric) in taken:
                continue  # made before (its components with it), or a typed one of the user's
            group = _category(user_id, metric, name, unit, order)
            rows.append(group)
            for child, child_name, child_unit, child_order in components:
                if (user_id, child) not in taken:
                    rows.append(
                        _category(user_id, child, child_name, child_unit, child_order, group["id"])
                    )
    if rows:
        op.bulk_insert(categories, rows)


def downgrade():
    pass  # the rows stay: they are what registration makes today
