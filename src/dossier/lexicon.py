"""Per-language lexicons of the codebook (`codebooks/<name>/<lang>.yaml`): lemma entries for event triggers and
frames, attribute cues, modality, pronouns, role words, ranks and relevance. Loaded and checked here; compiled to
spaCy `Matcher` patterns in `extract/triggers.py`.

An entry is a word or a short phrase (at most four words) in lemma form. A frame "PRED + ARG" fires when one of
the `|`-separated PRED entries and one of the ARG entries stand in the same clause.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ConfigError

MAX_WORDS = 4
LIST_KEYS = ("pronouns", "female_pronouns", "person_nouns", "resister_nouns", "other_nouns", "relatives", "group_words", "relevance",
             "other_requests", "knowing", "order_words", "source_words")  # other_requests: what else one applies for (a visa, a permit, one's discharge);
# knowing: verbs of knowing, whose negation leaves what is known standing ("does not know the fate of his appeal");
# order_words: an order, which a bare refusal after it answers; source_words: an attribution ("according to")
# repeat: "again", "twice" (a new happening); intention: "decided to" (what one means to do is not done yet; what an
# authority decides is its decision, so it bears only on what the person does himself)
MODALITY = ("negation", "hypothetical", "future", "repeat", "intention")


@dataclass
class Lexicon:
    language: str
    triggers: dict[str, list[str]] = field(default_factory=dict)  # event type -> entries
    frames: dict[str, list[tuple[list[str], list[str]]]] = field(default_factory=dict)
    attributes: dict[tuple[str, str, str], list[str]] = field(default_factory=dict)  # (type, attr, value) -> entries
    modality: dict[str, list[str]] = field(default_factory=dict)
    words: dict[str, list[str]] = field(default_factory=dict)  # LIST_KEYS -> entries
    ranks: dict[str, list[str]] = field(default_factory=dict)

    def entries(self):
        """Every (where, entry) pair, for checks."""
        for etype, items in self.triggers.items():
            yield from ((f"events.{etype}.lemmas", e) for e in items)
        for etype, frames in self.frames.items():
            for pred, arg in frames:
                yield from ((f"events.{etype}.frames", e) for e in pred + arg)
        for (t, a, v), items in self.attributes.items():
            yield from ((f"attributes.{t}.{a}.{v}", e) for e in items)
        for key, items in self.modality.items():
            yield from ((f"modality.{key}", e) for e in items)
        for key, items in self.words.items():
            yield from ((key, e) for e in items)
        for rank, items in self.ranks.items():
            yield from ((f"ranks.{rank}", e) for e in items)


def _strings(value, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise ConfigError(f"lexicon {where}: expected a list of words")
    for v in value:
        if isinstance(v, bool):  # YAML 1.1 reads on, off, yes, no, y, n unquoted as true/false
            raise ConfigError(f"lexicon {where}: {str(v).lower()} is YAML's boolean; quote the word (\"on\", \"no\")")
    out = []
    for v in value:
        v = str(v).strip()
        if not v:
            continue
        if len(v.split()) > MAX_WORDS:
            raise ConfigError(f"lexicon {where}: {v!r} is longer than a phrase ({MAX_WORDS} words at most)")
        out.append(v)
    return out


def _alternatives(side: str, where: str) -> list[str]:
    return _strings([a for a in side.split("|")], where)


def load_lexicon(path: Path, event_types) -> Lexicon:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read lexicon {path}: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"lexicon {path}: not a mapping")
    lang = str(raw.get("language") or path.stem)
    lex = Lexicon(lang)
    for etype, spec in (raw.get("events") or {}).items():
        if etype not in event_types:
            raise ConfigError(f"lexicon {path}: unknown event type {etype!r}")
        spec = spec or {}
        lex.triggers[etype] = _strings(spec.get("lemmas"), f"{lang}.{etype}.lemmas")
        frames = []
        for frame in spec.get("frames") or []:
            if not isinstance(frame, str) or frame.count("+") != 1:
                raise ConfigError(f"lexicon {path}: frame {frame!r} of {etype} is not 'PRED + ARG'")
            pred, arg = frame.split("+")
            frames.append((_alternatives(pred, f"{lang}.{etype}.frames"), _alternatives(arg, f"{lang}.{etype}.frames")))
        lex.frames[etype] = frames
    for key, items in (raw.get("attributes") or {}).items():
        parts = str(key).split(".")
        if len(parts) != 3 or parts[0] not in event_types:
            raise ConfigError(f"lexicon {path}: attribute key {key!r} is not '<type>.<attribute>.<value>'")
        lex.attributes[tuple(parts)] = _strings(items, f"{lang}.attributes.{key}")
    for key in MODALITY:
        lex.modality[key] = _strings((raw.get("modality") or {}).get(key), f"{lang}.modality.{key}")
    for key in LIST_KEYS:
        lex.words[key] = _strings(raw.get(key), f"{lang}.{key}")
    for rank, items in (raw.get("ranks") or {}).items():
        lex.ranks[str(rank)] = _strings(items, f"{lang}.ranks.{rank}")
    return lex


def not_lemma_form(lex: Lexicon) -> list[tuple[str, str, str]]:
    """Entries that the language layer does not leave as they are: (where, entry, its lemmas)."""
    from .nlp import analyse

    bad, seen = [], {}
    for where, entry in lex.entries():
        if where.startswith(("pronouns", "female_pronouns", "group_words", "modality")):
            continue  # surface forms are allowed there (all cases of a pronoun, plural subjects, auxiliaries)
        if entry not in seen:
            tokens = [t for t in analyse(entry, lex.language).doc if not t.is_space]
            seen[entry] = (" ".join(t.norm_ for t in tokens), " ".join(t.lower_ for t in tokens))
        lemmas, written = seen[entry]
        if lemmas != written and not _any_reading(written, lex.language):
            bad.append((where, entry, lemmas))
    return bad


def _any_reading(written: str, language: str) -> bool:
    """Whether each word of an entry is one of its own possible lemmas (pymorphy3's other readings count)."""
    from .lemmas import normal_forms

    return all(w in normal_forms(w, language) for w in written.split())
