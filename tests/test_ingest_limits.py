"""Ingestion that cannot be made to hang or to exhaust memory: limits on what is read, not on the file size alone."""
from __future__ import annotations

import gzip
import io
import json
import os
import subprocess
import sys
import tracemalloc

from sqlalchemy import func, select
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from dossier.ingest import ingest
from dossier.sources import read_source
from dossier.sources.warc import RECORD_MAX_BYTES
from dossier.store import Store
from dossier.store.models import DocumentRow

NEWS = "A soldier who deserted fled to Kazakhstan in 2023 and asked for asylum there.\n"


def _warc_gz(records: list[tuple[str, bytes]]) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, body in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", "text/plain; charset=utf-8")], protocol="HTTP/1.0")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                      http_headers=headers))
    return buf.getvalue()


def test_limits_a_small_warc_gz_with_a_huge_record_keeps_memory_bounded(tmp_path):
    huge = b"news " * ((RECORD_MAX_BYTES * 3) // 5)  # 3x the record limit, a few hundred KB compressed
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(_warc_gz([("http://a.example/1", NEWS.encode()), ("http://a.example/bomb", huge),
                               ("http://a.example/2", NEWS.encode() * 2)]))
    assert path.stat().st_size < 1_000_000
    del huge
    tracemalloc.start()
    source = read_source(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [d.url for d in source.documents] == ["http://a.example/1", "http://a.example/2"]
    assert "http://a.example/bomb" in source.documents[0].warnings[-1]
    assert peak < 3 * RECORD_MAX_BYTES  # the record is never held whole (it is 3x the limit)


def test_limits_fifo_device_link_and_link_loop_are_reported_alone(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "news.txt").write_text(NEWS, encoding="utf-8")
    os.mkfifo(corpus / "pipe.txt")
    (corpus / "zero.txt").symlink_to("/dev/zero")
    (corpus / "loop-a").symlink_to(corpus / "loop-b")
    (corpus / "loop-b").symlink_to(corpus / "loop-a")
    db = tmp_path / "d.db"
    # a separate process with a timeout: reading the FIFO would block for ever
    run = subprocess.run([sys.executable, "-m", "dossier.cli", "ingest", str(corpus), "--db", str(db), "--no-extract"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "pipe.txt" in run.stderr and "FIFO" in run.stderr
    assert "zero.txt" in run.stderr and "device" in run.stderr
    assert "loop-a" in run.stderr and "loop-b" in run.stderr
    with Store.open(str(db)).session() as s:
        assert s.scalar(select(func.count(DocumentRow.id))) == 1  # the one real file, not hidden by the loop


def test_limits_markup_in_file_names_and_messages_never_crashes_a_rerun(tmp_path):
    """Names and messages carry text from the files (a record's URL here): printed, never read as Rich markup."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "[bold]bad[red].txt").write_bytes(b"\x00\x01\x02" * 100)  # skipped, its name is printed
    (corpus / "crawl.warc.gz").write_bytes(_warc_gz([("http://a.example/[/]ok", NEWS.encode()),
                                                     ("http://a.example/[/]big", b"x" * 2_000_000)]))
    db = tmp_path / "d.db"
    for _ in range(2):
        run = subprocess.run([sys.executable, "-m", "dossier.cli", "ingest", str(corpus), "--db", str(db),
                              "--no-extract", "--max-mb", "1"], capture_output=True, text=True, timeout=120)
        assert run.returncode == 0, run.stderr
        assert "[bold]bad[red].txt" in run.stderr
    assert "http://a.example/[/]big" in run.stderr or "already stored" in run.stdout


def test_limits_one_bad_json_lines_record_is_skipped_alone(tmp_path):
    lines = [json.dumps({"url": "http://a.example/1", "text": NEWS}), "[" * 200_000 + "]" * 200_000, "{not json",
             json.dumps({"url": "http://a.example/2", "text": NEWS * 2})]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8")
    store = Store.open(str(tmp_path / "d.db"))
    report = ingest([path], store)
    assert report.stored == 1 and not report.skipped
    assert any("2 unreadable" in w for _, w in report.warnings)
    with store.session() as s:
        assert s.scalar(select(func.count(DocumentRow.id))) == 2


def test_limits_gzip_text_is_bounded_by_the_limit(tmp_path):
    path = tmp_path / "big.txt.gz"
    path.write_bytes(gzip.compress(b"a" * (3 * 1024 * 1024)))
    report = ingest([path], Store.open(str(tmp_path / "d.db")), max_bytes=1024 * 1024)
    assert report.stored == 0 and "limit" in report.skipped[0][1]
