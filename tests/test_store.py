"""The schema the migrations build is the schema the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from dossier.store import Store
from dossier.store.models import Base


def test_store_migrations_build_exactly_the_models_schema(tmp_path):
    store = Store.open(str(tmp_path / "d.db"))
    with store.engine.connect() as con:
        diff = compare_metadata(MigrationContext.configure(con), Base.metadata)
    # the full-text index is SQLite's own virtual table, made by a migration and not a model
    rest = [d for d in diff if not (d[0] == "remove_table" and d[1].name.startswith("article_fts"))]
    assert rest == []
