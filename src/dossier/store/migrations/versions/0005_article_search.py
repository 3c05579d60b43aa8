"""full-text search over articles (SQLite FTS5; other databases search with their own operators)

Revision ID: 0005
Revises: 0004
"""
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5("
                   "title, body, tokenize = 'unicode61 remove_diacritics 2')")
        op.execute("INSERT INTO article_fts(rowid, title, body) SELECT a.id, coalesce(a.title, ''), "
                   "substr(d.text, a.start + 1, a.\"end\" - a.start) FROM articles a JOIN documents d ON d.id = a.document_id")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS article_fts")
