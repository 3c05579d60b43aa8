"""a generation number bumped whenever events or case rows change, for caches of derived figures

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table('store_state',
                            sa.Column('id', sa.Integer(), nullable=False),
                            sa.Column('generation', sa.BigInteger(), nullable=False),
                            sa.PrimaryKeyConstraint('id'))
    op.bulk_insert(table, [{"id": 1, "generation": 0}])


def downgrade() -> None:
    op.drop_table('store_state')
