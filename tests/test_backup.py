from __future__ import annotations

import sqlite3

import pytest

from dossier.cli import main


def rows(path) -> dict[str, list]:
    con = sqlite3.connect(str(path))
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' "
                                            "AND name NOT LIKE 'article_fts_%'")]
        return {t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"'))) for t in tables}
    finally:
        con.close()


@pytest.mark.slow
def test_backup_restore_gives_back_every_row(workbench_db, tmp_path):
    backup = tmp_path / "b.db"
    assert main(["backup", str(backup), "--db", workbench_db]) == 0
    assert main(["backup", str(backup), "--db", workbench_db]) == 1  # never overwrites
    restored = tmp_path / "restored.db"
    assert main(["restore", str(backup), "--db", str(restored)]) == 0
    original, copy = rows(workbench_db), rows(restored)
    assert sum(len(v) for v in original.values()) > 100
    assert original == copy
    assert main(["restore", str(backup), "--db", str(restored)]) == 1  # refuses to overwrite without --force
    assert main(["restore", str(backup), "--db", str(restored), "--force"]) == 0


def test_backup_restore_refuses_non_store(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert main(["restore", str(junk), "--db", str(tmp_path / "x.db")]) == 1


@pytest.mark.slow
def test_backup_encrypted_round_trip_and_wrong_or_damaged_refused(workbench_db, tmp_path, monkeypatch):
    monkeypatch.setenv("DOSSIER_PASSPHRASE", "correct horse battery staple")
    sealed = tmp_path / "b.enc"
    assert main(["backup", str(sealed), "--db", workbench_db, "--encrypt"]) == 0
    data = sealed.read_bytes()
    assert b"SQLite format" not in data and b"Smirnov" not in data  # nothing in clear
    assert not list(tmp_path.glob("b.enc.*"))  # no clear copy left behind
    restored = tmp_path / "r.db"
    assert main(["restore", str(sealed), "--db", str(restored)]) == 0
    assert rows(workbench_db) == rows(restored)
    monkeypatch.setenv("DOSSIER_PASSPHRASE", "a wrong passphrase here")
    assert main(["restore", str(sealed), "--db", str(tmp_path / "w.db")]) == 1
    monkeypatch.setenv("DOSSIER_PASSPHRASE", "correct horse battery staple")
    damaged = tmp_path / "d.enc"
    damaged.write_bytes(data[:-100])
    assert main(["restore", str(damaged), "--db", str(tmp_path / "d.db")]) == 1
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 1
    damaged.write_bytes(bytes(flipped))
    assert main(["restore", str(damaged), "--db", str(tmp_path / "d.db")]) == 1
    assert not (tmp_path / "w.db").exists() and not (tmp_path / "d.db").exists()
    out = tmp_path / "cases.enc"
    assert main(["export", "events.csv", "-o", str(out), "--db", workbench_db, "--encrypt"]) == 0
    assert main(["decrypt", str(out), "-o", str(tmp_path / "cases.csv")]) == 0
    assert (tmp_path / "cases.csv").read_text(encoding="utf-8").startswith("id,")


def test_backup_restore_refuses_a_store_in_use(tmp_path):
    from dossier.store import Store
    from dossier.store.backup import backup, in_use

    db = str(tmp_path / "live.db")
    Store.open(db)
    backup(db, tmp_path / "b.db")
    with in_use(db):  # as `dossier serve` and `dossier ingest` hold it
        assert main(["restore", str(tmp_path / "b.db"), "--db", db, "--force"]) == 1
    assert main(["restore", str(tmp_path / "b.db"), "--db", db, "--force"]) == 0
