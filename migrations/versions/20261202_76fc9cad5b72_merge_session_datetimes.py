"""merge session datetimes

Revision ID: 76fc9cad5b72
Revises: 092b58103100, 37ac72097c97
Create Date: 2026-12-02 18:28:23.042373

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '76fc9cad5b72'
down_revision = ('092b58103100', '37ac72097c97')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
