"""accounts: web sessions on the server (kind, data, device, address, last seen)

Revision ID: b107410db20c
Revises: 4d6e05a115b0
Create Date: 2026-12-02 17:30:00

"""

import sqlalchemy as sa
from alembic import op

from wger_flask.models import types

# revision identifiers, used by Alembic.
revision = "b107410db20c"
down_revision = "4d6e05a115b0"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("accounts_appsession", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=8), nullable=False, server_default="app")
        )
        batch_op.add_column(sa.Column("data", types.JSONDocument(), nullable=True))
        batch_op.add_column(
            sa.Column("user_agent", sa.String(length=255), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("address", sa.String(length=45), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("last_seen", types.UTCDateTime(), nullable=True))
        batch_op.create_index("ix_accounts_appsession_expires", ["expires"], unique=False)


def downgrade():
    with op.batch_alter_table("accounts_appsession", schema=None) as batch_op:
        batch_op.drop_index("ix_accounts_appsession_expires")
        batch_op.drop_column("last_seen")
        batch_op.drop_column("address")
        batch_op.drop_column("user_agent")
        batch_op.drop_column("data")
        batch_op.drop_column("kind")
