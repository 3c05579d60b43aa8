"""Numbers as written in news: digits with separators, number words, multipliers, fractions and round amounts,
per language (a word that is a number in one language is another word in the next: "due", "ten", "sei")."""
from __future__ import annotations

import re
from functools import lru_cache


def _table(spec: str) -> dict[str, float]:
    """'two dwa:2 three:3' -> {'two': 2, 'dwa': 2, 'three': 3}: words before each ':value'."""
    out: dict[str, float] = {}
    words: list[str] = []
    for item in spec.split():
        word, _, value = item.partition(":")
        words.append(word.replace("_", " "))
        if value:
            out.update({w: float(value) for w in words})
            words = []
    return out


# Cardinal words 2..100 with the case forms that count things ("восьми", "pięciu", "трьох").
_WORDS = {
    "en": "two:2 three:3 four:4 five:5 six:6 seven:7 eight:8 nine:9 ten:10 eleven:11 twelve:12 thirteen:13 fifteen:15 "
          "twenty:20 thirty:30 forty:40 fifty:50 hundred a_hundred:100 a_dozen dozen:12",
    "fr": "deux:2 trois:3 quatre:4 cinq:5 six:6 sept:7 huit:8 neuf:9 dix:10 onze:11 douze:12 treize:13 quinze:15 vingt:20 "
          "trente:30 quarante:40 cinquante:50 cent:100",
    "de": "zwei:2 drei:3 vier:4 fünf:5 sechs:6 sieben:7 acht:8 neun:9 zehn:10 elf:11 zwölf:12 fünfzehn:15 zwanzig:20 "
          "dreißig:30 vierzig:40 fünfzig:50 hundert:100",
    "es": "dos:2 tres:3 cuatro:4 cinco:5 seis:6 siete:7 ocho:8 nueve:9 diez:10 once:11 doce:12 quince:15 veinte:20 "
          "treinta:30 cuarenta:40 cincuenta:50 cien:100",
    "it": "due:2 tre:3 quattro:4 cinque:5 sei:6 sette:7 otto:8 nove:9 dieci:10 undici:11 dodici:12 quindici:15 venti:20 "
          "trenta:30 quaranta:40 cinquanta:50 cento:100",
    "pl": "dwa dwie dwóch dwaj:2 trzy trzech:3 cztery czterech:4 pięć pięciu:5 sześć sześciu:6 siedem siedmiu:7 "
          "osiem ośmiu:8 dziewięć dziewięciu:9 dziesięć dziesięciu:10 jedenaście jedenastu:11 dwanaście dwunastu:12 "
          "piętnaście piętnastu:15 dwadzieścia dwudziestu:20 trzydzieści trzydziestu:30 czterdzieści:40 pięćdziesiąt:50",
    "ru": "два две двух двое:2 три трех трёх трое:3 четыре четырех четырёх четверо:4 пять пяти пятеро:5 шесть шести:6 "
          "семь семи:7 восемь восьми:8 девять девяти:9 десять десяти:10 одиннадцать одиннадцати:11 двенадцать "
          "двенадцати:12 пятнадцать пятнадцати:15 двадцать двадцати:20 тридцать тридцати:30 сорок:40 пятьдесят:50 сто:100",
    "uk": "два дві двох двоє:2 три трьох троє:3 чотири чотирьох:4 п'ять п'яти п’ять п’яти:5 шість шести:6 сім семи:7 "
          "вісім восьми:8 дев'ять дев'яти дев’ять дев’яти:9 десять десяти:10 одинадцять:11 дванадцять:12 "
          "п'ятнадцять:15 двадцять двадцяти:20 тридцять:30 сорок:40 п'ятдесят:50 сто:100",
}
# Shares: "a quarter", "две трети", "jedną czwartą" (percent).
_FRACTIONS = {
    "en": "a_third one_third:33.3 a_quarter one_quarter:25 half:50 two_thirds two-thirds:66.7 three_quarters:75",
    "fr": "un_tiers:33.3 un_quart:25 la_moitié:50 deux_tiers:66.7 trois_quarts:75",
    "de": "ein_drittel:33.3 ein_viertel:25 die_hälfte:50 zwei_drittel:66.7 drei_viertel:75",
    "es": "un_tercio:33.3 un_cuarto:25 la_mitad:50 dos_tercios:66.7 tres_cuartos:75",
    "it": "un_terzo:33.3 un_quarto:25 la_metà:50 due_terzi:66.7 tre_quarti:75",
    "pl": "jedną_trzecią jedna_trzecia:33.3 jedną_czwartą jedna_czwarta ćwierć:25 połowa połowę połowy:50 "
          "dwie_trzecie:66.7 trzy_czwarte:75",
    "ru": "треть трети:33.3 четверть четверти:25 половина половину половины:50 две_трети:66.7 три_четверти:75",
    "uk": "третина третину третини:33.3 чверть чверті:25 половина половину половини:50 дві_третини:66.7 три_чверті:75",
}
# Factors of increase: "twice as many", "вдвое больше", "dwukrotnie".
_MULTIPLIERS = {
    "en": "twice twofold doubled:2 threefold tripled:3 fourfold:4 fivefold:5 tenfold:10",
    "fr": "doublé:2 triplé:3",
    "de": "doppelt verdoppelt:2 dreifach verdreifacht:3",
    "es": "el_doble duplicado:2 el_triple triplicado:3",
    "it": "il_doppio raddoppiato:2 il_triplo triplicato:3",
    "pl": "dwukrotnie podwoiła podwoił:2 trzykrotnie:3",
    "ru": "вдвое:2 втрое:3 вчетверо:4",
    "uk": "вдвічі удвічі:2 втричі утричі:3",
}
# Round amounts: "une vingtaine", "una decina" (about).
_ROUND = {
    "fr": "une_dizaine:10 une_quinzaine:15 une_vingtaine:20 une_trentaine:30 une_cinquantaine:50 une_centaine:100",
    "es": "una_decena:10 una_veintena:20 una_treintena:30 un_centenar:100",
    "it": "una_decina:10 una_ventina:20 una_trentina:30 un_centinaio:100",
    "en": "dozens:24",
    "ru": "десяток:10",
}
_SCALE = {"thousand": 1e3, "thousands": 1e3, "mille": 1e3, "mila": 1e3, "mil": 1e3, "tausend": 1e3, "tys.": 1e3,
          "tysiąc": 1e3, "tysiące": 1e3, "tysięcy": 1e3, "тыс.": 1e3, "тысяча": 1e3, "тысячи": 1e3, "тысяч": 1e3,
          "тис.": 1e3, "тисяча": 1e3, "тисячі": 1e3, "тисяч": 1e3, "million": 1e6, "millions": 1e6, "millionen": 1e6,
          "millón": 1e6, "millones": 1e6, "milione": 1e6, "milioni": 1e6, "milion": 1e6, "miliony": 1e6,
          "milionów": 1e6, "миллион": 1e6, "миллиона": 1e6, "миллионов": 1e6, "мільйон": 1e6, "мільйони": 1e6,
          "мільйонів": 1e6}
_DIGITS = (r"(?<![\d.,])(?P<num>\d{1,3}(?:(?P<sep>[,.\u202f\u00a0 ])\d{3})(?:(?P=sep)\d{3})*(?![\d])(?:[.,]\d+)?"
           r"|\d+(?:[.,]\d+)?)")


@lru_cache(maxsize=32)
def tables(language: str) -> tuple[dict[str, float], dict[str, float], dict[str, float], dict[str, float]]:
    lang = language if language in _WORDS else "en"
    return (_table(_WORDS[lang]), _table(_FRACTIONS.get(lang, "")), _table(_MULTIPLIERS.get(lang, "")),
            _table(_ROUND.get(lang, "")))


def _alternation(words) -> str:
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True)) or "(?!x)x"


@lru_cache(maxsize=32)
def number_pattern(language: str = "en") -> re.Pattern:
    """Numbers of a language: digits (with thousands separators and a scale word: "9 тисяч", "3.100"), a
    multiplier, a fraction, a round amount or a number word."""
    words, fractions, multipliers, rounds = tables(language)
    return re.compile(
        _DIGITS + rf"(?:\s*(?P<scale>{_alternation(_SCALE)})(?!\w))?"
        rf"|(?<!\w)(?P<mult>{_alternation(multipliers)})(?!\w)|(?<!\w)(?P<frac>{_alternation(fractions)})(?!\w)"
        rf"|(?<!\w)(?P<round>{_alternation(rounds)})(?!\w)|(?<!\w)(?P<word>{_alternation(words)})(?!\w)", re.I)


NUMBER = number_pattern("en")
_TOKEN = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")  # a digit the number pattern can take (it reads figures as \d)


@lru_cache(maxsize=32)
def _key_words(language: str) -> frozenset[str] | None:
    """The longest word of every number word or phrase of a language (lower case): a text without any of them holds
    none ("a dozen" needs "dozen": the pattern takes an entry whole, so each of its words is a word of the text).
    None when an entry has no word character (then no word tells)."""
    keys = set()
    for table in tables(language):
        for entry in table:
            words = _TOKEN.findall(entry.lower())
            if not words:
                return None
            keys.add(max(words, key=len))
    return frozenset(keys)


def may_hold_number(text: str, language: str = "en") -> bool:
    """False only where `number_pattern(language)` cannot match: no digit and none of its number words (a cheap
    test before the pattern, which most sentences fail)."""
    keys = _key_words(language)
    return keys is None or _DIGIT.search(text) is not None or not keys.isdisjoint(_TOKEN.findall(text.lower()))


def parse_number(m: re.Match, language: str = "en") -> float | None:
    words, fractions, multipliers, rounds = tables(language)
    for group, table in (("mult", multipliers), ("frac", fractions), ("round", rounds), ("word", words)):
        if m.group(group):
            return table.get(m.group(group).lower().replace("’", "'"), table.get(m.group(group).lower()))
    raw = m.group("num")
    if m.group("sep"):  # "8.400", "6 800", "13,000": thousands; "3.100,5": with decimals
        parts = re.fullmatch(r"(\d{1,3}(?:[,.\u202f\u00a0 ]\d{3})+)(?:[.,](\d+))?", raw)
        value = float(re.sub(r"\D", "", parts.group(1)) + ("." + parts.group(2) if parts.group(2) else ""))
        if m.group("sep") == "." and language == "en" and raw.count(".") == 1:
            value = float(raw)  # English "3.100" is a decimal
    else:
        value = float(raw.replace(",", "."))
    scale = (m.group("scale") or "").lower()
    if scale:
        value *= _SCALE.get(scale, 1)
    return value


_EN_WORDS = tables("en")[0]


_OFFSET = re.compile(r"\s+(?:after|later|ago|before|earlier|après|plus tard|avant|auparavant|plus tôt|назад|спустя|позже|"
                     r"после|раньше)\b", re.I)


def years(text: str) -> float | None:
    """A duration in years: "six and a half years", "6,5 ans", "six mois", "шесть лет"."""
    words = {**_EN_WORDS, **tables("fr")[0], **tables("ru")[0], "one": 1, "un": 1, "une": 1, "один": 1, "год": 1}
    alternation = _alternation(words)
    # the first amount that is not a time between two happenings ("four months after Kazakhstan sent him back")
    m = next((m for m in re.finditer(
        rf"(\d+(?:[.,]\d+)?|{alternation})(\s+and a half|\s+et demi)?\s+(years?|ans|années|лет|года?|months?|mois|месяц\w*)",
        text, re.I) if not _OFFSET.match(text, m.end())), None)
    if not m:
        return None
    n = m.group(1).lower()
    value = float(n.replace(",", ".")) if n[0].isdigit() else float(words.get(n, 0))
    if m.group(2):
        value += 0.5
    if m.group(3).lower().startswith(("month", "mois", "месяц")):
        value = round(value / 12, 2)
    return value or None
