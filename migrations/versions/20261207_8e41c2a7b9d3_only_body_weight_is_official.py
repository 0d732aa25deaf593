"""only body weight is official: the other categories made at registration (body fat, blood
pressure and its components, height) become the user's own, kept with their readings

Revision ID: 8e41c2a7b9d3
Revises: 5a7c0e23d1f4
Create Date: 2026-12-07 07:30:00.000000

A user (or their tools: the 2.7 MCP server deletes the blood-pressure group it made) may now
delete them; new accounts get only body weight. The values are frozen here.
"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = '8e41c2a7b9d3'
down_revision = '5a7c0e23d1f4'
branch_labels = None
depends_on = None

FORMERLY_OFFICIAL = (
    "body_fat",
    "blood_pressure",
    "blood_pressure_systolic",
    "blood_pressure_diastolic",
    "height",
)
categories = sa.table(
    "measurements_category",
    sa.column("metric_type", sa.String),
    sa.column("is_official", sa.Boolean),
)


def upgrade():
    op.execute(
        categories.update()
        .where(categories.c.metric_type != "body_weight", categories.c.is_official.is_(True))
        .values(is_official=False)
    )


def downgrade():
    # the categories of these metrics were the official ones (one per user and metric type)
    op.execute(
        categories.update()
        .where(categories.c.metric_type.in_(FORMERLY_OFFICIAL))
        .values(is_official=True)
    )
