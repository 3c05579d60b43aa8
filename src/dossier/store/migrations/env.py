"""Alembic environment: the connection is handed over by dossier.store.migrate."""
from alembic import context

from dossier.store.models import Base

connection = context.config.attributes["connection"]


def include_object(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and name.startswith("article_fts"))  # SQLite FTS5 tables are made by hand


context.configure(connection=connection, target_metadata=Base.metadata, include_object=include_object,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
