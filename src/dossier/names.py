"""Person names: cleaning, folding across scripts and spellings, and compatibility of two names.

Folding maps Kuznetsov / Kouznetsov / Kusnezow / Кузнецов to one key: Cyrillic is transliterated,
accents are dropped and the common English, French, German and Italian transliteration habits are
reduced to one spelling.
"""
from __future__ import annotations

import difflib
import re
import unicodedata

_CYR = {"а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i", "й": "i",
        "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f",
        "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "і": "i", "ї": "i", "є": "e", "ґ": "g"}
# Spelling habits folded to one form, applied in order (own table; German/French/Italian renderings of Russian).
_FOLDS = [("sch", "sh"), ("tsch", "ch"), ("tch", "ch"), ("dj", "j"), ("dzh", "j"), ("zh", "sh"), ("kh", "h"), ("ch", "c"),
          ("ts", "c"), ("tz", "c"), ("ou", "u"), ("w", "v"), ("ph", "f"), ("ks", "x"), ("ck", "k"), ("q", "k"),
          ("yu", "u"), ("iu", "u"), ("ju", "u"), ("ya", "a"), ("ia", "a"), ("ja", "a"), ("ye", "e"), ("ie", "e"), ("je", "e"),
          ("yo", "o"), ("io", "o"), ("gue", "ge"), ("ue", "e"), ("y", "i"), ("j", "i"), ("ii", "i"),
          ("z", "s"), ("c", "s")]  # German z = ts and s = z: sibilants are folded together
_TITLES = {"m", "mr", "mrs", "ms", "mme", "mlle", "dr", "herr", "frau", "gen", "lt", "col", "maj", "capt", "sgt", "pvt",
           "monsieur", "madame", "sr", "jr", "gospodin", "г", "гн", "господин"}
_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")


def clean_name(text: str) -> str:
    """The name as written, without possessive endings, surrounding punctuation or title words."""
    text = _POSSESSIVE.sub("", text.strip().strip("«»\"“”'’.,:;()"))
    words = text.split()
    while words and words[0].lower().rstrip(".") in _TITLES:
        words = words[1:]
    return " ".join(words)


def fold_token(token: str) -> str:
    t = "".join(_CYR.get(ch, ch) for ch in token.lower())
    t = unicodedata.normalize("NFKD", t)
    t = "".join(ch for ch in t if not unicodedata.combining(ch) and ch.isalpha())
    for a, b in _FOLDS:
        t = t.replace(a, b)
    t = re.sub(r"(.)\1+", r"\1", t)
    t = re.sub(r"(ev|ov|in)(a|u|e|om|im|ym|oi|oy)$", r"\1", t)  # Russian case endings of surnames
    t = re.sub(r"(i|e)f$", r"\1v", t)
    return re.sub(r"v$", "f", t) if t.endswith(("of", "ov", "ev", "ef")) else t


def fold(name: str) -> list[str]:
    return [f for f in (fold_token(w) for w in re.split(r"[\s-]+", clean_name(name))) if f]


def close(a: str, b: str, threshold: float = 0.84) -> bool:
    return a == b or (min(len(a), len(b)) >= 4 and difflib.SequenceMatcher(None, a, b).ratio() >= threshold)


def compatible(a: list[str], b: list[str]) -> bool:
    """Could two folded names refer to the same person? Surnames must agree; first names must not conflict."""
    if not a or not b:
        return False
    if len(a) == 1 or len(b) == 1:
        single, other = (a, b) if len(a) == 1 else (b, a)
        return any(close(single[0], t) for t in other)
    if close(a[-1], b[-1]):
        return _first_ok(a[0], b[0])
    if close(a[0], b[-1]) and _first_ok(a[-1], b[0]):  # "Surname Name" order
        return True
    return False


def _first_ok(a: str, b: str) -> bool:
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return close(a, b, 0.7)
