"""Reviewers' decisions about persons: merge two persons, split an article's mentions off into a
person of their own. Decisions are stored and later extraction runs respect them."""
from __future__ import annotations

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
