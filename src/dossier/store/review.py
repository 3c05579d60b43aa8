"""Reviewers' decisions: merge two persons, split an article's mentions off into a person of their own
(stored, and respected by later extraction runs); correct an event's fields and add what extraction missed."""
from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, timezone
from functools import lru_cache

from sqlalchemy import select, update

from ..errors import DossierError
from ..names import fold
from . import Store
from .models import AlertRow, EventRow, MentionRow, PersonDecisionRow, PersonKeyRow, PersonRow


def name_key(name: str) -> str:
    return " ".join(fold(name))


def merge_persons(store: Store, keep_id: int, other_id: int, note: str | None = None) -> None:
    """`other_id` is the same person as `keep_id`: move everything over and remember it."""
    if keep_id == other_id:
        raise DossierError("cannot merge a person with itself")
    with store.session.begin() as s:
        keep, other = s.get(PersonRow, keep_id), s.get(PersonRow, other_id)
        if keep is None or other is None:
            raise DossierError(f"no person {keep_id if keep is None else other_id}")
        s.execute(update(MentionRow).where(MentionRow.person_id == other_id).values(person_id=keep_id))
        s.execute(update(EventRow).where(EventRow.person_id == other_id).values(person_id=keep_id))
        s.execute(update(AlertRow).where(AlertRow.person_id == other_id).values(person_id=keep_id))
        known = set(s.scalars(select(PersonKeyRow.token).where(PersonKeyRow.person_id == keep_id)))
        for key in s.scalars(select(PersonKeyRow).where(PersonKeyRow.person_id == other_id)):
            if key.token in known:
                s.delete(key)
            else:
                key.person_id = keep_id
        names = [keep.name] + list(keep.aliases or [])
        for n in [other.name] + list(other.aliases or []):
            if n not in names:
                names.append(n)
        keep.aliases = [n for n in names if n != keep.name]
        keep.role = "resister" if "resister" in (keep.role, other.role) else keep.role
        # one person at the stricter level: nothing the other was hiding becomes visible through the merge
        from ..security.view import stricter

        keep.sensitivity = stricter(keep.sensitivity, other.sensitivity)
        levels = dict(keep.field_levels or {})
        for name, level in (other.field_levels or {}).items():
            levels[name] = stricter(levels.get(name), level) if name in levels else level
        keep.field_levels = levels
        keep.merge_log = list(keep.merge_log or []) + [{"merged": other_id, "names": [other.name] + list(other.aliases or []),
                                                        "reason": note or "merged by a reviewer"}]
        s.flush()
        s.execute(update(PersonDecisionRow).where(PersonDecisionRow.kind == "assign", PersonDecisionRow.person_id == other_id)
                  .values(person_id=keep_id))
        _freeze(s, keep_id, note or "merged by a reviewer")
        s.delete(other)
    _refresh(store, [keep_id, other_id])


def _freeze(s, person_id: int, note: str) -> None:
    """Record where every mention of a person belongs, so re-extraction puts it back there."""
    existing = {(d.article_id, d.name_key) for d in s.scalars(
        select(PersonDecisionRow).where(PersonDecisionRow.kind == "assign", PersonDecisionRow.person_id == person_id))}
    for m in s.scalars(select(MentionRow).where(MentionRow.person_id == person_id)):
        key = (m.article_id, name_key(m.text))
        if key not in existing:
            existing.add(key)
            s.add(PersonDecisionRow(kind="assign", person_id=person_id, article_id=m.article_id, name_key=key[1], note=note))


def split_person(store: Store, person_id: int, article_id: int, note: str | None = None) -> int:
    """The mentions of `person_id` in `article_id` are somebody else: move them (and their events) to a new
    person, and remember both the assignment and that the two are different people."""
    with store.session.begin() as s:
        person = s.get(PersonRow, person_id)
        if person is None:
            raise DossierError(f"no person {person_id}")
        mentions = list(s.scalars(select(MentionRow).where(MentionRow.person_id == person_id,
                                                           MentionRow.article_id == article_id)))
        if not mentions:
            raise DossierError(f"person {person_id} has no mention in article {article_id}")
        names = list(dict.fromkeys(m.text for m in mentions))
        best = max(names, key=lambda n: len(n.split()))
        new = PersonRow(name=best, aliases=[n for n in names if n != best], name_keys=[], pseudonym=person.pseudonym,
                        role=person.role, rank=None, service=person.service, sensitivity=person.sensitivity,
                        field_levels=dict(person.field_levels or {}),
                        merge_log=[{"split_from": person_id, "article": article_id, "reason": note or "split by a reviewer"}])
        s.add(new)
        s.flush()
        for m in mentions:
            m.person_id = new.id
            s.add(PersonDecisionRow(kind="assign", person_id=new.id, article_id=article_id, name_key=name_key(m.text),
                                    note=note or "split by a reviewer"))
        s.execute(update(EventRow).where(EventRow.person_id == person_id, EventRow.article_id == article_id)
                  .values(person_id=new.id))
        s.add(PersonDecisionRow(kind="distinct", person_id=person_id, other_id=new.id, note=note))
        _freeze(s, person_id, note or "kept by a reviewer's split")
        s.add_all(PersonKeyRow(person_id=new.id, token=t) for t in sorted({t for n in names for t in fold(n)}) if len(t) > 1)
        new_id = new.id
    _refresh(store, [person_id, new_id])
    return new_id


def _refresh(store: Store, ids: list[int]) -> None:
    from ..cases import refresh_summaries  # imported here: cases imports the store

    refresh_summaries(store, ids)


# --- correcting events, adding what extraction missed (the review page) -------------------------------------------
# Everything a reviewer gives is checked before anything is stored; each change is one transaction with its audit
# row (field names and ids only: never evidence, notes or names), and the case rows of the persons touched follow.

EDITABLE = ("type", "person", "date", "country", "place", "attributes")
ATTRIBUTE_KEYS = ("outcome", "years", "article", "to_country")  # offered on every form; any other key may be given
# kept by the store, not a reviewer's to set: `replaces` lists the types a reviewer corrected away, so that
# extracting the article again does not suggest them anew
INTERNAL_ATTRIBUTES = frozenset({"date_inferred", "replaces"})
_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,31}")
_ARTICLE = re.compile(r"(?:(?:art(?:icle)?\.?|ст\.?|статья)\s*)?(?:([A-Za-z]{2})-)?([0-9]{1,4}(?:\.[0-9]{1,2})?)", re.I)
_TRUE, _FALSE = {"true", "yes", "1", "on"}, {"false", "no", "0", "off"}
_COUNTRY_ALIASES = {"uk": "GB", "britain": "GB", "great britain": "GB", "england": "GB", "usa": "US", "u.s.": "US",
                    "us": "US", "america": "US", "russia": "RU", "turkey": "TR", "czech republic": "CZ",
                    "south korea": "KR", "north korea": "KP", "moldova": "MD", "holland": "NL"}


class NoSuchRecord(DossierError):
    """The event or person asked for does not exist (a 404, not a wrong value)."""


def _shown(value: str, limit: int = 40) -> str:
    value = " ".join(value.split())
    return "“" + (value[:limit] + "…" if len(value) > limit else value) + "”"


def check_date(value: str | None) -> str | None:
    """A date as events store it: partial ISO (2024, 2024-03, 2024-03-05), a real day of the calendar; dates are
    compared as text, so nothing else may be stored. Blank is no date."""
    v = (value or "").strip()
    if not v:
        return None
    m = _DATE.fullmatch(v)
    if not m:
        raise DossierError(f"date {_shown(v)} is not a date: write a year (2024), a month (2024-03) or a day "
                           "(2024-03-05)")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if not 1900 <= year <= 2100:
        raise DossierError(f"date {v}: the year must be between 1900 and 2100")
    if month is not None and not 1 <= int(month) <= 12:
        raise DossierError(f"date {v}: there is no month {month}")
    if day is not None:
        try:
            date(year, int(month), int(day))
        except ValueError:
            raise DossierError(f"date {v} is not a day of the calendar") from None
    return v


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Country names (ISO 3166 and as the languages of the codebook write them), casefolded, to alpha-2 codes."""
    import pycountry
    from babel import Locale

    names: dict[str, str] = {}
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            n = getattr(c, attr, None)
            if n:
                names.setdefault(n.casefold(), c.alpha_2)
    codes = {c.alpha_2 for c in pycountry.countries}
    for loc in ("en", "fr", "ru", "de", "es", "it", "uk", "pl", "pt"):
        for code, n in Locale.parse(loc).territories.items():
            if code in codes:
                names.setdefault(n.casefold(), code)
    names.update(_COUNTRY_ALIASES)
    return names


def check_country(value: str | None) -> str | None:
    """An ISO 3166 alpha-2 code; a code in any case, an alpha-3 code or a country's name is converted. Blank is none."""
    import pycountry

    v = " ".join((value or "").split())
    if not v:
        return None
    if v.isascii() and v.isalpha() and len(v) in (2, 3):
        found = pycountry.countries.get(**{"alpha_2" if len(v) == 2 else "alpha_3": v.upper()})
        if found is not None:
            return found.alpha_2
    code = _country_names().get(v.casefold()) or _country_names().get(v.casefold().removeprefix("the "))
    if code:
        return code
    raise DossierError(f"country {_shown(v)} is not known: give an ISO 3166 code (KZ) or a country's name "
                       "(Kazakhstan)")


def event_types() -> list[str]:
    from ..codebook import load_codebook

    return list(load_codebook().events)


def check_type(value: str | None) -> str:
    v = (value or "").strip()
    if v not in event_types():
        raise DossierError(f"type {_shown(v)} is not an event type of the codebook (one of "
                           f"{', '.join(event_types())})")
    return v


def attribute_values() -> dict[tuple[str, str], set[str]]:
    """The values the codebook's lexicons give each (event type, attribute): {("appeal", "outcome"): {...}}."""
    from ..codebook import load_codebook

    out: dict[tuple[str, str], set[str]] = {}
    for lexicon in load_codebook().lexicons.values():
        for etype, name, value in lexicon.attributes:
            out.setdefault((etype, name), set()).add(value)
    return out


def outcome_values(event_type: str | None = None) -> list[str]:
    """The outcomes the codebook knows for a type (every outcome when the type has none of its own)."""
    known = attribute_values()
    own = known.get((event_type, "outcome"))
    return sorted(own or {v for (_, name), values in known.items() if name == "outcome" for v in values})


def check_attributes(event_type: str, pairs: list[tuple[str | None, str | None]]) -> dict:
    """Attributes from (key, value) pairs: a blank value leaves the key out, each key is checked by what it holds."""
    out: dict = {}
    for key, raw in pairs:
        key, value = (key or "").strip().lower(), (raw or "").strip()
        if not key and not value:
            continue
        if not key:
            raise DossierError(f"attribute value {_shown(value)} has no name")
        if not _KEY.fullmatch(key):
            raise DossierError(f"attribute name {_shown(key)}: lowercase letters, digits and _ only, up to 32")
        if key in INTERNAL_ATTRIBUTES:
            raise DossierError(f"attribute {key} is kept by the store and cannot be set")
        if key in out:
            raise DossierError(f"attribute {key} is given twice")
        if value:
            out[key] = _attribute(event_type, key, value)
    return out


def _attribute(event_type: str, key: str, value: str):
    known = attribute_values()
    closed = {v for (t, k), values in known.items() if k == key for v in values} - {"true", "false"}
    booleans = any(k == key and values <= {"true", "false"} for (_, k), values in known.items()) or \
        key in ("in_absentia", "suspended", "legal_crossing")
    if key in ("years", "max_penalty_years"):
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            raise DossierError(f"{key} {_shown(value)} is not a number of years") from None
        if not 0 < number <= 100:
            raise DossierError(f"{key} must be more than 0 and at most 100")
        return number if key == "years" else (int(number) if number.is_integer() else number)
    if key == "article":
        from ..codebook import load_codebook

        out = []
        for part in filter(None, (p.strip() for p in re.split(r"[,;]", value))):
            m = _ARTICLE.fullmatch(part)
            if not m:
                raise DossierError(f"article {_shown(part)} is not an article of a criminal code: write 338, 338.1 "
                                   "or RU-338")
            country = check_country(m.group(1)) if m.group(1) else load_codebook().home_country
            if country is None:
                raise DossierError(f"article {_shown(part)}: no country")
            out.append(f"{country}-{m.group(2)}")
        out = list(dict.fromkeys(out))
        if not out:
            raise DossierError("article: give at least one article number")
        return out[0] if len(out) == 1 else out
    if key.endswith("_country"):
        return check_country(value)
    if booleans:
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise DossierError(f"{key} is true or false, not {_shown(value)}")
    if key == "outcome" or (closed and key not in ("authority",)):
        allowed = outcome_values(event_type) if key == "outcome" else sorted(closed)
        v = value.lower().replace(" ", "_")
        if v not in allowed:
            raise DossierError(f"{key} {_shown(value)} is not one the codebook knows"
                               f"{' for ' + event_type if key == 'outcome' else ''}: one of {', '.join(allowed)}")
        return v
    if len(value) > 200 or any(c < " " for c in value):
        raise DossierError(f"{key}: at most 200 characters on one line")
    return value


def _place(value: str) -> str | None:
    v = " ".join(value.split())
    if len(v) > 200:
        raise DossierError("place: at most 200 characters")
    return v or None


def _person_name(value: str) -> str:
    v = " ".join(value.split())
    if not any(c.isalpha() for c in v) or len(v) > 200:
        raise DossierError("a new person's name needs letters (at most 200 characters)")
    return v


def _new_person(s, name: str, like: PersonRow | None, event_type: str) -> PersonRow:
    """A person a reviewer names: a case when the event defines one or the person it was taken from was one."""
    from ..codebook import load_codebook
    from ..names import surname_keys
    from ..security.view import stricter

    resister = event_type in load_codebook().defining_types or (like is not None and like.role == "resister")
    p = PersonRow(name=name, aliases=[], name_keys=[], pseudonym=False, role="resister" if resister else "other",
                  sensitivity=stricter(like.sensitivity if like is not None else None, "restricted"),
                  field_levels={}, merge_log=[{"names": [name], "reason": "named by a reviewer"}])
    s.add(p)
    s.flush()
    tokens = {t for t in fold(name)} | set(surname_keys(name))
    s.add_all(PersonKeyRow(person_id=p.id, token=t) for t in sorted(tokens) if len(t) > 1)
    return p


def _person_id(value: str) -> int:
    v = value.strip()
    if not re.fullmatch(r"[0-9]{1,12}", v):
        raise DossierError(f"person {_shown(v)} is not a person's id (a number)")
    return int(v)


def _audit(s, action: str, username: str, target: str, detail: dict, client: str | None) -> None:
    from ..security import audit

    audit.record(s, action, username, target, detail, client)


def _told(attributes: dict) -> dict:
    """The attributes as a reviewer sees and sets them: no None (not told), no key the store keeps."""
    return {k: v for k, v in attributes.items() if v is not None and k not in INTERNAL_ATTRIBUTES}


def edit_event(store: Store, event_id: int, username: str, client: str | None = None, *, type: str | None = None,
               person: str | None = None, new_person: str | None = None, date: str | None = None,
               country: str | None = None, place: str | None = None,
               attributes: list[tuple[str | None, str | None]] | None = None) -> dict:
    """Correct one event: None leaves a field as it is; a blank date, country or place clears it; `attributes`
    (key, value pairs) replaces the attributes; `person` moves the event to that person's id, `new_person` to a new
    person of that name. All is checked before anything is stored; the event is then accepted (a reviewer vouches
    for it, and re-extraction keeps it). Returns {id, changed, person, moved_from}."""
    with store.session.begin() as s:
        e = s.get(EventRow, event_id)
        if e is None:
            raise NoSuchRecord(f"no event {event_id}")
        old_person = e.person_id
        new_type = check_type(type) if type is not None else e.type
        new_date = check_date(date) if date is not None else e.date
        new_country = check_country(country) if country is not None else e.country
        new_place = _place(place) if place is not None else e.place
        internal = {k: v for k, v in (e.attributes or {}).items() if k in INTERNAL_ATTRIBUTES}
        if new_date != e.date:
            internal.pop("date_inferred", None)  # a reviewer's date is told, not inferred
        if new_type != e.type:
            replaced = (set(internal.get("replaces") or []) | {e.type}) - {new_type}
            internal["replaces"] = sorted(replaced)
        if attributes is not None:
            new_attributes = dict(check_attributes(new_type, attributes), **internal)
        else:
            new_attributes = dict({k: v for k, v in (e.attributes or {}).items() if k not in INTERNAL_ATTRIBUTES},
                                  **internal)
        target, create = e.person_id, None
        if new_person and new_person.strip():
            if person and person.strip() and _person_id(person) != e.person_id:
                raise DossierError("give either another person's id or a new person's name, not both")
            create = _person_name(new_person)
        elif person is not None and person.strip():
            target = _person_id(person)
            if s.get(PersonRow, target) is None:
                raise DossierError(f"there is no person {target}")
        old_attributes, told = _told(e.attributes or {}), _told(new_attributes)
        changed = [name for name, old, new in (("type", e.type, new_type), ("date", e.date, new_date),
                                               ("country", e.country, new_country), ("place", e.place, new_place),
                                               ("attributes", old_attributes, told))
                   if old != new]
        if create is not None:
            target = _new_person(s, create, s.get(PersonRow, e.person_id), new_type).id
        if target != e.person_id:
            changed.insert(1 if "type" in changed else 0, "person")
        changed_keys = sorted(k for k in set(old_attributes) | set(told) if old_attributes.get(k) != told.get(k))
        e.type, e.date, e.country, e.place, e.attributes = new_type, new_date, new_country, new_place, new_attributes
        e.person_id, e.status = target, "accepted"
        detail: dict = {"fields": changed, "decision": "edited"}
        if "attributes" in changed:
            detail["attributes"] = changed_keys
        if "person" in changed:
            detail.update({"from_person": old_person, "to_person": target, "new_person": create is not None})
        _audit(s, "review_edit", username, f"event:{event_id}", detail, client)
    _refresh(store, [old_person, target])
    return {"id": event_id, "status": "accepted", "changed": changed, "person": target, "moved_from":
            old_person if target != old_person else None}


def _note_article(s, username: str, note: str) -> ArticleRow:
    """The reviewer as a source: one stored note ("added by <username>: <note>"), whose text is all boilerplate
    so that re-extraction never reads events out of it."""
    from ..language import detect_language
    from .models import ArticleRow, DocumentRow, SourceRow

    header = f"added by {username}"
    text_ = f"{header}: {note}"
    now = datetime.now(timezone.utc)
    digest = hashlib.sha256(f"{username}\0{now.isoformat()}\0{note}".encode()).hexdigest()
    src = SourceRow(name=header, path="review", kind="note", content_hash=digest, size=len(text_.encode()),
                    warnings=[])
    doc = DocumentRow(source=src, ordinal=0, kind="note", url=None, title=header,
                      published=now.date().isoformat(), text=text_)
    language, confidence = detect_language(note)
    art = ArticleRow(document=doc, ordinal=0, start=0, end=len(text_), title=header, published=now.date().isoformat(),
                     language=language, language_confidence=confidence, relevant=True, duplicate_of_id=None,
                     content_hash=hashlib.sha1(text_.encode()).hexdigest(), signature=None,
                     boilerplate=[[0, len(text_)]], extracted_at=now)
    s.add_all([src, doc, art])
    s.flush()
    if s.bind.dialect.name == "sqlite":
        from sqlalchemy import text as sql

        s.execute(sql("INSERT INTO article_fts(rowid, title, body) VALUES (:id, :title, :body)"),
                  {"id": art.id, "title": header, "body": text_})
    return art


def add_event(store: Store, person: str, username: str, client: str | None = None, *, type: str | None,
              date: str | None = None, country: str | None = None, place: str | None = None,
              attributes: list[tuple[str | None, str | None]] | None = None, note: str | None = None) -> dict:
    """An event extraction missed, told by a reviewer: accepted, its evidence the reviewer and their note."""
    event_type = check_type(type)
    values = {"date": check_date(date), "country": check_country(country), "place": _place(place or ""),
              "attributes": check_attributes(event_type, attributes or [])}
    note = (note or "").strip()
    if not note:
        raise DossierError("an evidence note is needed: say how this is known (a source, a call, a document)")
    if len(note) > 4000:
        raise DossierError("the evidence note is at most 4000 characters")
    person_id = _person_id(person or "")
    with store.session.begin() as s:
        if s.get(PersonRow, person_id) is None:
            raise DossierError(f"there is no person {person_id}")
        art = _note_article(s, username, note)
        e = EventRow(person_id=person_id, article_id=art.id, type=event_type, **values,
                     evidence=[{"start": 0, "end": art.end, "text": art.document.text}], confidence=1.0,
                     status="accepted", sensitivity="restricted", field_levels={})
        s.add(e)
        s.flush()
        _audit(s, "review_add_event", username, f"event:{e.id}",
               {"person": person_id, "type": event_type, "fields": [k for k, v in values.items() if v]}, client)
        event_id = e.id
    _refresh(store, [person_id])
    return {"id": event_id, "person": person_id, "status": "accepted"}


def add_source(store: Store, username: str, client: str | None = None, *, title: str | None, text: str | None,
               url: str | None = None, published: str | None = None) -> dict:
    """Pasted text (with the URL it was read at, if any) stored as ingestion stores a file, then extracted at once.
    Returns {source, articles, duplicates: {article: first occurrence}, events, known} (`known`: the article that
    already holds this very text, nothing stored)."""
    from pathlib import Path
    from urllib.parse import urlsplit

    from sqlalchemy import func

    from ..ingest import IngestReport, store_source
    from ..pipeline import extract_stored
    from ..sources import read_bytes
    from .models import ArticleRow as A, DocumentRow, SourceRow

    title = " ".join((title or "").split())
    body = (text or "").strip()
    url = (url or "").strip() or None
    if not title or len(title) > 300:
        raise DossierError("a source needs a title (at most 300 characters)")
    if not body:
        raise DossierError("paste the text of the source")
    if len(body) > 2_000_000:
        raise DossierError("the text is over 2 million characters: ingest it as a file")
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 2000 or any(c <= " " for c in url):
            raise DossierError(f"URL {_shown(url)} is not a web address (http:// or https://)")
    published = check_date(published)
    data = f"{title}\n\n{body}\n".encode("utf-8")
    source = read_bytes(data, url or f"pasted: {title}"[:200], Path("pasted.txt"))
    for doc in source.documents:
        doc.url, doc.published = url, published or doc.published
    report = IngestReport()
    store_source(source, store, report)
    with store.session() as s:
        src = s.scalar(select(SourceRow).where(SourceRow.content_hash == source.content_hash))
        rows = list(s.scalars(select(A).join(DocumentRow, A.document_id == DocumentRow.id)
                              .where(DocumentRow.source_id == src.id).order_by(A.id)))
        ids = [a.id for a in rows]
        duplicates = {a.id: a.duplicate_of_id for a in rows if a.duplicate_of_id is not None}
        source_id = src.id
    if report.unchanged:
        return {"source": source_id, "articles": ids, "duplicates": duplicates, "events": 0,
                "known": ids[0] if ids else None}
    fresh = [i for i in ids if i not in duplicates]
    if fresh:
        extract_stored(store, fresh)
        from ..alerts import raise_alerts

        raise_alerts(store)  # as `dossier ingest` does: a recent arrest told here is urgent too
    with store.session.begin() as s:
        events = (s.scalar(select(func.count(EventRow.id)).where(EventRow.article_id.in_(ids))) or 0) if ids else 0
        _audit(s, "review_add_source", username, f"source:{source_id}",
               {"articles": ids, "duplicates": sorted(duplicates), "events": events, "url": url is not None}, client)
    return {"source": source_id, "articles": ids, "duplicates": duplicates, "events": events, "known": None}
