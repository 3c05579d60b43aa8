"""WARC and WARC.gz archives through warcio: one Document per HTML or text response."""
from __future__ import annotations

import io
import zlib

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..errors import DamagedArchive, InputError
from ..records import Document
from .html import read_html
from .text import decode_bytes


def read_warc(data: bytes, source: str) -> list[Document]:
    docs: list[Document] = []
    damaged = None
    ordinal = 0
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type not in ("response", "resource"):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else None) \
                or record.rec_headers.get_header("Content-Type") or ""
            payload = record.content_stream().read()
            ordinal += 1
            try:
                if "html" in ctype:
                    docs.append(read_html(_to_text(payload), source, ordinal, url, kind="warc"))
                elif ctype.startswith("text/"):
                    text, _, warnings = decode_bytes(payload)
                    docs.append(Document(source=source, ordinal=ordinal, text=text, kind="warc", url=url,
                                         warnings=warnings))
            except InputError:
                continue
    except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
        damaged = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if damaged is None and data[:2] == b"\x1f\x8b" and not _gzip_complete(data):
        damaged = "truncated gzip stream"
        if docs:
            docs.pop()  # the last record was cut short: its text is incomplete
    if damaged and not docs:
        raise DamagedArchive(f"damaged or truncated archive: {damaged}")
    if not docs:
        raise InputError("archive holds no HTML or text response")
    if damaged:
        docs[0].warnings.append(f"archive is damaged after {len(docs)} record(s) ({damaged}); kept those")
    return docs


def _gzip_complete(data: bytes) -> bool:
    """True when every gzip member of the data ends properly (WARC.gz holds one member a record)."""
    rest = data
    while rest:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            d.decompress(rest)
        except zlib.error:
            return False
        if not d.eof:
            return False
        rest = d.unused_data.lstrip(b"\x00")
    return True


def _to_text(payload: bytes) -> str:
    try:
        return decode_bytes(payload)[0]
    except InputError:
        return payload.decode("utf-8", errors="replace")
