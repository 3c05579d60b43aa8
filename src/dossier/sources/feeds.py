"""RSS and Atom feeds through feedparser: one Document per entry."""
from __future__ import annotations

import io

import time

import feedparser

from ..errors import MalformedFeed
from ..records import Document
from .html import read_html


def read_feed(data: bytes, source: str) -> list[Document]:
    from ..fetch import FetchError, safe_xml_text

    try:  # decoded and checked first: entity declarations are refused, whatever the encoding hides them in
        text = safe_xml_text(data, source)
    except FetchError as exc:
        raise MalformedFeed(f"malformed feed: {exc.message.rsplit(':', 1)[0]}") from None
    # a file object: given bytes, feedparser opens a local file of that name if there is one
    parsed = feedparser.parse(io.BytesIO(('<?xml version="1.0" encoding="utf-8"?>' + text).encode("utf-8")))
    entries = parsed.get("entries") or []
    if not entries:
        reason = getattr(parsed.get("bozo_exception"), "args", None) or ["no entries"]
        raise MalformedFeed(f"malformed or empty feed: {reason[0]}")
    docs: list[Document] = []
    for i, entry in enumerate(entries):
        title = (entry.get("title") or "").strip() or None
        body = _entry_html(entry)
        published = _date(entry.get("published_parsed") or entry.get("updated_parsed"))
        url = entry.get("link")
        if body:
            try:
                doc = read_html(f"<html><body><article>{body}</article></body></html>", source, i, url, kind="feed")
            except Exception:  # an entry whose HTML yields nothing: fall back to its title
                doc = None
            text = doc.text if doc else ""
        else:
            doc, text = None, ""
        if not text and not (title and url):
            continue  # a fragment with neither text nor a link to it
        full = f"{title}\n\n{text}".strip() if title and not text.startswith(title) else text or title
        docs.append(Document(source=source, ordinal=i, text=full, kind="feed", url=url, title=title,
                             published=published, warnings=doc.warnings if doc else []))
    if not docs:
        raise MalformedFeed("feed has no entry with text")
    if parsed.get("bozo"):
        docs[0].warnings.append("feed is not well-formed; entries read as far as possible")
    return docs


def _entry_html(entry) -> str:
    content = entry.get("content") or []
    if content:
        return " ".join(c.get("value", "") for c in content)
    return entry.get("summary") or entry.get("description") or ""


def _date(struct) -> str | None:
    if not struct:
        return None
    return time.strftime("%Y-%m-%d", struct)
