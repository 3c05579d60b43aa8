"""surname skeleton keys for the persons stored before them (candidates across transliteration conventions)

Revision ID: 0013
Revises: 0012
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    from dossier.names import surname_keys

    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, name, aliases FROM persons")).all()
    batch = []
    for pid, name, aliases in rows:
        if isinstance(aliases, str):
            aliases = json.loads(aliases or "[]")
        keys = {k for n in [name] + list(aliases or []) for k in surname_keys(n)}
        batch += [{"p": pid, "t": k} for k in sorted(keys)]
        if len(batch) >= 5000:
            bind.execute(sa.text("INSERT INTO person_keys(person_id, token) VALUES (:p, :t)"), batch)
            batch = []
    if batch:
        bind.execute(sa.text("INSERT INTO person_keys(person_id, token) VALUES (:p, :t)"), batch)


def downgrade() -> None:
    op.execute("DELETE FROM person_keys WHERE token LIKE '~%'")
