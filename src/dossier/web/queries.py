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


FILTERS = ("status", "country", "type", "date_from", "date_to", "language")


def country_label(code: str) -> str:
    import pycountry

    found = pycountry.countries.get(alpha_2=code.upper()) if len(code) == 2 else None
    return f"{getattr(found, 'common_name', None) or found.name} ({code.upper()})" if found else code


def clean_filters(raw: dict) -> tuple[dict, list[str]]:
    """Filters as the store keeps them, from what a person types or picks: a country by name or code
    ("Kazakhstan", "kz"), an event type as shown or coded ("asylum denied"), dates as partial ISO (checked as
    the review checks what it stores). Returns the cleaned filters and a message for each value that cannot be
    understood (that filter is then not applied)."""
    from ..errors import DossierError
    from ..store.review import check_country, check_date

    out, problems = {}, []
    for name in FILTERS:
        value = (raw.get(name) or "").strip()
        if not value:
            continue
        if name == "country":
            try:
                value = check_country(value)
            except DossierError:
                problems.append(f"No country is called {value!r}: pick one from the list or type its name or code.")
                continue
        elif name == "type":
            coded = value.lower().replace(" ", "_")
            if coded not in EVENT_TYPES:
                problems.append(f"{value!r} is not an event type: pick one from the list.")
                continue
            value = coded
        elif name in ("date_from", "date_to"):
            try:
                check_date(value)
            except DossierError:
                problems.append(f"{value!r} is not a date: write 2024, 2024-03 or 2024-03-05.")
                continue
        elif name == "language":
            if not re.fullmatch(r"[A-Za-z]{2,3}", value):
                problems.append(f"{value!r} is not a language code: write ru, uk, en...")
                continue
            value = value.lower()
        out[name] = value
    return out, problems


def _filtered(q, role: str, filters: dict, skip: str | None = None):
    """The case-row query narrowed by the filters (all but `skip`) and by what the role may see."""
    if hides_secrets(role):
        q = q.where(CaseSummaryRow.person_id.not_in(select(PersonRow.id).where(PersonRow.sensitivity == "secret")))
    f = {k: v for k, v in filters.items() if v and k != skip}
    if f.get("status"):
        q = q.where(CaseSummaryRow.status.ilike(f"%{f['status']}%"))
    if f.get("country"):
        q = q.where(CaseSummaryRow.countries.like(f"% {f['country'].upper()[:2]} %"))
    if f.get("type"):
        q = q.where(CaseSummaryRow.event_types.like(f"% {f['type']} %"))
    if f.get("language"):
        q = q.where(CaseSummaryRow.languages.like(f"% {f['language'].lower()[:3]} %"))
    if f.get("date_from"):
        q = q.where(CaseSummaryRow.last_date >= f["date_from"])
    if f.get("date_to"):
        q = q.where(CaseSummaryRow.first_date <= f["date_to"] + "~")
    return q


def case_rows(store: Store, status: str | None = None, country: str | None = None, event_type: str | None = None,
              date_from: str | None = None, date_to: str | None = None, language: str | None = None,
              sort: str = "name", page: int = 1, per_page: int | None = PAGE, role: str = "viewer") -> list[dict]:
    """One indexed query over the case rows kept by `refresh_summaries` (computed without secret events);
    `per_page=None` returns all. Secret persons are not rows for a role that may not see them."""
    filters = {"status": status, "country": country, "type": event_type, "date_from": date_from, "date_to": date_to,
               "language": language}
    with store.session() as s:
        if not s.scalar(select(func.count()).select_from(CaseSummaryRow)) and \
                s.scalar(select(func.count(PersonRow.id)).where(PersonRow.role == "resister")):
            refresh_summaries(store)  # a store made before case rows existed
        q = _filtered(select(CaseSummaryRow, PersonRow).join(PersonRow, PersonRow.id == CaseSummaryRow.person_id),
                      role, filters)
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


def case_count(store: Store, role: str = "viewer", filters: dict | None = None) -> int:
    with store.session() as s:
        return s.scalar(_filtered(select(func.count()).select_from(CaseSummaryRow), role, filters or {}))


def case_facets(store: Store, role: str, filters: dict) -> dict[str, list[dict]]:
    """For country, event type and language: each value with how many cases have it, among the cases that
    the other filters keep (so every choice shows how many rows it would give)."""
    columns = {"country": CaseSummaryRow.countries, "type": CaseSummaryRow.event_types,
               "language": CaseSummaryRow.languages}
    out = {}
    with store.session() as s:
        for facet, column in columns.items():
            counted: dict[str, int] = {}
            for (value,) in s.execute(_filtered(select(column), role, filters, skip=facet)):
                for v in set((value or "").split()):
                    counted[v] = counted.get(v, 0) + 1
            label = {"country": country_label, "type": lambda t: t.replace("_", " "),
                     "language": lambda x: x}[facet]
            out[facet] = sorted(({"value": v, "label": label(v), "count": n} for v, n in counted.items()),
                                key=lambda d: (-d["count"], d["label"]))
    return out


def person_detail(store: Store, person_id: int, role: str = "viewer") -> dict | None:
    """A person with their merged timeline and every event; for a role without clearance, None for a secret
    person, no secret event (not in the timeline either), and evidence read through the article's redaction.

    The timeline has one entry per happening, in order of date (an undated one placed by the date of its
    earliest dated report, and marked so, or last), each with its reports: the event that told it in one
    article (with that article's date, place, quotes and the event id its highlight is anchored by). Entries
    and reports are redacted here for `role` (`redact_event`, a field withheld in one report is withheld for the
    whole entry), and the label, conflicts and status are made from what is left."""
    from ..cases import _TRACKS, TimelineEntry
    from ..security.policy import EVENT_FIELDS, LEVELS, redact_event

    with store.session() as s:
        p = s.get(PersonRow, person_id)
        if p is None or (hides_secrets(role) and p.sensitivity == "secret"):
            return None
    found = cases(store, person_id=person_id, include_secret=not hides_secrets(role))
    if not found:
        return None
    c = found[0]
    texts: dict[int, object] = {}
    track_of = {t: name for name, types in _TRACKS.items() for t in types}
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
                                "source": a.document.source.name, "published": a.published}
        claimed: set[tuple] = set()

        def told_by(entry, x: dict):
            """The event that told this piece of evidence: same article, type and span (of two alike, the one
            not yet claimed, not rejected, in the entry's country)."""
            same = [e for e in event_rows.values() if e.article_id == x.get("article") and e.type == entry.type
                    and any((y.get("start"), y.get("end")) == (x.get("start"), x.get("end")) for y in e.evidence or [])]
            same.sort(key=lambda e: ((e.id, x.get("start")) in claimed, e.status == "rejected",
                                     e.country != entry.country, e.id))
            if same:
                claimed.add((same[0].id, x.get("start")))
            return same[0] if same else None

        def strictest(levels: list[str]) -> str:
            return max(levels, key=lambda level: LEVELS.get(level, 2)) if levels else "restricted"

        timeline = []
        for index, entry in enumerate(c.timeline):
            evidence = [x for ev in entry.evidence for x in read(ev["article"], [ev])]
            reports: dict = {}
            for x in evidence:
                e = told_by(entry, x)
                key = e.id if e is not None else ("article", x.get("article"))
                if key not in reports:
                    if e is not None:
                        reports[key] = {"event": e.id, "type": e.type, "date": e.date, "country": e.country,
                                        "place": e.place, "attributes": e.attributes, "status": e.status,
                                        "confidence": e.confidence, "sensitivity": e.sensitivity,
                                        "field_levels": dict(e.field_levels or {}), "article": dict(article_of[e.id]),
                                        "evidence": []}
                    else:  # evidence no visible event claims: the article alone, nothing else told
                        a = s.get(ArticleRow, x.get("article"))
                        reports[key] = {"event": None, "type": entry.type, "date": None, "country": None,
                                        "place": None, "attributes": {}, "status": entry.status, "confidence": None,
                                        "sensitivity": "restricted", "field_levels": {},
                                        "article": {"id": a.id, "title": a.title, "language": a.language,
                                                    "source": a.document.source.name, "published": a.published},
                                        "evidence": []}
                reports[key]["evidence"].append(x)
            told = list(reports.values())
            for r in told:
                t = texts.get(r["article"]["id"])
                if t is not None and t.redacted and r["article"]["title"]:
                    r["article"]["title"] = _title(t, r["article"]["title"])
            levels = {f: strictest([r["field_levels"].get(f, default) for r in told] or [default])
                      for f, default in EVENT_FIELDS.items()}
            raw = {"type": entry.type, "date": entry.date, "country": entry.country,
                   "attributes": dict(entry.attributes or {}), "status": entry.status, "evidence": evidence,
                   "place": next((r["place"] for r in told if r["place"]), None),
                   "sensitivity": strictest([r["sensitivity"] for r in told] or ["restricted"]),
                   "field_levels": {f: lvl for f, lvl in levels.items() if lvl != EVENT_FIELDS[f]}}
            shown = redact_event(raw, role)
            if shown is None:
                continue
            hidden = {f for f in ("date", "country", "attributes", "place", "evidence")
                      if raw.get(f) not in (None, [], {}) and shown.get(f) in (None, [], {})}
            shown["reports"] = [r for r in (redact_event(r, role) for r in told) if r is not None]
            for r in shown["reports"]:  # withheld for the happening: withheld in each of its reports too
                r.update({f: None for f in hidden if f != "evidence"})
            shown["conflicts"] = [x for x in entry.conflicts
                                  if ({"date": "date", "country": "country"}.get(x.split(":")[0], "attributes")
                                      not in hidden)]
            shown["label"] = describe_event(TimelineEntry(shown["type"], shown["date"], shown["country"],
                                                          shown["attributes"] or {}))
            shown["sources"] = list(dict.fromkeys(r["article"]["source"] for r in shown["reports"])) or entry.sources
            shown["track"] = track_of.get(entry.type, "other")
            shown["places"] = list(dict.fromkeys(r["place"] for r in shown["reports"] if r.get("place")))
            dated = sorted(r["article"]["published"] for r in shown["reports"] if r["article"].get("published"))
            shown["report_date"] = dated[0] if dated else None
            shown["undated"] = not shown["date"]
            shown["index"] = index
            timeline.append(shown)
        timeline.sort(key=lambda t: (t["date"] or t["report_date"] or "9999", t["index"]))
        events = [{"id": e.id, "type": e.type, "date": e.date, "country": e.country, "place": e.place,
                   "attributes": e.attributes, "status": e.status, "confidence": e.confidence,
                   "sensitivity": e.sensitivity, "field_levels": dict(e.field_levels or {}),
                   "evidence": read(e.article_id, e.evidence), "article": dict(article_of[e.id])}
                  for e in sorted(event_rows.values(), key=lambda e: (e.date or article_of[e.id]["published"] or "9999",
                                                                      e.id))]
        for ev in events:
            t = texts.get(ev["article"]["id"])
            if t is not None and t.redacted and ev["article"]["title"]:
                ev["article"]["title"] = _title(t, ev["article"]["title"])
    # status and countries from what this role may see (the latest happening of each track, in case order)
    in_order = sorted(timeline, key=lambda t: t["index"])
    status = "; ".join(latest["label"] for track in _TRACKS for latest in
                       [next((t for t in reversed(in_order) if t["track"] == track), None)] if latest)
    base.update({"status": status or "no events", "countries": list(dict.fromkeys(t["country"] for t in in_order
                                                                                   if t["country"])),
                 "sources": c.sources, "timeline": timeline, "events": events})
    return base


def _title(t, title: str | None) -> str | None:
    """An article's title as the redacted text has it (titles are the first line of the stored text)."""
    if title and t.raw.startswith(title):
        return t.slice(t.base, t.base + len(title))
    return title


def article_detail(store: Store, article_id: int, role: str = "viewer") -> dict | None:
    """An article with its highlights, for `role`: the text is redacted before any mark is placed, marks and
    events of what the role may not see are left out, and the remaining marks are moved onto the redacted text.
    The persons it names or tells of, in order of first mention, come with their fields redacted for the role
    (`redact_person`: a name the role may not see is withheld); a person secret to the role is not there."""
    from ..security.policy import redact_person

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
        first: dict[int, int] = {}
        for m in sorted(s.scalars(select(MentionRow).where(MentionRow.article_id == article_id)),
                        key=lambda m: m.start):
            first.setdefault(m.person_id, m.start)
        for e in events:
            first.setdefault(e["person"], 1 << 62)
        persons = []
        for pid in sorted((pid for pid in first if pid not in t.hidden_persons), key=lambda pid: (first[pid], pid)):
            row = s.get(PersonRow, pid)
            shown = redact_person(person_dict(row), role) if row is not None else None
            if shown is not None:
                persons.append({"id": pid, "name": shown["name"], "role": shown["role"], "rank": shown["rank"],
                                "pseudonym": shown["pseudonym"]})
        names = {x["id"]: x["name"] for x in persons}
        events = [dict(e, person_name=names.get(e["person"])) for e in events if e["person"] in names]
        stats = []
        for st in s.scalars(select(StatisticRow).where(StatisticRow.article_id == article_id)):
            stats.append({"id": st.id, "value": st.value, "qualifier": st.qualifier, "measure": st.measure})
            for x in st.evidence or []:
                marks.append({"start": t.offset(x["start"]), "end": t.offset(x["end"]), "kind": "statistic",
                              "statistic": st.id})
        return {"id": a.id, "title": _title(t, a.title), "language": a.language, "published": a.published,
                "relevant": a.relevant, "duplicate_of": a.duplicate_of_id, "source": doc.source.name, "url": doc.url,
                "text": t.text, "marks": marks, "events": events, "statistics": stats, "persons": persons}


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
                 role: str = "viewer", offset: int = 0) -> list[dict]:
    """One page of the queue (`limit` events from `offset`), most confident first; `review_count` counts them all."""
    with store.session() as s:
        stmt = _review_filter(select(EventRow, PersonRow).join(PersonRow, EventRow.person_id == PersonRow.id),
                              status, event_type, role)
        stmt = stmt.order_by(EventRow.confidence.desc(), EventRow.id).limit(limit).offset(max(offset, 0))
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
            out.append({"id": e.id, "type": e.type, "date": e.date, "country": e.country, "place": e.place,
                        "attributes": dict(e.attributes or {}), "confidence": e.confidence, "status": e.status,
                        "sensitivity": e.sensitivity, "field_levels": dict(e.field_levels or {}),
                        "evidence": [dict(x) for x in evidence or []], "article": e.article_id,
                        "person": person_dict(p)})
        return out


ASYLUM_TYPES = ["asylum_granted", "asylum_denied"]  # decisions (an application is not one)


def statistics(store: Store, role: str = "viewer", reviewed: bool = False) -> dict:
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
            figures.append({"id": st.id, "value": st.value, "qualifier": st.qualifier, "stated": st.stated,
                            "measure": st.measure,
                            "period": st.period, "country": st.country, "source_org": st.source_org,
                            "article": st.article_id, "article_title": title, "evidence": evidence})
        per_month, asylum, flows = _event_counts(s, reviewed)
    # figures that measure the same thing over the same period but disagree, side by side
    groups: dict[tuple, list] = {}
    for f in figures:
        groups.setdefault(((f["measure"] or "").lower(), f["period"], f["country"]), []).append(f)
    conflicts = [g for g in groups.values() if len({x["value"] for x in g}) > 1]
    return {"figures": figures, "conflicts": conflicts, "reviewed": reviewed,
            "events_per_month": [{"month": m, "type": t, "count": n} for (m, t), n in sorted(per_month.items())],
            "asylum_decisions": [{"country": c, "outcome": o, "count": n} for (c, o), n in sorted(asylum.items())],
            "flows": [{"from": a, "to": b, "count": n} for (a, b), n in sorted(flows.items())]}


_COUNTS: dict[tuple[str, bool], tuple[int, tuple]] = {}


def _event_counts(s, reviewed: bool = False) -> tuple[dict, dict, dict]:
    """Happenings, not reports: each person's events merged into their timeline first (one asylum denial told
    by two outlets counts once, one man who fled RU -> KZ is one person on that route). Per month and type,
    asylum decisions per country and outcome, people per route of flight; never a secret event or an event of
    a secret person; with `reviewed`, only events a reviewer accepted. Cached per store until its generation
    moves (bumped by every recomputation of case rows, which follows every change of events and levels)."""
    from ..cases import TimelineEntry, merge_reports

    generation = s.scalar(select(StoreStateRow.generation).where(StoreStateRow.id == 1))
    key = (str(s.get_bind().url), reviewed)
    cached = _COUNTS.get(key)
    if cached is not None and generation is not None and cached[0] == generation:
        return cached[1]
    secret_persons = select(PersonRow.id).where(PersonRow.sensitivity == "secret")
    visible = [EventRow.status != "rejected", EventRow.sensitivity != "secret",
               EventRow.person_id.not_in(secret_persons)]
    if reviewed:
        visible.append(EventRow.status == "accepted")
    rows = s.execute(select(EventRow.person_id, EventRow.type, EventRow.date, EventRow.country, EventRow.attributes,
                            EventRow.status, DocumentRow.source_id)
                     .join(ArticleRow, EventRow.article_id == ArticleRow.id)
                     .join(DocumentRow, ArticleRow.document_id == DocumentRow.id)
                     .where(*visible).order_by(EventRow.person_id, EventRow.date, EventRow.id))
    per_month: dict[tuple, int] = {}
    asylum: dict[tuple, int] = {}
    flows: dict[tuple, int] = {}

    def count(entries: list) -> None:
        routes = set()
        for e in merge_reports(entries):
            month = (e.date or "")[:7]
            if len(month) == 7:
                per_month[(month, e.type)] = per_month.get((month, e.type), 0) + 1
            if e.type in ASYLUM_TYPES:
                k = (e.country or "?", e.type.replace("asylum_", ""))
                asylum[k] = asylum.get(k, 0) + 1
            if e.type == "fled_country":
                routes.add(((e.attributes or {}).get("from_country") or "?", e.country or "?"))
        for route in routes:  # people, not journeys told twice
            flows[route] = flows.get(route, 0) + 1

    person, entries = None, []
    for pid, etype, edate, country, attrs, status, source in rows:
        if pid != person and entries:
            count(entries)
            entries = []
        person = pid
        entries.append(TimelineEntry(etype, edate, country, attrs or {}, [{"source": source}], status))
    if entries:
        count(entries)
    _COUNTS[key] = (generation, (per_month, asylum, flows))
    return per_month, asylum, flows


def counts(store: Store) -> dict:
    with store.session() as s:
        return {"persons": s.scalar(select(func.count(PersonRow.id)).where(PersonRow.role == "resister"))}


# --- the review queue: paging, counts, evidence excerpts -------------------------------------------------------------
REVIEW_PAGE = 50  # events per page of the review queue


def _review_filter(stmt, status: str, event_type: str | None, role: str):
    """The queue's rows, the same for a page, its count and its types: never a secret row for a role without clearance."""
    stmt = stmt.where(EventRow.status == status)
    if event_type:
        stmt = stmt.where(EventRow.type == event_type)
    if hides_secrets(role):
        stmt = stmt.where(EventRow.sensitivity != "secret", PersonRow.sensitivity != "secret")
    return stmt


def review_count(store: Store, status: str = "suggested", event_type: str | None = None, role: str = "viewer") -> int:
    with store.session() as s:
        stmt = select(func.count(EventRow.id)).select_from(EventRow).join(PersonRow, EventRow.person_id == PersonRow.id)
        return s.scalar(_review_filter(stmt, status, event_type, role)) or 0


def review_types(store: Store, status: str = "suggested", role: str = "viewer") -> list[dict]:
    """The event types in the queue with how many events of each, most frequent first."""
    with store.session() as s:
        stmt = select(EventRow.type, func.count(EventRow.id)).join(PersonRow, EventRow.person_id == PersonRow.id)
        rows = s.execute(_review_filter(stmt, status, None, role).group_by(EventRow.type)).all()
    return [{"type": t, "count": n} for t, n in sorted(rows, key=lambda r: (-r[1], r[0]))]


_SPACE = re.compile(r"\s+")


def excerpt(text_: str, limit: int = 140) -> str:
    """The start of a text up to `limit` characters, cut between words (never inside one), "…" when cut."""
    text_ = text_ or ""
    if len(text_) <= limit:
        return text_
    cuts = [m.start() for m in _SPACE.finditer(text_, 0, limit + 1)]
    if cuts and cuts[-1] > 0:
        return text_[:cuts[-1]].rstrip(" ,;:—–-") + " …"
    m = _SPACE.search(text_, limit)  # one word longer than the limit: up to its end
    return text_[:m.start()] + " …" if m else text_


def person_brief(store: Store, person_id: int, role: str = "viewer") -> dict | None:
    """A person's id and name as `role` may see them (None when the person is secret to it or does not exist)."""
    from ..security.policy import redact_person

    with store.session() as s:
        p = s.get(PersonRow, person_id)
        found = redact_person(person_dict(p), role) if p is not None else None
    return {"id": found["id"], "name": found["name"]} if found else None
