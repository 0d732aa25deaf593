"""nutrition: plans, meals, meal items and the nutrition diary

Revision ID: 4d9c8748d287
Revises: 4d6e05a115b0
Create Date: 2026-12-02 17:40:00

"""
from alembic import op
import sqlalchemy as sa
from wger_flask.models import types

# revision identifiers, used by Alembic.
revision = '4d9c8748d287'
down_revision = '4d6e05a115b0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('nutrition_nutritionplan',
    sa.Column('id', types.GUID(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('creation_date', sa.Date(), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('description', sa.String(length=80), nullable=False),
    sa.Column('only_logging', sa.Boolean(), nullable=False),
    sa.Column('has_goal_calories', sa.Boolean(), nullable=False),
    sa.Column('goal_energy', sa.Integer(), nullable=True),
    sa.Column('goal_protein', sa.Integer(), nullable=True),
    sa.Column('goal_carbohydrates', sa.Integer(), nullable=True),
    sa.Column('goal_fat', sa.Integer(), nullable=True),
    sa.Column('goal_fiber', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['auth_user.id'], name=op.f('fk_nutrition_nutritionplan_user_id_auth_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nutrition_nutritionplan'))
    )
    with op.batch_alter_table('nutrition_nutritionplan', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nutrition_nutritionplan_user_id'), ['user_id'], unique=False)

    op.create_table('nutrition_meal',
    sa.Column('id', types.GUID(), nullable=False),
    sa.Column('plan_id', types.GUID(), nullable=False),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('time', sa.Time(), nullable=True),
    sa.Column('name', sa.String(length=25), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['nutrition_nutritionplan.id'], name=op.f('fk_nutrition_meal_plan_id_nutrition_nutritionplan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nutrition_meal'))
    )
    with op.batch_alter_table('nutrition_meal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nutrition_meal_plan_id'), ['plan_id'], unique=False)

    op.create_table('nutrition_mealitem',
    sa.Column('id', types.GUID(), nullable=False),
    sa.Column('meal_id', types.GUID(), nullable=False),
    sa.Column('ingredient_id', sa.Integer(), nullable=False),
    sa.Column('weight_unit_id', sa.Integer(), nullable=True),
    sa.Column('order', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['ingredient_id'], ['nutrition_ingredient.id'], name=op.f('fk_nutrition_mealitem_ingredient_id_nutrition_ingredient'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meal_id'], ['nutrition_meal.id'], name=op.f('fk_nutrition_mealitem_meal_id_nutrition_meal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['weight_unit_id'], ['nutrition_ingredientweightunit.id'], name=op.f('fk_nutrition_mealitem_weight_unit_id_nutrition_ingredientweightunit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nutrition_mealitem'))
    )
    with op.batch_alter_table('nutrition_mealitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nutrition_mealitem_ingredient_id'), ['ingredient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nutrition_mealitem_meal_id'), ['meal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nutrition_mealitem_weight_unit_id'), ['weight_unit_id'], unique=False)

    op.create_table('nutrition_logitem',
    sa.Column('id', types.GUID(), nullable=False),
    sa.Column('plan_id', types.GUID(), nullable=False),
    sa.Column('meal_id', types.GUID(), nullable=True),
    sa.Column('ingredient_id', sa.Integer(), nullable=False),
    sa.Column('weight_unit_id', sa.Integer(), nullable=True),
    sa.Column('datetime', types.UTCDateTime(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=6, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['ingredient_id'], ['nutrition_ingredient.id'], name=op.f('fk_nutrition_logitem_ingredient_id_nutrition_ingredient'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['meal_id'], ['nutrition_meal.id'], name=op.f('fk_nutrition_logitem_meal_id_nutrition_meal'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['nutrition_nutritionplan.id'], name=op.f('fk_nutrition_logitem_plan_id_nutrition_nutritionplan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['weight_unit_id'], ['nutrition_ingredientweightunit.id'], name=op.f('fk_nutrition_logitem_weight_unit_id_nutrition_ingredientweightunit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nutrition_logitem'))
    )
    with op.batch_alter_table('nutrition_logitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nutrition_logitem_datetime'), ['datetime'], unique=False)
        batch_op.create_index(batch_op.f('ix_nutrition_logitem_ingredient_id'), ['ingredient_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nutrition_logitem_meal_id'), ['meal_id'], unique=False)
        batch_op.create_index('ix_nutrition_logitem_plan_datetime', ['plan_id', 'datetime'], unique=False)
        batch_op.create_index(batch_op.f('ix_nutrition_logitem_weight_unit_id'), ['weight_unit_id'], unique=False)


def downgrade():
    op.drop_table('nutrition_logitem')
    op.drop_table('nutrition_mealitem')
    op.drop_table('nutrition_meal')
    op.drop_table('nutrition_nutritionplan')
