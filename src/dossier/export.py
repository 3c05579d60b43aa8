"""Exports from the store: the dossier-extraction/1 JSON format (spec/formats.md)."""
from __future__ import annotations

from sqlalchemy import select

from .store import Store
from .store.models import ArticleRow, DocumentRow, EventRow, MentionRow, PersonRow, SourceRow, StatisticRow

SCHEMA = "dossier-extraction/1"


def extraction_document(store: Store, sources: list[str] | None = None) -> dict:
    """Everything stored (or only the given source names) in dossier-extraction/1."""
    with store.session() as s:
        q = (select(ArticleRow, DocumentRow, SourceRow).join(DocumentRow, ArticleRow.document_id == DocumentRow.id)
             .join(SourceRow, DocumentRow.source_id == SourceRow.id).order_by(ArticleRow.id))
        if sources is not None:
            q = q.where(SourceRow.name.in_(sources))
        rows = s.execute(q).all()
        wanted = {a.id for a, _, _ in rows}
        articles = [{
            "id": f"A{a.id}", "file": src.name, "document": d.ordinal, "url": d.url, "start": a.start, "end": a.end,
            "title": a.title, "language": a.language, "published": a.published, "relevant": bool(a.relevant),
            "duplicate_of": f"A{a.duplicate_of_id}" if a.duplicate_of_id else None,
        } for a, d, src in rows]
        mentions = s.scalars(select(MentionRow).where(MentionRow.article_id.in_(wanted)).order_by(MentionRow.id)).all()
        by_person: dict[int, list] = {}
        for m in mentions:
            by_person.setdefault(m.person_id, []).append({"article": f"A{m.article_id}", "start": m.start, "end": m.end,
                                                          "text": m.text})
        events = s.scalars(select(EventRow).where(EventRow.article_id.in_(wanted)).order_by(EventRow.id)).all()
        person_ids = set(by_person) | {e.person_id for e in events}
        persons = []
        for p in s.scalars(select(PersonRow).where(PersonRow.id.in_(person_ids)).order_by(PersonRow.id)):
            persons.append({"id": f"P{p.id}", "name": p.name, "aliases": list(p.aliases or []), "pseudonym": p.pseudonym,
                            "role": p.role, "rank": p.rank, "service": p.service, "age": p.age,
                            "mentions": by_person.get(p.id, [])})
        out_events = [{
            "id": f"E{e.id}", "type": e.type, "person": f"P{e.person_id}", "article": f"A{e.article_id}", "date": e.date,
            "country": e.country, "place": e.place, "attributes": e.attributes or {},
            "evidence": [dict(x, article=f"A{e.article_id}") for x in e.evidence or []], "confidence": e.confidence,
            "status": e.status,
        } for e in events]
        stats = s.scalars(select(StatisticRow).where(StatisticRow.article_id.in_(wanted)).order_by(StatisticRow.id)).all()
        out_stats = [{
            "id": f"S{st.id}", "article": f"A{st.article_id}", "value": st.value, "qualifier": st.qualifier,
            "measure": st.measure, "period": st.period, "country": st.country, "source_org": st.source_org,
            "evidence": [dict(x, article=f"A{st.article_id}") for x in st.evidence or []], "confidence": st.confidence,
        } for st in stats]
    return {"schema": SCHEMA, "articles": articles, "persons": persons, "events": out_events, "statistics": out_stats}
