"""The codebook: event types and their argument rules (`codebooks/<name>.yaml`), and one lemma lexicon per language
(`codebooks/<name>/<lang>.yaml`, see `lexicon.py`), loaded and validated at start. Adding a language is adding a
lexicon file; adding an event type is a codebook change, not a code change."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import ConfigError
from .lexicon import Lexicon, load_lexicon

EVENT_TYPES = ("refused_to_fight", "deserted", "mobilised", "fled_country", "criminal_case", "wanted", "detained",
               "released", "extradition", "deported", "abducted", "asylum_applied", "asylum_granted", "asylum_denied",
               "appeal", "sentenced", "residence_permit", "travel_denied", "dismissed", "killed")
DEFAULT_PATH = Path(__file__).parent / "codebooks" / "war_resisters.yaml"
_FLAGS = re.IGNORECASE | re.UNICODE


def _compile(patterns, where: str) -> re.Pattern | None:
    if not patterns:
        return None
    if isinstance(patterns, str):
        patterns = [patterns]
    # a space in a pattern matches any run of white space: scraped text is full of no-break spaces
    patterns = [p.replace(" ", r"\s+") for p in patterns]
    try:
        return re.compile("|".join(f"(?:{p})" for p in patterns), _FLAGS)
    except re.error as exc:
        raise ConfigError(f"codebook: bad pattern in {where}: {exc}") from None


_ESCAPED = re.compile(r"(\\.)", re.S)
_CHARACTER_ESCAPES = frozenset("NxuU0123456789")  # escapes that name a character (or a group) by its code


def _compile_lowered(patterns, where: str) -> re.Pattern | None:
    """A pattern for text already in lower case: its letters lowered and no IGNORECASE, which lets the engine find
    a literal by its first letters (twice as fast on whole articles). Escapes stay as written (`\\S` is not `\\s`);
    a pattern that names a character by its code keeps IGNORECASE. `str.lower()` folds as IGNORECASE does, but for
    the few letters it turns into two ("İ") and the long s."""
    if not patterns:
        return None
    patterns = [patterns] if isinstance(patterns, str) else list(patterns)
    if any(m.group(1)[1] in _CHARACTER_ESCAPES for p in patterns for m in _ESCAPED.finditer(p)):
        return _compile(patterns, where)
    lowered = ["".join(part if part.startswith("\\") else part.lower() for part in _ESCAPED.split(p.replace(" ", r"\s+")))
               for p in patterns]
    try:
        return re.compile("|".join(f"(?:{p})" for p in lowered), re.UNICODE)
    except re.error as exc:
        raise ConfigError(f"codebook: bad pattern in {where}: {exc}") from None


@dataclass
class EventRule:
    type: str
    person: str  # agent | patient
    default_country: str | None  # home | host | None
    destination: bool = False
    keep_outcomes: tuple[str, ...] = ()
    split_countries: bool = False
    on_behalf: bool = False  # "applied for asylum in France, Germany and the US": one event a country
    split_on: str | None = None  # an attribute whose every value found makes an event of its own
    article_pattern: re.Pattern | None = None
    authority_pattern: re.Pattern | None = None
    in_war_zone: str | None = None  # the type the event is when its place is the war zone ("refused entry to Ukraine")
    # types a decision of this type answers: its frames' predicate with only a pronoun for the argument ("turned
    # him down", "oddalił go") is this type when the story told one of them just before
    follows: tuple[str, ...] = ()
    # an event this one also is where a court decides it or it reverses a refusal told before: (type, outcome)
    on_review: tuple[str, str] | None = None
    # a request of its own kind: a frame whose generic "application", "request" is for something else named right
    # after it (the lexicon's `other_requests`: "his application for a visa") is not this type
    requests: bool = False
    # done abroad: a place at home counts only where the trigger's own words take it ("detained in Moscow") or the
    # article names no other country ("Moscow sent an extradition request" says who asks, not where it is decided)
    abroad: bool = False
    # a change of state that an ongoing telling has not brought about ("his back was killing him", "his right to stay
    # is coming to an end"): told in the progressive it is no happening yet
    completed: bool = False
    # answers an order: its frames' predicate standing bare at the end of a clause ("Matveenko rifiutò.") is this
    # type when an order word (the lexicon's `order_words`) is told in that sentence or the one before
    answers_order: bool = False
    # done to the person in person: ordered "in absentia" (the lexicon's words for it, under sentenced.in_absentia),
    # as Russian courts order the arrest of those abroad, it is no happening of this type
    in_person: bool = False


@dataclass(frozen=True)
class Urgency:
    """How long a happening of a type stays urgent after its date, and for which outcomes."""

    days: int
    outcomes: tuple[str, ...] = ()


@dataclass
class Codebook:
    name: str
    version: int
    home_country: str
    languages: tuple[str, ...]
    events: dict[str, EventRule]
    lexicons: dict[str, Lexicon]
    suppresses: dict[str, tuple[str, ...]]
    clause_breaks: re.Pattern
    turns: re.Pattern  # coordinators that turn to a new fact: the end of a condition's reach
    infinitive_comma: frozenset  # languages that set a comma before an infinitive clause
    verb_final: frozenset  # languages that put a subordinate or infinitive clause's verb last
    subordinators: re.Pattern  # words that open a relative or complement clause, or a clause of another time
    temporal: re.Pattern  # of those, the ones that open a clause of another time ("after", "nachdem")
    pseudonyms: dict[str, list[re.Pattern]]
    services: list[tuple[str, re.Pattern]]  # for the text in lower case
    relevance_min: int
    pro_drop: frozenset[str]
    defining_types: frozenset[str]
    place_frames: frozenset[str]
    war_zone: tuple[str, ...]
    war_zone_events: frozenset  # event types that happen in the war zone; others are never placed there
    statistic_terms: re.Pattern  # for the text in lower case
    statistic_exclude_after: re.Pattern
    statistic_exclude_before: re.Pattern
    urgent: dict[str, Urgency] = field(default_factory=dict)  # event type -> when a new one raises an alert
    # derived from the lexicons
    relevance_terms: re.Pattern | None = None  # any language: the cheap test before the models run
    relevance_lemmas: dict[str, frozenset[str]] = field(default_factory=dict)

    def lang(self, table: dict, language: str | None):
        """The entry of a per-language table for a language, falling back to English."""
        return table.get(language or "en") or table.get("en")


def _on_review(spec, etype: str, path) -> tuple[str, str] | None:
    if spec is None:
        return None
    if not isinstance(spec, dict) or len(spec) != 1:
        raise ConfigError(f"codebook {path}: event type {etype!r}: on_review is one 'type: outcome' pair")
    (kind, outcome), = spec.items()
    return str(kind), str(outcome)


def load_codebook(path: str | Path | None = None) -> Codebook:
    path = Path(path or os.environ.get("DOSSIER_CODEBOOK") or DEFAULT_PATH)
    return _load(str(path))


@lru_cache(maxsize=4)
def _load(path: str) -> Codebook:
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read codebook {path}: {exc}") from None
    if not isinstance(raw, dict) or "events" not in raw:
        raise ConfigError(f"codebook {path}: no 'events' section")
    events, suppresses = {}, {}
    for etype, spec in raw["events"].items():
        if not isinstance(spec, dict):
            raise ConfigError(f"codebook {path}: event type {etype!r} is not a mapping")
        if spec.get("person", "patient") not in ("agent", "patient"):
            raise ConfigError(f"codebook {path}: event type {etype!r}: person must be agent or patient")
        events[etype] = EventRule(
            etype, spec.get("person", "patient"), spec.get("default_country"), bool(spec.get("destination")),
            tuple(spec.get("keep_outcomes") or ()), bool(spec.get("split_countries")), bool(spec.get("on_behalf")),
            spec.get("split_on"), _compile(spec.get("article_pattern"), f"{etype}.article_pattern"),
            _compile(spec.get("authority_pattern"), f"{etype}.authority_pattern"), spec.get("in_war_zone"),
            tuple(spec.get("follows") or ()), _on_review(spec.get("on_review"), etype, path),
            bool(spec.get("requests")), bool(spec.get("abroad")), bool(spec.get("completed")),
            bool(spec.get("answers_order")), bool(spec.get("in_person")))
        suppresses[etype] = tuple(spec.get("suppresses") or ())
    folder = Path(path).with_suffix("")
    lexicons = {}
    if folder.is_dir():
        for file in sorted(folder.glob("*.yaml")):
            lex = load_lexicon(file, tuple(events))
            lexicons[lex.language] = lex
    if not lexicons:
        raise ConfigError(f"codebook {path}: no lexicon files in {folder}")
    languages = tuple(lexicons)
    pseudonyms = {lang: [re.compile(p.replace(" ", r"\s+"), re.UNICODE) for p in pats]
                  for lang, pats in (raw.get("pseudonym_patterns") or {}).items()}
    stats = raw.get("statistics") or {}
    cb = Codebook(
        name=raw.get("name", "codebook"), version=int(raw.get("version", 2)), home_country=raw.get("home_country", "RU"),
        languages=languages, events=events, lexicons=lexicons, suppresses=suppresses,
        clause_breaks=_compile(raw.get("clause_breaks") or [","], "clause_breaks"),
        turns=_compile(raw.get("turns") or [r"\bbut\b"], "turns"),
        infinitive_comma=frozenset(raw.get("infinitive_comma") or ()),
        verb_final=frozenset(raw.get("verb_final") or ()),
        subordinators=_compile((raw.get("subordinators") or [r"\bwho\b"]) + (raw.get("temporal_subordinators") or []),
                               "subordinators"), pseudonyms=pseudonyms,
        temporal=_compile(raw.get("temporal_subordinators") or [r"\bafter\b"], "temporal_subordinators"),
        services=[(svc, _compile_lowered(p, f"services.{svc}")) for svc, p in (raw.get("services") or {}).items()],
        relevance_min=int((raw.get("relevance") or {}).get("min_terms", 3)),
        pro_drop=frozenset(raw.get("pro_drop") or ()),
        defining_types=frozenset(raw.get("defining_types") or ()),
        war_zone=tuple(raw.get("war_zone") or ()),
        war_zone_events=frozenset(raw.get("war_zone_events") or ()),
        place_frames=frozenset(t for t, spec in raw["events"].items() if isinstance(spec, dict) and spec.get("place_frames")),
        statistic_terms=_compile_lowered(stats.get("terms") or ["case"], "statistics.terms"),
        statistic_exclude_after=_compile(stats.get("exclude_after") or ["years"], "statistics.exclude_after"),
        statistic_exclude_before=_compile(stats.get("exclude_before") or [r"article\s*$"], "statistics.exclude_before"),
        urgent=_urgent(raw.get("urgent") or {}, events, path),
    )
    _derive(cb)
    return cb


def _urgent(raw: dict, events: dict, path: str) -> dict[str, Urgency]:
    out = {}
    for etype, spec in raw.items():
        if etype not in events:
            raise ConfigError(f"codebook {path}: urgent type {etype!r} is not an event type")
        days = (spec or {}).get("days") if isinstance(spec, dict) else None
        if not isinstance(days, int) or days < 1:
            raise ConfigError(f"codebook {path}: urgent.{etype}.days must be a whole number of days, 1 or more")
        out[etype] = Urgency(days, tuple(spec.get("outcomes") or ()))
    return out


def _derive(cb: Codebook) -> None:
    """The relevance lemmas of each language, and one pattern of their stems in any language: the cheap test that
    lets a clearly off-topic article skip the models."""
    stems = set()
    for lang, lex in cb.lexicons.items():
        cb.relevance_lemmas[lang] = frozenset(w.lower() for w in lex.words.get("relevance", []) if " " not in w)
        for w in lex.words.get("relevance", []):
            stems.add(w.lower()[:max(4, len(w) - 3)] if " " not in w else w.lower())
    alts = sorted((re.escape(s).replace(r"\ ", r"\s+") for s in stems), key=len, reverse=True)
    cb.relevance_terms = re.compile(r"(?<!\w)(?:" + "|".join(alts) + ")", _FLAGS) if alts else re.compile("(?!)")
