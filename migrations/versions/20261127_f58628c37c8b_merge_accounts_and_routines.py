"""merge accounts and routines

Revision ID: f58628c37c8b
Revises: 52dae247da68, 6d648d370c2c
Create Date: 2026-11-27 17:43:13.966568

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f58628c37c8b'
down_revision = ('52dae247da68', '6d648d370c2c')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
