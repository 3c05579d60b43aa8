"""Read source files into Documents, whatever their kind: plain text, HTML, RSS/Atom, WARC, JSON Lines.

``read_source`` never lets a bad file stop a batch: it raises an InputError subclass with a one-line
reason, and the caller reports it and goes on with the next file.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import stat
import zlib
from dataclasses import dataclass
from collections.abc import Iterator
from pathlib import Path

from ..errors import DamagedArchive, InputTooLarge, NoTextFound, NotAFile
from ..records import Document
from .feeds import read_feed
from .html import read_html
from .jsonl import read_jsonl
from .text import decode_bytes
from .warc import read_warc

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_HTML_EXT = {".html", ".htm", ".xhtml"}
_FEED_EXT = {".rss", ".atom", ".xml"}
_JSONL_EXT = {".jsonl", ".ndjson"}


@dataclass
class SourceFile:
    """A file that was read: its content hash identifies it across runs."""

    path: Path
    name: str
    kind: str
    content_hash: str
    size: int
    documents: list[Document]


def iter_paths(paths: list[Path]) -> Iterator[tuple[Path, str]]:
    """Expand files and directories (recursively) into (path, name) pairs, name relative to the
    directory given, in a stable order (by name, depth first). Hidden files and directories are skipped.
    Paths are yielded as the tree is walked, so a directory of millions of files is never listed in memory
    (only the entries of the directory being walked are)."""
    for root in paths:
        if root.is_dir():
            yield from _walk(root, "")
        else:
            yield root, root.name


def _walk(directory: Path, prefix: str) -> Iterator[tuple[Path, str]]:
    try:
        with os.scandir(directory) as it:
            entries = sorted((e.name, _is_dir(e), e.is_symlink()) for e in it if not e.name.startswith("."))
    except OSError:  # an unreadable directory is passed on, so that reading it fails and is reported
        yield directory, prefix.rstrip("/") or directory.name
        return
    for name, is_dir, is_link in entries:
        if is_dir:
            if not is_link:  # as os.walk: links to directories are not followed (no cycles)
                yield from _walk(directory / name, f"{prefix}{name}/")
        else:
            yield directory / name, prefix + name


def _is_dir(entry: os.DirEntry) -> bool:
    """A link that loops or points nowhere is not a directory: it is yielded, and reading it reports it alone
    (it used to make the whole directory unreadable)."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def count_paths(paths: list[Path]) -> int:
    """How many files iter_paths will yield (walks the tree once more, keeping only a count)."""
    return sum(1 for _ in iter_paths(paths))


def read_source(path: Path, name: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceFile:
    """Read one regular file (a FIFO, device or socket, also behind a link, is refused before it is opened:
    reading one could hang or never end); at most `max_bytes` are read, whatever the size the file claims."""
    name = name or path.name
    info = path.stat()  # follows links; a loop raises OSError (ELOOP), reported for this link alone
    if not stat.S_ISREG(info.st_mode):
        kind = "a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device" if stat.S_ISCHR(info.st_mode) or \
            stat.S_ISBLK(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a file"
        raise NotAFile(f"{kind}, not a regular file: not read")
    if info.st_size > max_bytes:
        raise InputTooLarge(f"file is {info.st_size / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit (--max-mb)")
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):  # swapped between the check and the open
            raise NotAFile("not a regular file: not read")
        data = f.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputTooLarge(f"file grew past the {max_bytes / 1e6:.0f} MB limit while it was read (--max-mb)")
    return read_bytes(data, name, path, max_bytes)


def read_bytes(data: bytes, name: str, path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> SourceFile:
    """Read content already in memory (a fetched page): `path` gives the name's extension, if any."""
    if len(data) > max_bytes:
        raise InputTooLarge(f"content is {len(data) / 1e6:.0f} MB, over the {max_bytes / 1e6:.0f} MB limit")
    kind, documents = _read(data, name, path.name.lower(), max_bytes)
    return SourceFile(path=path, name=name, kind=kind, content_hash=hashlib.sha256(data).hexdigest(), size=len(data),
                      documents=documents)


def _read(data: bytes, name: str, lower: str, max_bytes: int) -> tuple[str, list[Document]]:
    if lower.endswith((".warc", ".warc.gz", ".arc", ".arc.gz")) or data[:8] == b"WARC/1.0" or data[:8] == b"WARC/1.1":
        return "warc", read_warc(data, name, max_bytes)
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, max_bytes)
        if data[:5] == b"WARC/":
            return "warc", read_warc(data, name, max_bytes)
        lower = lower[:-3] if lower.endswith(".gz") else lower
    text, _encoding, warnings = decode_bytes(data)
    head = text[:2048].lstrip().lower()
    ext = Path(lower).suffix
    if ext in _JSONL_EXT:
        return "jsonl", read_jsonl(text, name)
    if ext in _FEED_EXT or head.startswith("<?xml") and ("<rss" in head or "<feed" in head or "<rdf" in head) \
            or head.startswith(("<rss", "<feed")):
        return "feed", read_feed(data, name)
    if ext in _HTML_EXT or head.startswith(("<!doctype html", "<html")):
        doc = read_html(text, name)
        doc.warnings[:0] = warnings
        return "html", [doc]
    if not text.strip():
        raise NoTextFound("no text")
    return "text", [Document(source=name, ordinal=0, text=text, kind="text", warnings=warnings)]


def _gunzip(data: bytes, max_bytes: int) -> bytes:
    try:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = d.decompress(data, max_bytes + 1)
        if len(out) > max_bytes:
            raise InputTooLarge(f"compressed file expands past the {max_bytes / 1e6:.0f} MB limit")
        if not d.eof:
            raise DamagedArchive("truncated gzip stream")
        return out
    except (zlib.error, EOFError, gzip.BadGzipFile) as exc:
        raise DamagedArchive(f"damaged gzip stream: {exc}") from None
