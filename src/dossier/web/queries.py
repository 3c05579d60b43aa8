"""Read-side queries for the workbench, each for a role: secret rows are left out in the queries and article
text is read through `security.view.article_text` (secret spans blanked by their stored offsets) before it is
cut, highlighted or searched. Fields are then withheld per role by `security.policy`."""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, select, text

from ..cases import cases, describe_event, refresh_summaries
from ..codebook import EVENT_TYPES
from ..names import compatible, fold
from ..security.view import article_text, event_hidden, findable_by_name, hides_secrets, secret_articles
from ..store import Store
from ..store.models import (ArticleRow, CaseSummaryRow, DocumentRow, EventRow, MentionRow, PersonKeyRow, PersonRow,
                            StatisticRow, StoreStateRow)


def person_dict(p: PersonRow) -> dict:
    return {"id": p.id, "name": p.name, "aliases": list(p.aliases or []), "pseudonym": p.pseudonym, "role": p.role,
            "rank": p.rank, "service": p.service, "age": p.age, "sensitivity": p.sensitivity,
            "field_levels": dict(p.field_levels or {}), "merge_log": list(p.merge_log or [])}


PAGE = 100


def case_rows(store: Store, status: str | None = None, country: str | None = None, event_type: str | None = None,
              date_from: str | None = None, date_to: str | None = None, language: str | None = None,
              sort: str = "name", page: int = 1, per_page: int | None = PAGE, role: str = "viewer") -> list[dict]:
    """One indexed query over the case rows kept by `refresh_summaries` (computed without secret events);
    `per_page=None` returns all. Secret persons are not rows for a role that may not see them."""
    with store.session() as s:
        if not s.scalar(select(func.count()).select_from(CaseSummaryRow)) and \
                s.scalar(select(func.count(PersonRow.id)).where(PersonRow.role == "resister")):
            refresh_summaries(store)  # a store made before case rows existed
        q = select(CaseSummaryRow, PersonRow).join(PersonRow, PersonRow.id == CaseSummaryRow.person_id)
        if hides_secrets(role):
            q = q.where(PersonRow.sensitivity != "secret")
        if status:
            q = q.where(CaseSummaryRow.status.ilike(f"%{status}%"))
        if country:
            q = q.where(CaseSummaryRow.countries.like(f"% {country.upper()[:2]} %"))
        if event_type:
            q = q.where(CaseSummaryRow.event_types.like(f"% {event_type} %"))
        if language:
            q = q.where(CaseSummaryRow.languages.like(f"% {language.lower()[:3]} %"))
        if date_from:
            q = q.where(CaseSummaryRow.last_date >= date_from)
        if date_to:
            q = q.where(CaseSummaryRow.first_date <= date_to + "~")
        order = {"sources": CaseSummaryRow.sources.desc(), "date": CaseSummaryRow.last_date.desc(),
                 "events": CaseSummaryRow.events.desc()}.get(sort, CaseSummaryRow.name)
        q = q.order_by(order, CaseSummaryRow.person_id)
        if per_page:
            q = q.limit(per_page).offset(max(page - 1, 0) * per_page)
        rows = []
        for c, p in s.execute(q):
            row = person_dict(p)
            row.update({"status": c.status, "countries": c.countries.split(), "sources": c.sources, "events": c.events,
                        "last_date": c.last_date, "languages": c.languages.split()})
            rows.append(row)
        return rows


def case_count(store: Store, role: str = "viewer") -> int:
    with store.session() as s:
        q = select(func.count()).select_from(CaseSummaryRow)
        if hides_secrets(role):
            q = q.join(PersonRow, PersonRow.id == CaseSummaryRow.person_id).where(PersonRow.sensitivity != "secret")
        return s.scalar(q)


def person_detail(store: Store, person_id: int, role: str = "viewer") -> dict | None:
    """A person with their merged timeline and every event; for a role without clearance, None for a secret
    person, no secret event (not in the timeline either), and evidence read through the article's redaction."""
    with store.session() as s:
        p = s.get(PersonRow, person_id)
        if p is None or (hides_secrets(role) and p.sensitivity == "secret"):
            return None
    found = cases(store, person_id=person_id, include_secret=not hides_secrets(role))
    if not found:
        return None
    c = found[0]
    texts: dict[int, object] = {}
    with store.session() as s:
        p = s.get(PersonRow, person_id)
        base = person_dict(p)

        def read(article_id: int, evidence: list[dict]) -> list[dict]:
            if article_id not in texts:
                texts[article_id] = article_text(s, s.get(ArticleRow, article_id), role)
            t = texts[article_id]
            return [dict(x, text=t.slice(x["start"], x["end"])) if t.redacted else dict(x) for x in evidence or []]

        event_rows = {e.id: e for e in s.scalars(select(EventRow).where(EventRow.person_id == person_id))
                      if not (hides_secrets(role) and event_hidden(e, p))}
        article_of = {}
        for e in event_rows.values():
            a = s.get(ArticleRow, e.article_id)
            article_of[e.id] = {"id": a.id, "title": a.title, "language": a.language,
                                "source": a.document.source.name}
        timeline = []
        for entry in c.timeline:
            evidence = [x for ev in entry.evidence for x in read(ev["article"], [ev])]
            timeline.append({"type": entry.type, "label": describe_event(entry), "date": entry.date,
                             "country": entry.country, "attributes": entry.attributes, "status": entry.status,
                             "conflicts": entry.conflicts, "sources": entry.sources, "evidence": evidence,
                             "sensitivity": "restricted"})
        events = [{"id": e.id, "type": e.type, "date": e.date, "country": e.country, "place": e.place,
                   "attributes": e.attributes, "status": e.status, "confidence": e.confidence,
                   "sensitivity": e.sensitivity, "field_levels": dict(e.field_levels or {}),
                   "evidence": read(e.article_id, e.evidence), "article": dict(article_of[e.id])}
                  for e in sorted(event_rows.values(), key=lambda e: e.id)]
        for ev in events:
            t = texts.get(ev["article"]["id"])
            if t is not None and t.redacted and ev["article"]["title"]:
                ev["article"]["title"] = _title(t, ev["article"]["title"])
    base.update({"status": c.status, "countries": c.countries, "sources": c.sources, "timeline": timeline,
                 "events": events})
    return base


def _title(t, title: str | None) -> str | None:
    """An article's title as the redacted text has it (titles are the first line of the stored text)."""
    if title and t.raw.startswith(title):
        return t.slice(t.base, t.base + len(title))
    return title


def article_detail(store: Store, article_id: int, role: str = "viewer") -> dict | None:
    """An article with its highlights, for `role`: the text is redacted before any mark is placed, marks and
    events of what the role may not see are left out, and the remaining marks are moved onto the redacted text."""
    with store.session() as s:
        a = s.get(ArticleRow, article_id)
        if a is None:
            return None
        doc = a.document
        t = article_text(s, a, role)
        hidden = t.hidden_events
        marks = []
        for m in s.scalars(select(MentionRow).where(MentionRow.article_id == article_id)):
            if m.person_id in t.hidden_persons:
                continue
            start, end = t.offset(m.start), t.offset(m.end)
            if end > start and t.text[start:end] != "[withheld]":
                marks.append({"start": start, "end": end, "kind": "person", "person": m.person_id})
        events = []
        for e in s.scalars(select(EventRow).where(EventRow.article_id == article_id)):
            if e.id in hidden:
                continue
            events.append({"id": e.id, "type": e.type, "person": e.person_id, "date": e.date, "country": e.country,
                           "status": e.status, "sensitivity": e.sensitivity})
            for x in e.evidence or []:
                marks.append({"start": t.offset(x["start"]), "end": t.offset(x["end"]), "kind": "event",
                              "event": e.id, "type": e.type})
        stats = []
        for st in s.scalars(select(StatisticRow).where(StatisticRow.article_id == article_id)):
            stats.append({"id": st.id, "value": st.value, "qualifier": st.qualifier, "measure": st.measure})
            for x in st.evidence or []:
                marks.append({"start": t.offset(x["start"]), "end": t.offset(x["end"]), "kind": "statistic",
                              "statistic": st.id})
        return {"id": a.id, "title": _title(t, a.title), "language": a.language, "published": a.published,
                "relevant": a.relevant, "duplicate_of": a.duplicate_of_id, "source": doc.source.name, "url": doc.url,
                "text": t.text, "marks": marks, "events": events, "statistics": stats}


def segments(text_: str, marks: list[dict]) -> list[dict]:
    """Cut the text into plain and highlighted pieces (evidence sentences, with person names inside)."""
    cuts = sorted({0, len(text_)} | {max(0, min(len(text_), m[k])) for m in marks for k in ("start", "end")})
    out = []
    for a, b in zip(cuts, cuts[1:]):
        covering = [m for m in marks if m["start"] <= a and m["end"] >= b]
        out.append({"text": text_[a:b], "kinds": sorted({m["kind"] for m in covering}),
                    "events": sorted({m["event"] for m in covering if "event" in m}),
                    "person": next((m["person"] for m in covering if "person" in m), None)})
    return out


def search(store: Store, q: str, language: str | None = None, relevant_only: bool = False, limit: int = 50,
           role: str = "viewer") -> dict:
    """Articles and persons matching `q`. For a role without clearance the answer depends on the redacted text
    only: a hit whose words are found only inside secret spans is no hit, snippets are cut from the redacted
    text, and persons that are secret or whose name is secret are not found by name."""
    q = q.strip()
    articles = []
    wanted_limit, limit = limit, limit + 20 if hides_secrets(role) else limit  # room for hits dropped below
    if q:
        with store.session() as s:
            if s.bind.dialect.name == "sqlite":
                terms = " ".join('"' + w.replace('"', "") + '"' for w in q.split())
                sql = ("SELECT a.id, a.title, a.language, a.relevant, snippet(article_fts, 1, '[', ']', ' … ', 12) "
                       "FROM article_fts JOIN articles a ON a.id = article_fts.rowid WHERE article_fts MATCH :q "
                       "AND a.duplicate_of_id IS NULL")
                filters, params = _article_filters(language, relevant_only)
                rows = s.execute(text(sql + filters + " ORDER BY rank LIMIT :limit"),
                                 dict(params, q=terms, limit=limit)).all()
                articles = [{"id": r[0], "title": r[1], "language": r[2], "relevant": r[3], "snippet": r[4]} for r in rows]
            elif s.bind.dialect.name == "postgresql":
                body = "substr(d.text, a.start + 1, a.\"end\" - a.start)"
                sql = (f"SELECT a.id, a.title, a.language, a.relevant, ts_headline('simple', {body}, q, "
                       f"'StartSel=[,StopSel=],MaxFragments=1,MaxWords=20,MinWords=5') "
                       f"FROM articles a JOIN documents d ON d.id = a.document_id, plainto_tsquery('simple', :q) q "
                       f"WHERE to_tsvector('simple', coalesce(a.title, '') || ' ' || {body}) @@ q "
                       f"AND a.duplicate_of_id IS NULL")
                filters, params = _article_filters(language, relevant_only)
                sql += filters + f" ORDER BY ts_rank(to_tsvector('simple', {body}), q) DESC LIMIT :limit"
                articles = [{"id": r[0], "title": r[1], "language": r[2], "relevant": r[3], "snippet": r[4]}
                            for r in s.execute(text(sql), dict(params, q=q, limit=limit))]
            else:
                like = f"%{q}%"
                stmt = (select(ArticleRow.id, ArticleRow.title, ArticleRow.language, ArticleRow.relevant)
                        .join(DocumentRow, ArticleRow.document_id == DocumentRow.id)
                        .where(DocumentRow.text.ilike(like), ArticleRow.duplicate_of_id.is_(None)).limit(limit))
                articles = [{"id": r[0], "title": r[1], "language": r[2], "relevant": r[3], "snippet": ""}
                            for r in s.execute(stmt)]
    wanted = fold(q)
    if hides_secrets(role) and articles:
        articles = _redacted_hits(store, articles, q, role)[:wanted_limit]
    persons = []
    if wanted:
        with store.session() as s:  # candidates through the folded-token index, then the full comparison
            ids = set(s.scalars(select(PersonKeyRow.person_id).where(PersonKeyRow.token.in_(wanted)).limit(500)))
            for p in s.scalars(select(PersonRow).where(PersonRow.id.in_(ids)).order_by(PersonRow.id)):
                if findable_by_name(p, role) and (not hides_secrets(role) or p.sensitivity != "secret") and \
                        any(compatible(wanted, fold(n)) for n in [p.name] + list(p.aliases or [])):
                    persons.append(person_dict(p))
    return {"query": q, "articles": articles, "persons": persons}


def _redacted_hits(store: Store, hits: list[dict], q: str, role: str) -> list[dict]:
    """Keep the hits whose redacted text still holds every query word (as the full-text index tokenises: case
    and accents folded); their snippet and title from the redacted text."""
    wanted = {_plain(w) for w in _WORDS.findall(q)}
    out = []
    with store.session() as s:
        redacted = secret_articles(s, {hit["id"] for hit in hits}, role)
        for hit in hits:
            if hit["id"] not in redacted:
                out.append(hit)
                continue
            t = article_text(s, s.get(ArticleRow, hit["id"]), role)
            if not t.redacted:
                out.append(hit)
                continue
            words = [(m.start(), m.end(), _plain(m.group())) for m in _WORDS.finditer(t.text)]
            if not wanted <= {w for _, _, w in words}:
                continue
            where = next((i for i, (_, _, w) in enumerate(words) if w in wanted), 0)
            snippet = " ".join(("[" + t.text[a:b] + "]") if w in wanted else t.text[a:b]
                               for a, b, w in words[max(where - 6, 0):where + 7])
            out.append(dict(hit, title=_title(t, hit["title"]), snippet=" … " + snippet + " … "))
    return out


def _plain(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c)).casefold()


_WORDS = re.compile(r"\w+", re.UNICODE)


def _article_filters(language: str | None, relevant_only: bool) -> tuple[str, dict]:
    sql, params = "", {}
    if language:
        sql, params["lang"] = sql + " AND a.language = :lang", language
    if relevant_only:
        sql += " AND a.relevant = true"
    return sql, params


def review_queue(store: Store, status: str = "suggested", event_type: str | None = None, limit: int = 200,
                 role: str = "viewer") -> list[dict]:
    with store.session() as s:
        stmt = select(EventRow, PersonRow).join(PersonRow, EventRow.person_id == PersonRow.id).where(
            EventRow.status == status).order_by(EventRow.confidence.desc(), EventRow.id).limit(limit)
        if event_type:
            stmt = stmt.where(EventRow.type == event_type)
        if hides_secrets(role):
            stmt = stmt.where(EventRow.sensitivity != "secret", PersonRow.sensitivity != "secret")
        texts: dict[int, object] = {}
        out = []
        found = s.execute(stmt).all()
        redacted = secret_articles(s, {e.article_id for e, _ in found}, role)
        for e, p in found:
            evidence = e.evidence
            if e.article_id in redacted:
                if e.article_id not in texts:
                    texts[e.article_id] = article_text(s, s.get(ArticleRow, e.article_id), role)
                t = texts[e.article_id]
                evidence = [dict(x, text=t.slice(x["start"], x["end"])) for x in e.evidence or []]
            out.append({"id": e.id, "type": e.type, "date": e.date, "country": e.country, "confidence": e.confidence,
                        "status": e.status, "sensitivity": e.sensitivity, "evidence": evidence,
                        "article": e.article_id, "person": person_dict(p)})
        return out


ASYLUM_TYPES = [t for t in EVENT_TYPES if t.startswith("asylum_")]


def statistics(store: Store, role: str = "viewer") -> dict:
    """Published figures (their evidence and titles read through the redaction) and counts of events; the
    counts and charts never include a secret event or an event of a secret person, whoever asks."""
    with store.session() as s:
        rows = s.execute(select(StatisticRow, ArticleRow).join(ArticleRow, StatisticRow.article_id == ArticleRow.id)
                         .order_by(StatisticRow.measure, StatisticRow.id)).all()
        figures, texts = [], {}
        redacted = secret_articles(s, {a.id for _, a in rows}, role)
        for st, a in rows:
            evidence, title = st.evidence, a.title
            if a.id in redacted:
                t = texts[a.id] = texts.get(a.id) or article_text(s, a, role)
                evidence = [dict(x, text=t.slice(x["start"], x["end"])) for x in st.evidence or []]
                title = _title(t, a.title)
            figures.append({"id": st.id, "value": st.value, "qualifier": st.qualifier, "measure": st.measure,
                            "period": st.period, "country": st.country, "source_org": st.source_org,
                            "article": st.article_id, "article_title": title, "evidence": evidence})
        per_month, asylum, flows = _event_counts(s)
    # figures that measure the same thing over the same period but disagree, side by side
    groups: dict[tuple, list] = {}
    for f in figures:
        groups.setdefault(((f["measure"] or "").lower(), f["period"], f["country"]), []).append(f)
    conflicts = [g for g in groups.values() if len({x["value"] for x in g}) > 1]
    return {"figures": figures, "conflicts": conflicts,
            "events_per_month": [{"month": m, "type": t, "count": n} for (m, t), n in sorted(per_month.items())],
            "asylum_decisions": [{"country": c, "outcome": o, "count": n} for (c, o), n in sorted(asylum.items())],
            "flows": [{"from": a, "to": b, "count": n} for (a, b), n in sorted(flows.items())]}


_COUNTS: dict[str, tuple[int, tuple]] = {}


def _event_counts(s) -> tuple[dict, dict, dict]:
    """Events per month and type, asylum decisions per country, flows: never a secret event or an event of a
    secret person. Cached per store until the store's generation moves (bumped by every recomputation of case
    rows, which follows every change of events, statuses and levels)."""
    generation = s.scalar(select(StoreStateRow.generation).where(StoreStateRow.id == 1))
    url = str(s.get_bind().url)
    cached = _COUNTS.get(url)
    if cached is not None and generation is not None and cached[0] == generation:
        return cached[1]
    secret_persons = select(PersonRow.id).where(PersonRow.sensitivity == "secret")
    visible = (EventRow.status != "rejected", EventRow.sensitivity != "secret",
               EventRow.person_id.not_in(secret_persons))
    counted = select(func.count()).select_from(EventRow)  # read from ix_events_counting alone
    month = func.substr(EventRow.date, 1, 7)
    per_month: dict[tuple, int] = {}
    asylum: dict[tuple, int] = {}
    for t, m, c, n in s.execute(counted.with_only_columns(EventRow.type, month, EventRow.country, func.count())
                                .where(*visible).group_by(EventRow.type, month, EventRow.country)):
        if m and len(m) == 7:  # one pass over the index for both tables
            per_month[(m, t)] = per_month.get((m, t), 0) + n
        if t in ASYLUM_TYPES:
            key = (c or "?", t.replace("asylum_", ""))
            asylum[key] = asylum.get(key, 0) + n
    origin = EventRow.attributes["from_country"].as_string()
    flows: dict[tuple, int] = {}
    for a, b, n in s.execute(counted.with_only_columns(origin, EventRow.country, func.count())
                             .where(*visible, EventRow.type == "fled_country").group_by(origin, EventRow.country)):
        flows[(a or "?", b or "?")] = flows.get((a or "?", b or "?"), 0) + n
    _COUNTS[url] = (generation, (per_month, asylum, flows))
    return per_month, asylum, flows


def counts(store: Store) -> dict:
    with store.session() as s:
        return {"persons": s.scalar(select(func.count(PersonRow.id)).where(PersonRow.role == "resister"))}
