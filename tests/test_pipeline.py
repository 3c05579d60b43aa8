"""Ingest + extraction as one job: resumable, and safe on long texts."""
from __future__ import annotations

import os
import re

import pytest
from sqlalchemy import select

from dossier.cli import main
from dossier.nlp import analyse
from dossier.store import Store
from dossier.store.models import PersonRow

pytestmark = pytest.mark.slow

STORY = ("Deserter detained in Kazakhstan\n\nThe deserter Pavel Fedotov, a Russian soldier, fled to Kazakhstan in "
         "October 2022. He was detained in Almaty in March 2024.\n")


def test_pipeline_extraction_resumes_after_an_interrupted_run(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(STORY, encoding="utf-8")
    db = str(tmp_path / "d.db")
    assert main(["ingest", str(tmp_path / "in"), "--db", db, "--no-extract"]) == 0  # as if killed before extraction
    store = Store.open(db)
    assert store.counts()["events"] == 0 and store.count_articles() == 1 and len(list(store.article_ids())) == 1
    assert main(["ingest", str(tmp_path / "in"), "--db", db]) == 0  # nothing new to read, but extraction catches up
    assert list(store.article_ids()) == [] and store.count_articles() == 0
    assert store.counts()["events"] >= 2


def test_pipeline_long_text_is_analysed_in_chunks_with_exact_offsets():
    line = "The deserter Ivan Petrov fled to Kazakhstan in 2023. " * 30 + "\n"
    text = line * 120  # about 190,000 characters: two chunks
    result = analyse(text, "en")
    assert result.sentences[-1][1] <= len(text)
    assert all(text[s:e].strip() for s, e in result.sentences)
    starts = [s for s, _, _ in result.persons]
    assert starts == sorted(starts) and all(text[s:e] == name for s, e, name in result.persons)
    assert max(starts) > 100_000


def test_pipeline_off_topic_articles_skip_the_models_and_are_reported(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(STORY, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_text("Tram line opens\n\nMayor Anna Schultz opened the new tram line in "
                                           "Leipzig on Monday, with the transport minister Karl Brandt.\n",
                                           encoding="utf-8")
    db = str(tmp_path / "d.db")
    assert main(["ingest", str(tmp_path / "in"), "--db", db]) == 0
    err = capsys.readouterr().err
    assert "1 off-topic article(s) in en not analysed" in err and "extracted 1 article(s) in en with" in err
    store = Store.open(db)
    rows = {a["source"]: a for a in store.articles()}
    assert rows["b.txt"]["relevant"] is False and rows["a.txt"]["relevant"] is True
    assert store.count_articles(pending=True) == 0  # the off-topic one counts as extracted too
    with store.session() as s:
        names = set(s.scalars(select(PersonRow.name)))
    assert any("Fedotov" in n for n in names) and not any("Schultz" in n or "Brandt" in n for n in names)


def test_bench_prints_every_stage_and_the_baseline(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(STORY, encoding="utf-8")
    assert main(["bench", str(tmp_path / "in"), "--rounds", "1", "--workdir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for stage in ("read", "split", "language", "dedup", "NLP", "extraction", "resolution", "baseline", "ratio"):
        assert stage in out, stage
    speedup = re.search(r"speed-up with all cores\s*│\s*(\d+\.\d\d)×", out)
    # the same work on more processes: never more than the cores can give (a round that did nothing would)
    assert (speedup and 0.2 < float(speedup[1]) <= os.cpu_count()) or "one core here" in out
    assert "1 articles (1 not duplicates)" in out
    # what no stage covers and Dossier's own work are parts of the total, each taken within its round
    figure = {name: float(re.search(rf"{name}[^│]*│\s*(\d+\.\d\d)", out)[1])
              for name in ("other", "Dossier total", "own work", "NLP")}
    assert figure["other"] < figure["Dossier total"] and figure["own work"] < figure["Dossier total"]
    assert re.search(r"own work.*│\s*\d+% of its NLP time", out)
    assert not list(tmp_path.glob("*.db")) and not [p for p in tmp_path.iterdir() if p.name.startswith("tmp")]


def test_pipeline_case_rows_catch_up_after_an_interrupted_run(tmp_path):
    from sqlalchemy import func

    from dossier.extract import extract_article
    from dossier.store.extraction import save_extraction
    from dossier.store.models import CaseSummaryRow, SummaryQueueRow

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(STORY, encoding="utf-8")
    db = str(tmp_path / "d.db")
    assert main(["ingest", str(tmp_path / "in"), "--db", db, "--no-extract"]) == 0
    store = Store.open(db)
    # killed between committing an article's extraction and recomputing the case rows it touched
    article_id = next(store.article_ids())
    [article] = store.articles_to_extract([article_id])
    with store.session.begin() as s:
        save_extraction(s, article_id, extract_article(article))

    def count(model):
        with store.session() as s:
            return s.scalar(select(func.count()).select_from(model))
    assert count(CaseSummaryRow) == 0 and count(SummaryQueueRow) >= 1
    assert main(["ingest", str(tmp_path / "in"), "--db", db]) == 0  # nothing new to read or extract
    assert count(CaseSummaryRow) == 1 and count(SummaryQueueRow) == 0


def test_bench_memory_runs_the_pipeline_on_generated_corpora(tmp_path, capsys):
    assert main(["bench-memory", "--sizes", "15,30", "--on-topic", "0.5", "--workdir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.startswith("│")]
    assert [r.split("│")[1].strip() for r in rows] == ["15", "30"]
    assert [r.split("│")[2].strip() for r in rows] == ["15", "30"]  # every generated file is its own article
    assert list(tmp_path.iterdir()) == []  # corpora and stores removed


def _store_content(db: str) -> dict:
    import sqlite3

    con = sqlite3.connect(db)
    queries = {"persons": "SELECT id, name, role, aliases FROM persons ORDER BY id",
               "events": "SELECT id, person_id, article_id, type, date, country, evidence FROM events ORDER BY id",
               "statistics": "SELECT article_id, value, evidence FROM statistics ORDER BY id",
               "mentions": "SELECT person_id, article_id, start, \"end\" FROM mentions ORDER BY id"}
    out = {k: con.execute(q).fetchall() for k, q in queries.items()}
    con.close()
    return out


def test_worker_processes_give_the_store_of_one_process(tmp_path, monkeypatch):
    """Batches of three articles, two worker processes and up to four batches in flight: the results are linked
    and stored in article order, so the store is row for row the single-process one."""
    from dossier import pipeline

    from .conftest import SAMPLES

    monkeypatch.setattr(pipeline, "BATCH", 3)
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    assert main(["ingest", str(SAMPLES), "--db", one, "--workers", "1"]) == 0
    assert main(["ingest", str(SAMPLES), "--db", two, "--workers", "2"]) == 0
    single, parallel = _store_content(one), _store_content(two)
    assert len(single["events"]) > 20 and len(single["persons"]) > 3
    assert parallel == single
    assert pipeline.workers_for(10) == 1 and pipeline.workers_for(10, 3) == 3  # small jobs stay in this process


def test_workers_option_is_checked(tmp_path, capsys):
    assert main(["ingest", str(tmp_path), "--db", str(tmp_path / "d.db"), "--workers", "0"]) == 1
    assert "--workers" in capsys.readouterr().err


def test_workers_start_while_files_are_read_and_take_what_an_interrupted_run_left(tmp_path):
    """With worker processes, ingest and extraction overlap: the articles an interrupted run stored without
    extracting go first, then each new file's, and every one is extracted once."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(STORY, encoding="utf-8")
    db = str(tmp_path / "d.db")
    assert main(["ingest", str(tmp_path / "in"), "--db", db, "--no-extract"]) == 0  # as if killed before extraction
    (tmp_path / "in" / "b.txt").write_text(STORY.replace("Pavel Fedotov", "Ivan Sorokin").replace("Almaty", "Astana"),
                                           encoding="utf-8")
    assert main(["ingest", str(tmp_path / "in"), "--db", db, "--workers", "2"]) == 0
    store = Store.open(db)
    assert list(store.article_ids()) == [] and store.count_articles(pending=False) == 2
    with store.session() as s:
        names = sorted(p.name for p in s.scalars(select(PersonRow)))
    assert names == ["Ivan Sorokin", "Pavel Fedotov"], names
    assert store.counts()["events"] >= 4


def test_model_processes_run_one_blas_thread_unless_the_user_sets_more():
    """The models' small matrix products are slower with OpenBLAS's threads, and worker processes would fight over
    the cores: importing Dossier sets one thread per process before numpy loads, and keeps a value the user set."""
    import os
    import subprocess
    import sys

    probe = "import dossier, numpy, os; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    assert subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True,
                          check=True).stdout.strip() == "1"
    assert subprocess.run([sys.executable, "-c", probe], env={**env, "OPENBLAS_NUM_THREADS": "4"}, capture_output=True,
                          text=True, check=True).stdout.strip() == "4"
