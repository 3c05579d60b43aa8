"""audit head: the signed end of the audit chain, and the store's identity (which key signs it)

Revision ID: 0009
Revises: 0008
"""
import uuid

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    head = op.create_table('audit_head',
                           sa.Column('id', sa.Integer(), nullable=False),
                           sa.Column('store_id', sa.String(length=36), nullable=False),
                           sa.Column('seq', sa.Integer(), nullable=False),
                           sa.Column('hash', sa.String(length=64), nullable=False),
                           sa.Column('mac', sa.String(length=64), nullable=False),
                           sa.Column('legacy_upto', sa.Integer(), nullable=False),
                           sa.PrimaryKeyConstraint('id'))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT count(*), max(id) FROM audit_log")).one()
    last = bind.execute(sa.text("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")).scalar()
    # rows written before this revision keep their plain SHA-256 chain; the head is signed on the next write
    op.bulk_insert(head, [{"id": 1, "store_id": str(uuid.uuid4()), "seq": rows[0] or 0, "hash": last or "0" * 64,
                           "mac": "", "legacy_upto": rows[1] or 0}])


def downgrade() -> None:
    op.drop_table('audit_head')
