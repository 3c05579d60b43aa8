"""The audit log under concurrent writers (processes and threads, SQLite and PostgreSQL) and against tampering:
an edited and re-hashed row, the newest rows removed, all rows removed, the head removed; every break named."""
from __future__ import annotations

import hashlib
import json
import multiprocessing
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import delete, select, text

from dossier.cli import main
from dossier.security import audit
from dossier.store import Store
from dossier.store.models import AuditHeadRow, AuditRow


def _write(db: str, n: int, who: str) -> None:
    store = Store.open(db)
    for i in range(n):
        with store.session.begin() as s:
            audit.record(s, "read_person", who, f"person:{i}", client="127.0.0.1")


def _concurrent(db: str, processes: int = 4, threads: int = 8, each: int = 20) -> int:
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_write, args=(db, each, f"p{k}")) for k in range(processes)]
    for p in procs:
        p.start()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(lambda k: _write(db, each, f"t{k}"), range(threads)))
    for p in procs:
        p.join()
        assert p.exitcode == 0
    return (processes + threads) * each


def test_audit_concurrent_writers_never_fork_the_chain_sqlite(tmp_path):
    db = str(tmp_path / "a.db")
    Store.open(db)
    written = _concurrent(db)
    with Store.open(db).session() as s:
        ok, n, message = audit.verify(s)
        prevs = list(s.scalars(select(AuditRow.prev_hash)))
    assert ok, message
    assert n == written and len(set(prevs)) == written  # no two rows share a previous hash


def test_audit_concurrent_writers_never_fork_the_chain_postgres(postgres_url):
    store = Store.open(postgres_url)
    with store.session.begin() as s:
        s.execute(delete(AuditRow))
        head = s.get(AuditHeadRow, 1)
        head.seq, head.hash, head.mac = 0, audit.GENESIS, ""
    written = _concurrent(postgres_url, processes=2, threads=6, each=15)
    with store.session() as s:
        ok, n, message = audit.verify(s)
    assert ok, message
    assert n == written


def _tampered(tmp_path, change) -> list[str]:
    tmp_path.mkdir(exist_ok=True)
    db = str(tmp_path / "t.db")
    _write(db, 6, "viewer")
    store = Store.open(db)
    with store.session() as s:
        assert audit.verify(s)[0]
    with store.session.begin() as s:
        change(s)
    with store.session() as s:
        return audit.problems(s)[1]


def _rehash(s, row_id: int, username: str) -> None:
    """What someone with write access to the database but not the key would do: edit, recompute the chain."""
    rows = list(s.scalars(select(AuditRow).order_by(AuditRow.id)))
    prev = rows[0].prev_hash
    for row in rows:
        if row.id == row_id:
            row.username = username
        row.prev_hash = prev
        payload = json.dumps([prev, row.at, row.username, row.action, row.target, row.detail or {}, row.client],
                             sort_keys=True, ensure_ascii=False)
        row.hash = hashlib.sha256(payload.encode("utf-8")).hexdigest()
        prev = row.hash
    s.get(AuditHeadRow, 1).hash = prev


def test_audit_tampering_is_detected_each_way(tmp_path):
    newest = _tampered(tmp_path / "1", lambda s: s.execute(
        delete(AuditRow).where(AuditRow.id == s.scalar(select(AuditRow.id).order_by(AuditRow.id.desc()).limit(1)))))
    assert any("newest" in p for p in newest) and any("head counts 6" in p for p in newest)
    everything = _tampered(tmp_path / "2", lambda s: s.execute(delete(AuditRow)))
    assert any("holds 0" in p for p in everything)
    both = _tampered(tmp_path / "3", lambda s: (s.execute(delete(AuditRow)), s.execute(delete(AuditHeadRow))))
    assert any("head is missing" in p for p in both)
    rehashed = _tampered(tmp_path / "4", lambda s: _rehash(s, 3, "someone-else"))
    assert sum("content changed" in p for p in rehashed) == 6  # every re-hashed row: none carries the key
    assert any("signature" in p for p in rehashed)


def test_audit_verify_names_every_break_and_exits_1(tmp_path, capsys):
    def two_edits(s):
        for row_id in (2, 5):
            s.get(AuditRow, row_id).action = "nothing"

    problems = _tampered(tmp_path, two_edits)
    assert [p.split(":")[0] for p in problems] == ["row 2", "row 5"]
    assert main(["audit-verify", "--db", str(tmp_path / "t.db")]) == 1
    out = capsys.readouterr()
    assert "row 2" in out.out and "row 5" in out.out and "2 break(s)" in out.err


def test_audit_rows_written_before_keys_still_verify_and_the_chain_goes_on(tmp_path):
    """A store made before the signed head: its rows keep their SHA-256 chain, new rows are signed."""
    db = str(tmp_path / "old.db")
    store = Store.open(db)
    with store.session.begin() as s:  # as revision 0008 wrote them
        prev = audit.GENESIS
        for i in range(3):
            detail = {"i": i}
            row = AuditRow(at=f"2026-01-0{i + 1}T00:00:00", username="u", action="login", target=None, detail=detail,
                           client=None, prev_hash=prev, hash=audit._digest(None, prev, f"2026-01-0{i + 1}T00:00:00",
                                                                           "u", "login", None, detail, None))
            s.add(row)
            prev = row.hash
        s.execute(text("UPDATE audit_head SET seq = 3, hash = :h, legacy_upto = 3"), {"h": prev})
    _write(db, 2, "viewer")
    with store.session() as s:
        ok, n, message = audit.verify(s)
    assert ok and n == 5, message


def test_audit_reads_refusals_and_csrf_failures_are_logged(tmp_path):
    from fastapi.testclient import TestClient

    from dossier.security.accounts import create_user
    from dossier.web.app import create_app

    from .conftest import PASSWORD

    db = str(tmp_path / "w.db")
    store = Store.open(db)
    with store.session.begin() as s:
        create_user(s, "viewer", PASSWORD, "viewer")
        create_user(s, "editor", PASSWORD, "editor")
    viewer, editor = (TestClient(create_app(db, secure_cookies=False)) for _ in range(2))
    for c, who in ((viewer, "viewer"), (editor, "editor")):
        assert c.post("/login", data={"username": who, "password": PASSWORD}, follow_redirects=False).status_code == 303
    for route in ("/cases", "/review", "/statistics", "/charts/flows.svg"):
        assert viewer.get(route).status_code == 200
    assert viewer.post("/api/review/1", data={"decision": "accepted"}).status_code == 403  # not an editor
    assert editor.post("/api/review/1", data={"decision": "accepted", "csrf": "forged"}).status_code == 403
    with store.session() as s:
        rows = [(r.username, r.action, (r.detail or {}).get("reason")) for r in s.scalars(select(AuditRow))]
        assert audit.verify(s)[0]
    actions = {(u, a) for u, a, _ in rows}
    assert {("viewer", "list_cases"), ("viewer", "read_review"), ("viewer", "read_statistics"),
            ("viewer", "read_chart"), ("viewer", "refused"), ("editor", "refused")} <= actions
    assert ("editor", "refused", "bad or missing CSRF token") in rows
