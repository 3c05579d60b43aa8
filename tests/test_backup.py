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
