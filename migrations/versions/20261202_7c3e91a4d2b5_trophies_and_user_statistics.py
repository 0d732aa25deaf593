"""trophies: the catalogue, earned trophies, user statistics and session facts; the profile's
time_zone and trophies_enabled

Revision ID: 7c3e91a4d2b5
Revises: 4d6e05a115b0
Create Date: 2026-12-02 17:15:14.726529

"""
from alembic import op
import sqlalchemy as sa
from wger_flask.models import types

# revision identifiers, used by Alembic.
revision = '7c3e91a4d2b5'
down_revision = '4d6e05a115b0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('trophies_trophy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', types.GUID(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('trophy_type', sa.String(length=20), nullable=False),
    sa.Column('checker_class', sa.String(length=255), nullable=False),
    sa.Column('checker_params', types.JSONDocument(), nullable=False),
    sa.Column('is_hidden', sa.Boolean(), nullable=False),
    sa.Column('is_progressive', sa.Boolean(), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('is_repeatable', sa.Boolean(), nullable=False),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('created', types.UTCDateTime(), nullable=False),
    sa.Column('updated', types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trophies_trophy')),
    sa.UniqueConstraint('uuid', name=op.f('uq_trophies_trophy_uuid'))
    )
    op.create_table('trophies_userstatistics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('volume_mg', sa.BigInteger(), nullable=False),
    sa.Column('total_workouts', sa.Integer(), nullable=False),
    sa.Column('streak_run', sa.Integer(), nullable=False),
    sa.Column('longest_streak', sa.Integer(), nullable=False),
    sa.Column('last_workout_date', sa.Date(), nullable=True),
    sa.Column('earliest_workout_time', sa.Time(), nullable=True),
    sa.Column('latest_workout_time', sa.Time(), nullable=True),
    sa.Column('weekend_run', sa.Integer(), nullable=False),
    sa.Column('longest_weekend_streak', sa.Integer(), nullable=False),
    sa.Column('last_complete_weekend_date', sa.Date(), nullable=True),
    sa.Column('longest_gap', sa.Integer(), nullable=False),
    sa.Column('worked_out_jan_1', sa.Boolean(), nullable=False),
    sa.Column('personal_records', sa.Integer(), nullable=False),
    sa.Column('last_updated', types.UTCDateTime(), nullable=False),
    sa.Column('stale', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['auth_user.id'], name=op.f('fk_trophies_userstatistics_user_id_auth_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trophies_userstatistics')),
    sa.UniqueConstraint('user_id', name=op.f('uq_trophies_userstatistics_user_id'))
    )
    op.create_table('trophies_sessionfact',
    sa.Column('session_id', types.GUID(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('month_day', sa.Integer(), nullable=False),
    sa.Column('start_time', sa.Time(), nullable=True),
    sa.ForeignKeyConstraint(['session_id'], ['manager_workoutsession.id'], name=op.f('fk_trophies_sessionfact_session_id_manager_workoutsession'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['auth_user.id'], name=op.f('fk_trophies_sessionfact_user_id_auth_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_trophies_sessionfact'))
    )
    with op.batch_alter_table('trophies_sessionfact', schema=None) as batch_op:
        batch_op.create_index('ix_trophies_sessionfact_user_day', ['user_id', 'day'], unique=False)
        batch_op.create_index('ix_trophies_sessionfact_user_month_day', ['user_id', 'month_day'], unique=False)
        batch_op.create_index('ix_trophies_sessionfact_user_time', ['user_id', 'start_time'], unique=False)

    op.create_table('trophies_usertrophy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('trophy_id', sa.Integer(), nullable=False),
    sa.Column('earned_at', types.UTCDateTime(), nullable=False),
    sa.Column('progress', sa.Float(), nullable=False),
    sa.Column('is_notified', sa.Boolean(), nullable=False),
    sa.Column('context_data', types.JSONDocument(), nullable=True),
    sa.Column('log_id', types.GUID(), nullable=True),
    sa.Column('exercise_id', sa.Integer(), nullable=True),
    sa.Column('record_at', types.UTCDateTime(), nullable=True),
    sa.Column('one_rep_max', sa.Numeric(precision=10, scale=2), nullable=True),
    sa.ForeignKeyConstraint(['log_id'], ['manager_workoutlog.id'], name=op.f('fk_trophies_usertrophy_log_id_manager_workoutlog'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['trophy_id'], ['trophies_trophy.id'], name=op.f('fk_trophies_usertrophy_trophy_id_trophies_trophy'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['auth_user.id'], name=op.f('fk_trophies_usertrophy_user_id_auth_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trophies_usertrophy'))
    )
    with op.batch_alter_table('trophies_usertrophy', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_trophies_usertrophy_log_id'), ['log_id'], unique=False)
        batch_op.create_index('ix_trophies_usertrophy_record', ['user_id', 'exercise_id', 'record_at', 'log_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_trophies_usertrophy_trophy_id'), ['trophy_id'], unique=False)
        batch_op.create_index('ix_trophies_usertrophy_user_earned', ['user_id', 'earned_at'], unique=False)
        batch_op.create_index('uq_trophies_usertrophy_once', ['user_id', 'trophy_id'], unique=True, sqlite_where=sa.text('log_id IS NULL'), postgresql_where=sa.text('log_id IS NULL'))

    with op.batch_alter_table('core_userprofile', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=50), server_default='', nullable=False))
        batch_op.add_column(sa.Column('trophies_enabled', sa.Boolean(), server_default=sa.true(), nullable=False))



def downgrade():
    with op.batch_alter_table('core_userprofile', schema=None) as batch_op:
        batch_op.drop_column('trophies_enabled')
        batch_op.drop_column('time_zone')

    with op.batch_alter_table('trophies_usertrophy', schema=None) as batch_op:
        batch_op.drop_index('uq_trophies_usertrophy_once', sqlite_where=sa.text('log_id IS NULL'), postgresql_where=sa.text('log_id IS NULL'))
        batch_op.drop_index('ix_trophies_usertrophy_user_earned')
        batch_op.drop_index(batch_op.f('ix_trophies_usertrophy_trophy_id'))
        batch_op.drop_index('ix_trophies_usertrophy_record')
        batch_op.drop_index(batch_op.f('ix_trophies_usertrophy_log_id'))

    op.drop_table('trophies_usertrophy')
    with op.batch_alter_table('trophies_sessionfact', schema=None) as batch_op:
        batch_op.drop_index('ix_trophies_sessionfact_user_time')
        batch_op.drop_index('ix_trophies_sessionfact_user_month_day')
        batch_op.drop_index('ix_trophies_sessionfact_user_day')

    op.drop_table('trophies_sessionfact')
    op.drop_table('trophies_userstatistics')
    op.drop_table('trophies_trophy')
