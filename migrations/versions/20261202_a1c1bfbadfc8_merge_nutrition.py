"""merge nutrition

Revision ID: a1c1bfbadfc8
Revises: 4d9c8748d287, 96a8a7ac186c
Create Date: 2026-12-02 18:08:01.436950

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c1bfbadfc8'
down_revision = ('4d9c8748d287', '96a8a7ac186c')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
