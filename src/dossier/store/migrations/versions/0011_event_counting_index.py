"""a covering index for the event counts of the statistics page and charts

Revision ID: 0011
Revises: 0010
"""
from alembic import op


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_events_counting', 'events', ['type', 'date', 'status', 'sensitivity', 'person_id', 'country'])


def downgrade() -> None:
    op.drop_index('ix_events_counting', 'events')
