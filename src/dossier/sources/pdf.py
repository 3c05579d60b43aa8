"""PDF files (court rulings, NGO reports): the text layer of each page, through pypdf (pure Python).

Pages are joined with a form feed ("\\f", which never occurs inside a page's text here), so an offset in the
document text, stored or not, can be traced to its page: ``page_at(text, offset)``; the page start offsets are
also kept in ``Document.pages``. Hostile files are bounded: at most MAX_PAGES pages, `max_bytes` of text and
about MAX_SECONDS of extraction are spent on one file (past a limit, the pages read so far are kept, with a
warning), pypdf's own limits bound every decompressed stream, and MAX_TOKENS the parsing of one content stream.
A PDF that needs a password, is damaged beyond pypdf's repairs, or has no text layer (scanned images) raises
an InputError and is skipped; a page that cannot be read is left empty, with a warning.
"""
from __future__ import annotations

import io
import logging
import re
import threading
import time

from ..errors import InputError, InputTooLarge, NoTextFound
from ..records import Document
from .errors import DamagedDocument, EncryptedInput

MAX_PAGES = 2000
MAX_SECONDS = 120  # of text extraction for one file
MAX_TOKENS = 1_000_000  # operators and operands in one content stream (pypdf's default: 2,000,000)
_HEADER = b"%PDF-"
# C0 controls but tab and newline (a NUL cannot be stored in PostgreSQL text; a form feed marks pages),
# C1 controls, and lone surrogates (which cannot be encoded as UTF-8).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SPACES = re.compile(r"\s+")


def is_pdf(data: bytes) -> bool:
    """The PDF header at the start; or, as readers tolerate, after some junk within the first kilobyte when
    the file also ends as a PDF does (a text that quotes "%PDF-" is not taken for one)."""
    return data[:5] == _HEADER or (_HEADER in data[:1024] and b"%%EOF" in data[-2048:])


def page_at(text: str, offset: int) -> int:
    """The page (from 1) holding `offset` of a PDF or DOCX document's text: one more than the form feeds before it."""
    return text.count("\f", 0, offset) + 1


def read_pdf(data: bytes, name: str, max_bytes: int) -> Document:
    from pypdf import PdfReader, apply_configuration

    with _Repairs() as repairs, apply_configuration(stream_parsing_work_maximum_count=MAX_TOKENS):
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not _decrypt(reader):
                raise EncryptedInput("encrypted PDF: a password is needed to read it")
            total = len(reader.pages)
        except InputError:
            raise
        except Exception as exc:  # pypdf raises many kinds on hostile input (PdfReadError, KeyError, ValueError...)
            raise DamagedDocument(f"damaged PDF: {_reason(exc)}") from None
        if total == 0:
            raise DamagedDocument("damaged PDF: no pages")
        texts, failed, warnings = _page_texts(reader, total, max_bytes)
        title = _metadata_title(reader)
    if failed and len(failed) == len(texts):
        raise DamagedDocument(f"damaged PDF: no page could be read ({len(failed)} tried)")
    if not any(t.strip() for t in texts):
        raise NoTextFound(f"no text layer in the PDF ({len(texts)} page(s) of images, scanned?): needs OCR")
    empty = [i + 1 for i, t in enumerate(texts) if not t.strip() and i + 1 not in failed]
    if failed:
        warnings.append(f"pages that could not be read: {_ranges(failed)}")
    if empty:
        warnings.append(f"pages without a text layer (blank or scanned): {_ranges(empty)}")
    if repairs.messages:
        warnings.append(f"repaired structural errors in the PDF ({len(repairs.messages)}; first: {repairs.messages[0]})")
    text = "\f".join(texts)
    pages, pos = [], 0
    for t in texts:
        pages.append(pos)
        pos += len(t) + 1
    return Document(source=name, ordinal=0, text=text, kind="pdf", title=_title_in(title, text), warnings=warnings,
                    pages=pages)


class _OutOfTime(Exception):
    pass


def _page_texts(reader, total: int, max_bytes: int) -> tuple[list[str], list[int], list[str]]:
    """The text of the pages read within the limits: pages, bytes of text and seconds (a small file can make
    pypdf parse a huge content stream for each of thousands of pages, or a form thousands of times on one)."""
    texts: list[str] = []
    failed: list[int] = []
    warnings: list[str] = []
    size = 0
    deadline = time.monotonic() + MAX_SECONDS

    def on_time(*_args) -> None:  # called by pypdf before each operator, in forms too
        if time.monotonic() > deadline:
            raise _OutOfTime

    for i in range(min(total, MAX_PAGES)):
        try:
            if time.monotonic() > deadline:
                raise _OutOfTime
            page = _clean(reader.pages[i].extract_text(visitor_operand_before=on_time) or "")
        except _OutOfTime:
            if not texts:
                raise InputTooLarge(f"reading the PDF's first page took over {MAX_SECONDS} s") from None
            warnings.append(f"stopped after {MAX_SECONDS} s of reading: read pages 1-{i} of {total}")
            break
        except Exception:  # one unreadable page does not lose the others
            failed.append(i + 1)
            page = ""
        size += len(page.encode("utf-8")) + 1
        if size > max_bytes:
            if not texts:
                raise InputTooLarge(f"the PDF's first page holds over {max_bytes / 1e6:.0f} MB of text (--max-mb)")
            warnings.append(f"text past the {max_bytes / 1e6:.0f} MB limit (--max-mb): read pages 1-{i} of {total}")
            break
        texts.append(page)
    else:
        if total > MAX_PAGES:
            warnings.append(f"read the first {MAX_PAGES} of {total} pages (page limit)")
    return texts, failed, warnings


def _decrypt(reader) -> bool:
    """Open a PDF encrypted with an empty user password (an owner password only restricts printing or
    copying): true when it could be."""
    try:
        return bool(reader.decrypt(""))
    except Exception:  # an unsupported scheme or a damaged encryption dictionary
        return False


def _clean(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(" ", text).strip()


def _metadata_title(reader) -> str | None:
    try:
        meta = reader.metadata
        title = meta.title if meta is not None else None
    except Exception:
        return None
    return (_SPACES.sub(" ", str(title)).strip() or None) if title else None


def _title_in(title: str | None, text: str) -> str | None:
    """The metadata title, when the text opens with it (it is often a file name or an editor's default)."""
    if not title or len(title) > 300:
        return None
    head = _SPACES.sub(" ", text[:3000]).lower()
    return title if title.lower() in head else None


def _reason(exc: Exception) -> str:
    message = _SPACES.sub(" ", str(exc)).strip()[:160]
    return message or type(exc).__name__


def _ranges(numbers: list[int]) -> str:
    """1, 2, 3, 7 -> "1-3, 7" (the first ten runs)."""
    runs: list[list[int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1][1] = n
        else:
            runs.append([n, n])
    out = ", ".join(f"{a}-{b}" if b > a else str(a) for a, b in runs[:10])
    return out + (", ..." if len(runs) > 10 else "")


class _Repairs:
    """Collects the warnings pypdf logs while this thread reads a file (the repairs of a damaged file) for
    the document's warnings. Logging set up by an application still receives them; Python's last-resort
    printing of them on standard error, in the middle of a progress bar, does not happen any more."""

    _local = threading.local()
    _installed = False
    _lock = threading.Lock()

    def __init__(self):
        self.messages: list[str] = []

    def __enter__(self) -> "_Repairs":
        with _Repairs._lock:
            if not _Repairs._installed:
                logging.getLogger("pypdf").addHandler(_Dispatch())
                _Repairs._installed = True
        _Repairs._local.current = self
        return self

    def __exit__(self, *exc) -> None:
        _Repairs._local.current = None


class _Dispatch(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)

    def emit(self, record: logging.LogRecord) -> None:
        current = getattr(_Repairs._local, "current", None)
        if current is not None and len(current.messages) < 100:
            try:
                current.messages.append(_SPACES.sub(" ", record.getMessage()).strip()[:160])
            except Exception:
                pass
