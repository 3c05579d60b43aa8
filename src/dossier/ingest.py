"""Ingestion: source files -> documents -> articles (split, language, duplicates) -> store.

Lenient per file: a file that cannot be read is reported with its reason and skipped; the batch goes on
and what was stored before stays stored.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .errors import InputError
from .language import detect_language
from .records import Article
from .sources import DEFAULT_MAX_BYTES, iter_paths, read_source
from .split import split_document
from .store import Store
from .timing import Stopwatch, stage


@dataclass
class IngestReport:
    files: int = 0
    stored: int = 0
    unchanged: int = 0
    articles: int = 0
    duplicates: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)


def prepare_articles(documents, clock: Stopwatch | None = None) -> dict[int, list[Article]]:
    """Split each document into articles and identify their language (no I/O)."""
    out: dict[int, list[Article]] = {}
    for doc in documents:
        with stage(clock, "split"):
            arts = split_document(doc)
        with stage(clock, "language"):
            for art in arts:
                art.language, art.language_confidence = detect_language(art.title + "\n" + art.text
                                                                         if art.title else art.text)
        out[doc.ordinal] = arts
    return out


def ingest(paths: list[Path], store: Store, max_bytes: int = DEFAULT_MAX_BYTES,
           progress: Callable[[str], None] | None = None, clock: Stopwatch | None = None) -> IngestReport:
    """Read every file under `paths` into the store: files already stored are recognised by their content;
    a file that cannot be read is reported in the report and skipped. `clock` times the stages."""
    report = IngestReport()
    for _ in ingest_iter(paths, store, report, max_bytes, progress, clock):
        pass
    return report


def ingest_iter(paths: list[Path], store: Store, report: IngestReport, max_bytes: int = DEFAULT_MAX_BYTES,
                progress: Callable[[str], None] | None = None, clock: Stopwatch | None = None) -> Iterator[int]:
    """`ingest` one file at a time, yielding the ids of the new articles that are not duplicates as each file is
    stored: the models can start on the first ones while later files are still read."""
    for path, name in iter_paths(paths):
        report.files += 1
        if progress:
            progress(name)
        try:
            with stage(clock, "read (decode, HTML, feeds)"):
                source = read_source(path, name, max_bytes)
        except InputError as exc:
            report.skipped.append((name, str(exc)))
            continue
        except OSError as exc:
            report.skipped.append((name, f"[E100] cannot read the file: {exc.strerror or exc}"))
            continue
        except RecursionError:
            report.skipped.append((name, "[E107] markup nested too deeply to read"))
            continue
        yield from (a.id for a in store_source(source, store, report, clock) if a.duplicate_of is None)


def store_source(source, store: Store, report: IngestReport, clock: Stopwatch | None = None) -> list:
    """Split, identify and store one source read into memory, counting it in the report; content already
    stored is counted as unchanged. Returns the articles stored (`StoredArticle`)."""
    if store.has_source(source.content_hash):
        report.unchanged += 1
        return []
    articles = prepare_articles(source.documents, clock)
    with stage(clock, "dedup + store articles"):
        stored = store.add_source(source, articles)
    report.stored += 1
    report.articles += len(stored)
    report.duplicates += sum(1 for s in stored if s.duplicate_of is not None)
    report.warnings.extend((source.name, w) for d in source.documents for w in d.warnings)
    return stored
