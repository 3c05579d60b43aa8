"""case summaries

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_summaries',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), nullable=False),
    sa.Column('countries', sa.String(length=256), nullable=False),
    sa.Column('event_types', sa.Text(), nullable=False),
    sa.Column('languages', sa.String(length=128), nullable=False),
    sa.Column('sources', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('first_date', sa.String(length=10), nullable=True),
    sa.Column('last_date', sa.String(length=10), nullable=True),
    sa.Column('sensitivity', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id')
    )
    with op.batch_alter_table('case_summaries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_summaries_last_date'), ['last_date'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_summaries_name'), ['name'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_summaries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_summaries_last_date'))
        batch_op.drop_index(batch_op.f('ix_case_summaries_name'))

    op.drop_table('case_summaries')
