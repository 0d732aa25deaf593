"""merge body tracking

Revision ID: b1ebbf7e71b1
Revises: 5e292972deff, a1c1bfbadfc8
Create Date: 2026-12-02 18:20:46.997229

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b1ebbf7e71b1'
down_revision = ('5e292972deff', 'a1c1bfbadfc8')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
