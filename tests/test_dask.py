"""The pipeline on a real Dask LocalCluster (worker processes) writing to a real PostgreSQL server gives the
same store as the single-process run."""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from dossier.cli import main

from .conftest import SAMPLES

pytestmark = pytest.mark.slow

QUERIES = {
    "sources": "SELECT name, kind, content_hash FROM sources ORDER BY id",
    "articles": 'SELECT id, start, "end", title, language, relevant, duplicate_of_id FROM articles ORDER BY id',
    "persons": "SELECT id, name, role FROM persons ORDER BY id",
    "events": "SELECT person_id, article_id, type, date, country FROM events ORDER BY article_id, person_id, type, date",
    "statistics": "SELECT article_id, value FROM statistics ORDER BY article_id, value",
}


def content(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as con:
        out = {k: con.execute(text(q)).all() for k, q in QUERIES.items()}
    engine.dispose()
    return out


def test_dask_local_cluster_to_postgres_equals_single_process(postgres_url, tmp_path):
    base = postgres_url.rsplit("/", 1)[0]
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as con:
        con.execute(text("CREATE DATABASE dask_run"))
        con.execute(text("CREATE DATABASE single_run"))
    admin.dispose()
    assert main(["ingest", str(SAMPLES), "--db", f"{base}/dask_run", "--executor", "dask"]) == 0
    assert main(["ingest", str(SAMPLES), "--db", f"{base}/single_run"]) == 0
    distributed, single = content(f"{base}/dask_run"), content(f"{base}/single_run")
    assert len(distributed["events"]) > 20
    assert distributed == single
