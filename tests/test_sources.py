"""Every input kind, read from real files the tests write."""
from __future__ import annotations

import gzip
import io
import json
import random

import pytest
from warcio.warcwriter import WARCWriter
from warcio.statusandheaders import StatusAndHeaders

from dossier.errors import (BinaryInput, DamagedArchive, EmptyInput, InputTooLarge, MalformedFeed, NoTextFound,
                            UndecodableInput)
from dossier.sources import count_paths, iter_paths, read_source

ARTICLE = ("A Russian soldier who deserted from his unit in 2023 has been detained in Kazakhstan, "
           "his lawyer said on Monday. The man faces a criminal case at home for desertion. ") * 3


def test_sources_plain_text_utf8_offsets_are_file_text(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text("Title line\r\n\r\n" + ARTICLE, encoding="utf-8")
    src = read_source(p)
    assert src.kind == "text"
    assert src.documents[0].text == p.read_bytes().decode("utf-8")  # \r\n kept: offsets match the file


def test_sources_legacy_encodings_detected(tmp_path):
    ru = "Дезертира задержали в Казахстане. Ему грозит уголовное дело за дезертирство. " * 5
    for encoding in ("cp1251", "koi8-r", "utf-16"):
        p = tmp_path / f"ru-{encoding}.txt"
        p.write_bytes(ru.encode(encoding))
        assert read_source(p).documents[0].text.strip() == ru.strip(), encoding
    fr = "Le déserteur a été expulsé vers la Russie après un procès à Astana. " * 5
    p = tmp_path / "fr.txt"
    p.write_bytes(fr.encode("latin-1"))
    assert read_source(p).documents[0].text == fr


def test_sources_mojibake_repaired(tmp_path):
    good = "Le militaire a été expulsé vers la Russie, a déclaré son avocat à l’agence."
    p = tmp_path / "moji.txt"
    p.write_text(good.encode("utf-8").decode("cp1252"), encoding="utf-8")
    doc = read_source(p).documents[0]
    assert doc.text == good
    assert any("mojibake" in w for w in doc.warnings)


def test_sources_html_main_text_without_scripts(tmp_path):
    html = f"""<!DOCTYPE html><html><head><title>Deserter detained</title>
    <script>document.cookie='x'</script></head><body><nav>Home | News</nav>
    <article><h1>Deserter detained</h1><p onclick="evil()">{ARTICLE}</p>
    <iframe src="https://tracker.example"></iframe><p><a href="javascript:alert(1)">link</a></p></article>
    <footer>Copyright</footer></body></html>"""
    p = tmp_path / "page.html"
    p.write_text(html, encoding="utf-8")
    src = read_source(p)
    doc = src.documents[0]
    assert src.kind == "html"
    assert "deserted from his unit" in doc.text
    assert "document.cookie" not in doc.text and "evil()" not in doc.text and "javascript:" not in doc.text
    assert doc.title == "Deserter detained"
    assert any("active element" in w for w in doc.warnings)


def test_sources_rss_and_atom_entries(tmp_path):
    rss = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>
    <item><title>First deserter story</title><link>https://n.example/1</link>
    <pubDate>Mon, 05 Feb 2024 10:00:00 GMT</pubDate><description>&lt;p&gt;{ARTICLE}&lt;/p&gt;</description></item>
    <item><title>Second story</title><link>https://n.example/2</link><description>Short summary of another case of a deserter detained at an airport.</description></item>
    </channel></rss>"""
    p = tmp_path / "feed.rss"
    p.write_text(rss, encoding="utf-8")
    src = read_source(p)
    assert src.kind == "feed" and len(src.documents) == 2
    first = src.documents[0]
    assert first.title == "First deserter story" and first.published == "2024-02-05"
    assert first.url == "https://n.example/1" and "deserted from his unit" in first.text
    atom = """<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
    <entry><title>Atom entry</title><link href="https://a.example/1"/><updated>2023-12-01T00:00:00Z</updated>
    <summary>An officer who refused to fight was sentenced in absentia to six years.</summary></entry></feed>"""
    p2 = tmp_path / "atom.xml"
    p2.write_text(atom, encoding="utf-8")
    src2 = read_source(p2)
    assert src2.kind == "feed" and src2.documents[0].published == "2023-12-01"
    assert "sentenced in absentia" in src2.documents[0].text


def test_sources_malformed_feed_reported(tmp_path):
    p = tmp_path / "bad.rss"
    p.write_text("<?xml version='1.0'?><rss><channel><item><title>broken", encoding="utf-8")
    with pytest.raises(MalformedFeed):
        read_source(p)


def _warc(records: list[tuple[str, str, bytes]]) -> bytes:
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=True)
    for url, ctype, payload in records:
        headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                                      http_headers=headers))
    return buf.getvalue()


def test_sources_warc_gz_responses(tmp_path):
    page = f"<html><head><title>Archived</title></head><body><article><p>{ARTICLE}</p></article></body></html>"
    data = _warc([("https://w.example/1", "text/html; charset=utf-8", page.encode()),
                  ("https://w.example/2", "text/plain", ("Plain archived note. " + ARTICLE).encode()),
                  ("https://w.example/img", "image/png", b"\x89PNG\r\n\x1a\n")])
    p = tmp_path / "crawl.warc.gz"
    p.write_bytes(data)
    src = read_source(p)
    assert src.kind == "warc"
    assert [d.url for d in src.documents] == ["https://w.example/1", "https://w.example/2"]
    assert "deserted from his unit" in src.documents[0].text


def test_sources_truncated_warc_keeps_complete_records_or_reports(tmp_path):
    page = f"<html><body><article><p>{ARTICLE}</p></article></body></html>".encode()
    data = _warc([("https://w.example/1", "text/html", page), ("https://w.example/2", "text/html", page * 50)])
    p = tmp_path / "cut.warc.gz"
    p.write_bytes(data[: len(data) - 200])
    src = read_source(p)
    assert len(src.documents) == 1 and any("damaged" in w for w in src.documents[0].warnings)
    p2 = tmp_path / "cut2.warc.gz"
    p2.write_bytes(data[:60])
    with pytest.raises(DamagedArchive):
        read_source(p2)


def test_sources_truncated_gzip_text(tmp_path):
    data = gzip.compress(ARTICLE.encode() * 20)
    p = tmp_path / "notes.txt.gz"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(DamagedArchive):
        read_source(p)
    p2 = tmp_path / "ok.txt.gz"
    p2.write_bytes(data)
    assert "deserted" in read_source(p2).documents[0].text


def test_sources_jsonl_records(tmp_path):
    lines = [json.dumps({"url": "https://j.example/1", "title": "JSON story", "text": ARTICLE,
                         "published": "2024-03-01T08:00:00"}),
             "{not json", json.dumps({"title": "no text"}),
             json.dumps({"url": "https://j.example/2", "text": "Дезертир получил убежище во Франции."})]
    p = tmp_path / "batch.jsonl"
    p.write_text("\n".join(lines), encoding="utf-8")
    src = read_source(p)
    assert src.kind == "jsonl" and len(src.documents) == 2
    assert src.documents[0].published == "2024-03-01" and src.documents[0].text.startswith("JSON story")
    assert any("2 unreadable" in w for w in src.documents[0].warnings)


@pytest.mark.parametrize("content,error", [
    (b"", EmptyInput), (b"   \n\n  ", EmptyInput),
    (bytes(range(256)) * 10, BinaryInput), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, BinaryInput),
])
def test_sources_bad_bytes_rejected(tmp_path, content, error):
    p = tmp_path / "bad.txt"
    p.write_bytes(content)
    with pytest.raises(error):
        read_source(p)


def test_sources_undecodable_bytes(tmp_path):
    p = tmp_path / "garbage.txt"
    rnd = random.Random(7)
    p.write_bytes(bytes(rnd.randrange(0x80, 0x100) for _ in range(4000)))  # high bytes, no text in any encoding
    with pytest.raises((UndecodableInput, BinaryInput)):
        read_source(p)


def test_sources_huge_single_line_file_refused_without_reading(tmp_path):
    p = tmp_path / "huge.txt"
    with open(p, "wb") as fh:  # a sparse 200 MB single-line file
        fh.seek(200 * 1024 * 1024 - 1)
        fh.write(b"a")
    with pytest.raises(InputTooLarge):
        read_source(p)


def test_sources_html_without_text(tmp_path):
    p = tmp_path / "empty.html"
    p.write_text("<html><body><script>while(1){}</script></body></html>", encoding="utf-8")
    with pytest.raises(NoTextFound):
        read_source(p)


def test_sources_iter_paths_recursive_relative_names(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.txt").write_text("x")
    (tmp_path / "top.txt").write_text("y")
    (tmp_path / ".hidden").write_text("z")
    assert [n for _, n in iter_paths([tmp_path])] == ["a/b/x.txt", "top.txt"]


def test_sources_iter_paths_streams_and_skips_directory_links(tmp_path):
    for i in range(3):
        (tmp_path / f"f{i}.txt").write_text("x")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)  # would never end if followed
    paths = iter_paths([tmp_path])
    assert next(paths)[1] == "f0.txt"  # the first path comes before the rest of the tree is listed
    assert [n for _, n in paths] == ["f1.txt", "f2.txt"]
    assert count_paths([tmp_path, tmp_path / "f0.txt"]) == 4
