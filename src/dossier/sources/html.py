"""HTML pages: main text, title, date and URL through trafilatura.

trafilatura drops scripts, styles, iframes, forms and navigation; what remains is plain text,
so hostile markup cannot reach the store. We count the active elements to report them.
"""
from __future__ import annotations

import re

import trafilatura

from ..errors import NoTextFound
from ..records import Document

_ACTIVE = re.compile(r"<\s*(script|iframe|object|embed)\b|\son[a-z]+\s*=|javascript:", re.I)


def read_html(html: str, source: str, ordinal: int = 0, url: str | None = None, kind: str = "html") -> Document:
    result = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True,
        favor_recall=True,
    )
    text = (getattr(result, "text", None) or "").strip() if result is not None else ""
    if not text:
        raise NoTextFound("no article text found in the HTML")
    title = getattr(result, "title", None)
    doc = Document(
        source=source, ordinal=ordinal, text=(f"{title}\n\n{text}" if title else text), kind=kind,
        url=url or getattr(result, "url", None), title=title,
        published=_iso_date(getattr(result, "date", None)),
    )
    active = len(_ACTIVE.findall(html))
    if active:
        doc.warnings.append(f"removed {active} active element(s) (scripts, frames, event handlers)")
    return doc


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    match = re.match(r"\d{4}(-\d{2}(-\d{2})?)?", value)
    return match.group(0) if match else None
