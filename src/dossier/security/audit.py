"""Append-only, hash-chained audit log. Each row's hash covers its own content and the previous
row's hash, so changing, deleting or reordering any row breaks the chain from there on.
Secret values are never written here: only who did what to which record and field."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..store.models import AuditRow

GENESIS = "0" * 64


def _digest(prev: str, at: str, username: str | None, action: str, target: str | None, detail: dict,
            client: str | None) -> str:
    payload = json.dumps([prev, at, username, action, target, detail, client], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def record(s: Session, action: str, username: str | None = None, target: str | None = None,
           detail: dict | None = None, client: str | None = None) -> AuditRow:
    last = s.scalar(select(AuditRow).order_by(AuditRow.id.desc()).limit(1).with_for_update())
    prev = last.hash if last else GENESIS
    at = datetime.now(timezone.utc).isoformat(timespec="microseconds")
    detail = detail or {}
    row = AuditRow(at=at, username=username, action=action, target=target, detail=detail, client=client,
                   prev_hash=prev, hash=_digest(prev, at, username, action, target, detail, client))
    s.add(row)
    s.flush()
    return row


def verify(s: Session) -> tuple[bool, int, str]:
    """(intact, rows checked, message). The first broken row is named."""
    prev = GENESIS
    n = 0
    for row in s.scalars(select(AuditRow).order_by(AuditRow.id)):
        n += 1
        if row.prev_hash != prev:
            return False, n, f"row {row.id}: chain broken (a row before it was removed or reordered)"
        if _digest(prev, row.at, row.username, row.action, row.target, row.detail or {}, row.client) != row.hash:
            return False, n, f"row {row.id}: content changed after it was written"
        prev = row.hash
    return True, n, f"{n} audit row(s), chain intact"
