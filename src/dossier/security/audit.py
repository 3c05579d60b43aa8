"""Append-only audit log, chained and signed.

Each row's hash is an HMAC (SHA-256) of its content and the previous row's hash, with a key kept outside the
store (`DOSSIER_KEY_DIR`, by default `~/.local/share/dossier/keys`, one file per store, mode 0600): whoever can
write to the database but not read the key cannot edit a row and re-hash the chain. The head row (`audit_head`)
holds the number of rows and the last hash, signed with the same key, so removing the newest rows, or all of them,
is detected too. Writers take the head row's lock first (an UPDATE: a write lock on SQLite, a row lock on
PostgreSQL), so concurrent writers are serialised and the chain never forks.

Secret values are never written here: only who did what to which record and field.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import os
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..errors import DossierError
from ..store.models import AuditHeadRow, AuditRow

GENESIS = "0" * 64


class AuditError(DossierError):
    pass


def key_dir() -> Path:
    return Path(os.environ.get("DOSSIER_KEY_DIR") or Path.home() / ".local" / "share" / "dossier" / "keys")


def key_path(store_id: str) -> Path:
    return key_dir() / f"{store_id}.audit-key"


def _key(store_id: str, create: bool) -> bytes | None:
    path = key_path(store_id)
    if not path.exists():
        if not create:
            return None
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first: use theirs
        else:
            with os.fdopen(fd, "w") as f:
                f.write(os.urandom(32).hex())
    text = path.read_text().strip()
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise AuditError(f"the audit key {path} is not readable (expected 64 hex digits)") from None


def _payload(prev: str, at: str, username: str | None, action: str, target: str | None, detail: dict,
             client: str | None) -> bytes:
    return json.dumps([prev, at, username, action, target, detail, client], sort_keys=True,
                      ensure_ascii=False).encode("utf-8")


def _digest(key: bytes | None, *fields) -> str:
    """HMAC-SHA256 with the store's key; plain SHA-256 (no key) for rows written before keys existed."""
    if key is None:
        return hashlib.sha256(_payload(*fields)).hexdigest()
    return hmac.new(key, _payload(*fields), hashlib.sha256).hexdigest()


def _head_mac(key: bytes, seq: int, last: str) -> str:
    return hmac.new(key, f"head:{seq}:{last}".encode(), hashlib.sha256).hexdigest()


def lock(s: Session) -> None:
    """Take the audit head's lock for the rest of the caller's transaction (serialises counting and writing)."""
    if s.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1).values(seq=AuditHeadRow.seq)).rowcount != 1:
        raise AuditError("the audit head is missing: the audit log was tampered with (run dossier audit-verify)")


def record(s: Session, action: str, username: str | None = None, target: str | None = None,
           detail: dict | None = None, client: str | None = None) -> AuditRow:
    """Append one row in the caller's transaction; the head's lock is held until it commits."""
    locked = s.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1).values(seq=AuditHeadRow.seq + 1))
    if locked.rowcount != 1:
        raise AuditError("the audit head is missing: the audit log was tampered with (run dossier audit-verify)")
    head = s.execute(select(AuditHeadRow).where(AuditHeadRow.id == 1).execution_options(populate_existing=True)
                     ).scalar_one()
    key = _key(head.store_id, create=not head.mac)
    if key is None:
        raise AuditError(f"the key that signs this store's audit log is missing ({key_path(head.store_id)}): "
                         "restore it, or set DOSSIER_KEY_DIR to where it is kept")
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    detail = detail or {}
    row = AuditRow(at=at, username=username, action=action, target=target, detail=detail, client=client,
                   prev_hash=head.hash, hash=_digest(key, head.hash, at, username, action, target, detail, client))
    s.add(row)
    head.hash, head.mac = row.hash, _head_mac(key, head.seq, row.hash)
    s.flush()
    return row


def problems(s: Session) -> tuple[int, list[str]]:
    """(rows checked, every break found): the whole log is read, a break does not hide later ones."""
    found: list[str] = []
    head = s.get(AuditHeadRow, 1)
    key, legacy = None, 0
    if head is None:
        found.append("the audit head is missing (removed together with rows?)")
    else:
        legacy = head.legacy_upto
        key = _key(head.store_id, create=False)
        if key is None and head.mac:
            found.append(f"the key that signs this audit log is missing ({key_path(head.store_id)}): rows cannot "
                         "be checked")
        if key is not None and not head.mac:
            found.append("the audit head was reset after the log had been signed (rows removed?)")
    prev, n = GENESIS, 0
    for row in s.scalars(select(AuditRow).order_by(AuditRow.id)):
        n += 1
        if row.prev_hash != prev:
            found.append(f"row {row.id}: chain broken (a row before it was removed or reordered)")
        fields = (row.prev_hash, row.at, row.username, row.action, row.target, row.detail or {}, row.client)
        if row.id <= legacy:
            expected = _digest(None, *fields)
        else:
            expected = _digest(key, *fields) if key is not None else None
        if expected is not None and not hmac.compare_digest(expected, row.hash):
            found.append(f"row {row.id}: content changed after it was written")
        prev = row.hash
    if head is not None:
        if head.seq != n:
            found.append(f"the head counts {head.seq} row(s), the log holds {n} (rows removed or added)")
        if head.hash != prev:
            found.append("the last row is not the one the head names (the newest rows were removed or replaced)")
        if key is not None and head.mac and not hmac.compare_digest(head.mac, _head_mac(key, head.seq, head.hash)):
            found.append("the audit head's signature does not match (the head was edited)")
    return n, found


def verify(s: Session) -> tuple[bool, int, str]:
    """(intact, rows checked, message naming every break)."""
    n, found = problems(s)
    if found:
        return False, n, "; ".join(found)
    return True, n, f"{n} audit row(s), chain and head intact"
