"""WARC and WARC.gz archives through warcio: one Document per HTML or text response."""
from __future__ import annotations

import io
import zlib

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from ..errors import DamagedArchive, InputError, InputTooLarge
from ..records import Document
from .html import read_html
from .text import decode_bytes


RECORD_MAX_BYTES = 20 * 1024 * 1024  # no news page is larger; a bigger record is skipped without being kept


def read_warc(data: bytes, source: str, max_bytes: int = 50 * 1024 * 1024) -> list[Document]:
    """Records are streamed: a record's payload is read up to the per-record cap (a few KB of gzip can expand to
    gigabytes), over it the record is skipped and named, and all records together stay under `max_bytes`."""
    docs: list[Document] = []
    damaged = None
    ordinal = 0
    cap = min(RECORD_MAX_BYTES, max_bytes)
    budget = max_bytes
    skipped: list[str] = []
    if data[:2] == b"\x1f\x8b":  # WARC.gz: one gzip member a record, inflated here a bounded piece at a time
        data, skipped, damaged = _inflate_members(data, cap, max_bytes)
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            if record.rec_type not in ("response", "resource"):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            ctype = (record.http_headers.get_header("Content-Type") if record.http_headers else None) \
                or record.rec_headers.get_header("Content-Type") or ""
            payload = _read_upto(record.content_stream(), cap + 1)
            ordinal += 1
            if len(payload) > cap or len(payload) > budget:
                skipped.append(url or f"record {ordinal}")
                if len(payload) > budget:
                    break  # the archive as a whole is over the limit: keep what was read
                continue
            budget -= len(payload)
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
        damaged = damaged or (str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
    if damaged and not docs:
        raise DamagedArchive(f"damaged or truncated archive: {damaged}")
    if not docs and skipped:
        raise InputTooLarge(f"every record is over the {cap / 1e6:.0f} MB record limit: {', '.join(skipped[:3])}")
    if not docs:
        raise InputError("archive holds no HTML or text response")
    if damaged:
        docs[0].warnings.append(f"archive is damaged after {len(docs)} record(s) ({damaged}); kept those")
    if skipped:
        docs[0].warnings.append(f"skipped {len(skipped)} record(s) over the {cap / 1e6:.0f} MB record limit or the "
                                f"archive's {max_bytes / 1e6:.0f} MB: {', '.join(skipped[:3])}")
    return docs


def _read_upto(stream, limit: int) -> bytes:
    """Up to `limit` bytes of a stream whose read(n) may return fewer than n before its end."""
    parts, got = [], 0
    while got < limit:
        chunk = stream.read(min(limit - got, 1 << 20))
        if not chunk:
            break
        parts.append(chunk)
        got += len(chunk)
    return b"".join(parts)


def _inflate_members(data: bytes, cap: int, max_bytes: int) -> tuple[bytes, list[str], str | None]:
    """(the WARC records uncompressed, the records skipped, damage). Every member is inflated at most 1 MB at a
    time: a member over `cap` is dropped as it inflates (only its first bytes are kept, to name it), and a member
    cut short (a truncated download) is left out, its text being incomplete."""
    out = bytearray()
    skipped: list[str] = []
    rest = data
    while rest:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        member, head, over, pending = bytearray(), b"", False, rest
        try:
            while True:
                chunk = d.decompress(pending, 1 << 20)
                pending = d.unconsumed_tail
                if not over:
                    member += chunk
                    if len(member) > cap:
                        over, head, member = True, bytes(member[:4096]), bytearray()
                if d.eof or (not chunk and not pending):
                    break
        except zlib.error as exc:
            return bytes(out), skipped, f"damaged gzip stream: {exc}"
        if not d.eof:
            return bytes(out), skipped, "truncated gzip stream"
        if over or len(out) + len(member) > max_bytes:
            skipped.append(_target(head or bytes(member[:4096])) or f"record at byte {len(data) - len(rest)}")
        else:
            out += member
        rest = d.unused_data.lstrip(b"\x00")
    return bytes(out), skipped, None


def _target(head: bytes) -> str | None:
    for line in head.split(b"\r\n")[:40]:
        if line.lower().startswith(b"warc-target-uri:"):
            return line.split(b":", 1)[1].strip().decode("utf-8", "replace")
    return None


def _to_text(payload: bytes) -> str:
    try:
        return decode_bytes(payload)[0]
    except InputError:
        return payload.decode("utf-8", errors="replace")
