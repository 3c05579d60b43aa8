"""login attempts counted atomically; TOTP codes single-use

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('login_attempts',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('username', sa.String(length=64), nullable=False),
                    sa.Column('client', sa.String(length=64), nullable=False),
                    sa.Column('at', sa.String(length=32), nullable=False),
                    sa.Column('ok', sa.Boolean(), nullable=False),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_login_attempts_client_at', 'login_attempts', ['client', 'at'])
    op.create_index('ix_login_attempts_username_at', 'login_attempts', ['username', 'at'])
    with op.batch_alter_table('users') as batch:
        batch.add_column(sa.Column('totp_last', sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('users') as batch:
        batch.drop_column('totp_last')
    op.drop_index('ix_login_attempts_username_at', 'login_attempts')
    op.drop_index('ix_login_attempts_client_at', 'login_attempts')
    op.drop_table('login_attempts')
