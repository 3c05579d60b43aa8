"""Consistent online backups of the store and their restoration.

SQLite: the database's own online-backup API copies a consistent snapshot while others keep using the
file. The copy is then checked (integrity and Dossier's schema) before it is called a backup, and a
restore refuses to overwrite an existing store unless told to."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from ..errors import StoreError
from . import database_url


def _sqlite_path(db: str) -> Path:
    url = make_url(database_url(db))
    if url.get_backend_name() != "sqlite" or not url.database:
        raise StoreError("backup and restore handle SQLite stores; for PostgreSQL use pg_dump and pg_restore")
    return Path(url.database)


def check(path: Path) -> None:
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if con.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise StoreError(f"{path} is damaged")
            con.execute("SELECT count(*) FROM alembic_version").fetchone()
            con.execute("SELECT count(*) FROM articles").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path} is not a Dossier store: {exc}") from None


def backup(db: str, target: Path) -> None:
    source = _sqlite_path(db)
    if not source.exists():
        raise StoreError(f"no store at {source}")
    if target.exists():
        raise StoreError(f"{target} exists; choose another name")
    tmp = target.with_name(target.name + ".partial")
    src = sqlite3.connect(str(source))
    dst = sqlite3.connect(str(tmp))
    try:
        src.backup(dst)  # consistent snapshot, online
    finally:
        dst.close()
        src.close()
    check(tmp)
    tmp.rename(target)


def restore(backup_file: Path, db: str, force: bool = False) -> None:
    target = _sqlite_path(db)
    check(backup_file)
    if target.exists() and not force:
        raise StoreError(f"{target} exists; restore over it with --force (its current content is then lost)")
    tmp = target.with_name(target.name + ".restoring")
    shutil.copyfile(backup_file, tmp)
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    tmp.replace(target)
