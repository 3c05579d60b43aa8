"""Following the news as it comes: RSS/Atom feeds, sitemaps and folders, polled once or on an interval.

A poll asks each feed or sitemap whether it changed (ETag / Last-Modified), records the article pages it lists,
fetches the new ones (one request at a time, with a delay per host, a timeout and a size cap: `fetch.Fetcher`),
reads them like any HTML file (trafilatura), and stores them through the same path as `dossier ingest`
(duplicates, language, extraction, resolution); then new urgent happenings raise alerts and notifications
go out. Everything is kept in the store: a page that failed is retried on later polls (at most
MAX_ATTEMPTS times), a restart goes on from where the last poll stopped, and nothing stored is lost
when a feed times out, fails or sends garbage. Every fetch is in the audit log.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from sqlalchemy import select

from .errors import DossierError, InputError
from .fetch import FetchError, Fetcher, parse_listing
from .ingest import IngestReport, ingest, store_source
from .security import audit
from .sources import DEFAULT_MAX_BYTES, read_bytes
from .store import Store
from .store.models import WatchItemRow, WatchSourceRow

MAX_ATTEMPTS = 5
MAX_SITEMAPS = 50  # child sitemaps read from one sitemap index per poll


@dataclass
class PollReport:
    listings: int = 0
    not_modified: int = 0
    new_items: int = 0
    fetched: int = 0
    source_errors: list[tuple[str, str]] = field(default_factory=list)
    item_errors: list[tuple[str, str]] = field(default_factory=list)
    ingest: IngestReport = field(default_factory=IngestReport)
    extracted: int = 0
    alerts: list[int] = field(default_factory=list)
    notified: int = 0
    notify_errors: list[str] = field(default_factory=list)


def is_url(source: str) -> bool:
    return urlparse(source).scheme in ("http", "https")


def check_sources(sources: list[str]) -> None:
    for src in sources:
        if not is_url(src) and not Path(src).is_dir():
            raise DossierError(f"not an http(s) feed or sitemap URL, nor a folder: {src}")


def parse_every(value: str) -> float:
    """'15m', '1h', '90s', '1h30m' -> seconds."""
    parts = re.fullmatch(r"\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*", value or "")
    if not parts or not any(parts.groups()):
        raise DossierError(f"--every takes a duration like 15m, 1h or 90s, not {value!r}")
    d, h, m, s = (int(x or 0) for x in parts.groups())
    seconds = d * 86400 + h * 3600 + m * 60 + s
    if seconds < 10:
        raise DossierError("--every is at least 10s (be kind to the servers)")
    return float(seconds)


def _audit(store: Store, action: str, target: str, detail: dict) -> None:
    with store.session.begin() as s:
        audit.record(s, action, None, target[:1024], detail)


def _poll_listing(store: Store, url: str, fetcher: Fetcher, report: PollReport) -> None:
    with store.session() as s:
        row = s.scalar(select(WatchSourceRow).where(WatchSourceRow.url == url))
        etag, modified = (row.etag, row.last_modified) if row else (None, None)
    try:
        response = fetcher.get(url, etag=etag, last_modified=modified)
        if response.not_modified:
            report.not_modified += 1
            _audit(store, "fetch", url, {"kind": "listing", "status": 304})
            _save_source(store, url, None)
            return
        listing = parse_listing(response.body, response.url)
        items = list(listing.items)
        for child in listing.sitemaps[:MAX_SITEMAPS]:
            child_response = fetcher.get(child)
            _audit(store, "fetch", child, {"kind": "sitemap", "status": child_response.status})
            items.extend(parse_listing(child_response.body, child_response.url).items)
    except FetchError as exc:
        report.source_errors.append((url, str(exc)))
        _audit(store, "fetch", url, {"kind": "listing", "error": str(exc)[:300]})
        _save_source(store, url, str(exc))
        return
    report.listings += 1
    _audit(store, "fetch", url, {"kind": "listing", "status": response.status, "items": len(items)})
    with store.session.begin() as s:
        known = set(s.scalars(select(WatchItemRow.url).where(WatchItemRow.url.in_([i.url[:2048] for i in items]))))
        for item in items:
            if item.url[:2048] in known:
                continue
            known.add(item.url[:2048])
            s.add(WatchItemRow(url=item.url[:2048], source_url=url[:2048], published=item.published, status="pending",
                               attempts=0))
            report.new_items += 1
    _save_source(store, url, None, response.etag, response.last_modified)


def _save_source(store: Store, url: str, error: str | None, etag: str | None = None,
                 last_modified: str | None = None) -> None:
    """What the server said: validators after a good answer; after a failure, the error (the validators are
    kept, so the next poll can still ask 'changed since?')."""
    with store.session.begin() as s:
        row = s.scalar(select(WatchSourceRow).where(WatchSourceRow.url == url))
        if row is None:
            row = WatchSourceRow(url=url[:2048], failures=0)
            s.add(row)
        row.polled_at = datetime.now(timezone.utc)
        if error:
            row.failures, row.last_error = (row.failures or 0) + 1, error[:1000]
        else:
            row.failures, row.last_error = 0, None
            if etag or last_modified:
                row.etag, row.last_modified = etag, last_modified


def _fetch_items(store: Store, fetcher: Fetcher, max_bytes: int, report: PollReport,
                 progress: Callable[[str], None] | None) -> None:
    with store.session() as s:
        due = list(s.execute(select(WatchItemRow.id, WatchItemRow.url, WatchItemRow.published)
                             .where(WatchItemRow.status.in_(("pending", "failed")), WatchItemRow.attempts < MAX_ATTEMPTS)
                             .order_by(WatchItemRow.id)))
    for item_id, url, published in due:
        if progress:
            progress(url)
        status, error = "stored", None
        try:
            response = fetcher.get(url)
            source = read_bytes(response.body, url[:1024], PurePosixPath(urlparse(response.url).path or "/page"), max_bytes)
            for doc in source.documents:
                doc.url = doc.url or response.url
                doc.published = doc.published or (published[:10] if published else None)
            store_source(source, store, report.ingest)
            report.fetched += 1
            _audit(store, "fetch", url, {"kind": "item", "status": response.status})
        except FetchError as exc:  # the network or the server: worth another try later
            status, error = "failed", str(exc)
        except InputError as exc:  # the content itself (not a page, no text): another try reads the same
            status, error = "gave_up", str(exc)
        if error:
            report.item_errors.append((url, error))
            _audit(store, "fetch", url, {"kind": "item", "error": error[:300]})
        with store.session.begin() as s:
            row = s.get(WatchItemRow, item_id)
            row.attempts += 1
            if status == "failed" and row.attempts >= MAX_ATTEMPTS:
                status = "gave_up"
            row.status, row.last_error = status, error[:1000] if error else None
            row.done_at = datetime.now(timezone.utc) if status in ("stored", "gave_up") else None


def poll(store: Store, sources: list[str], fetcher: Fetcher, max_bytes: int = DEFAULT_MAX_BYTES, extract: bool = True,
         channels=None, progress: Callable[[str], None] | None = None, workers: int | None = None) -> PollReport:
    """One round over every source: list, fetch, store, extract, raise alerts, notify."""
    from .alerts import raise_alerts

    report = PollReport()
    folders = [Path(src) for src in sources if not is_url(src)]
    for src in sources:
        if is_url(src):
            _poll_listing(store, src, fetcher, report)
    _fetch_items(store, fetcher, max_bytes, report, progress)
    if folders:
        folder_report = ingest(folders, store, max_bytes=max_bytes, progress=progress)
        for name in ("files", "stored", "unchanged", "articles", "duplicates"):
            setattr(report.ingest, name, getattr(report.ingest, name) + getattr(folder_report, name))
        report.ingest.skipped.extend(folder_report.skipped)
        report.ingest.warnings.extend(folder_report.warnings)
    if extract:
        from .pipeline import extract_stored, workers_for

        pending = store.count_articles(pending=True)
        if pending:
            done = extract_stored(store, store.article_ids(pending=True), workers=workers_for(pending, workers),
                                  pending=pending)
            report.extracted = sum(done.values())
        report.alerts = raise_alerts(store)
    if channels is not None:
        from .notify import notify_pending

        report.notified, report.notify_errors = notify_pending(store, channels)
    return report
