from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# audit keys of the test stores go to a folder of the test session, not the user's own key folder
os.environ.setdefault("DOSSIER_KEY_DIR", tempfile.mkdtemp(prefix="dossier-keys-"))

from dossier.store import Store

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
PASSWORD = "a long test passphrase"


@pytest.fixture
def store(tmp_path):
    return Store.open(str(tmp_path / "test.db"))


HOSTILE = ("Deserter case page\n\nThe deserter Pavel Hostilov, a soldier, fled to Kazakhstan in 2023. "
           "<script>alert('x')</script> <img src=x onerror=alert(1)> <a href=\"javascript:alert(2)\">link</a> "
           "Hostilov was detained in Almaty.\n")


@pytest.fixture(scope="session")
def workbench_db(tmp_path_factory):
    """A store with the sample corpus, a hostile article, three accounts, and secret data."""
    from sqlalchemy import select

    from dossier.cli import main
    from dossier.security.accounts import create_user
    from dossier.store.models import EventRow, PersonRow

    root = tmp_path_factory.mktemp("workbench")
    corpus = root / "corpus"
    corpus.mkdir()
    for f in SAMPLES.iterdir():
        if f.suffix in (".txt", ".rss"):
            (corpus / f.name).write_bytes(f.read_bytes())
    (corpus / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    db = str(root / "wb.db")
    assert main(["ingest", str(corpus), "--db", db]) == 0
    store = Store.open(db)
    with store.session.begin() as s:
        for role in ("admin", "editor", "viewer"):
            create_user(s, role, PASSWORD, role)
        secret_person = s.scalar(select(PersonRow).where(PersonRow.name == "Oleg Smirnov"))
        secret_person.sensitivity = "secret"
        secret_event = s.scalar(select(EventRow).join(PersonRow, EventRow.person_id == PersonRow.id)
                                .where(PersonRow.name == "Pavel Orlov", EventRow.type == "sentenced"))
        secret_event.sensitivity = "secret"
        # an undated happening with a dated report, for the timeline's undated lane: the extractor now dates this
        # sentence ("on Tuesday"), so the date is taken away here, as a reviewer may do
        secret_event.date = None
        secret_event.attributes = {k: v for k, v in (secret_event.attributes or {}).items() if k != "date_inferred"}
    return db


@pytest.fixture(scope="session")
def postgres_url():
    from .postgres import PostgresServer, find_bin

    if not find_bin("initdb"):
        pytest.skip("Debian's postgresql is not installed")
    server = PostgresServer()
    url = server.start()
    yield url
    server.stop()
