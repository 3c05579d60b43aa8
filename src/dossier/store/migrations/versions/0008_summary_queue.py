"""summary queue

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('summary_queue',
                    sa.Column('person_id', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('person_id'))


def downgrade() -> None:
    op.drop_table('summary_queue')
