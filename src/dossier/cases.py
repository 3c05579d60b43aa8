"""Case views over the store: one row per resister with current status, countries and sources,
and one person's timeline. The read side of the store; no extraction here."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from .store import Store
from .store.models import ArticleRow, DocumentRow, EventRow, PersonRow, SourceRow

# Tracks of a case; the latest event of each track makes up the current status.
_TRACKS = {
    "flight": ("deserted", "refused_to_fight", "mobilised", "fled_country"),
    "protection": ("asylum_applied", "asylum_granted", "asylum_denied", "appeal", "residence_permit", "travel_denied"),
    "custody": ("detained", "released", "deported", "extradition", "abducted", "killed"),
    "prosecution": ("criminal_case", "wanted", "sentenced", "dismissed"),
}
_LABEL = {
    "refused_to_fight": "refused to fight", "deserted": "deserted", "mobilised": "mobilised", "fled_country": "fled to",
    "criminal_case": "criminal case", "wanted": "wanted", "detained": "detained", "released": "released",
    "extradition": "extradition", "deported": "deported", "abducted": "abducted", "asylum_applied": "asylum applied",
    "asylum_granted": "asylum granted", "asylum_denied": "asylum denied", "appeal": "appeal", "sentenced": "sentenced",
    "residence_permit": "residence permit", "travel_denied": "travel denied", "dismissed": "dismissed", "killed": "killed",
}


@dataclass
class TimelineEntry:
    type: str
    date: str | None
    country: str | None
    attributes: dict
    evidence: list[dict] = field(default_factory=list)  # with "source" (file) and "text"
    status: str = "suggested"


@dataclass
class Case:
    person_id: int
    name: str
    aliases: list[str]
    status: str
    countries: list[str]
    sources: int
    timeline: list[TimelineEntry]
    merge_log: list[dict]


def describe_event(e: TimelineEntry) -> str:
    label = _LABEL.get(e.type, e.type)
    a = e.attributes or {}
    extra = a.get("outcome") or a.get("scope") or ""
    if e.type == "criminal_case" and a.get("article"):
        extra = "art. " + ", ".join(str(x).split("-")[-1] for x in ([a["article"]] if isinstance(a["article"], str) else a["article"]))
    if e.type == "sentenced" and a.get("years"):
        extra = f"{a['years']:g} years" + (" suspended" if a.get("suspended") else "") + (" in absentia" if a.get("in_absentia") else "")
    where = f" in {e.country}" if e.country and e.type != "fled_country" else (f" {e.country}" if e.country else "")
    return f"{label}{where}" + (f", {extra}" if extra else "")


def _order(e: TimelineEntry, index: int) -> tuple:
    return (e.date or "9999", index)


def cases(store: Store, person_id: int | None = None, include_other: bool = False) -> list[Case]:
    with store.session() as s:
        q = select(PersonRow).order_by(PersonRow.id)
        if person_id is not None:
            q = q.where(PersonRow.id == person_id)
        elif not include_other:
            q = q.where(PersonRow.role == "resister")
        out = []
        for p in s.scalars(q):
            rows = s.execute(select(EventRow, SourceRow.name).join(ArticleRow, EventRow.article_id == ArticleRow.id)
                             .join(DocumentRow, ArticleRow.document_id == DocumentRow.id)
                             .join(SourceRow, DocumentRow.source_id == SourceRow.id)
                             .where(EventRow.person_id == p.id, EventRow.status != "rejected")
                             .order_by(EventRow.id)).all()
            entries = [TimelineEntry(e.type, e.date, e.country, e.attributes or {},
                                     [dict(x, source=src) for x in e.evidence or []], e.status) for e, src in rows]
            ordered = [e for _, e in sorted(enumerate(entries), key=lambda ie: _order(ie[1], ie[0]))]
            status_parts = []
            for track in _TRACKS.values():
                latest = [e for e in ordered if e.type in track]
                if latest:
                    status_parts.append(describe_event(latest[-1]))
            countries = list(dict.fromkeys(e.country for e in ordered if e.country))
            out.append(Case(p.id, p.name, list(p.aliases or []), "; ".join(status_parts) or "no events",
                            countries, len({src for _, src in rows}), ordered, list(p.merge_log or [])))
        return out
