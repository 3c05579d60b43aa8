"""Writing one article's extraction into the store, linking its persons to the persons already known.

Linking is incremental: a new mention is compared only with the persons that share a folded name
token (an index lookup), never with the whole table. Every link records its reason.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from ..extract import ArticleExtraction
from ..names import clean_name, compatible_names, fold, skeletons, surname_keys
from ..records import Person
from .models import (ArticleRow, EventRow, MentionRow, PersonDecisionRow, PersonKeyRow, PersonRow, StatisticRow,
                     SummaryQueueRow)


# Rows are written with Core statements, compiled once and run as one executemany per table and batch: the
# unit of work cost ten times what SQLite does with them (profiled on the bench's on-topic articles). Persons stay
# ORM objects, because linking reads and updates them; a new one is flushed at once, for its id.
_ARTICLES, _MENTIONS, _EVENTS = ArticleRow.__table__, MentionRow.__table__, EventRow.__table__
_STATISTICS, _KEYS, _QUEUE = StatisticRow.__table__, PersonKeyRow.__table__, SummaryQueueRow.__table__
_MARK_EXTRACTED = update(_ARTICLES).where(_ARTICLES.c.id == bindparam("article")).values(
    relevant=bindparam("is_relevant"), extracted_at=bindparam("at"))


def save_extraction(s: Session, article_id: int, result: ArticleExtraction) -> set[int]:
    """Returns the ids of the persons this article touched (before and after); they are also queued for
    their case rows to be recomputed (`cases.refresh_queued`)."""
    return save_batch(s, [(article_id, result)])


def save_batch(s: Session, results: list[tuple[int, ArticleExtraction]]) -> set[int]:
    """The extractions of a batch of articles, in their order, in the caller's transaction: the same rows as
    `save_extraction` article after article, written table by table at the end. Returns the persons touched."""
    extracted = dict(s.execute(select(_ARTICLES.c.id, _ARTICLES.c.extracted_at)
                               .where(_ARTICLES.c.id.in_([i for i, _ in results]))).all())
    rows: dict[str, list[dict]] = {"mentions": [], "events": [], "statistics": []}
    touched: set[int] = set()
    # no flush before each query: the queries of linking read rows written with Core (keys, events, mentions) and
    # persons through the session's identity map, never a person's columns from the table, so the changes to the
    # persons go in with the next new person's flush or at the end (a flush per query cost more than the rest)
    with s.no_autoflush:
        for article_id, result in results:
            # an article extracted for the first time has said nothing yet: no mentions, facts or decisions to look up
            touched |= _save_one(s, article_id, result, extracted.get(article_id) is not None, rows)
    _write(s, rows)
    now = datetime.now(timezone.utc)
    s.execute(_MARK_EXTRACTED, [{"article": i, "is_relevant": r.relevant, "at": now} for i, r in results])
    if touched:
        queued = set(s.execute(select(_QUEUE.c.person_id).where(_QUEUE.c.person_id.in_(touched))).scalars())
        if touched - queued:
            s.execute(insert(_QUEUE), [{"person_id": p} for p in sorted(touched - queued)])
    return touched


def _write(s: Session, rows: dict[str, list[dict]]) -> None:
    """The mentions, events and figures gathered so far, one executemany per table."""
    for name, table in (("mentions", _MENTIONS), ("events", _EVENTS), ("statistics", _STATISTICS)):
        if rows[name]:
            s.execute(insert(table), rows[name])
            rows[name] = []


def _save_one(s: Session, article_id: int, result: ArticleExtraction, again: bool, rows: dict) -> set[int]:
    touched: set[int] = set()
    assigned: dict[str, int] = {}
    if again:
        _write(s, rows)  # what the batch gathered goes in before this article's earlier rows are replaced
        touched = set(s.scalars(select(MentionRow.person_id).where(MentionRow.article_id == article_id)))
        # re-extraction replaces what this article said before (reviewed facts are kept)
        s.execute(delete(MentionRow).where(MentionRow.article_id == article_id))
        s.execute(delete(EventRow).where(EventRow.article_id == article_id, EventRow.status == "suggested"))
        s.execute(delete(StatisticRow).where(StatisticRow.article_id == article_id, StatisticRow.status == "suggested"))
        assigned = {d.name_key: d.person_id for d in s.scalars(select(PersonDecisionRow).where(
            PersonDecisionRow.kind == "assign", PersonDecisionRow.article_id == article_id))}
    person_ids: dict[str, int] = {}
    countries: dict[str, set[str]] = {}
    for ev in result.events:
        if ev.country:
            countries.setdefault(ev.person, set()).add(ev.country)
    for person in result.persons if result.relevant else []:
        decided = next((assigned[k] for k in (" ".join(fold(n)) for n in [person.name] + person.aliases) if k in assigned),
                       None)
        target = s.get(PersonRow, decided) if decided is not None else None
        if target is None and len(fold(person.name)) == 1:
            _write(s, rows)  # a lone name links on the events already told of the other person (`_support`)
        person_ids[person.key] = (_absorb(target, person) or target).id if target else _link(s, person, article_id,
                                                                                  countries.get(person.key, set())).id
        rows["mentions"] += [{"person_id": person_ids[person.key], "article_id": article_id, "start": m.start,
                              "end": m.end, "text": m.text, "form": m.role} for m in person.mentions]
    # facts a reviewer decided on, under their type and under the types the reviewer corrected away
    reviewed = {(t, x.get("start")) for e in s.scalars(select(EventRow).where(
        EventRow.article_id == article_id, EventRow.status != "suggested")) for x in (e.evidence or [])[:1]
        for t in [e.type, *((e.attributes or {}).get("replaces") or [])]} if again else set()
    rows["events"] += [
        {"person_id": person_ids[ev.person], "article_id": article_id, "type": ev.type, "date": ev.date,
         "country": ev.country, "place": ev.place, "attributes": ev.attributes,
         "evidence": [{"start": x.start, "end": x.end, "text": x.text} for x in ev.evidence],
         "confidence": ev.confidence} for ev in result.events
        # a fact a reviewer already decided on: their decision stands
        if ev.person in person_ids and (ev.type, ev.evidence[0].start if ev.evidence else None) not in reviewed]
    rows["statistics"] += [
        {"article_id": article_id, "value": st.value, "qualifier": st.qualifier, "stated": st.stated,
         "measure": st.measure, "period": st.period, "country": st.country, "source_org": st.source_org,
         "evidence": [{"start": x.start, "end": x.end, "text": x.text} for x in st.evidence],
         "confidence": st.confidence} for st in result.statistics]
    return touched | set(person_ids.values())


def _link(s: Session, person: Person, article_id: int, countries: set[str]) -> PersonRow:
    key = fold(person.name)
    target, reason = _candidate(s, person, key, article_id, countries)
    new = target is None
    if new:
        target = PersonRow(name=person.name, aliases=[], name_keys=[], pseudonym=person.pseudonym, role=person.role,
                           rank=person.rank, service=person.service, age=person.age, age_date=person.age_date,
                           sensitivity="restricted", merge_log=[])
        s.add(target)
        s.flush()
        reason = "first mention"
    _absorb(target, person)
    target.merge_log = list(target.merge_log or []) + [{"article": article_id, "names": [person.name] + person.aliases,
                                                         "reason": reason}]
    tokens = {t for n in [person.name] + person.aliases for t in fold(n)}
    tokens |= {t for n in [person.name] + person.aliases for t in surname_keys(n)}
    known = set() if new else set(s.scalars(select(PersonKeyRow.token).where(PersonKeyRow.person_id == target.id)))
    keys = [{"person_id": target.id, "token": t} for t in sorted(tokens - known) if len(t) > 1]
    if keys:
        s.execute(insert(_KEYS), keys)  # at once: the next person's lookup reads them
    return target


_BY_TOKEN = select(_KEYS.c.person_id).where(_KEYS.c.token.in_(bindparam("tokens", expanding=True)))


def _candidate(s: Session, person: Person, key: list[str], article_id: int,
               countries: set[str]) -> tuple[PersonRow | None, str]:
    if not key:
        return None, ""
    # by the folded surname, and by its skeletons (spellings of one Russian name in other conventions)
    wanted = [key[-1]] + sorted(skeletons(_last_word(clean_name(person.name))))
    ids = set(s.execute(_BY_TOKEN, {"tokens": wanted}).scalars())
    candidates = []
    for pid in sorted(ids):
        other = s.get(PersonRow, pid)
        other_key = fold(other.name)
        reason = ""
        if len(key) == 1 or len(other_key) == 1:
            # a lone name links to a full name whose surname it is; a first name or pseudonym only to the same
            # lone name, and only on strong evidence beyond the name
            single, full = (key, other_key) if len(key) == 1 else (other_key, key)
            if len(full) == 1 and single == full:
                support = _support(s, person, other, countries)
                if len(support) < 2:
                    continue
                reason = "same name and " + ", ".join(support)
            elif person.pseudonym or other.pseudonym or len(full) == 1 or not (
                    single[0] == full[-1] or skeletons(_last_word(person.name if len(key) == 1 else other.name))
                    & skeletons(_last_word(other.name if len(key) == 1 else person.name))):
                continue
        elif not compatible_names(person.name, other.name):
            continue
        if _conflict(person, other):
            continue
        candidates.append((other, reason))
    ids = [c.id for c, _ in candidates]
    distinct = {(d.person_id, d.other_id) for d in s.scalars(select(PersonDecisionRow).where(
        PersonDecisionRow.kind == "distinct", PersonDecisionRow.person_id.in_(ids)))} if len(ids) > 1 else set()
    if any((a, b) in distinct for a in ids for b in ids):
        return None, ""  # namesakes a reviewer told apart: a new mention is not guessed onto either
    if len(candidates) > 1:  # the strongest match only, if one is stronger than all others
        strength = {c.id: _strength(person, key, c) for c, _ in candidates}
        best = max(strength.values())
        candidates = [(c, r) for c, r in candidates if strength[c.id] == best]
    if len(candidates) == 1:
        other, reason = candidates[0]
        return other, reason or f"name {person.name!r} matches {other.name!r}"
    return None, ""


def _last_word(name: str) -> str:
    words = name.split()
    return words[-1] if words else name


def _strength(person: Person, key: list[str], other: PersonRow) -> int:
    """A full name beats a lone surname; the same folded surname beats a shared skeleton; the same first name
    beats a compatible one."""
    other_key = fold(other.name)
    score = 0
    if len(key) > 1 and len(other_key) > 1:
        score += 4 + (key[0] == other_key[0])
    score += 2 * (key[-1] == other_key[-1])
    return score


def _support(s: Session, person: Person, other: PersonRow, countries: set[str]) -> list[str]:
    """Evidence beyond the name that two mentions are one person."""
    found = []
    if person.rank and person.rank == other.rank:
        found.append(f"same rank ({person.rank})")
    if person.age and other.age and not _ages_conflict(person, other):
        found.append(f"consistent age ({person.age})")
    if person.role == other.role == "resister":
        theirs = set(s.scalars(select(EventRow.country).where(EventRow.person_id == other.id, EventRow.country.is_not(None))))
        shared = sorted(countries & theirs - {"RU"})
        if shared:
            found.append(f"events in {', '.join(shared)}")
    return found


def _ages_conflict(person: Person, other: PersonRow) -> bool:
    """Ages told at known dates must agree within a year; when a date is unknown, ages a few years apart can
    be one person told about at different times (23 when he deserted, 27 now)."""
    if person.age_date and other.age_date:
        expected = int(person.age_date[:4]) - int(other.age_date[:4])
        return abs(person.age - other.age - expected) > 1
    return abs(person.age - other.age) > 4


def _conflict(person: Person, other: PersonRow) -> bool:
    if person.rank and other.rank and person.rank != other.rank:
        return True
    if person.age and other.age and _ages_conflict(person, other):
        return True
    return False


def _absorb(target: PersonRow, person: Person) -> None:
    names = [target.name] + list(target.aliases or [])
    for n in [person.name] + person.aliases:
        if n not in names:
            names.append(n)
    best = max(names, key=lambda n: (len(n.split()), -names.index(n)))
    target.name = best
    target.aliases = [n for n in names if n != best]
    if person.role == "resister":
        target.role = "resister"
    target.rank = target.rank or person.rank
    target.service = target.service or person.service
    if person.age and not target.age:
        target.age, target.age_date = person.age, person.age_date
    target.pseudonym = target.pseudonym and person.pseudonym if len(fold(best)) > 1 else target.pseudonym or person.pseudonym
