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


def test_store_a_crash_in_the_middle_of_the_migrations_leaves_a_store_that_opens(tmp_path):
    """A process killed while it built the schema must not leave half a schema behind (every later open
    failed with 'table ... already exists'): the migrations run in one transaction."""
    import pytest
    from sqlalchemy import create_engine, event, inspect

    from dossier.store.migrate import upgrade

    path = tmp_path / "d.db"
    engine = create_engine(f"sqlite:///{path}")
    created = []

    def crash_after_three_tables(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("CREATE TABLE"):
            created.append(statement)
            if len(created) == 3:
                raise KeyboardInterrupt  # like a signal arriving mid-migration

    event.listen(engine, "after_cursor_execute", crash_after_three_tables)
    with pytest.raises(KeyboardInterrupt):
        upgrade(engine)
    engine.dispose()
    assert len(created) == 3
    assert inspect(create_engine(f"sqlite:///{path}")).get_table_names() == []
    store = Store.open(str(path))
    assert "persons" in inspect(store.engine).get_table_names()
