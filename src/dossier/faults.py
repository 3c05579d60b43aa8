"""Fault drills: fuzzing the ingestion entry points, and killing a real ingest process at random
moments. `dossier drill` prints the figures; the tests run the same drills."""
from __future__ import annotations

import gzip
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .ingest import ingest
from .store import Store

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def fuzz_ingestion(examples: int = 10_000, seed: int = 0) -> dict:
    """Generated files of every kind (and garbage) through `ingest`: no crash, no stored row lost."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    tmp = Path(tempfile.mkdtemp(prefix="dossier-fuzz-"))
    store = Store.open(str(tmp / "fuzz.db"))
    counter = {"tried": 0, "stored": 0, "skipped": 0}
    words = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
    html = st.builds(lambda t, s: f"<html><body><script>{s}</script><p onclick='x()'>{t}</p><iframe src='javascript:1'>"
                                  f"</iframe></body></html>", words, words)
    feed = st.builds(lambda t: f"<?xml version='1.0'?><rss><channel><item><title>{t}</title><description>{t}"
                               f"</description></item></channel></rss>", words)
    jsonl = st.builds(lambda t: '{"title": "x", "text": ' + repr(t).replace("'", '"') + "}\n", words)
    content = st.one_of(st.binary(max_size=2000), words.map(lambda t: t.encode("utf-8")),
                        html.map(str.encode), feed.map(str.encode), jsonl.map(str.encode),
                        words.map(lambda t: t.encode("cp1251", errors="replace")))
    packed = st.one_of(content, content.map(gzip.compress), content.map(lambda b: gzip.compress(b)[: len(b) // 2 + 5]))
    names = st.sampled_from(["a.txt", "b.html", "c.rss", "d.xml", "e.jsonl", "f.warc.gz", "g.gz", "h", "i.htm"])

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(data=packed, name=names)
    def one(data: bytes, name: str) -> None:
        before = store.counts()["sources"]
        folder = tmp / f"in{counter['tried']}"
        folder.mkdir()
        (folder / name).write_bytes(data)
        report = ingest([folder], store)
        after = store.counts()["sources"]
        assert after == before + report.stored, "a stored row was lost or a write was not reported"
        counter["tried"] += 1
        counter["stored"] += report.stored
        counter["skipped"] += len(report.skipped)
        (folder / name).unlink()
        folder.rmdir()

    random.seed(seed)
    one()
    counter["rows"] = store.counts()["sources"]
    return counter


def hostile_inputs(workdir: Path | None = None) -> dict:
    """A folder of inputs made to hang, exhaust memory or crash an ingest (a FIFO, links to /dev/zero and in a
    loop, a WARC.gz whose 100 MB record packs into ~100 KB, a JSON Lines record nested 200,000 deep, file names
    and URLs holding Rich markup) next to two real articles, through a real `dossier ingest` run twice with a
    time limit: hangs, peak memory of the process, rows kept."""
    import io
    import json
    import resource

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    tmp = Path(workdir or tempfile.mkdtemp(prefix="dossier-hostile-"))
    corpus = tmp / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    news = "A soldier who deserted fled to Kazakhstan in 2023 and asked for asylum there.\n"
    (corpus / "news.txt").write_text(news, encoding="utf-8")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    (corpus / "loop-a").symlink_to(corpus / "loop-b")
    (corpus / "loop-b").symlink_to(corpus / "loop-a")
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, body in (("http://a.example/[/]bomb", b"x" * (100 * 1024 * 1024)), ("http://a.example/ok", news.encode() * 2)):
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/plain")], protocol="HTTP/1.0")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))
    (corpus / "[bold]bomb[red].warc.gz").write_bytes(buf.getvalue())
    (corpus / "feed.jsonl").write_text("\n".join(["[" * 200_000 + "]" * 200_000,
                                                  json.dumps({"text": news * 3})]), encoding="utf-8")
    db = tmp / "hostile.db"
    hangs, runs, exit_codes = 0, 0, []
    for _ in range(2):
        runs += 1
        try:
            done = subprocess.run([sys.executable, "-m", "dossier.cli", "ingest", str(corpus), "--db", str(db),
                                   "--no-extract"], capture_output=True, timeout=300)
            exit_codes.append(done.returncode)
        except subprocess.TimeoutExpired:
            hangs += 1
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    con = sqlite3.connect(str(db))
    try:
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    finally:
        con.close()
    return {"inputs": len(list(corpus.iterdir())), "archive_kb": round((corpus / "[bold]bomb[red].warc.gz").stat().st_size / 1024),
            "runs": runs, "hangs": hangs, "exit_codes": exit_codes, "peak_mb": round(peak_mb), "documents": documents}


def _content(db: Path) -> dict[str, list]:
    """What a run stored, without the columns that record when."""
    con = sqlite3.connect(str(db))
    try:
        queries = {
            "sources": "SELECT name, kind, content_hash, size FROM sources ORDER BY id",
            "articles": "SELECT id, document_id, ordinal, start, \"end\", title, language, relevant, duplicate_of_id, "
                        "content_hash FROM articles ORDER BY id",
            "persons": "SELECT id, name, aliases, role, rank FROM persons ORDER BY id",
            "mentions": "SELECT person_id, article_id, start, \"end\" FROM mentions ORDER BY person_id, article_id, start",
            "events": "SELECT person_id, article_id, type, date, country, attributes FROM events "
                      "ORDER BY article_id, person_id, type, date",
            "statistics": "SELECT article_id, value, qualifier, period FROM statistics ORDER BY article_id, value",
        }
        return {k: con.execute(q).fetchall() for k, q in queries.items()}
    finally:
        con.close()


def kill_and_resume(kills: int = 20, corpus: Path = SAMPLES, seed: int = 1) -> dict:
    """Kill a real `dossier ingest` (SIGKILL) at random moments until `kills` kills landed mid-run; after each
    series the run is resumed to the end and the store compared with an uninterrupted run's."""
    rng = random.Random(seed)
    tmp = Path(tempfile.mkdtemp(prefix="dossier-kill-"))
    command = [sys.executable, "-m", "dossier.cli"]
    env = dict(os.environ, DOSSIER_LANGUAGES=os.environ.get("DOSSIER_LANGUAGES", "en,ru,fr,de"))
    reference = tmp / "reference.db"
    started = time.monotonic()
    subprocess.run(command + ["ingest", str(corpus), "--db", str(reference)], check=True, capture_output=True, env=env)
    full = time.monotonic() - started
    landed = series = 0
    identical = True
    while landed < kills:
        series += 1
        target = tmp / f"killed{series}.db"
        for _ in range(4):  # up to four kills into one store, then finish it
            proc = subprocess.Popen(command + ["ingest", str(corpus), "--db", str(target)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            time.sleep(rng.uniform(0.5, full))
            if proc.poll() is not None:
                break  # finished before the kill
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            landed += 1
            if landed >= kills:
                break
        resumed = subprocess.run(command + ["ingest", str(corpus), "--db", str(target)], capture_output=True,
                                 text=True, env=env)
        if resumed.returncode:
            raise RuntimeError(f"resume after {landed} kills failed (exit {resumed.returncode}): "
                               f"{resumed.stderr.strip()[-2000:]}")
        identical = identical and _content(reference) == _content(target)
    return {"kills": landed, "series": series, "identical": identical, "seconds_per_run": round(full, 1)}


if __name__ == "__main__":  # pragma: no cover
    print(fuzz_ingestion(int(os.environ.get("N", "200"))))
