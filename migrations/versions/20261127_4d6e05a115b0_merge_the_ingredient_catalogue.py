"""merge the ingredient catalogue

Revision ID: 4d6e05a115b0
Revises: b6e107786122, f58628c37c8b
Create Date: 2026-11-27 18:50:03.572040

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4d6e05a115b0'
down_revision = ('b6e107786122', 'f58628c37c8b')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
