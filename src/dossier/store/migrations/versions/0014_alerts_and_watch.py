"""alerts of urgent happenings and their sources; what `dossier watch` follows and has fetched

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('alerts',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('person_id', sa.Integer(), nullable=False),
                    sa.Column('type', sa.String(length=32), nullable=False),
                    sa.Column('date', sa.String(length=10), nullable=True),
                    sa.Column('country', sa.String(length=2), nullable=True),
                    sa.Column('raised_at', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('status', sa.String(length=16), nullable=False),
                    sa.Column('assigned_to', sa.String(length=64), nullable=True),
                    sa.Column('acknowledged_by', sa.String(length=64), nullable=True),
                    sa.Column('acknowledged_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('notified_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('notify_attempts', sa.Integer(), nullable=False),
                    sa.Column('notify_error', sa.Text(), nullable=True),
                    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id'))
    op.create_index('ix_alerts_person_id', 'alerts', ['person_id'])
    op.create_index('ix_alerts_raised_at', 'alerts', ['raised_at'])
    op.create_index('ix_alerts_status', 'alerts', ['status'])
    op.create_table('alert_sources',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('alert_id', sa.Integer(), nullable=False),
                    sa.Column('event_id', sa.Integer(), nullable=False),
                    sa.Column('article_id', sa.Integer(), nullable=False),
                    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
                    sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'], ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
                    sa.ForeignKeyConstraint(['article_id'], ['articles.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('alert_id', 'article_id'))
    op.create_index('ix_alert_sources_alert_id', 'alert_sources', ['alert_id'])
    op.create_index('ix_alert_sources_event_id', 'alert_sources', ['event_id'])
    cursor = op.create_table('alert_cursor',
                             sa.Column('id', sa.Integer(), nullable=False),
                             sa.Column('event_id', sa.BigInteger(), nullable=False),
                             sa.PrimaryKeyConstraint('id'))
    # events stored before alerts existed are old news: judging starts after them
    bind = op.get_bind()
    last = bind.execute(sa.text("SELECT COALESCE(MAX(id), 0) FROM events")).scalar()
    op.bulk_insert(cursor, [{"id": 1, "event_id": last}])
    op.create_table('watch_sources',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('url', sa.String(length=2048), nullable=False),
                    sa.Column('etag', sa.Text(), nullable=True),
                    sa.Column('last_modified', sa.Text(), nullable=True),
                    sa.Column('polled_at', sa.DateTime(timezone=True), nullable=True),
                    sa.Column('last_error', sa.Text(), nullable=True),
                    sa.Column('failures', sa.Integer(), nullable=False),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('url'))
    op.create_table('watch_items',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('url', sa.String(length=2048), nullable=False),
                    sa.Column('source_url', sa.String(length=2048), nullable=False),
                    sa.Column('published', sa.String(length=32), nullable=True),
                    sa.Column('status', sa.String(length=16), nullable=False),
                    sa.Column('attempts', sa.Integer(), nullable=False),
                    sa.Column('last_error', sa.Text(), nullable=True),
                    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
                    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
                    sa.PrimaryKeyConstraint('id'),
                    sa.UniqueConstraint('url'))
    op.create_index('ix_watch_items_status', 'watch_items', ['status'])


def downgrade() -> None:
    op.drop_table('watch_items')
    op.drop_table('watch_sources')
    op.drop_table('alert_cursor')
    op.drop_table('alert_sources')
    op.drop_table('alerts')
