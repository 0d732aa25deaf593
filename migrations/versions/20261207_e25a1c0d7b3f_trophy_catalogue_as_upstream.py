"""trophy catalogue as upstream's servers hold it; statistics marked stale

The shipped catalogue came from upstream's ``initial_trophies.json``; a real upstream server
holds what its migration ``trophies/0002_load_initial_trophies`` writes, which differs (issue
25): the count trophies are progressive and the last four of them hidden, "Plane lifter" is
not hidden, "Blue whale lifter" takes the 150,000 kg its description names, "Millionaire" and
"Personal Record" have upstream's descriptions. Existing rows are updated by uuid (a trophy an
admin removed stays removed).

Every user's statistics are marked stale: issue 25 changed what they add up to (start times
from ``time_start`` only, upstream's kg to 4 places, records as upstream awards them with
their ``iteration``), so each user's next workout write recomputes them from the logs
(``flask trophies recompute`` does it for everyone at once).

Revision ID: e25a1c0d7b3f
Revises: 8e41c2a7b9d3
Create Date: 2026-12-07 07:30:00

"""
import uuid

from alembic import op
import sqlalchemy as sa

from wger_flask.models.types import GUID, JSONDocument

# revision identifiers, used by Alembic.
revision = 'e25a1c0d7b3f'
down_revision = '8e41c2a7b9d3'
branch_labels = None
depends_on = None

PROGRESSIVE = {"is_progressive": True}, {"is_progressive": False}
HIDDEN_PROGRESSIVE = (
    {"is_hidden": True, "is_progressive": True},
    {"is_hidden": False, "is_progressive": False},
)
# uuid: (values after the upgrade, values after a downgrade)
CHANGES = {
    "9f1c7c7e-3b2a-4b6f-9b5f-1c3e2d4f5a60": PROGRESSIVE,  # Beginner
    "0d2e3f4a-5b6c-47d8-9e0f-1a2b3c4d5e6f": PROGRESSIVE,  # Consistent
    "4b6f9c2d-3e1a-4f5b-8c7d-2e3f4a5b6c7d": PROGRESSIVE,  # Dedicated
    "d2c3b4a5-6f7e-48d9-8c0b-2a3c4d5e6f7b": HIDDEN_PROGRESSIVE,  # Obsessed
    "e3f4a5b6-c7d8-49e0-9f1a-2b3c4d5e6f7a": HIDDEN_PROGRESSIVE,  # Legend
    "f4a5b6c7-d8e9-40f1-9a2b-3c4d5e6f7a8b": HIDDEN_PROGRESSIVE,  # Veteran
    "a5b6c7d8-e9f0-41a2-9b3c-4d5e6f7a8b9c": HIDDEN_PROGRESSIVE,  # Titan
    "70ee1605-20b8-4c8d-87a1-3787b9b3939d": ({"is_hidden": False}, {"is_hidden": True}),  # Plane
    "3b4521ee-14bc-4a31-a3d8-e6859e183a35": (  # Blue whale lifter
        {"checker_params": {"kg": 150000}},
        {"checker_params": {"kg": 100000}},
    ),
    "2c770528-3528-4f0a-9d1a-342d96935bdf": (  # Millionaire
        {"description": "Lift a cumulative total of 1.000.000 kg"},
        {"description": "Lift a cumulative total of 1.000.000 kg (that's a fully loaded space shuttle!)"},
    ),
    "d4a5dbe7-7e15-4f7c-8560-a19f5f27eb2e": (  # Personal Record
        {"description": "Achieve a new Personal Record on any exercise"},
        {"description": "Repeatable Personal Record (PR) trophy"},
    ),
}

TROPHY = sa.table(
    "trophies_trophy",
    sa.column("uuid", GUID()),
    sa.column("description", sa.Text()),
    sa.column("is_hidden", sa.Boolean()),
    sa.column("is_progressive", sa.Boolean()),
    sa.column("checker_params", JSONDocument()),
)


def _apply(which):
    connection = op.get_bind()
    for key, values in CHANGES.items():
        connection.execute(
            TROPHY.update().where(TROPHY.c.uuid == uuid.UUID(key)).values(**values[which])
        )


def upgrade():
    _apply(0)
    op.execute(sa.text("UPDATE trophies_userstatistics SET stale = :yes").bindparams(yes=True))


def downgrade():
    _apply(1)
