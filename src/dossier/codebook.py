"""The codebook: event types, trigger patterns per language and argument rules, loaded from YAML
and validated at start. Adding a language or an event type is a codebook change, not a code change."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .errors import ConfigError

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


@dataclass
class EventRule:
    type: str
    person: str  # agent | patient
    default_country: str | None  # home | host | None
    triggers: dict[str, re.Pattern]
    destination: bool = False
    keep_outcomes: tuple[str, ...] = ()
    split_countries: bool = False
    on_behalf: bool = False  # "applied for asylum in France, Germany and the US": one event a country
    attributes: dict = field(default_factory=dict)


@dataclass
class Codebook:
    name: str
    version: int
    home_country: str
    languages: tuple[str, ...]
    events: dict[str, EventRule]
    modality: dict[str, re.Pattern]
    clause_breaks: re.Pattern
    pronouns: dict[str, re.Pattern]
    group_cues: dict[str, re.Pattern]
    resister_cues: dict[str, re.Pattern]
    other_cues: dict[str, re.Pattern]
    pseudonyms: dict[str, list[re.Pattern]]
    ranks: list[tuple[str, re.Pattern]]
    services: list[tuple[str, re.Pattern]]
    relevance_terms: re.Pattern
    relevance_min: int
    statistic_terms: re.Pattern
    statistic_exclude_after: re.Pattern
    statistic_exclude_before: re.Pattern

    def lang(self, table: dict, language: str | None):
        """The entry of a per-language table for a language, falling back to English."""
        return table.get(language or "en") or table.get("en")


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
    languages = tuple(raw.get("languages") or ["en"])
    events = {}
    for etype, spec in raw["events"].items():
        if not isinstance(spec, dict) or not spec.get("triggers"):
            raise ConfigError(f"codebook {path}: event type {etype!r} has no triggers")
        if spec.get("person", "patient") not in ("agent", "patient"):
            raise ConfigError(f"codebook {path}: event type {etype!r}: person must be agent or patient")
        triggers = {lang: _compile(p, f"{etype}.triggers.{lang}") for lang, p in spec["triggers"].items()}
        events[etype] = EventRule(etype, spec.get("person", "patient"), spec.get("default_country"), triggers,
                                  bool(spec.get("destination")), tuple(spec.get("keep_outcomes") or ()),
                                  attributes=_compile_attributes(spec.get("attributes") or {}, etype),
                                  split_countries=bool(spec.get("split_countries")),
                                  on_behalf=bool(spec.get("on_behalf")))
        for key, values in (spec.get("split_on") or {}).items():
            events[etype].attributes["__split__"] = (key, {v: _compile(p, f"{etype}.{key}.{v}") for v, p in values.items()})

    def per_lang(key):
        return {lang: _compile(p, f"{key}.{lang}") for lang, p in (raw.get(key) or {}).items()}

    pseudonyms = {lang: [_compile(p, f"pseudonym_patterns.{lang}") for p in pats]
                  for lang, pats in (raw.get("pseudonym_patterns") or {}).items()}
    # pseudonym patterns rely on capitals: compile them case-sensitively
    pseudonyms = {lang: [re.compile(p.pattern, re.UNICODE) for p in pats if p] for lang, pats in pseudonyms.items()}
    rel = raw.get("relevance") or {}
    stats = raw.get("statistics") or {}
    return Codebook(
        name=raw.get("name", "codebook"), version=int(raw.get("version", 1)), home_country=raw.get("home_country", "RU"),
        languages=languages, events=events, modality=per_lang("modality"),
        clause_breaks=_compile(raw.get("clause_breaks") or [","], "clause_breaks"), pronouns=per_lang("pronouns"), group_cues=per_lang("group_cues"),
        resister_cues=per_lang("resister_cues"), other_cues=per_lang("other_cues"), pseudonyms=pseudonyms,
        ranks=[(rank, _compile(p, f"ranks.{rank}")) for rank, p in (raw.get("ranks") or {}).items()],
        services=[(svc, _compile(p, f"services.{svc}")) for svc, p in (raw.get("services") or {}).items()],
        relevance_terms=_compile(rel.get("terms") or ["desert"], "relevance.terms"),
        relevance_min=int(rel.get("min_terms", 3)),
        statistic_terms=_compile(stats.get("terms") or ["case"], "statistics.terms"),
        statistic_exclude_after=_compile(stats.get("exclude_after") or ["years"], "statistics.exclude_after"),
        statistic_exclude_before=_compile(stats.get("exclude_before") or [r"article\s*$"], "statistics.exclude_before"),
    )


def _compile_attributes(spec: dict, etype: str) -> dict:
    out = {}
    for name, value in spec.items():
        if isinstance(value, list):  # a flag: true when any pattern matches
            out[name] = ("flag", _compile(value, f"{etype}.{name}"))
        elif isinstance(value, dict) and "pattern" in value:
            out[name] = ("pattern", _compile(value["pattern"], f"{etype}.{name}"))
        elif isinstance(value, dict) and "after" in value:
            out[name] = ("after", _compile(value["after"], f"{etype}.{name}"))
        elif isinstance(value, dict) and "words" in value:
            out[name] = ("choice", {k: _compile(v, f"{etype}.{name}.{k}") for k, v in value["words"].items()})
        elif isinstance(value, dict):  # a choice: value -> patterns
            out[name] = ("choice", {k: _compile(v, f"{etype}.{name}.{k}") for k, v in value.items()})
        else:
            raise ConfigError(f"codebook: attribute {etype}.{name} has an unknown form")
    return out
