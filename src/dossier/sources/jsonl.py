"""JSON Lines of {url, title, text, published}: one Document per line."""
from __future__ import annotations

import json

from ..errors import InputError
from ..records import Document


def read_jsonl(text: str, source: str) -> list[Document]:
    docs: list[Document] = []
    bad = 0
    for i, line in enumerate(text.splitlines()):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (ValueError, RecursionError):  # one bad record (even nested past the parser's depth) is skipped alone
            bad += 1
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
            bad += 1
            continue
        title = obj.get("title") if isinstance(obj.get("title"), str) else None
        body = obj["text"]
        full = body if not title or body.lstrip().startswith(title) else f"{title}\n\n{body}"
        published = obj.get("published") if isinstance(obj.get("published"), str) else None
        docs.append(Document(source=source, ordinal=i, text=full, kind="jsonl",
                             url=obj.get("url") if isinstance(obj.get("url"), str) else None,
                             title=title, published=published[:10] if published else None))
    if not docs:
        raise InputError(f"no JSON Lines record with a text field ({bad} unreadable line(s))")
    if bad:
        docs[0].warnings.append(f"skipped {bad} unreadable line(s)")
    return docs
