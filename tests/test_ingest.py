"""The ingest run against a real SQLite file: incremental, duplicates, bad files in a batch."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from dossier.ingest import ingest
from dossier.store import Store
from dossier.store.models import ArticleRow

STORY = ("A Russian lieutenant who deserted from his unit in 2023 has been detained in Kazakhstan, his lawyer "
         "said on Monday. He faces a criminal case at home for desertion and fears extradition. ")
OTHER = "The city council approved a new budget for road repairs and school renovations this spring. " * 5


def _write(tmp_path, name, text, encoding="utf-8"):
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(text.encode(encoding))
    return p


def test_ingest_reingest_adds_nothing_and_more_files_are_incremental(tmp_path):
    corpus = tmp_path / "corpus"
    _write(corpus, "a.txt", "Deserter detained in Kazakhstan\n\n" + STORY * 4)
    db = str(tmp_path / "d.db")
    store = Store.open(db)
    first = ingest([corpus], store)
    assert (first.stored, first.articles) == (1, 1)
    again = ingest([corpus], Store.open(db))
    assert (again.stored, again.unchanged, again.articles) == (0, 1, 0)
    _write(corpus, "b.txt", "Budget news\n\n" + OTHER)
    more = ingest([corpus], Store.open(db))
    assert (more.stored, more.unchanged, more.articles) == (1, 1, 1)
    assert Store.open(db).counts()["articles"] == 2


def test_ingest_marks_exact_and_near_duplicates_across_files(tmp_path):
    corpus = tmp_path / "c"
    _write(corpus, "1.txt", "Deserter detained in Kazakhstan\n\n" + STORY * 4)
    _write(corpus, "2.txt", "Deserter detained in Kazakhstan\n\n" + STORY * 4 + "Updated at noon.")  # near
    _write(corpus, "3.txt", "Deserter detained in Kazakhstan\n\n" + STORY * 4, encoding="utf-16")  # same text
    _write(corpus, "4.txt", "Budget news\n\n" + OTHER)
    store = Store.open(str(tmp_path / "d.db"))
    report = ingest([corpus], store)
    rows = {a["source"]: a for a in store.articles()}
    assert rows["1.txt"]["duplicate_of"] is None
    assert rows["2.txt"]["duplicate_of"] == rows["1.txt"]["id"]
    assert rows["3.txt"]["duplicate_of"] == rows["1.txt"]["id"]
    assert rows["4.txt"]["duplicate_of"] is None
    assert report.duplicates == 2


def test_ingest_bad_files_are_reported_and_skipped_and_stored_data_kept(tmp_path):
    corpus = tmp_path / "mixed"
    _write(corpus, "good.txt", "Deserter detained in Kazakhstan\n\n" + STORY * 4)
    db = str(tmp_path / "d.db")
    ingest([corpus], Store.open(db))
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.bin").write_bytes(b"\x00\x01\x02" * 1000)
    (corpus / "broken.warc.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (corpus / "bad.rss").write_text("<?xml version='1.0'?><rss><channel><item><title>x")
    _write(corpus, "fr.txt", "Un déserteur expulsé\n\n" + "Le militaire russe a été expulsé vers la Russie. " * 10)
    report = ingest([corpus], Store.open(db), max_bytes=10 * 1024 * 1024)
    skipped = dict(report.skipped)
    assert set(skipped) == {"empty.txt", "binary.bin", "broken.warc.gz", "bad.rss"}
    assert all(reason.startswith("[E1") and "\n" not in reason for reason in skipped.values())
    store = Store.open(db)
    langs = {a["source"]: a["language"] for a in store.articles()}
    assert langs == {"good.txt": "en", "fr.txt": "fr"}


def test_ingest_multi_article_page_stored_with_offsets(tmp_path):
    text = ("First story about a deserter\n\nUpdated 2 March 2024\n\n" + STORY * 4 + "\n\n\n"
            "Second story about city budgets\n\n" + OTHER)
    p = _write(tmp_path / "in", "page.txt", text)
    store = Store.open(str(tmp_path / "d.db"))
    ingest([p], store)
    arts = store.articles()
    assert [a["title"] for a in arts] == ["First story about a deserter", "Second story about city budgets"]
    for a in arts:
        art, doc_text = store.article_text(a["id"])
        assert doc_text == text and doc_text[art.start:art.start + 10] == a["title"][:10]
    with store.session() as s:
        assert s.scalar(select(func.count(ArticleRow.id))) == 2


def test_ingest_article_ids_are_read_in_chunks_skipping_duplicates_and_extracted(tmp_path):
    corpus = tmp_path / "c"
    for i in range(5):
        _write(corpus, f"{i}.txt", f"Story {i}\n\n" + OTHER.replace("city", f"town number {i * 7919}") * (i + 1))
    _write(corpus, "5.txt", "Story 0\n\n" + OTHER.replace("city", "town number 0"))  # duplicate of 0.txt
    store = Store.open(str(tmp_path / "d.db"))
    ingest([corpus], store)
    all_ids = list(store.article_ids(pending=False, chunk=2))  # three pages of two
    assert len(all_ids) == 5 == store.count_articles(pending=False) and all_ids == sorted(all_ids)
    with store.session.begin() as s:
        s.get(ArticleRow, all_ids[1]).extracted_at = datetime.now(timezone.utc)
    assert list(store.article_ids(pending=True, chunk=2)) == all_ids[:1] + all_ids[2:]
    assert store.count_articles(pending=True) == 4
