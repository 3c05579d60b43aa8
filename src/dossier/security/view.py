"""Redaction by construction: what a role may read is decided from the stored rows, before any text is cut,
highlighted, searched or counted.

Secret rows are left out by the queries themselves (`hides_secrets`); secret *text* inside an article is blanked
by its stored offsets: the mentions of a secret person (or of a person whose name is secret), the evidence of a
secret event (or of any event of a secret person, or whose evidence is secret), and the age of a person whose age
is secret. Other written forms of those persons in the same article (a title in capitals, a surname the name finder
missed) are found by their folded forms and blanked too, unless they lie inside another, visible person's mention.
Every page, search hit, export and chart reads article text through `ArticleText`.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session

from ..names import fold
from ..store.models import EventRow, MentionRow, PersonRow
from .policy import WITHHELD, can_see


def hides_secrets(role: str) -> bool:
    return not can_see("secret", role)


def _name_secret(p: PersonRow) -> bool:
    return p.sensitivity == "secret" or (p.field_levels or {}).get("name") == "secret" or \
        (p.field_levels or {}).get("aliases") == "secret"


def _age_secret(p: PersonRow) -> bool:
    return p.sensitivity == "secret" or (p.field_levels or {}).get("age") == "secret"


def event_hidden(e: EventRow, person: PersonRow | None) -> bool:
    """A viewer never receives this event at all."""
    return e.sensitivity == "secret" or (person is not None and person.sensitivity == "secret")


def _evidence_secret(e: EventRow, person: PersonRow | None) -> bool:
    return event_hidden(e, person) or (e.field_levels or {}).get("evidence") == "secret"


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[list[int]] = []
    for a, b in sorted(spans):
        if b <= a:
            continue
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


_WORD = re.compile(r"\w+", re.UNICODE)


def _form_spans(text: str, forms: set[tuple[str, ...]], base: int) -> list[tuple[int, int]]:
    """Spans (absolute) of every run of words in `text` whose folded form is one of `forms`."""
    if not forms:
        return []
    words = [(m.start(), m.end(), fold(m.group())) for m in _WORD.finditer(text)]
    longest = max(len(f) for f in forms)
    spans = []
    for i in range(len(words)):
        for n in range(longest, 0, -1):
            if i + n > len(words):
                continue
            key = tuple(t for w in words[i:i + n] for t in w[2])
            if key in forms:
                spans.append((base + words[i][0], base + words[i + n - 1][1]))
                break
    return spans


@dataclass
class ArticleText:
    """The text of one article as a role may read it, with a map from stored offsets to the redacted text."""

    raw: str  # the article's stored text
    base: int  # its start in the document
    spans: list[tuple[int, int]] = field(default_factory=list)  # absolute, merged, to blank
    hidden_events: set[int] = field(default_factory=set)
    hidden_persons: set[int] = field(default_factory=set)

    def __post_init__(self):
        self.spans = _merge(self.spans)
        pieces, self._starts, self._shift = [], [], []
        pos, shift = 0, 0
        for a, b in self.spans:
            a, b = max(a - self.base, 0), min(b - self.base, len(self.raw))
            if b <= a:
                continue
            pieces.append(self.raw[pos:a])
            pieces.append(WITHHELD)
            self._starts.append(a)
            self._shift.append((a, b, shift))
            shift += len(WITHHELD) - (b - a)
            pos = b
        pieces.append(self.raw[pos:])
        self.text = "".join(pieces)

    @property
    def redacted(self) -> bool:
        return bool(self._starts)

    def offset(self, absolute: int) -> int:
        """Where a stored (document) offset lands in `text`; offsets inside a blanked span land on its edges."""
        rel = min(max(absolute - self.base, 0), len(self.raw))
        i = bisect_right(self._starts, rel) - 1
        if i < 0:
            return rel
        a, b, shift = self._shift[i]
        if rel < b:
            return a + shift if rel == a else a + shift + len(WITHHELD)
        return rel + shift + len(WITHHELD) - (b - a)

    def slice(self, start: int, end: int) -> str:
        """The redacted text between two stored offsets (an evidence sentence, a snippet)."""
        return self.text[self.offset(start):self.offset(end)]


def article_text(s: Session, article, role: str) -> ArticleText:
    """The article `article` (an ArticleRow) as `role` reads it."""
    raw = article.document.text[article.start:article.end]
    if not hides_secrets(role):
        return ArticleText(raw, article.start)
    persons: dict[int, PersonRow] = {}
    mentions = list(s.scalars(select(MentionRow).where(MentionRow.article_id == article.id)))
    events = list(s.scalars(select(EventRow).where(EventRow.article_id == article.id)))
    ids = {m.person_id for m in mentions} | {e.person_id for e in events}
    if ids:
        persons = {p.id: p for p in s.scalars(select(PersonRow).where(PersonRow.id.in_(ids)))}
    spans: list[tuple[int, int]] = []
    forms: set[tuple[str, ...]] = set()
    ages: set[int] = set()
    visible_mentions = []
    hidden_persons = {pid for pid, p in persons.items() if p.sensitivity == "secret"}
    for m in mentions:
        p = persons.get(m.person_id)
        if p is not None and _name_secret(p):
            spans.append((m.start, m.end))
        else:
            visible_mentions.append((m.start, m.end))
    for p in persons.values():
        if _name_secret(p):
            names = [p.name] + list(p.aliases or []) + [m.text for m in mentions if m.person_id == p.id]
            for n in names:
                folded = tuple(fold(n))
                if folded:
                    forms.add(folded)
                    if len(folded) > 1:
                        forms.update((t,) for t in folded if len(t) > 2)  # a surname or first name alone
        if _age_secret(p) and p.age:
            ages.add(p.age)
    hidden_events = set()
    for e in events:
        p = persons.get(e.person_id)
        if event_hidden(e, p):
            hidden_events.add(e.id)
        if _evidence_secret(e, p):
            spans.extend((x["start"], x["end"]) for x in e.evidence or [])
    extra = _form_spans(raw, forms, article.start)
    spans.extend(sp for sp in extra if not any(a <= sp[0] and sp[1] <= b for a, b in visible_mentions))
    for age in ages:
        spans.extend((article.start + m.start(), article.start + m.end())
                     for m in re.finditer(rf"(?<!\d){age}(?!\d)", raw))
    return ArticleText(raw, article.start, spans, hidden_events, hidden_persons)


def secret_articles(s: Session, article_ids: set[int], role: str) -> set[int]:
    """Of these articles, those whose text a role must read through `article_text` (anything secret is
    mentioned or told in them): two indexed queries for a whole page of hits, instead of three per hit."""
    if not hides_secrets(role) or not article_ids:
        return set()
    marked = or_(PersonRow.sensitivity == "secret", cast(PersonRow.field_levels, String).like("%secret%"))
    ids = list(article_ids)
    found = set(s.scalars(select(MentionRow.article_id).join(PersonRow, PersonRow.id == MentionRow.person_id)
                          .where(MentionRow.article_id.in_(ids), marked).distinct()))
    found |= set(s.scalars(select(EventRow.article_id).join(PersonRow, PersonRow.id == EventRow.person_id)
                           .where(EventRow.article_id.in_(ids),
                                  or_(marked, EventRow.sensitivity == "secret",
                                      cast(EventRow.field_levels, String).like("%secret%"))).distinct()))
    return found


def visible_person_clause(role: str):
    """A WHERE clause that leaves out the persons `role` may not know exist (None: no restriction)."""
    return PersonRow.sensitivity != "secret" if hides_secrets(role) else None


def visible_event_clause(role: str):
    return EventRow.sensitivity != "secret" if hides_secrets(role) else None


def findable_by_name(p: PersonRow, role: str) -> bool:
    return not hides_secrets(role) or not _name_secret(p)


def stricter(a: str | None, b: str | None) -> str:
    from .policy import LEVELS

    a, b = a or "restricted", b or "restricted"
    return a if LEVELS.get(a, 2) >= LEVELS.get(b, 2) else b


__all__ = ["ArticleText", "article_text", "hides_secrets", "event_hidden", "visible_person_clause",
           "visible_event_clause", "findable_by_name", "stricter"]
