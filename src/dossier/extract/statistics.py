"""Quantitative claims: a number in a sentence about the domain, with qualifier, measure, period,
country and the organisation the figure is attributed to."""
from __future__ import annotations

import re

from ..codebook import Codebook
from ..dates import find_dates
from ..geo import find_places
from ..numbers import may_hold_number, number_pattern, parse_number
from ..records import Statistic, evidence_of

_QUALIFIERS = [
    ("more_than", r"(more than|over|above|at least|upwards of|plus de|au moins|более|больше|свыше|не менее|mehr als|über|"
                  r"mindestens|más de|al menos|più di|oltre|almeno|ponad|co najmniej|понад|більше|щонайменше|"
                  r"не менше)\s*(a\s+|an\s+)?$"),
    ("less_than", r"(fewer than|less than|under|below|moins de|менее|меньше|weniger als|menos de|meno di|mniej niż|"
                  r"менше)\s*$"),
    ("about", r"(about|around|approximately|nearly|almost|some|roughly|close to|environ|près de|presque|около|почти|"
              r"примерно|порядка|etwa|rund|fast|knapp|unos|unas|cerca de|casi|alrededor de|circa|quasi|około|prawie|"
              r"blisko|близько|майже|приблизно)\s*$"),
    ("up_to", r"(up to|as many as|jusqu.à|до|bis zu|hasta|fino a)\s*$"),
]
_PERCENT_AFTER = re.compile(r"^\s*(%|percent|per cent|pour cent|процент\w*|Prozent|por ciento|per cento|procent\w*|"
                            r"proc\.|відсот\w*)", re.I)
_ATTRIBUTION = re.compile(
    r"(?:according to|cited by|said|told|reported by|data from|selon|d.après|по данным|по словам|сообщил\w*)\s+"
    r"(?:the\s+|l[ae]\s+|les\s+)?(?P<org>(?:[A-ZА-ЯЁ][\w’'-]*\s?){1,6})", re.U)
_SUBJECT_ORG = re.compile(r"(?P<org>(?:[A-ZА-ЯЁ][\w’'-]*\s){0,4}[A-ZА-ЯЁ][\w’'-]*)\s+(?:has|have|had)?\s*(?:documented|counted|recorded|reported|received|registered|зафиксировал\w*|насчитал\w*)", re.U)
# After a number word: a counted thing (a word that is not a function word), not "times"/"fois"/"раз"
_COUNTED = re.compile(r"^\s+(?!(?:of|de|des|du|di|del|von|der|из|с|z|ze|з|із|и|і|and|et|und|y|e|i|or|ou|oder|o|или|або|lub)\b)"
                      r"[^\W\d_]{3,}", re.I)
_TIMES = re.compile(r"^\s+(reprises|fois|times|mal|veces|volte|раз|разів)\b", re.I)
_FACTOR = re.compile(r"^\s+(?:razy|раза?|рази|fois|times|mal|veces|volte)\s+(?:więcej|больше|більше|plus|more|mehr|más|più)",
                     re.I)  # "dwa razy więcej", "в два раза больше": a factor of increase
_SMALL = 5  # number words below this count only with a qualifier ("at least two", "не более трёх")
_YEARISH = re.compile(r"^(1[89]|20)\d\d$")


def find_statistics(text: str, base: int, article: str, sentences: list[tuple[int, int]], published: str | None,
                    home: str, codebook: Codebook, names: list[tuple[int, int]], domain=None,
                    language: str = "en", places=None) -> list[Statistic]:
    """Figures in the sentences about the domain: those with a statistics term of the codebook, or, when `domain`
    is given, a word of the language's lexicon about the domain (`domain(start, end)`). `places`: the text's
    toponyms when already found (else found per sentence that holds a figure)."""
    stats: list[Statistic] = []

    def about_domain(a: int, b: int) -> bool:
        return bool(codebook.statistic_terms.search(text[a:b].lower())) or (domain is not None and domain(a, b))

    numbers = number_pattern(language)
    for s, e in sentences:
        sent = text[s:e]
        if not may_hold_number(sent, language) or not numbers.search(sent) or not about_domain(s, e):
            continue  # no figure at all (most sentences), or not about the domain
        dated = find_dates(sent, published, s, unresolved=True)
        date_spans = [(d.start - s, d.end - s) for d in dated]
        # with a publication date every date-like mention has a value: the resolved ones are these, not a new search
        values = [d.value for d in dated if d.value] if published else None
        found: list[tuple[bool, Statistic]] = []
        for m in numbers.finditer(sent):
            if any(a <= m.start() < b for a, b in date_spans) or any(a <= s + m.start() < b for a, b in names):
                continue
            if m.group("num") and _YEARISH.match(m.group("num").replace(",", "")):
                continue
            if re.search(r"\d[-/.]$", sent[max(0, m.start() - 2):m.start()]) or re.match(r"[-/.]\d", sent[m.end():]):
                continue  # a piece of a written date or code ("2026-12-01", "01/12/2026"), not a count
            tail = sent[m.end():m.end() + 25]
            if codebook.statistic_exclude_before.search(text[max(0, s + m.start() - 15):s + m.start()]):
                continue  # "Article 338": a reference, not a count
            if re.search(r"[A-ZА-ЯЁ][\w’'-]+,\s*$", sent[max(0, m.start() - 30):m.start()]) and tail.startswith(","):
                continue  # "Fedotov, 24, was ...": an age
            if codebook.statistic_exclude_after.match(tail.lstrip(" -\u00a0\u202f")) or re.match(r"^[-–]\s*year", tail) \
                    or re.match(r"^\.\s+\w|^\.?[ªº]|^-?(?:e|er|ère|ème|st|nd|rd|th|ї|й|го|я|ого|ому|ій|ий|ым)\b", tail):
                continue  # durations, ages, ordinals ("des 102. russischen Stützpunkts")
            head = sent[max(0, m.start() - 30):m.start()]
            said = next(((q, found_q) for q, p in _QUALIFIERS if (found_q := re.search(p, head, re.I))), None)
            qualifier, stated = (said[0], said[1].group(1)) if said else ("exact", None)
            if m.group("word") and qualifier == "exact" and (not _COUNTED.match(tail) or (_TIMES.match(tail) and not _FACTOR.match(tail))):
                continue  # number words only when they count something ("five soldiers", not "one of", "two times")
            if m.group("word") and qualifier == "exact" and parse_number(m, language) < _SMALL:
                continue  # "two officers", "four stories": small counts in words are narrative, not figures
            value = parse_number(m, language)
            if value is None or value < 2 and not m.group("frac"):
                continue
            in_domain = about_domain(s + max(0, m.start() - 50), s + m.end() + 60)
            if sent.lstrip()[:1] in "“«\"" and _quoted(sent[:m.start()]):
                continue  # figures inside quoted speech are rhetoric more often than data
            if m.group("round") and qualifier == "exact":
                qualifier, stated = "about", None  # "une vingtaine"
            percent = bool(_PERCENT_AFTER.match(tail)) or bool(m.group("frac"))
            measure = _measure(sent, m.end(), percent, bool(m.group("mult")) or bool(_FACTOR.match(tail)))
            in_sent = find_places(sent, language=language) if places is None else \
                [p for p in places if s <= p.start < e]
            country = in_sent[0].country if in_sent else home
            period = _period(values, sent, published)
            found.append((in_domain, Statistic(article=article, value=value, qualifier=qualifier, stated=stated,
                                               measure=measure,
                                               period=period, country=country, source_org=_org(sent),
                                               evidence=[evidence_of(article, base + s, sent)],
                                               confidence=0.6)))
        # a figure must count something of the domain ("six weeks later" does not); figures that continue
        # one in the same sentence ("up from around 13,000") count the same thing
        if any(ok for ok, _ in found):
            stats.extend(st for _, st in found)
    return stats


def _quoted(before: str) -> bool:
    return before.count("“") + before.count("«") > before.count("”") + before.count("»") or before.count('"') % 2 == 1


def _measure(sent: str, end: int, percent: bool, multiplier: bool) -> str:
    words = re.findall(r"[\w’'-]+", sent[end:end + 80])
    stop = {"in", "at", "since", "from", "by", "on", "the", "of", "were", "was", "are", "is", "en", "dans", "depuis", "в", "с"}
    phrase = []
    for w in words:
        if w.lower() in stop and phrase:
            break
        if w.lower() not in stop:
            phrase.append(w)
        if len(phrase) >= 5:
            break
    text = " ".join(phrase)
    if percent:
        return "percent " + re.sub(r"^(percent|per cent|pour cent|процент\w*)\s*", "", text)
    if multiplier:
        return "factor of increase"
    return text


def _period(values: list[str] | None, sent: str, published: str | None) -> str | None:
    """The period a figure covers: the dates of its sentence (`values`, when the caller has them)."""
    if values is None:
        values = [v.value for v in find_dates(sent, published) if v.value]
    if not values:
        return None
    if len(values) >= 2 and re.search(r"between|since|from|entre|depuis|с .* по", sent, re.I):
        return f"{values[0]}/{values[1]}"
    return values[0]


def _org(sent: str) -> str | None:
    m = _ATTRIBUTION.search(sent) or _SUBJECT_ORG.search(sent)
    if not m:
        return None
    org = m.group("org").strip(" ,.")
    return org if len(org) > 2 else None
