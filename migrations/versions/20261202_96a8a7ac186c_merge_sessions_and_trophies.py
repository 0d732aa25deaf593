"""merge sessions and trophies

Revision ID: 96a8a7ac186c
Revises: 7c3e91a4d2b5, b107410db20c
Create Date: 2026-12-02 18:00:08.737104

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '96a8a7ac186c'
down_revision = ('7c3e91a4d2b5', 'b107410db20c')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
