"""merge catalogue generation

Revision ID: 092b58103100
Revises: b1ebbf7e71b1, df707f7c1c83
Create Date: 2026-12-02 18:23:34.399635

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '092b58103100'
down_revision = ('b1ebbf7e71b1', 'df707f7c1c83')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
