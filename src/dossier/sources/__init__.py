"""Read source files into Documents, whatever their kind: plain text, HTML, RSS/Atom, WARC, JSON Lines,
PDF and DOCX.

``read_source`` never lets a bad file stop a batch: it raises an InputError subclass with a one-line
reason, and the caller reports it and goes on with the next file.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import re
import stat
import zlib
from dataclasses import dataclass
from collections.abc import Iterator
from pathlib import Path

from ..errors import DamagedArchive, InputTooLarge, NoTextFound, NotAFile
from ..records import Document
from .docx import is_docx, read_docx, refuse_ole2
from .errors import DamagedDocument, EncryptedInput, NotNews
from .feeds import read_feed
from .html import read_html
from .jsonl import read_jsonl
from .pdf import MAX_PAGES, is_pdf, page_at, read_pdf
from .text import decode_bytes
from .warc import read_warc

__all__ = ["DEFAULT_MAX_BYTES", "MAX_PAGES", "DamagedDocument", "EncryptedInput", "NotNews", "SourceFile",
           "count_paths", "is_project_file", "iter_paths", "page_at", "read_bytes", "read_source"]

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
_HTML_EXT = {".html", ".htm", ".xhtml"}
_FEED_EXT = {".rss", ".atom", ".xml"}
_JSONL_EXT = {".jsonl", ".ndjson"}

# Files of a software project or a data repository met in a folder, not news: the name without its extensions
# (any case: readme.md, License.txt), the exact name (Makefile, requirements.txt), or an upper-case name with a
# suffix (README_ru.md, LICENSE-MIT, CHANGELOG2024.md). Hidden files (.gitignore) are skipped by the walk.
_PROJECT_STEMS = {"readme", "license", "licence", "copying", "changelog", "authors", "contributors", "contributing",
                  "code_of_conduct", "maintainers", "codeowners"}
_PROJECT_NAMES = {"makefile", "gnumakefile", "dockerfile", "containerfile", "procfile", "vagrantfile", "jenkinsfile",
                  "gemfile", "gemfile.lock", "pipfile", "pipfile.lock", "manifest.in", "requirements.txt",
                  "pyproject.toml", "setup.py", "setup.cfg", "tox.ini", "package.json", "package-lock.json",
                  "yarn.lock", "poetry.lock", "uv.lock", "cargo.toml", "cargo.lock", "go.mod", "go.sum",
                  "citation.cff", "thumbs.db", "desktop.ini"}
_PROJECT_UPPER = re.compile(r"(CHANGELOG.*|(README|LICEN[CS]E|COPYING|CHANGES|AUTHORS|CONTRIBUTORS|CONTRIBUTING|NOTICE)"
                            r"([-_.].*)?)")


def is_project_file(name: str) -> bool:
    """A README, LICENSE, CHANGELOG, Makefile and the like (by file name alone)."""
    lower = name.lower()
    return (lower.split(".", 1)[0] in _PROJECT_STEMS or lower.startswith("changelog") or lower in _PROJECT_NAMES
            or _PROJECT_UPPER.fullmatch(name) is not None)


class _ProjectFile(type(Path())):
    """A project file met while walking a folder: yielded all the same (so that it is counted, and reported
    as skipped), and refused by read_source. A file named on its own is read whatever its name."""


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
    directory given, in a stable order (by name, depth first). Hidden files and directories are skipped;
    project files in a directory (README, LICENSE, Makefile...: is_project_file) are yielded as paths that
    read_source refuses with NotNews, so that the caller reports them as skipped. Paths are yielded as the tree is walked, so a directory of millions of files is never listed in memory
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
        elif is_project_file(name):
            yield _ProjectFile(directory / name), prefix + name
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
    if isinstance(path, _ProjectFile):
        raise NotNews(f"not news: {path.name} is a project file (name it alone to read it)")
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
    ext = Path(lower).suffix
    if is_pdf(data):  # the content decides; the name only when the content is not recognised
        return "pdf", [read_pdf(data, name, max_bytes)]
    if ext == ".pdf" and data.strip():  # (an empty file is reported as empty, below)
        raise DamagedDocument("not a PDF: no %PDF- header")
    refuse_ole2(data, ext)
    if (ext == ".docx" and data.strip()) or is_docx(data):
        return "docx", [read_docx(data, name, max_bytes)]
    text, _encoding, warnings = decode_bytes(data)
    head = text[:2048].lstrip().lower()
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
