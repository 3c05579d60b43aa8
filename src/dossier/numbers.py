"""Numbers as written in news: digits with separators, number words, multipliers and fractions."""
from __future__ import annotations

import re

_WORDS = {
    # en
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100,
    "dozens": 24, "a dozen": 12,
    # fr
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "sept": 7, "huit": 8, "neuf": 9, "dix": 10,
    "onze": 11, "douze": 12, "quinze": 15, "vingt": 20, "trente": 30, "cent": 100,
    # ru
    "один": 1, "одного": 1, "два": 2, "двух": 2, "три": 3, "трех": 3, "трёх": 3, "четыре": 4, "пять": 5, "шесть": 6,
    "семь": 7, "восемь": 8, "девять": 9, "десять": 10, "десяти": 10, "пятнадцать": 15, "двадцать": 20, "сто": 100,
}
_SCALE = {"thousand": 1e3, "million": 1e6, "millions": 1e6, "mille": 1e3, "тысяч": 1e3, "тыс.": 1e3, "тысячи": 1e3,
          "миллион": 1e6, "миллиона": 1e6}
_MULT = {"twofold": 2, "threefold": 3, "fourfold": 4, "fivefold": 5, "sixfold": 6, "sevenfold": 7, "tenfold": 10,
         "doubled": 2, "tripled": 3}
_FRACTIONS = {"a third": 33.3, "a quarter": 25, "half": 50, "two thirds": 66.7, "un tiers": 33.3, "la moitié": 50,
              "треть": 33.3, "половина": 50, "четверть": 25}
WORD_PATTERN = "|".join(sorted((re.escape(w) for w in _WORDS), key=len, reverse=True))
NUMBER = re.compile(
    r"(?P<num>\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)(?:\s*(?P<scale>thousand|million|mille|тыс\.|тысяч\w*|миллион\w*))?"
    rf"|(?P<mult>{'|'.join(_MULT)})|(?P<frac>{'|'.join(_FRACTIONS)})|\b(?P<word>{WORD_PATTERN})\b", re.I)


def parse_number(m: re.Match) -> float | None:
    if m.group("mult"):
        return float(_MULT[m.group("mult").lower()])
    if m.group("frac"):
        return float(_FRACTIONS[m.group("frac").lower()])
    if m.group("word"):
        return float(_WORDS[m.group("word").lower()])
    raw = m.group("num")
    if re.fullmatch(r"\d{1,3}(?:[,\u202f\u00a0 ]\d{3})+(?:\.\d+)?", raw):
        value = float(re.sub(r"[,\u202f\u00a0 ]", "", raw))
    else:
        value = float(raw.replace(",", "."))
    scale = (m.group("scale") or "").lower()
    for k, v in _SCALE.items():
        if scale.startswith(k.rstrip(".")):
            value *= v
            break
    return value


def years(text: str) -> float | None:
    """A duration in years: "six and a half years", "6,5 ans", "six mois", "шесть лет"."""
    m = re.search(rf"(\d+(?:[.,]\d+)?|{WORD_PATTERN})(\s+and a half|\s+et demi)?\s+(years?|ans|années|лет|года?|months?|mois|месяц\w*)",
                  text, re.I)
    if not m:
        return None
    n = m.group(1).lower()
    value = float(n.replace(",", ".")) if n[0].isdigit() else float(_WORDS.get(n, 0))
    if m.group(2):
        value += 0.5
    if m.group(3).lower().startswith(("month", "mois", "месяц")):
        value = round(value / 12, 2)
    return value or None
