"""Sensitivity levels and who may see them.

Levels: public < restricted < secret. Viewers see public and restricted; editors and admins see
everything; the public export sees only public. Defaults are safe: a resister's name is restricted
(public only when it is a pseudonym), age and places restricted, evidence restricted; a reviewer can
raise any person or event to secret. Secret rows and secret text are left out where they are read
(`security.view`); these functions then withhold the fields a role may not see.
"""
from __future__ import annotations

LEVELS = {"public": 0, "restricted": 1, "secret": 2}
CLEARANCE = {"public": 0, "viewer": 1, "editor": 2, "admin": 2}
WITHHELD = "[withheld]"

PERSON_FIELDS = {"name": "restricted", "aliases": "restricted", "age": "restricted", "rank": "public",
                 "service": "public", "role": "public", "pseudonym": "public", "merge_log": "restricted"}
EVENT_FIELDS = {"type": "public", "date": "public", "country": "public", "place": "restricted",
                "attributes": "public", "evidence": "restricted", "confidence": "public", "status": "public"}


def can_see(level: str, role: str) -> bool:
    return CLEARANCE.get(role, 0) >= LEVELS.get(level, 2)


def person_field_level(person: dict, field: str) -> str:
    override = (person.get("field_levels") or {}).get(field)
    if override in LEVELS:
        return override  # a reviewer's decision for this field
    level = PERSON_FIELDS.get(field, "restricted")
    if field == "name" and person.get("pseudonym"):
        level = "public"  # a pseudonym was chosen to be printed
    if person.get("role") == "other" and field in ("name", "aliases"):
        level = "public"  # lawyers and officials speak publicly
    if field in ("aliases", "merge_log"):  # both hold the person's names: never less strict than the name
        name = person_field_level(person, "name")
        level = name if LEVELS.get(name, 2) > LEVELS.get(level, 2) else level
    return level


def redact_person(person: dict, role: str) -> dict | None:
    """A copy with the fields this role may not see withheld; None when the whole person is secret to it."""
    if person.get("sensitivity") == "secret" and not can_see("secret", role):
        return None
    out = dict(person)
    for field in PERSON_FIELDS:
        if field in out and not can_see(person_field_level(person, field), role):
            out[field] = [] if isinstance(out[field], list) else WITHHELD if isinstance(out[field], str) else None
    return out


def redact_event(event: dict, role: str) -> dict | None:
    if event.get("sensitivity") == "secret" and not can_see("secret", role):
        return None
    out = dict(event)
    overrides = event.get("field_levels") or {}
    for field, default in EVENT_FIELDS.items():
        level = overrides.get(field, default)
        if field in out and not can_see(level, role):
            out[field] = [] if isinstance(out[field], list) else None
    return out


def min_count(value: int, threshold: int) -> bool:
    """Counts below the threshold could single out a person: the public export leaves them out."""
    return value >= threshold
