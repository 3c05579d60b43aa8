"""The same store on a real PostgreSQL server: migrations, ingestion, cases, search."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dossier.cli import main
from dossier.security.accounts import create_user
from dossier.store import Store
from dossier.web.app import create_app

from .conftest import PASSWORD, SAMPLES

pytestmark = pytest.mark.slow


def test_postgres_ingest_cases_and_full_text_search(postgres_url):
    assert main(["ingest", str(SAMPLES), "--db", postgres_url]) == 0
    store = Store.open(postgres_url)
    counts = store.counts()
    # samples/README.md is a project file, skipped when the folder is walked
    assert counts["articles"] == 9 and counts["duplicates"] == 1 and counts["events"] > 20
    with store.session.begin() as s:
        create_user(s, "pgviewer", PASSWORD, "viewer")
    c = TestClient(create_app(postgres_url, secure_cookies=False))
    c.post("/login", data={"username": "pgviewer", "password": PASSWORD})
    cases = c.get("/api/cases").json()["cases"]
    assert {"Ivan Kuznetsov", "Pavel Orlov"} <= {x["name"] for x in cases}
    found = c.get("/api/search", params={"q": "extradite prosecutor"}).json()
    assert found["articles"] and "[" in found["articles"][0]["snippet"]
    assert [p["name"] for p in c.get("/api/search", params={"q": "Кузнецов"}).json()["persons"]] == ["Ivan Kuznetsov"]
    assert main(["ingest", str(SAMPLES), "--db", postgres_url]) == 0
    assert Store.open(postgres_url).counts()["articles"] == 9  # re-ingesting adds nothing
