"""Case views over the store: one row per resister with current status, countries and sources,
and one person's timeline. The read side of the store; no extraction here."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, insert, select, update

from .store import Store
from .store.models import (ArticleRow, CaseSummaryRow, DocumentRow, EventRow, MentionRow, PersonRow, SourceRow,
                           StoreStateRow, SummaryQueueRow)

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
    """One happening in a person's case, with every report of it (evidence from one or more sources)."""

    type: str
    date: str | None
    country: str | None
    attributes: dict
    evidence: list[dict] = field(default_factory=list)  # with "source" (file) and "text"
    status: str = "suggested"
    conflicts: list[str] = field(default_factory=list)  # what the sources disagree on

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(x["source"] for x in self.evidence))


# Happenings that occur once in a case: reports of them with different dates disagree, they do not add events.
_ONCE = {"deserted", "mobilised", "fled_country", "asylum_granted", "killed", "dismissed", "refused_to_fight"}


def merge_reports(entries: list[TimelineEntry]) -> list[TimelineEntry]:
    """The same happening reported by several outlets becomes one entry with several sources; where the
    reports disagree (dates, countries, outcomes) the entry lists the conflict."""
    merged: list[TimelineEntry] = []
    for e in entries:
        target = next((m for m in merged if _same_happening(m, e)), None)
        if target is None:
            merged.append(TimelineEntry(e.type, e.date, e.country, dict(e.attributes), list(e.evidence), e.status))
            continue
        new_sources = {x["source"] for x in e.evidence} - set(target.sources)
        target.evidence.extend(e.evidence)
        if not new_sources:
            continue
        if e.date and target.date and not (e.date.startswith(target.date) or target.date.startswith(e.date)):
            target.conflicts.append(f"date: {target.date} vs {e.date} ({', '.join(sorted(new_sources))})")
        elif e.date and (not target.date or (len(e.date) > len(target.date) and not e.attributes.get("date_inferred"))):
            target.date = e.date
        if e.country and target.country and e.country != target.country:
            target.conflicts.append(f"country: {target.country} vs {e.country}")
        target.country = target.country or e.country
        for key in ("outcome", "years", "scope"):
            if key in e.attributes and key in target.attributes and e.attributes[key] != target.attributes[key]:
                target.conflicts.append(f"{key}: {target.attributes[key]} vs {e.attributes[key]}")
        if e.status != "suggested":
            target.status = e.status
    return merged


def _same_happening(a: TimelineEntry, b: TimelineEntry) -> bool:
    if a.type != b.type or not set(b.sources).isdisjoint(a.sources):
        return False  # within one source, the extractor already merged what it could
    if a.country and b.country and a.country != b.country and a.type != "fled_country":
        return False
    if a.type in _ONCE:
        return True
    dates_agree = not a.date or not b.date or a.date.startswith(b.date) or b.date.startswith(a.date)
    same_kind = all(a.attributes.get(k) == b.attributes.get(k) for k in ("outcome", "scope")
                    if k in a.attributes and k in b.attributes)
    return dates_agree and same_kind


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


def cases(store: Store, person_id: int | None = None, include_other: bool = False,
          include_secret: bool = True, person_ids: list[int] | None = None) -> list[Case]:
    """The merged timeline of each person (of one, or of those listed, whatever their role); without
    `include_secret` events marked secret are left out, so that nothing derived (status, countries, counts) can
    tell them."""
    with store.session() as s:
        q = select(PersonRow).order_by(PersonRow.id)
        if person_id is not None:
            person_ids = [person_id]
        if person_ids is not None:
            q = q.where(PersonRow.id.in_(person_ids))
        elif not include_other:
            q = q.where(PersonRow.role == "resister")
        persons = list(s.scalars(q))
        # the events of a list of persons in one query; of everyone, person by person (memory stays flat)
        events: dict[int, list] = {}
        if person_ids is not None:
            for e, src in s.execute(_events_query(include_secret).where(EventRow.person_id.in_(person_ids))):
                events.setdefault(e.person_id, []).append((e, src))
        out = []
        for p in persons:
            rows = events.get(p.id, []) if person_ids is not None else \
                s.execute(_events_query(include_secret).where(EventRow.person_id == p.id)).all()
            entries = [TimelineEntry(e.type, e.date, e.country, e.attributes or {},
                                     [dict(x, source=src, article=e.article_id) for x in e.evidence or []], e.status)
                       for e, src in rows]
            ordered = [e for _, e in sorted(enumerate(entries), key=lambda ie: _order(ie[1], ie[0]))]
            ordered = merge_reports(ordered)
            ordered = [e for _, e in sorted(enumerate(ordered), key=lambda ie: _order(ie[1], ie[0]))]
            status_parts = []
            for track in _TRACKS.values():
                latest = [e for e in ordered if e.type in track]
                if latest:
                    status_parts.append(describe_event(latest[-1]))
            countries = list(dict.fromkeys(e.country for e in ordered if e.country))
            out.append(Case(p.id, p.name, list(p.aliases or []), "; ".join(status_parts) or "no events",
                            countries, len({src for _, src in rows}), ordered, list(p.merge_log or [])))
        return out


def _events_query(include_secret: bool):
    """A person's events with their source's name, in the order they were stored; rejected ones left out."""
    return (select(EventRow, SourceRow.name).join(ArticleRow, EventRow.article_id == ArticleRow.id)
            .join(DocumentRow, ArticleRow.document_id == DocumentRow.id)
            .join(SourceRow, DocumentRow.source_id == SourceRow.id)
            .where(EventRow.status != "rejected", *([] if include_secret else [EventRow.sensitivity != "secret"]))
            .order_by(EventRow.id))


def refresh_summaries(store: Store, person_ids: list[int] | None = None) -> int:
    """Recompute the case rows of these persons (all when None); persons no longer cases lose theirs. Case rows
    are read by every role: they are computed without secret events."""
    with store.session() as s:
        if person_ids is None:
            person_ids = list(s.scalars(select(PersonRow.id)))
    done = 0
    ids = sorted(set(person_ids))
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        done += _write_summaries(store, chunk, cases(store, person_ids=chunk, include_secret=False))
    with store.session.begin() as s:  # cached figures (the statistics page) are recomputed from now on
        s.execute(update(StoreStateRow).where(StoreStateRow.id == 1).values(generation=StoreStateRow.generation + 1))
    return done


def _write_summaries(store: Store, person_ids: list[int], computed: list[Case]) -> int:
    """The case rows of these persons, in one transaction (a batch's persons are written at once): persons no
    longer cases (not resisters, deleted) lose theirs."""
    summaries = CaseSummaryRow.__table__
    with store.session.begin() as s:
        s.execute(delete(summaries).where(summaries.c.person_id.in_(person_ids)))
        persons = {p.id: p for p in s.scalars(select(PersonRow).where(PersonRow.id.in_(person_ids)))}
        found = [c for c in computed if persons[c.person_id].role == "resister"]
        languages: dict[int, set[str]] = {}
        for pid, lang in s.execute(select(MentionRow.person_id, ArticleRow.language)
                                   .join(ArticleRow, MentionRow.article_id == ArticleRow.id)
                                   .where(MentionRow.person_id.in_([c.person_id for c in found])).distinct()):
            if lang:
                languages.setdefault(pid, set()).add(lang)
        rows = []
        for c in found:
            dates = sorted(e.date for e in c.timeline if e.date)
            rows.append({"person_id": c.person_id, "name": c.name, "status": c.status,
                         "countries": " " + " ".join(c.countries) + " ",
                         "event_types": " " + " ".join(sorted({e.type for e in c.timeline})) + " ",
                         "languages": " " + " ".join(sorted(languages.get(c.person_id, ()))) + " ",
                         "sources": c.sources, "events": len(c.timeline),
                         "first_date": dates[0] if dates else None, "last_date": dates[-1] if dates else None,
                         "sensitivity": persons[c.person_id].sensitivity})
        if rows:
            s.execute(insert(summaries), rows)
    return len(rows)


def refresh_queued(store: Store) -> int:
    """Recompute the case rows of the persons queued by extraction, then take them off the queue (a person
    queued again meanwhile stays queued). Run after each batch, and before a run, for what an interrupted
    run left."""
    with store.session() as s:
        ids = list(s.scalars(select(SummaryQueueRow.person_id)))
    if not ids:
        return 0
    done = refresh_summaries(store, ids)
    with store.session.begin() as s:
        s.execute(delete(SummaryQueueRow).where(SummaryQueueRow.person_id.in_(ids)))
    return done
