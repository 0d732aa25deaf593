"""merge contributions

Revision ID: 2b43a5a6f0fe
Revises: 76fc9cad5b72, d734c155cf56
Create Date: 2026-12-02 18:39:16.687866

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2b43a5a6f0fe'
down_revision = ('76fc9cad5b72', 'd734c155cf56')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
