"""the qualifier of a figure in the text's own words ("at least"), shown as stated

Revision ID: 0015
Revises: 0014
"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('statistics') as batch:
        batch.add_column(sa.Column('stated', sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('statistics') as batch:
        batch.drop_column('stated')
