"""person decisions

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('person_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('other_id', sa.Integer(), nullable=True),
    sa.Column('article_id', sa.Integer(), nullable=True),
    sa.Column('name_key', sa.String(length=256), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['other_id'], ['persons.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('person_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_decisions_article_id'), ['article_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_decisions_person_id'), ['person_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('person_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_decisions_person_id'))
        batch_op.drop_index(batch_op.f('ix_person_decisions_article_id'))

    op.drop_table('person_decisions')
