"""Benchmarks, run by commands and reported as tables (never as timed assertions in tests).

`web_latency`: fills a store with N synthetic articles, persons and events (bulk inserts, not the NLP
pipeline: this measures the read side), then times the workbench's cases and search pages."""
from __future__ import annotations

import logging
import random
import statistics as stats
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import insert, text

from .names import fold
from .store import Store
from .store.models import (ArticleRow, CaseSummaryRow, DocumentRow, EventRow, MentionRow, PersonKeyRow, PersonRow,
                           SourceRow)

log = logging.getLogger(__name__)

_FIRST = ["Ivan", "Pavel", "Oleg", "Dmitri", "Sergei", "Alexei", "Mikhail", "Yevgeny", "Artem", "Nikita", "Roman", "Kirill"]
_LAST = ["Kuznetsov", "Petrov", "Smirnov", "Volkov", "Orlov", "Fedotov", "Morozov", "Sokolov", "Popov", "Novikov",
         "Fedorov", "Kozlov", "Egorov", "Pavlov", "Semenov", "Golubev", "Vinogradov", "Bogdanov", "Vorobyov", "Zaitsev"]
_COUNTRIES = ["KZ", "AM", "GE", "RS", "DE", "FR", "TR", "MN", "KG", "UZ"]
_CITIES = {"KZ": "Almaty", "AM": "Yerevan", "GE": "Tbilisi", "RS": "Belgrade", "DE": "Berlin", "FR": "Paris",
           "TR": "Istanbul", "MN": "Ulaanbaatar", "KG": "Bishkek", "UZ": "Tashkent"}
_TYPES = ["deserted", "fled_country", "asylum_applied", "detained", "asylum_denied", "criminal_case", "wanted"]


def fill(db: str, articles: int, seed: int = 7) -> Store:
    rng = random.Random(seed)
    store = Store.open(db)
    now = datetime.now(timezone.utc)
    per_person = 5
    with store.engine.begin() as con:
        con.execute(insert(SourceRow), [{"id": i + 1, "name": f"synthetic/{i:05d}.jsonl", "path": "-", "kind": "jsonl",
                                         "content_hash": f"{i:064x}", "size": 0, "ingested_at": now, "warnings": []}
                                        for i in range(articles // 1000 + 1)])
        for start in range(0, articles, 5000):
            docs, arts, fts, persons, keys, mentions, events, summaries = [], [], [], [], [], [], [], []
            for n in range(start, min(start + 5000, articles)):
                pid = n // per_person + 1
                first, last = rng.choice(_FIRST), _LAST[pid % len(_LAST)] + ("" if pid < 20 else f"-{pid}")
                name = f"{first} {last}"
                country = rng.choice(_COUNTRIES)
                year, month = rng.choice([2022, 2023, 2024, 2025]), rng.randint(1, 12)
                title = f"Russian deserter {name} detained in {_CITIES[country]}"
                body = (f"{title}\n\nThe deserter {name}, a Russian soldier, fled to {_CITIES[country]} in {month}/{year}. "
                        f"He applied for asylum and was detained at the request of Russian authorities, his lawyer "
                        f"said. A criminal case for desertion was opened against him at home. " * 3)
                docs.append({"id": n + 1, "source_id": n // 1000 + 1, "ordinal": n % 1000, "kind": "jsonl", "url": None,
                             "title": title, "published": f"{year}-{month:02d}-01", "text": body})
                arts.append({"id": n + 1, "document_id": n + 1, "ordinal": 0, "start": 0, "end": len(body), "title": title,
                             "published": f"{year}-{month:02d}-01", "language": "en", "language_confidence": 1.0,
                             "relevant": True, "duplicate_of_id": None, "content_hash": f"{n:040x}", "signature": None,
                             "boilerplate": [], "extracted_at": now})
                fts.append({"id": n + 1, "title": title, "body": body})
                if n % per_person == 0:
                    persons.append({"id": pid, "name": name, "aliases": [last], "name_keys": [], "pseudonym": False,
                                    "role": "resister", "rank": None, "service": "army", "age": None, "age_date": None,
                                    # one person in 50 secret, one in 50 with a secret name: viewers' pages must
                                    # leave them out at no cost that grows with the store
                                    "sensitivity": "secret" if pid % 50 == 0 else "restricted",
                                    "field_levels": {"name": "secret"} if pid % 50 == 1 else {},
                                    "merge_log": [], "created_at": now})
                    keys += [{"person_id": pid, "token": t} for t in set(fold(name))]
                    summaries.append({"person_id": pid, "name": name, "status": f"detained in {country}; asylum applied in "
                                      f"{country}", "countries": f" RU {country} ", "event_types": " " + " ".join(_TYPES) + " ",
                                      "languages": " en ", "sources": per_person, "events": len(_TYPES),
                                      "first_date": f"{year}-{month:02d}", "last_date": f"{year}-{month:02d}",
                                      "sensitivity": "secret" if pid % 50 == 0 else "restricted"})
                mentions.append({"person_id": pid, "article_id": n + 1, "start": body.index(name),
                                 "end": body.index(name) + len(name), "text": name, "form": "name"})
                etype = _TYPES[n % len(_TYPES)]
                events.append({"person_id": pid, "article_id": n + 1, "type": etype, "date": f"{year}-{month:02d}",
                               "country": country, "place": None, "attributes": {}, "confidence": 0.8,
                               "evidence": [{"start": 0, "end": 80, "text": body[:80]}], "status": "suggested",
                               "sensitivity": "secret" if n % 40 == 0 else "restricted"})
            con.execute(insert(DocumentRow), docs)
            con.execute(insert(ArticleRow), arts)
            con.execute(text("INSERT INTO article_fts(rowid, title, body) VALUES (:id, :title, :body)"), fts)
            if persons:
                con.execute(insert(PersonRow), persons)
                con.execute(insert(PersonKeyRow), keys)
                con.execute(insert(CaseSummaryRow), summaries)
            con.execute(insert(MentionRow), mentions)
            con.execute(insert(EventRow), events)
    return store


def web_latency(articles: int = 100_000, repeat: int = 20, workdir: Path | None = None) -> list[dict]:
    from fastapi.testclient import TestClient

    from .security.accounts import create_user
    from .web.app import create_app

    workdir = workdir or Path(".")
    db = str(workdir / f"bench-{articles}.db")
    if not Path(db).exists():
        started = time.monotonic()
        store = fill(db, articles)
        print(f"filled {articles} articles in {time.monotonic() - started:.0f} s")
        with store.session.begin() as s:
            create_user(s, "bench", "benchmark passphrase", "viewer")
    client = TestClient(create_app(db, secure_cookies=False))
    client.post("/login", data={"username": "bench", "password": "benchmark passphrase"})
    secret = max(articles // 10 // 50 * 50, 50)  # a secret person (one in 50) and, next, one with a secret name
    middle = (secret - 1) * 5  # their articles: five a person
    pages = ["/cases", "/cases?sort=date", "/cases?country=KZ&type=detained", "/cases?page=50", "/api/cases",
             "/search?q=deserter+Almaty", "/search?q=Kuznetsov", "/search?q=Кузнецов", "/api/search?q=asylum+Tbilisi",
             "/persons/3", f"/articles/{middle + 1}", f"/api/articles/{middle + 6}", "/review", "/statistics"]
    rows = []
    for page in pages:
        client.get(page)  # warm
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            r = client.get(page)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (page, r.status_code)
        rows.append({"page": page, "median_ms": round(stats.median(times), 1),
                     "p95_ms": round(sorted(times)[int(len(times) * 0.95) - 1], 1)})
    return rows


def pipeline_stages(paths: list[Path], workdir: Path, rounds: int = 3, relevant_only: bool = False) -> dict:
    """Time the real pipeline (`ingest` then `extract_stored`, as `dossier ingest` runs them) stage by stage
    on a fresh store, and the bare NLP pipelines on the same articles as the baseline.

    One untimed round first loads the models and warms them (the first large batches through a pipeline
    are much slower than later ones); then `rounds` rounds run both, the one going first alternating, so
    that neither gets the warmer machine, and the medians are reported.
    With `relevant_only`, the input is first cut down to its articles that go through the models (those
    with a relevance term), each written to a file of its own: Dossier's cost per analysed article."""
    from collections import defaultdict

    if relevant_only:
        paths = [_relevant_corpus(paths, workdir / "relevant")]

    from .ingest import IngestReport, ingest
    from .pipeline import extract_stored, ingest_and_extract
    from .sources import DEFAULT_MAX_BYTES, count_paths
    from .timing import Stopwatch

    files = count_paths(paths)

    def dossier_round(n: int, pool=None, name: str = "") -> tuple[Stopwatch, float, int]:
        store = Store.open(str(workdir / f"bench-{n}{name}.db"))  # a fresh store each time
        clock = Stopwatch()
        start = time.perf_counter()
        if pool is None:  # one process: each stage timed on its own
            ingest(paths, store, clock=clock)
            extract_stored(store, store.article_ids(), clock=clock, pending=store.count_articles(pending=True))
        else:  # the workers start on the first files while this process reads the later ones, as `dossier ingest`
            ingest_and_extract(paths, store, IngestReport(), DEFAULT_MAX_BYTES, clock=clock, pool=pool,
                               pending=files)
        wall = time.perf_counter() - start
        extracted = store.count_articles(pending=False)
        store.engine.dispose()
        return clock, wall, extracted

    from .pipeline import worker_pool, workers_for

    cores = workers_for(10**9)

    def all_cores_round(n: int) -> float:
        """A fresh pool of worker processes, warmed by one untimed round (the models load and their first
        batches are slow, as in the single process's round 0), then one timed round; the pool is shut down
        before anything else runs, so no other round shares the machine with it."""
        with worker_pool(cores) as pool:
            dossier_round(n, pool, "-all-cores-warm-up")
            _, wall, _ = dossier_round(n, pool, "-all-cores")
        return wall

    articles = _articles_by_language(paths)
    rows: list[tuple[Stopwatch, float, float]] = []
    parallel: list[float] = []
    for n in range(rounds + 1):
        # the three runs of a round go in a rotating order, so that none gets the warmer (or quieter) machine:
        # the machine's speed drifts by tens of per cent within minutes, and each speed-up is taken within a round
        runs = ["bare", "one", "all"] if cores > 1 and n else ["bare", "one"]
        runs = runs[n % len(runs):] + runs[:n % len(runs)]
        for run in runs:
            if run == "bare":
                bare = _bare_pipelines(articles)
            elif run == "one":
                clock, wall, extracted = dossier_round(n)
            else:
                parallel.append(all_cores_round(n))
        if n:  # round 0 warms up
            rows.append((clock, wall, bare))
            log.info("round %d: Dossier %.2f s (NLP %.2f s), baseline %.2f s%s", n, wall, clock.seconds.get("NLP", 0),
                     bare, f", all cores {parallel[-1]:.2f} s" if parallel else "")
    stages: dict[str, list[float]] = defaultdict(list)
    for clock, _, _ in rows:
        for name, seconds in clock.seconds.items():
            stages[name].append(seconds)
    total = stats.median(w for _, w, _ in rows)
    # what no stage covers, each round's own (the medians of the stages come from different rounds: their
    # difference from the median total is no time of anything)
    other = stats.median(max(w - sum(c.seconds.values()), 0.0) for c, w, _ in rows)
    own = [w - c.seconds.get("NLP", 0.0) for c, w, _ in rows]  # Dossier's own work: all but the models
    shares = [o / c.seconds["NLP"] for o, (c, _, _) in zip(own, rows) if c.seconds.get("NLP")]
    baseline = stats.median(b for _, _, b in rows)
    ratios = [w / b for _, w, b in rows]
    speedups = [w / p for (_, w, _), p in zip(rows, parallel)]
    return {"articles": sum(len(v) for v in articles.values()), "extracted": extracted,
            "characters": sum(len(t) for v in articles.values() for t in v),
            "stages": {k: stats.median(v) for k, v in stages.items()}, "other": other, "own": stats.median(own),
            "own_share": stats.median(shares) if shares else None, "own_shares": shares, "total": total,
            "baseline": baseline,
            "ratio": stats.median(ratios), "ratios": ratios, "rounds": rounds, "cores": cores,
            "all_cores": stats.median(parallel) if parallel else None,
            "speedup": stats.median(speedups) if speedups else None, "speedups": speedups}


def _relevant_corpus(paths: list[Path], directory: Path) -> Path:
    from .codebook import load_codebook
    from .extract import needs_analysis

    codebook = load_codebook()
    directory.mkdir(parents=True, exist_ok=True)
    n = 0
    for language, texts in _articles_by_language(paths).items():
        for t in texts:
            if needs_analysis(t, codebook):
                n += 1
                (directory / f"{n:05d}-{language}.txt").write_text(t.strip() + "\n", encoding="utf-8")
    return directory


def _articles_by_language(paths: list[Path]) -> dict[str, list[str]]:
    """Every article of the input (duplicates too), as the baseline sees them: split, grouped by language."""
    from .ingest import prepare_articles
    from .sources import iter_paths, read_source
    from .split import masked_text

    out: dict[str, list[str]] = {}
    for path, name in iter_paths(paths):
        try:
            source = read_source(path, name)
        except Exception:  # unreadable input is skipped by the pipeline too
            continue
        for doc in source.documents:
            for a in prepare_articles([doc])[doc.ordinal]:
                out.setdefault(a.language or "en", []).append(masked_text(doc.text, a.start, a.end, a.boilerplate))
    return out


def _bare_pipelines(articles: dict[str, list[str]]) -> float:
    """Seconds to run the articles through the language pipelines Dossier loads, and nothing else."""
    from .nlp import _spacy, model_for, natasha_doc

    start = time.perf_counter()
    for lang, texts in articles.items():
        name = model_for(lang)
        if name == "natasha":
            for t in texts:
                natasha_doc(t)
        else:
            for _ in _spacy(name, lang).pipe(texts, batch_size=32):
                pass
    return time.perf_counter() - start


def scaling(sizes: list[int], workdir: Path, probes: int = 1000, seed: int = 3) -> list[dict]:
    """Cost of the two corpus-level stages for one more article or person as the store grows: near-duplicate
    lookup (MinHash signature + LSH band rows) and person linking (name-token rows). Existing rows are
    generated in bulk; then `probes` new articles and persons are timed against them."""
    import sqlite3

    import numpy as np

    from .dedup import BANDS, fingerprint
    from .records import Person
    from .store import _find_duplicate
    from .store.extraction import _candidate

    rng = np.random.default_rng(seed)
    syllables = ["ka", "lo", "mi", "ne", "ro", "sa", "tu", "vi", "za", "gor", "din", "lev", "mar", "pol", "shin", "tov"]
    words = ["deserter", "border", "asylum", "court", "soldier", "refugee", "detained", "lawyer", "airport", "unit"]

    def surname(i: int) -> str:
        parts, n = [], i
        for _ in range(5):
            parts.append(syllables[n % len(syllables)])
            n //= len(syllables)
        return "".join(parts).capitalize() + "ov"

    rows = []
    for n in sizes:
        db = workdir / f"scale-{n}.db"
        store = Store.open(str(db))
        con = sqlite3.connect(str(db))
        chunk = 100_000
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            keys = rng.integers(-2**62, 2**62, size=(m, BANDS))
            con.executemany("INSERT INTO article_bands(article_id, band, key) VALUES (?, ?, ?)",
                            ((start + i + 1, b, int(keys[i, b])) for i in range(m) for b in range(BANDS)))
            con.executemany("INSERT INTO persons(id, name, aliases, name_keys, pseudonym, role, sensitivity, merge_log, "
                            "field_levels, created_at) VALUES (?, ?, '[]', '[]', 0, 'resister', 'restricted', '[]', '{}', "
                            "'2026-01-01')", ((start + i + 1, f"Ivan {surname(start + i)}") for i in range(m)))
            con.executemany("INSERT INTO person_keys(person_id, token) VALUES (?, ?)",
                            ((start + i + 1, t) for i in range(m) for t in fold(f"Ivan {surname(start + i)}")))
            con.commit()
        con.close()
        texts = [" ".join(rng.choice(words, size=80)) + f" case {i}" for i in range(probes)]
        t = time.perf_counter()
        with store.session() as s:
            for body in texts:
                _find_duplicate(s, fingerprint("title", body))
        dedup_us = (time.perf_counter() - t) / probes * 1e6
        t = time.perf_counter()
        with store.session() as s:
            for i in range(probes):
                name = f"Pavel {surname(int(rng.integers(0, n)))}"
                _candidate(s, Person(key="x", name=name, role="resister"), fold(name), 0, set())
        link_us = (time.perf_counter() - t) / probes * 1e6
        rows.append({"size": n, "dedup_us": round(dedup_us), "link_us": round(link_us),
                     "db_mb": round(db.stat().st_size / 1e6)})
        store.engine.dispose()
        db.unlink()
    return rows


_WORDS = ("council market river bridge school winter harvest museum railway concert budget festival library "
          "orchard bakery harbour village tower garden weather factory league season theatre painting forest "
          "election mayor tourism coffee traffic airport ferry cinema stadium hospital reform tender parliament "
          "exhibition vineyard glacier mountain fisherman student teacher engineer lantern").split()

_MEMORY_CHILD = """
import json, resource, sys, time
from pathlib import Path
from dossier.ingest import ingest
from dossier.nlp import analyse_many
from dossier.pipeline import extract_stored
from dossier.store import Store
from dossier.codebook import load_codebook
from dossier.geo import find_places
from dossier.language import detect_language
load_codebook(); find_places("Almaty"); detect_language("Warm up the language models.")
analyse_many(["Warm up the English pipeline."], "en")
loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
store = Store.open(sys.argv[2])
start = time.perf_counter()
report = ingest([Path(sys.argv[1])], store)
extract_stored(store, store.article_ids())
print(json.dumps({"seconds": time.perf_counter() - start, "articles": report.articles, "loaded_kb": loaded,
                  "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def write_corpus(directory: Path, files: int, on_topic: float = 0.1, seed: int = 5) -> None:
    """`files` synthetic one-article text files, a share of them about a (fictional) deserter's case;
    each differs from every other enough not to be a near duplicate."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(files):
        filler = " ".join(rng.choice(_WORDS) for _ in range(90)) + f" number {i}."
        if rng.random() < on_topic:
            name = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
            country = rng.choice(_COUNTRIES)
            body = (f"Deserter {name} detained in {_CITIES[country]}\n\n{name}, a Russian soldier who deserted from "
                    f"his unit in {rng.randint(2022, 2025)}, was detained in {_CITIES[country]}, his lawyer said. "
                    f"He has applied for asylum. A criminal case for desertion was opened against him in Russia. "
                    f"{filler}\n")
        else:
            body = f"Local news {i}\n\n{filler.capitalize()}\n"
        (directory / f"{i // 1000:03d}" / f"{i:06d}.txt").parent.mkdir(exist_ok=True)
        (directory / f"{i // 1000:03d}" / f"{i:06d}.txt").write_text(body, encoding="utf-8")


def memory(sizes: list[int], workdir: Path, on_topic: float = 0.1) -> list[dict]:
    """Run the whole pipeline (ingest + extraction) in a fresh process per corpus size and report its peak
    resident memory, and how much it grew after the models were loaded: flat growth means streaming."""
    import json
    import shutil
    import subprocess
    import sys

    rows = []
    for n in sizes:
        corpus = workdir / f"memory-corpus-{n}"
        write_corpus(corpus, n, on_topic)
        db = workdir / f"memory-{n}.db"
        out = subprocess.run([sys.executable, "-c", _MEMORY_CHILD, str(corpus), str(db)], capture_output=True,
                             text=True, check=True)
        r = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append({"files": n, "articles": r["articles"], "seconds": round(r["seconds"], 1),
                     "peak_mb": round(r["peak_kb"] / 1024), "growth_mb": round((r["peak_kb"] - r["loaded_kb"]) / 1024)})
        shutil.rmtree(corpus)
        db.unlink()
    return rows
