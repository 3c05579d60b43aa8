"""Lemmas for languages whose pipeline has no lemmatizer: pymorphy3 for Ukrainian, simplemma for the others.

Romance participles that a lemma table keeps as adjectives ("detenido", "arrestata", "expulsé") are covered the
other way round: `participles` makes the regular participle forms of an infinitive, and the trigger matcher accepts
them wherever the lexicon names the verb.
"""
from __future__ import annotations

import re

from functools import lru_cache

# infinitive ending -> stem ending of the regular past participle, and the participle's gender/number endings
_PARTICIPLE = {
    "es": ({"ar": "ad", "er": "id", "ir": "id"}, ("o", "a", "os", "as")),
    "pt": ({"ar": "ad", "er": "id", "ir": "id"}, ("o", "a", "os", "as")),
    "it": ({"are": "at", "ere": "ut", "ire": "it"}, ("o", "a", "i", "e")),
    "fr": ({"er": "é", "ir": "i", "ettre": "is"}, ("", "e", "s", "es")),  # remettre: remis, remise, remises
}


@lru_cache(maxsize=8)
def _morph(language: str):
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=language)


@lru_cache(maxsize=200_000)
def lemma(word: str, language: str) -> str:
    """The lower-case lemma of one word in a language without a trained lemmatizer."""
    lower = word.lower().replace("’", "'").replace("ʼ", "'")
    if not any(ch.isalpha() for ch in lower):
        return lower
    import simplemma

    if language == "uk":
        # the Ukrainian dictionary scores every reading alike, so its first is as good as any: where simplemma's lemma
        # is one of its readings, that one ("заставу": застава, not the genitive plural's "застав")
        forms = [p.normal_form for p in _morph("uk").parse(lower)]
        voted = simplemma.lemmatize(lower, lang="uk").lower()
        return voted if voted in forms else forms[0]

    try:  # as written: German nouns keep their capital ("Grenze", not the verb "grenzen")
        out = simplemma.lemmatize(word.replace("’", "'").replace("ʼ", "'"), lang=language)
        for _ in range(2):  # its tables chain some forms ("zatrzymana" -> "zatrzymany" -> "zatrzymać")
            nxt = simplemma.lemmatize(out, lang=language)
            if nxt == out:
                break
            out = nxt
    except ValueError:  # simplemma has no data for this language
        return lower
    out = out.lower()
    if language == "de" and word[:1].islower():  # not a noun ("Abgeordneten")
        return _separable_participle(out) or out
    return out


# German separable verb particles: "lehnte den Antrag ab" is "ablehnen", "nahm ihn fest" is "festnehmen"
PARTICLES = frozenset({"ab", "an", "auf", "aus", "bei", "ein", "fern", "fest", "fort", "frei", "heim", "hoch", "los", "mit",
                       "nach", "statt", "teil", "um", "vor", "weg", "weiter", "zu", "zurück", "zusammen", "hinaus",
                       "heraus", "herein", "hinein", "hinzu", "vorbei", "wieder", "dar", "her", "hin", "durch",
                       "entgegen", "fehl"})
# a particle, then a participle (which ends in -t or -en): "ferngeblieben", "umgebracht"
_PARTICLE_GE = re.compile(rf"({'|'.join(sorted(PARTICLES, key=len, reverse=True))})(ge\w{{2,}}(?:t|en))")


def _separable_participle(lower: str) -> str | None:
    """The infinitive of a German separable verb's participle the tables lack ("ferngeblieben": the particle, then
    the participle of "bleiben"), when the joined verb is a known word."""
    import simplemma

    m = _PARTICLE_GE.fullmatch(lower)
    if m is None:
        return None
    inner = simplemma.lemmatize(m.group(2), lang="de").lower()
    joined = m.group(1) + inner
    verb = inner != m.group(2) and inner.endswith("n")  # an infinitive, not an adjective ("zu" + "geschickt")
    return joined if verb and simplemma.is_known(joined, lang="de") else None


def normal_forms(word: str, language: str) -> set[str]:
    """Every lemma a word can have out of context (a lexicon entry may be any of them: Ukrainian "мати" is
    'mother' as well as 'to have')."""
    lower = word.lower().replace("’", "'").replace("ʼ", "'")
    if language in ("uk", "ru"):
        return {p.normal_form.replace("ё", "е") for p in _morph(language).parse(lower)} | {lemma(word, language)}
    return {lemma(word, language)}


def participles(word: str, language: str) -> list[str]:
    """The regular past participles of an infinitive: 'detener' -> detenido, detenida, detenidos, detenidas."""
    table = _PARTICIPLE.get(language)
    if not table or " " in word:
        return []
    stems, endings = table
    for inf, stem in sorted(stems.items(), key=lambda kv: -len(kv[0])):
        if word.endswith(inf) and len(word) > len(inf) + 2:
            base = word[: -len(inf)] + stem
            return [base + e for e in endings if not (e == "s" and base.endswith("s"))]  # "remis" is its own plural
    return []
