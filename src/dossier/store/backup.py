"""Consistent online backups of the store and their restoration.

SQLite: the database's own online-backup API copies a consistent snapshot while others keep using the
file. The copy is then checked (integrity and Dossier's schema) before it is called a backup, and a
restore refuses to overwrite an existing store unless told to, and always refuses a store that a running
workbench or ingest holds (`in_use`). Backups can be encrypted with a passphrase (`security.crypto`)."""
from __future__ import annotations

import fcntl
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from ..errors import StoreError
from . import database_url


def _sqlite_path(db: str) -> Path:
    url = make_url(database_url(db))
    if url.get_backend_name() != "sqlite" or not url.database:
        raise StoreError("backup and restore handle SQLite stores; for PostgreSQL use pg_dump and pg_restore")
    return Path(url.database)


def _lock_file(db: str) -> Path | None:
    try:
        return _sqlite_path(db).with_name(_sqlite_path(db).name + ".in-use")
    except StoreError:
        return None  # PostgreSQL: the server's own business


@contextmanager
def in_use(db: str) -> Iterator[None]:
    """Held (a shared lock on `<store>.in-use`) while a workbench or an ingest works on the store: a restore
    over it is refused instead of leaving the server writing to a file that is no longer the store."""
    path = _lock_file(db)
    if path is None or not path.parent.is_dir():
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)


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


def backup(db: str, target: Path, passphrase: str | None = None) -> None:
    """A consistent copy; with a passphrase, encrypted (only the encrypted file is left behind)."""
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
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file: no -wal/-shm left beside it
    finally:
        dst.close()
        src.close()
    check(tmp)
    if passphrase is None:
        tmp.rename(target)
        return
    from ..security.crypto import encrypt

    sealed = target.with_name(target.name + ".sealing")
    try:
        with open(tmp, "rb") as plain, open(sealed, "wb") as out:
            os.chmod(sealed, 0o600)
            encrypt(plain, out, passphrase)
        sealed.rename(target)
    finally:
        for leftover in (tmp, sealed, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)


def restore(backup_file: Path, db: str, force: bool = False, passphrase=None) -> None:
    """`passphrase`: a callable asked only when the backup is encrypted."""
    from ..security.crypto import decrypt, is_encrypted

    target = _sqlite_path(db)
    if target.exists() and not force:
        raise StoreError(f"{target} exists; restore over it with --force (its current content is then lost)")
    tmp = target.with_name(target.name + ".restoring")
    try:
        if is_encrypted(backup_file):
            with open(backup_file, "rb") as sealed, open(tmp, "wb") as out:
                os.chmod(tmp, 0o600)
                for chunk in decrypt(sealed, passphrase() if callable(passphrase) else passphrase or ""):
                    out.write(chunk)
        else:
            shutil.copyfile(backup_file, tmp)
        check(tmp)
        lock = _lock_file(db)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise StoreError(f"{target} is in use by a running workbench or ingest: stop it, then "
                                 "restore") from None
            for suffix in ("-wal", "-shm"):
                Path(str(target) + suffix).unlink(missing_ok=True)
            tmp.replace(target)
        finally:
            os.close(fd)
    finally:
        tmp.unlink(missing_ok=True)
