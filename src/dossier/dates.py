"""Date expressions in a sentence, resolved against the article's publication date.

Precision is never invented: "in March 2023" gives 2023-03, "in 2022" gives 2022, "last year" gives
the year before publication, and a month without a year takes the year of the reference date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

_LOCALES = ("en", "fr", "ru", "de", "es", "it", "uk", "pl", "pt")


def _month_names() -> dict[str, int]:
    """Month names and abbreviations in the supported languages, every case form Babel knows."""
    from babel import Locale

    names: dict[str, int] = {}
    for loc in _LOCALES:
        months = Locale.parse(loc).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for number, name in months.get(context, {}).get(width, {}).items():
                    name = name.lower().rstrip(".")
                    if len(name) >= 3:
                        names.setdefault(name, number)
    for loc in ("ru", "uk"):  # Slavic months inflect: "в октябре", "у жовтні" are not in Babel's tables
        for number, name in Locale.parse(loc).months["format"]["wide"].items():
            stem = name[:-1] if name[-1] in "яаю" else name
            for ending in ("е", "ь", "", "і", "ю"):
                names.setdefault(stem + ending, number)
    for extra, number in (("sept", 9), ("sept.", 9), ("févr", 2), ("janv", 1), ("juil", 7), ("мае", 5), ("мая", 5), ("май", 5)):
        names.setdefault(extra, number)
    return names


_NAMES = _month_names()


def _wide_month_names() -> set[str]:
    from babel import Locale

    return {name.lower() for loc in _LOCALES for context in ("format", "stand-alone")
            for name in Locale.parse(loc).months.get(context, {}).get("wide", {}).values()}


_WIDE = _wide_month_names() - {"march", "may"}
# Any word in the month slot; _value() keeps only real month names (one dictionary lookup instead of an
# alternation of hundreds of names, which made date search the slowest part of extraction).
_MONTH_WORD = r"(?P<month>[^\W\d_]{3,12}\.?)(?!\w)"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
# Seasons and parts of a year before a year: "in the autumn of 2022", "весной 2023 года", "Anfang 2024"
_PART_OF_YEAR = ("spring summer autumn fall winter printemps été automne hiver весной летом осенью зимой весна лето осень зима "
                 "весни лета осени зимы навесні влітку восени взимку весни літа осені зими frühjahr frühling sommer herbst "
                 "winter primavera verano otoño invierno estate autunno inverno wiosną latem jesienią zimą wiosny lata jesieni "
                 "zimy начале конце середине начала конца середины початку кінці середині anfang ende mitte początku końcu "
                 "połowie fin début inizio fine principios finales mediados").split()
_PATTERNS = [
    re.compile(rf"\b(?P<day>[0-3]?\d)(?:er|st|nd|rd|th)?\.?\s+(?:de\s+)?{_MONTH_WORD}\s+(?:de\s+|del\s+)?{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH_WORD}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_MONTH_WORD}\s+(?:of\s+|de\s+|del\s+|d.)?{_YEAR}\b", re.I),
    re.compile(rf"\b(?P<day>[0-3]?\d)(?:er|\.)?\s+(?:de\s+)?{_MONTH_WORD}(?!\s*\d)", re.I),
    re.compile(rf"\b{_MONTH_WORD}\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?\b(?!,?\s*\d{{4}})", re.I),
    re.compile(r"\b(?:in|since|from|by|early|late|mid-?|of|during|en|depuis|dès|fin|début|de l.année|année|в|с|до|к|im|seit|nel|desde|del|"
               + "|".join(_PART_OF_YEAR) + r")\s+(?:the\s+|of\s+|de\s+|del\s+|di\s+|dell.|l.)?" + _YEAR + r"\b", re.I),
    re.compile(r"\b(?:in|since|en|depuis|в|во|у|с|з|im|seit|a|ad|de|w|we|od|nel|nell.|à|au|dal|desde|in)\s+" + _MONTH_WORD
               + r"(?!\s*[0-3]?\d)", re.I),
    re.compile(r"\b(?P<rel>last year|the previous year|a year earlier|l.année (?:dernière|passée|précédente)|в прошлом году|"
               r"в минувшем году|летом прошлого года|минулого року|this year|cette année|в этом году|в текущем году|цього року|"
               r"letztes Jahr|dieses Jahr|el año pasado|l.anno scorso)\b", re.I),
]
# what each pattern cannot match without: a month name, a year in figures, a day in figures (every pattern with a
# day group requires it)
_NEEDS = [(p, "(?P<month>" in p.pattern, "(?P<year>" in p.pattern, "(?P<day>" in p.pattern) for p in _PATTERNS]
# A word every relative year of the last pattern holds: where none is in a sentence, the pattern is not run
_RELATIVE_YEAR_ANCHORS = ("year", "année", "году", "года", "року", "jahr", "año", "anno")
# A month named as the last one before the report ("septembre dernier", "last September", "im vergangenen
# September") or as one of the year before it ("в мае прошлого года", "w maju ubiegłego roku", "in May last year"):
# resolved against the publication date, never against the year the story told last.
_LAST_WORDS = r"(?:last|dernier|passé|pasado|scorso|passato|vergangenen|letzten|ubiegłym|zeszłym)"
_LAST_YEAR = (r"(?:of\s+)?last\s+year|de\s+l.année\s+(?:dernière|passée|précédente)|del\s+año\s+pasado|"
              r"dell.anno\s+(?:scorso|passato)|(?:des\s+)?(?:letzten|vergangenen|Vorjahres|Vorjahrs)(?:\s+Jahres)?|"
              r"(?:ubiegłego|zeszłego|poprzedniego)\s+roku|(?:прошлого|минувшего|позапрошлого)\s+года|минулого\s+року")
_LAST_MONTH = re.compile(
    rf"\b(?:{_MONTH_WORD.replace('month', 'ymonth')}\s+(?P<lastyear>{_LAST_YEAR})(?!\w)|"
    rf"(?:in\s+|im\s+|this\s+past\s+)?{_LAST_WORDS}\s+{_MONTH_WORD}|{_MONTH_WORD.replace('month', 'pmonth')}\s+{_LAST_WORDS}\b)", re.I)


def _last_month(m: re.Match, reference: str) -> str | None:
    """The value of a month named as last ("septembre dernier" told in April 2025: 2024-09) or as one of last year."""
    number = _month(m.group("month") or m.group("pmonth") or m.group("ymonth"))
    if number is None or not reference[:4].isdigit():
        return None
    year = int(reference[:4]) - 1
    if not m.group("lastyear") and len(reference) >= 7 and number < int(reference[5:7]):
        year += 1  # the last September before an April report is the year before; before a November one, this year's
    return f"{year:04d}-{number:02d}"


# A month name standing alone ("Anfang Juni", "в конце июня", "a fines de junio"): full names only (abbreviations
# are words: "mar", "ago"), and not the English verbs.
_BARE_MONTH = re.compile(r"(?<![\w-])(?P<month>[^\W\d_]{4,12})(?![\w-])")


def _weekday_names() -> dict[str, int]:
    """Weekday names in every supported language (Babel), with the accusative forms of Slavic languages
    ("в среду", "у п'ятницю", "w środę")."""
    from babel import Locale

    names: dict[str, int] = {}
    for loc in _LOCALES:
        for context in ("format", "stand-alone"):
            for number, name in Locale.parse(loc).days.get(context, {}).get("wide", {}).items():
                name = name.lower()
                names.setdefault(name, number)
                if loc in ("ru", "uk", "pl") and name[-1] in "аяa":
                    names.setdefault(name[:-1] + {"а": "у", "я": "ю", "a": "ę"}[name[-1]], number)
    return names


_WEEKDAYS = _weekday_names()
_WEEKDAY = re.compile(r"(?<!\w)(?P<weekday>" + "|".join(sorted(map(re.escape, _WEEKDAYS), key=len, reverse=True)) + r")(?!\w)",
                      re.I)
_WORD = re.compile(r"[^\W\d_]+")
# the first word of each weekday name ("segunda" of "segunda-feira"): where the name stands, this word is one of the
# sentence's words, so a sentence without any of them is not searched
_WEEKDAY_HEADS = frozenset(_WORD.match(name).group() for name in _WEEKDAYS)
_DIGIT = re.compile(r"\d")


_YEAR_DIGITS = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@lru_cache(maxsize=64)
def _lower_words(text: str) -> tuple[str, frozenset[str]]:
    """A sentence in lower case and its words: asked by the date search and by the relative dates of each sentence."""
    lower = text.lower()
    return lower, frozenset(_WORD.findall(lower))


class _Signals(NamedTuple):
    month: bool  # a month name
    year: bool  # a year in figures
    maybe: bool  # any date at all may be there
    digit: bool
    near: bool  # a word a near day needs ("yesterday", "last week")
    weekday: bool  # a weekday's name somewhere in the text


def _signals(text: str) -> _Signals:
    """A cheap reading before the patterns: what the text holds that dates are made of. Patterns that need what
    is not there are not run: most sentences have no date, and most of the rest have no month name or no year."""
    lower, words = _lower_words(text)
    month = not _NAMES.keys().isdisjoint(words) or any(_inflected_month(w) for w in words if w[:2] in _MONTH_HEADS)
    digit = _DIGIT.search(text) is not None
    year = digit and _YEAR_DIGITS.search(text) is not None
    near = not _NEAR_WORDS.isdisjoint(words)
    weekday = not _WEEKDAY_HEADS.isdisjoint(words)
    # the patterns of near days and relative years only where a word they need is there (most sentences)
    maybe = month or digit or not _WEEKDAYS.keys().isdisjoint(words) \
        or (near and _NEAR_PAST.search(text) is not None) \
        or (any(a in lower for a in _RELATIVE_YEAR_ANCHORS) and _PATTERNS[-1].search(text) is not None)
    return _Signals(month, year, maybe, digit, near, weekday)



_LAST = re.compile(r"last|dernière|passée|précédente|previous|earlier|прошл|минувш|минул|letzt|pasado|scorso", re.I)


@dataclass
class DateMention:
    start: int
    end: int
    value: str | None  # ISO, truncated to the precision stated; None when no year can be inferred
    explicit_year: bool = False  # the year is written ("March 2023"), not inferred ("in March")
    offset: tuple[int, str] | None = None  # "two days later": (2, "day") after the date told before
    vague: bool = False  # "a few days later": an amount not stated, the value holds no more than the month
    inherited: bool = False  # the date of the clause another clause depends on ("left in May after refusing")


# "two days later", "через два дня", "zwei Tage später", "un mese più tardi": an amount of time after the date
# told before. Units and number words per language; the amount may also be written in digits.
_UNITS = {"day": "day days jour jours день дня дней сутки tag tage tagen día días giorno giorni dzień dni день дні днів",
          "week": "week weeks semaine semaines неделю недели недель woche wochen semana semanas settimana settimane "
                  "tydzień tygodnie tygodni тиждень тижні тижнів",
          "month": "month months mois месяц месяца месяцев monat monate monaten mes meses mese mesi miesiąc miesiące "
                   "miesięcy місяць місяці місяців",
          "year": "year years an ans année années год года лет jahr jahre jahren año años anno anni rok lata lat рік роки років"}
_NUMBERS = {1: "a an one un une один одну один ein eine einen uno una un' jeden jedną один одну",
            2: "two deux два две zwei dos due dwa dwie два дві", 3: "three trois три drei tres tre trzy три",
            4: "four quatre четыре vier cuatro quattro cztery чотири", 5: "five cinq пять fünf cinco cinque pięć п'ять",
            6: "six шесть sechs seis sei sześć шість", 7: "seven sept семь sieben siete sette siedem сім",
            10: "ten dix десять zehn diez dieci dziesięć десять"}
# amounts not stated ("a few days later", "kilka dni później"): days and weeks only, the month is then known
_SEVERAL = ("several few couple plusieurs quelques несколько нескольких пару einige paar wenige varios varias unos unas "
            "pocos pocas alcuni alcune qualche pochi kilka kilku parę кілька декілька кількох").split()
_LATER = ("later|after|afterwards|plus tard|après|später|danach|más tarde|después|più tardi|dopo|później|спустя|через|позже|"
          "пізніше|потому").split("|")
_EARLIER = "earlier|before|plus tôt|auparavant|früher|zuvor|antes|prima|wcześniej|раньше|ранее|назад|тому|раніше".split("|")
UNIT_OF = {w: unit for unit, words in _UNITS.items() for w in words.split()}
# the units as "the following month" and "the next day" inflect them, beside those of the amounts
_UNIT_WORDS = frozenset(UNIT_OF) | {"месяце", "году", "місяця", "року", "miesiącu", "roku", "dnia"}
_NUMBER_OF = {w: n for n, words in _NUMBERS.items() for w in words.split()}
_RELATIVE = re.compile(
    r"(?<!\w)(?:(?P<pre>спустя|через)\s+)?(?:(?P<art>a|an|ein|un|une)\s+)?(?P<num>\d{1,2}|"
    + "|".join(sorted(map(re.escape, list(_NUMBER_OF) + _SEVERAL), key=len, reverse=True))
    + r")?\s*(?P<unit>" + "|".join(sorted(map(re.escape, UNIT_OF), key=len, reverse=True)) + r")(?:\s+(?P<post>"
    + "|".join(sorted(map(re.escape, _LATER + _EARLIER), key=len, reverse=True)) + r"))?(?!\w)", re.I)
# "the following month", "le mois suivant", "il mese successivo": one unit after the date told before
_NEXT_UNIT = re.compile(r"(?<!\w)(?:the (?:following|next) (?P<en>month|year)|(?P<fr>le mois|l'année|l’année) suivante?|"
                        r"(?P<it>il mese|l'anno|l’anno) successivo|(?P<es>al mes|al año) siguiente|"
                        r"im (?P<de>folgenden Monat|folgenden Jahr|nächsten Monat|nächsten Jahr)|"
                        r"w (?P<pl>następnym miesiącu|następnym roku|kolejnym miesiącu|kolejnym roku)|"
                        r"в (?P<ru>следующем месяце|следующем году)|(?P<uk>наступного місяця|наступного року))(?!\w)", re.I)
_NEXT_DAY = re.compile(r"(?<!\w)(?:the next day|the following day|le lendemain|на следующий день|наступного дня|"
                       r"am nächsten tag|al día siguiente|il giorno dopo|następnego dnia)(?!\w)", re.I)

# the first word of each word that turns an amount into a date ("спустя", "plus tard"): an amount without one is
# not taken, so a sentence without any is not searched for amounts
_TURN_HEADS = frozenset(_WORD.match(w).group() for w in _LATER + _EARLIER + ["спустя", "через"])


def relative_offsets(text: str, offset: int = 0) -> list[DateMention]:
    """Amounts of time after the date told before ("two days later"): value None, `offset` set."""
    out = []
    lower, words = _lower_words(text)
    if _UNIT_WORDS.isdisjoint(words) and "lendemain" not in lower:
        return out  # no unit of time named: nothing to find (most sentences), without running the patterns
    for m in _RELATIVE.finditer(text) if not _TURN_HEADS.isdisjoint(words) else ():
        if not (m.group("pre") or m.group("post")) or not (m.group("num") or m.group("art") or m.group("pre")):
            continue
        num = m.group("num")
        vague = (num or "").lower() in _SEVERAL
        unit = UNIT_OF[m.group("unit").lower()]
        if vague and unit not in ("day", "week"):
            continue  # "a few months later": not even the month is known
        n = int(num) if num and num.isdigit() else 3 if vague else _NUMBER_OF.get((num or "").lower(), 1)
        if (m.group("post") or "").lower() in _EARLIER:
            n = -n  # "seven months earlier", "два года назад"
        out.append(DateMention(m.start() + offset, m.end() + offset, None, False, (n, unit), vague))
    for m in _NEXT_UNIT.finditer(text):
        words = m.group(0).lower()
        unit = "year" if any(w in words for w in ("year", "ann", "año", "jahr", "roku", "году", "року")) else "month"
        out.append(DateMention(m.start() + offset, m.end() + offset, None, False, (1, unit)))
    for m in _NEXT_DAY.finditer(text):
        out.append(DateMention(m.start() + offset, m.end() + offset, None, False, (1, "day")))
    return out


def shift(value: str, amount: int, unit: str) -> str:
    """A date moved by an amount of time, at the precision of the unit and of the date."""
    from datetime import date, timedelta

    parts = [int(x) for x in value.split("-")]
    if unit == "year":
        return "-".join([f"{parts[0] + amount:04d}"] + [f"{p:02d}" for p in parts[1:2]])
    if len(parts) == 1:
        return value
    if unit == "month" or len(parts) == 2:
        months = parts[0] * 12 + parts[1] - 1 + (amount if unit == "month" else 0)
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    days = amount * (7 if unit == "week" else 1)
    return (date(parts[0], parts[1], parts[2]) + timedelta(days=days)).isoformat()


def _month(word: str) -> int | None:
    word = word.lower().rstrip(".")
    return _NAMES.get(word) or _inflected_month(word)


# The first letters of the month names of the Slavic languages whose forms inflect: a word that starts
# otherwise is no month, and the lemma tables (seconds to load) are not opened for it ("in Almaty").
_SLAVIC_MONTH_START = tuple("styczni styczeń kwietni kwiecień czerwc czerwiec sierpni sierpień wrześni wrzesień "
                            "październik listopad grudni grudzień".split())
_SLAVIC_MONTH_FORMS = frozenset("luty lutego lutym marca marcu marzec maja maju lipca lipcu lipiec".split())
_CYRILLIC_MONTH_START = tuple("январ феврал март апрел мая мае май июн июл август сентябр октябр ноябр декабр січн лют "
                              "березн квітн травн червн липн серпн вересн жовтн листопад грудн".split())


# the first two letters of every word `_inflected_month` may read as a month: the others are not asked
_MONTH_HEADS = frozenset(w[:2] for w in _SLAVIC_MONTH_START + _CYRILLIC_MONTH_START + tuple(_SLAVIC_MONTH_FORMS))


@lru_cache(maxsize=4096)
def _inflected_month(word: str) -> int | None:
    """An inflected month name ("w marcu", "у березні") through the lemma tables of the Slavic languages."""
    if len(word) < 4:
        return None
    cyrillic = "\u0400" <= word[0] <= "\u04ff"
    if not (word.startswith(_CYRILLIC_MONTH_START) if cyrillic
            else word in _SLAVIC_MONTH_FORMS or word.startswith(_SLAVIC_MONTH_START)):
        return None
    import simplemma

    for lang in (("uk", "ru") if cyrillic else ("pl",)):
        number = _NAMES.get(simplemma.lemmatize(word, lang=lang).lower())
        if number:
            return number
    return None


def find_dates(text: str, reference: str | None = None, offset: int = 0, unresolved: bool = False,
               story_year: str | None = None, after: str | None = None) -> list[DateMention]:
    """Date mentions in text; `reference` (the publication date, ISO) resolves weekdays, "yesterday", "last week"
    and relative years; a month without a year takes `story_year` (the year the story told last) or the
    reference's year; told after the date `after` (a story told in order) it is the first such month from
    then; it never falls after the reference. With `unresolved`, mentions whose year cannot be inferred are
    returned too, with value None."""
    signals = _signals(text)
    has_month, has_year, maybe, has_digit = signals.month, signals.year, signals.maybe, signals.digit
    if not maybe:
        return []  # no digit, month name, weekday or relative year: nothing to find (most sentences)
    pub_year = int(reference[:4]) if reference and reference[:4].isdigit() else None
    ref_year = int(story_year[:4]) if story_year and story_year[:4].isdigit() else pub_year
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    yearless: dict[int, re.Match] = {}  # mentions whose year was inferred, with their match
    for m in _NUMERIC.finditer(text) if has_digit else ():  # "12.05.2024", "2024-05-12", "12/05/2024": before the year patterns take 2024
        value = _numeric_value(m)
        if value:
            found.append(DateMention(m.start() + offset, m.end() + offset, value, True))
            taken.append((m.start(), m.end()))
    pos = 0
    while reference and has_month and (m := _LAST_MONTH.search(text, pos)):
        value = _last_month(m, reference)
        if value:
            found.append(DateMention(m.start() + offset, m.end() + offset, value, True))
            taken.append((m.start(), m.end()))
        pos = m.end() if value else m.start() + 1  # "and last March": the word before is no month
    for pattern, needs_month, needs_year, needs_day in _NEEDS:
        if (needs_month and not has_month) or (needs_year and not has_year) or (needs_day and not has_digit):
            continue
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            explicit = bool(m.groupdict().get("year"))
            value = _value(m, pub_year if m.groupdict().get("rel") else ref_year)
            if value and not explicit and not m.groupdict().get("rel") and not _SAME_YEAR.match(text, m.end()):
                value = _onwards(value, after)  # "in July of that year" keeps the year named before
            if value and not explicit and reference and len(reference) >= 7 and value > reference[:len(value)]:
                value = f"{int(value[:4]) - 1:04d}{value[4:]}"  # "in June" told in February: last year's June
            if value or (unresolved and value is None and _is_date_like(m)):
                found.append(DateMention(m.start() + offset, m.end() + offset, value, explicit))
                taken.append((m.start(), m.end()))
                if not explicit and not m.groupdict().get("rel"):
                    yearless[id(found[-1])] = m
    for m in _BARE_MONTH.finditer(text) if has_month else ():
        word = m.group("month").lower()
        if any(m.start() < e and s < m.end() for s, e in taken) or not (word in _WIDE or _inflected_month(word)) \
                or (word in ("march", "may") and not m.group("month")[0].isupper()) or word == "may":
            continue
        value = _value(m, ref_year) if _SAME_YEAR.match(text, m.end()) else _onwards(_value(m, ref_year), after)
        if value and reference and len(reference) >= 7 and value > reference[:len(value)]:
            value = f"{int(value[:4]) - 1:04d}{value[4:]}"
        if value:
            found.append(DateMention(m.start() + offset, m.end() + offset, value, False))
            taken.append((m.start(), m.end()))
            yearless[id(found[-1])] = m
    # a month without a year after a date with one in the same text takes the year told there ("in April 2023 he
    # shot himself in the hand and in July he fled": July 2023), as a story told in order does across sentences
    named = None
    for d in sorted(found, key=lambda d: d.start):
        if d.explicit_year and d.value:
            named = d.value
        elif named and id(d) in yearless:
            m = yearless[id(d)]
            value = _value(m, int(named[:4]))
            if value and not _SAME_YEAR.match(text, m.end()):
                value = _onwards(value, named)
            if value and reference and len(reference) >= 7 and value > reference[:len(value)]:
                value = f"{int(value[:4]) - 1:04d}{value[4:]}"
            d.value = value or d.value
    if reference and len(reference) == 10:  # "on Monday": the last such day up to the publication date
        from datetime import date, timedelta

        ref = date.fromisoformat(reference)
        for m in _NEAR_PAST.finditer(text) if signals.near else ():
            if not any(m.start() < e and s < m.end() for s, e in taken):
                days, precision = next(v for k, v in _NEAR_PAST_OF.items() if m.group(0).lower().startswith(k))
                day = (ref - timedelta(days=days)).isoformat()
                found.append(DateMention(m.start() + offset, m.end() + offset, day[:precision]))
                taken.append((m.start(), m.end()))
        for m in _WEEKDAY.finditer(text) if signals.weekday else ():
            if not any(m.start() < e and s < m.end() for s, e in taken):
                back = (ref.weekday() - _WEEKDAYS[m.group("weekday").lower()]) % 7
                found.append(DateMention(m.start() + offset, m.end() + offset, (ref - timedelta(days=back)).isoformat()))
    return sorted(found, key=lambda d: d.start)


# Dates written in figures: ISO, and day.month.year or day/month/year as most of the languages write them
_NUMERIC = re.compile(r"(?<![\d.,/-])(?:(?P<iy>\d{4})-(?P<im>\d{1,2})-(?P<id>\d{1,2})|"
                      r"(?P<d>\d{1,2})(?P<sep>[./])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}))(?!\d|[.,/-]\d)")


def _numeric_value(m: re.Match) -> str | None:
    from datetime import date

    if m.group("iy"):
        y, mo, d = int(m.group("iy")), int(m.group("im")), int(m.group("id"))
    else:
        y, mo, d = int(m.group("y")), int(m.group("m")), int(m.group("d"))
        if m.group("sep") == "/" and mo > 12 >= d:
            mo, d = d, mo  # "5/23/2024": only the month-first reading is a date
    if not 1900 <= y <= 2100:
        return None
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


_SAME_YEAR = re.compile(r"\s+(?:of (?:that|the same) year|того же года|того ж року|de ese (?:mismo )?año|del mismo año|"
                        r"de (?:cette année-là|la même année)|dello stesso anno|di quell.anno|desselben Jahres|jenes Jahres|"
                        r"tego (?:samego )?roku)", re.I)


def _onwards(value: str | None, after: str | None) -> str | None:
    """A month told without a year after the date `after`: the first such month from then ("in October 2023 ...
    in June" is June 2024)."""
    if not value or not after or len(value) < 7 or len(after) < 7:
        return value
    year = int(after[:4]) + (value[5:7] < after[5:7])
    return f"{year:04d}{value[4:]}"


# The days just before the publication: (days back, precision of the value: 10 a day, 7 a month)
_NEAR_PAST_OF = {
    "yesterday": (1, 10), "hier": (1, 10), "gestern": (1, 10), "ayer": (1, 10), "ieri": (1, 10), "wczoraj": (1, 10),
    "last week": (7, 7), "la semaine dernière": (7, 7), "la semaine passée": (7, 7), "letzte woche": (7, 7),
    "vergangene woche": (7, 7), "la semana pasada": (7, 7), "la settimana scorsa": (7, 7), "w zeszłym tygodniu": (7, 7),
    "w ubiegłym tygodniu": (7, 7), "на прошлой неделе": (7, 7), "минулого тижня": (7, 7), "this week": (0, 7),
    "cette semaine": (0, 7), "diese woche": (0, 7), "esta semana": (0, 7), "questa settimana": (0, 7),
    "w tym tygodniu": (0, 7), "на этой неделе": (0, 7), "цього тижня": (0, 7), "днями": (3, 7),
    "last month": (31, 7), "le mois dernier": (31, 7), "letzten monat": (31, 7), "el mes pasado": (31, 7),
    "il mese scorso": (31, 7), "w zeszłym miesiącu": (31, 7), "в прошлом месяце": (31, 7), "минулого місяця": (31, 7),
}
# the last word of each (all letters): where the phrase stands, it is one of the sentence's words
_NEAR_WORDS = frozenset(k.split()[-1] for k in _NEAR_PAST_OF)
_NEAR_PAST = re.compile(r"(?<!\w)(?:" + "|".join(sorted((re.escape(k) for k in _NEAR_PAST_OF), key=len, reverse=True))
                        + r")(?!\w)", re.I)


def _is_date_like(m: re.Match) -> bool:
    month = m.groupdict().get("month")
    return bool(month) and _month(month) is not None and not (month.lower() == "may" and month[0] == "m")


def _value(m: re.Match, ref_year: int | None) -> str | None:
    groups = m.groupdict()
    if groups.get("rel"):
        if ref_year is None:
            return None
        return str(ref_year - 1 if _LAST.search(groups["rel"]) else ref_year)
    year = int(groups["year"]) if groups.get("year") else ref_year
    if groups.get("month") and groups["month"].lower().startswith("may") and groups["month"][0] == "m" \
            and len(groups["month"]) == 3:
        return None  # the English modal verb, not the month
    month = _month(groups["month"]) if groups.get("month") else None
    if groups.get("month") and month is None:
        return None  # the word in the month slot is not a month
    if year is None:
        return None
    if month is None:
        return f"{year:04d}"
    day = int(groups["day"]) if groups.get("day") else None
    if day and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}"
