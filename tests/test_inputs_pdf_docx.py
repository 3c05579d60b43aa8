"""PDF and DOCX inputs, read from real files the tests write (matplotlib's PDF backend writes a real text
layer; python-docx writes real Word files), and the project files a folder walk leaves out."""
from __future__ import annotations

import io
import re
import zipfile

import pytest

from dossier.errors import BinaryInput, InputTooLarge, NoTextFound
from dossier.ingest import ingest
from dossier.sources import (DamagedDocument, EncryptedInput, count_paths, is_project_file, iter_paths, page_at,
                             read_source)
from dossier.store import Store

PAGES = [
    ["Appeal hearing in the regional court", "The panel heard the appeal on a Tuesday morning."],
    ["Вторая страница: суд оставил приговор без изменений.", "The defence will appeal again."],
    ["Third page of the ruling", "The costs are borne by the state."],
]


def make_pdf(pages: list[list[str]] = PAGES, title: str | None = None) -> bytes:
    """A PDF with one page per list of lines, each line drawn as text (a real text layer)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    buf = io.BytesIO()
    with PdfPages(buf, metadata={"Title": title} if title else None) as pdf:
        for lines in pages:
            fig = plt.figure(figsize=(8.27, 11.69))
            for i, line in enumerate(lines):
                fig.text(0.08, 0.92 - 0.04 * i, line, fontsize=11)
            pdf.savefig(fig)
            plt.close(fig)
    return buf.getvalue()


def make_image_pdf() -> bytes:
    """A page with a picture and no text at all (a scan, as far as the reader can tell)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure()
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow([[0, 1, 0], [1, 0, 1]])
    ax.axis("off")
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    plt.close(fig)
    return buf.getvalue()


def make_docx() -> bytes:
    import docx

    d = docx.Document()
    d.core_properties.title = "Annual monitoring report"
    d.add_heading("Annual monitoring report", level=1)
    d.add_paragraph("The monitors visited four detention centres during the year.")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Centre"
    table.cell(0, 1).text = "Visits"
    table.cell(1, 0).text = "Северный центр"
    table.cell(1, 1).text = "3"
    d.add_page_break()
    d.add_paragraph("Second page: recommendations to the ministry.")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def rezip(data: bytes, change) -> bytes:
    """The same archive with `change(name, bytes) -> bytes | None` applied to each member (None drops it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = change(info.filename, src.read(info.filename))
            if body is not None:
                dst.writestr(info.filename, body)
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------------------------

def test_pdf_text_keeps_page_boundaries_and_offsets(tmp_path):
    p = tmp_path / "ruling.pdf"
    p.write_bytes(make_pdf(title="Appeal hearing in the regional court"))
    src = read_source(p)
    doc = src.documents[0]
    assert src.kind == "pdf" and doc.kind == "pdf"
    assert doc.text.count("\f") == 2 and len(doc.pages) == 3 and doc.pages[0] == 0
    for number, lines in enumerate(PAGES, 1):
        for line in lines:
            at = doc.text.index(line)
            assert page_at(doc.text, at) == number, line
            assert doc.pages[number - 1] <= at < (doc.pages[number] if number < 3 else len(doc.text) + 1)
    assert doc.text[doc.pages[1] - 1] == "\f" and doc.text[doc.pages[2]:].startswith("Third page")
    assert doc.title == "Appeal hearing in the regional court"  # the metadata title, since the text opens with it
    assert doc.warnings == []


def test_pdf_found_by_content_whatever_its_name(tmp_path):
    p = tmp_path / "download.bin"
    p.write_bytes(make_pdf())
    assert read_source(p).kind == "pdf"
    text = tmp_path / "notes.txt"  # a text that quotes a PDF header is still a text
    text.write_text("The header of every such file starts with %PDF-1.7 and a binary comment line.\n" * 3)
    assert read_source(text).kind == "text"


def test_pdf_metadata_title_not_in_the_text_is_ignored(tmp_path):
    p = tmp_path / "r.pdf"
    p.write_bytes(make_pdf(title="Microsoft Word - draft7.docx"))
    assert read_source(p).documents[0].title is None


def test_pdf_encrypted_is_refused_but_owner_password_only_is_read(tmp_path):
    from pypdf import PdfWriter

    data = make_pdf()
    locked = PdfWriter(clone_from=io.BytesIO(data))
    locked.encrypt("a-user-password", algorithm="AES-256")
    buf = io.BytesIO()
    locked.write(buf)
    p = tmp_path / "locked.pdf"
    p.write_bytes(buf.getvalue())
    with pytest.raises(EncryptedInput) as exc:
        read_source(p)
    assert str(exc.value).startswith("[E110]") and "password" in str(exc.value)

    owner_only = PdfWriter(clone_from=io.BytesIO(data))
    owner_only.encrypt(user_password="", owner_password="an-owner-password", algorithm="AES-256")
    buf = io.BytesIO()
    owner_only.write(buf)
    p2 = tmp_path / "print-restricted.pdf"
    p2.write_bytes(buf.getvalue())
    assert "Third page of the ruling" in read_source(p2).documents[0].text


def test_pdf_damaged_image_only_and_misnamed_are_one_line_errors(tmp_path):
    data = make_pdf()
    cases = {
        "truncated.pdf": (data[: len(data) // 3], DamagedDocument, "[E111] damaged PDF"),
        "garbage.pdf": (b"%PDF-1.4\n" + bytes(range(256)) * 40, DamagedDocument, "[E111] damaged PDF"),
        "fake.pdf": (b"<html><body>Not found</body></html>", DamagedDocument, "[E111] not a PDF"),
        "scan.pdf": (make_image_pdf(), NoTextFound, "[E107] no text layer"),
    }
    for name, (body, kind, message) in cases.items():
        p = tmp_path / name
        p.write_bytes(body)
        with pytest.raises(kind) as exc:
            read_source(p)
        assert str(exc.value).startswith(message) and "\n" not in str(exc.value), name


def test_pdf_page_count_text_size_and_time_are_bounded(tmp_path, monkeypatch):
    import dossier.sources.pdf as pdf

    data = make_pdf()
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    doc = pdf.read_pdf(data, "long.pdf", 10_000_000)
    assert doc.text.count("\f") == 1 and "Third page" not in doc.text
    assert doc.warnings == ["read the first 2 of 3 pages (page limit)"]
    monkeypatch.setattr(pdf, "MAX_PAGES", 2000)

    first = len("\n".join(PAGES[0]).encode("utf-8"))
    doc = pdf.read_pdf(data, "big.pdf", first + 10)  # room for the first page's text only
    assert "\f" not in doc.text and doc.text.startswith(PAGES[0][0])
    assert any("MB limit" in w and "read pages 1-1 of 3" in w for w in doc.warnings)
    with pytest.raises(InputTooLarge):
        pdf.read_pdf(data, "big.pdf", 10)

    monkeypatch.setattr(pdf, "MAX_SECONDS", -1)  # the time is up before the first page
    with pytest.raises(InputTooLarge, match="took over"):
        pdf.read_pdf(data, "slow.pdf", 10_000_000)


def test_pdf_many_pages_sharing_one_page_are_capped(tmp_path):
    """A small file can list thousands of pages (all the same page object): at most MAX_PAGES are read."""
    from pypdf import PdfReader, PdfWriter

    from dossier.sources.pdf import MAX_PAGES

    reader = PdfReader(io.BytesIO(make_pdf([["One short line of text."]])))
    writer = PdfWriter()
    for _ in range(MAX_PAGES + 5):
        writer.add_page(reader.pages[0])
    buf = io.BytesIO()
    writer.write(buf)
    p = tmp_path / "bomb.pdf"
    p.write_bytes(buf.getvalue())
    doc = read_source(p).documents[0]
    assert len(doc.pages) == MAX_PAGES == doc.text.count("\f") + 1
    assert doc.warnings == [f"read the first {MAX_PAGES} of {MAX_PAGES + 5} pages (page limit)"]


# --- DOCX -----------------------------------------------------------------------------------------------------

def test_docx_body_tables_and_page_breaks(tmp_path):
    p = tmp_path / "report.docx"
    p.write_bytes(make_docx())
    src = read_source(p)
    doc = src.documents[0]
    assert src.kind == "docx" and doc.kind == "docx"
    assert doc.text.startswith("Annual monitoring report\nThe monitors visited four detention centres")
    assert "Северный центр" in doc.text and "Centre" in doc.text  # table cells, in place, Cyrillic intact
    assert doc.text.index("Visits") < doc.text.index("Second page")
    assert len(doc.pages) == 2 and doc.text.count("\f") == 1
    assert doc.text[doc.pages[1] - 1] == "\f"
    assert page_at(doc.text, doc.text.index("Северный")) == 1
    assert page_at(doc.text, doc.text.index("Second page")) == 2 and doc.pages[1] <= doc.text.index("Second page")
    assert doc.title == "Annual monitoring report"


def test_docx_deleted_text_and_field_codes_are_not_text(tmp_path):
    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def edit(name, body):
        if name != "word/document.xml":
            return body
        extra = (f'<w:p {w}><w:r><w:t xml:space="preserve">Kept words </w:t></w:r>'
                 f'<w:del w:id="1" w:author="x" w:date="2024-01-01T00:00:00Z"><w:r><w:delText>removed words</w:delText>'
                 f'</w:r></w:del><w:r><w:instrText> HYPERLINK "https://example.org" </w:instrText></w:r>'
                 f'<w:r><w:t>and more</w:t><w:tab/><w:t>after a tab</w:t></w:r></w:p>')
        return re.sub(rb"(<w:body>)", lambda m: m.group(1) + extra.encode(), body, count=1)

    p = tmp_path / "tracked.docx"
    p.write_bytes(rezip(make_docx(), edit))
    text = read_source(p).documents[0].text
    assert text.startswith("Kept words and more\tafter a tab\n")
    assert "removed words" not in text and "HYPERLINK" not in text


def test_docx_damaged_encrypted_legacy_and_bombs_are_one_line_errors(tmp_path):
    good = make_docx()
    bomb = rezip(good, lambda n, b: b) + b""
    bomb = io.BytesIO(bomb)
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/media/padding.bin", b"\0" * 3_000_000)  # 3 MB of zeros, a few kB compressed
    cases = {
        "truncated.docx": (good[: len(good) // 2], DamagedDocument, "[E111] damaged DOCX"),
        "text.docx": (b"plain words, not an archive", DamagedDocument, "[E111] damaged DOCX: not a zip"),
        "other.docx": (rezip(good, lambda n, b: None if n == "word/document.xml" else b), DamagedDocument,
                       "[E111] damaged DOCX: no word/document.xml"),
        "badxml.docx": (rezip(good, lambda n, b: b"<w:document" if n == "word/document.xml" else b),
                        DamagedDocument, "[E111] damaged DOCX"),
        "locked.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, EncryptedInput, "[E110] encrypted DOCX"),
        "old.doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, BinaryInput, "[E101] a legacy Office file"),
        "bomb.docx": (bomb.getvalue(), InputTooLarge, "[E104] the DOCX expands"),
    }
    for name, (body, kind, message) in cases.items():
        p = tmp_path / name
        p.write_bytes(body)
        with pytest.raises(kind) as exc:
            read_source(p, max_bytes=1_000_000)
        assert str(exc.value).startswith(message) and "\n" not in str(exc.value), (name, str(exc.value))
    assert len(bomb.getvalue()) < 1_000_000  # the file itself is under the limit: its expansion is not


def test_docx_found_by_content_whatever_its_name(tmp_path):
    p = tmp_path / "attachment-3"
    p.write_bytes(make_docx())
    assert read_source(p).kind == "docx"


# --- folders: project files, and the whole batch ---------------------------------------------------------------

def test_project_files_by_name():
    for name in ("README.md", "README", "readme.txt", "README_ru.md", "LICENSE", "LICENSE-MIT", "License.txt",
                 "COPYING", "CHANGELOG.md", "CHANGELOG-2024.md", "changelog.rst", "Makefile", "requirements.txt",
                 "CONTRIBUTING.md", "AUTHORS"):
        assert is_project_file(name), name
    for name in ("license-revoked-for-a-lawyer.html", "readmission.txt", "news.txt", "ruling.pdf", "changes.txt",
                 "history.html", "makefiles-of-a-city.txt", "2024-03-05-report.docx"):
        assert not is_project_file(name), name


def test_folder_walk_skips_project_files_with_a_reason_and_reads_them_when_named(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    story = "A local court in the north postponed the hearing again, the defence said on Friday. " * 3
    (folder / "story.txt").write_text(story, encoding="utf-8")
    for name in ("README.md", "LICENSE", "CHANGELOG.md", "Makefile", "sub/readme.txt"):
        (folder / name).write_text("# Project notes\n\nHow to build and run the tools of this folder.\n")
    names = [n for _, n in iter_paths([folder])]
    assert names == ["CHANGELOG.md", "LICENSE", "Makefile", "README.md", "story.txt", "sub/readme.txt"]
    assert count_paths([folder]) == 6
    store = Store.open(str(tmp_path / "d.db"))
    report = ingest([folder], store)
    skipped = dict(report.skipped)
    assert set(skipped) == {"CHANGELOG.md", "LICENSE", "Makefile", "README.md", "sub/readme.txt"}
    assert skipped["README.md"] == "[E112] not news: README.md is a project file (name it alone to read it)"
    assert report.stored == 1 and report.files == 6
    # named on its own, the same file is read
    (path, name), = list(iter_paths([folder / "README.md"]))
    assert read_source(path, name).documents[0].text.startswith("# Project notes")
    report = ingest([folder / "README.md"], store)
    assert report.stored == 1 and report.skipped == []


def test_cli_ingests_a_folder_of_rulings_and_reports_the_bad_files(tmp_path, capsys):
    from dossier.cli import main

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ruling.pdf").write_bytes(make_pdf())
    (folder / "report.docx").write_bytes(make_docx())
    (folder / "broken.pdf").write_bytes(make_pdf()[:900])
    (folder / "broken.docx").write_bytes(make_docx()[:700])
    (folder / "README.md").write_text("# About this folder\n\nWhat the files are.\n")
    db = str(tmp_path / "d.db")
    assert main(["ingest", str(folder), "--db", db, "--no-extract"]) == 0
    err = capsys.readouterr().err
    assert re.search(r"skipped broken\.pdf: \[E111\] damaged PDF", err)
    assert re.search(r"skipped broken\.docx: \[E111\] damaged DOCX", err)
    assert "skipped README.md: [E112] not news" in err
    store = Store.open(db)
    texts = {}
    for a in store.articles():
        article, text = store.article_text(a["id"])
        texts[a["source"]] = text
    assert set(texts) == {"ruling.pdf", "report.docx"}
    ruling = texts["ruling.pdf"]  # the stored text keeps the page breaks: offsets still tell the page
    assert page_at(ruling, ruling.index("Вторая страница")) == 2 and page_at(ruling, ruling.index("costs")) == 3
    assert "Северный центр" in texts["report.docx"]
