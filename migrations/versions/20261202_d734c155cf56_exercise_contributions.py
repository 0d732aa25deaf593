"""exercise contributions: granted permissions and the catalogue's author history (a log, and
the authors kept with each exercise, translation, image and video); exercise image thumbnails

Revision ID: d734c155cf56
Revises: 092b58103100
Create Date: 2026-12-02 18:10:00

"""
from alembic import op
import sqlalchemy as sa
from wger_flask.models import types

# revision identifiers, used by Alembic.
revision = 'd734c155cf56'
down_revision = '092b58103100'
branch_labels = None
depends_on = None


AUTHORED = (
    'exercises_exercise',
    'exercises_translation',
    'exercises_exerciseimage',
    'exercises_exercisevideo',
)


def upgrade():
    op.create_table('accounts_userpermission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('granted', types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['auth_user.id'], name=op.f('fk_accounts_userpermission_user_id_auth_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts_userpermission')),
    sa.UniqueConstraint('user_id', 'name', name=op.f('uq_accounts_userpermission_user_id_name'))
    )
    op.create_table('exercises_authorhistory',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exercise_id', sa.Integer(), nullable=True),
    sa.Column('translation_id', sa.Integer(), nullable=True),
    sa.Column('image_id', sa.Integer(), nullable=True),
    sa.Column('video_id', sa.Integer(), nullable=True),
    sa.Column('license_author', sa.String(length=3500), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('changed', types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['exercise_id'], ['exercises_exercise.id'], name=op.f('fk_exercises_authorhistory_exercise_id_exercises_exercise'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['translation_id'], ['exercises_translation.id'], name=op.f('fk_exercises_authorhistory_translation_id_exercises_translation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['image_id'], ['exercises_exerciseimage.id'], name=op.f('fk_exercises_authorhistory_image_id_exercises_exerciseimage'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['video_id'], ['exercises_exercisevideo.id'], name=op.f('fk_exercises_authorhistory_video_id_exercises_exercisevideo'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['auth_user.id'], name=op.f('fk_exercises_authorhistory_user_id_auth_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exercises_authorhistory'))
    )
    with op.batch_alter_table('exercises_authorhistory', schema=None) as batch_op:
        for column in ('exercise_id', 'translation_id', 'image_id', 'video_id', 'user_id'):
            batch_op.create_index(batch_op.f(f'ix_exercises_authorhistory_{column}'), [column], unique=False)
    for table in AUTHORED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('authors', types.JSONDocument(), server_default='[]', nullable=False))
    with op.batch_alter_table('exercises_exerciseimage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thumbnail_small', sa.String(length=255), server_default='', nullable=False))
        batch_op.add_column(sa.Column('thumbnail_medium', sa.String(length=255), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('exercises_exerciseimage', schema=None) as batch_op:
        batch_op.drop_column('thumbnail_medium')
        batch_op.drop_column('thumbnail_small')
    for table in AUTHORED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('authors')
    with op.batch_alter_table('exercises_authorhistory', schema=None) as batch_op:
        for column in ('exercise_id', 'translation_id', 'image_id', 'video_id', 'user_id'):
            batch_op.drop_index(batch_op.f(f'ix_exercises_authorhistory_{column}'))
    op.drop_table('exercises_authorhistory')
    op.drop_table('accounts_userpermission')
