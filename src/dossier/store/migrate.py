"""Schema migrations with Alembic, run programmatically whenever a store is opened."""
from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"
_ALEMBIC = threading.Lock()  # Alembic's environment is module-global: one migration run per process at a time


def alembic_config(connection=None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Run the migrations in one transaction. Python's sqlite3 driver commits DDL statement by statement
    (it opens transactions only before INSERT/UPDATE/DELETE), so a process killed mid-migration left half a schema
    that every later open refused ("table persons already exists"); on SQLite the driver's own transaction
    handling is switched off for the migration and one BEGIN IMMEDIATE covers it all."""
    with _ALEMBIC, engine.connect() as connection:
        if connection.dialect.name != "sqlite":
            with connection.begin():
                command.upgrade(alembic_config(connection), revision)
            return
        raw = connection.connection.driver_connection
        level = raw.isolation_level
        raw.isolation_level = None  # no implicit transactions: the BEGIN below is the only one
        try:
            with connection.begin():  # SQLAlchemy's commit/rollback end the BEGIN issued here
                raw.execute("BEGIN IMMEDIATE")
                command.upgrade(alembic_config(connection), revision)
        finally:
            raw.isolation_level = level
