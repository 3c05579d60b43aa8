"""Quantitative claims: a number in a sentence about the domain, with qualifier, measure, period,
country and the organisation the figure is attributed to."""
from __future__ import annotations

import re

from ..codebook import Codebook
from ..dates import find_dates
from ..geo import find_places
from ..numbers import NUMBER, parse_number
from ..records import Evidence, Statistic

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
_YEARISH = re.compile(r"^(1[89]|20)\d\d$")


def find_statistics(text: str, base: int, article: str, sentences: list[tuple[int, int]], published: str | None,
                    home: str, codebook: Codebook, names: list[tuple[int, int]], domain=None) -> list[Statistic]:
    """Figures in the sentences about the domain: those with a statistics term of the codebook, or, when `domain`
    is given, a word of the language's lexicon about the domain (`domain(start, end)`)."""
    stats: list[Statistic] = []

    def about_domain(a: int, b: int) -> bool:
        return bool(codebook.statistic_terms.search(text[a:b])) or (domain is not None and domain(a, b))

    for s, e in sentences:
        sent = text[s:e]
        if not about_domain(s, e):
            continue
        date_spans = [(d.start - s, d.end - s) for d in find_dates(sent, published, s, unresolved=True)]
        found: list[tuple[bool, Statistic]] = []
        for m in NUMBER.finditer(sent):
            if any(a <= m.start() < b for a, b in date_spans) or any(a <= s + m.start() < b for a, b in names):
                continue
            raw = m.group(0)
            if m.group("num") and _YEARISH.match(m.group("num").replace(",", "")):
                continue
            tail = sent[m.end():m.end() + 25]
            if codebook.statistic_exclude_before.search(sent[max(0, m.start() - 15):m.start()]):
                continue  # "Article 338": a reference, not a count
            if re.search(r"[A-ZА-ЯЁ][\w’'-]+,\s*$", sent[max(0, m.start() - 30):m.start()]) and tail.startswith(","):
                continue  # "Lebedev, 24, was ...": an age
            if codebook.statistic_exclude_after.match(tail.lstrip(" -\u00a0\u202f")) or re.match(r"^[-–]\s*year", tail):
                continue
            if m.group("word") and (not re.match(r"^\s+(autres|other|more|[a-zа-я]+(s|ов|ей)\b)", tail, re.I)
                                    or re.match(r"^\s+(reprises|fois|times|раз)", tail, re.I)):
                continue  # number words only when they count something
            value = parse_number(m)
            if value is None or value < 2 and not m.group("frac"):
                continue
            in_domain = about_domain(s + max(0, m.start() - 50), s + m.end() + 60)
            if sent.lstrip()[:1] in "“«\"" and _quoted(sent[:m.start()]):
                continue  # figures inside quoted speech are rhetoric more often than data
            head = sent[max(0, m.start() - 30):m.start()]
            qualifier = next((q for q, p in _QUALIFIERS if re.search(p, head, re.I)), "exact")
            percent = bool(_PERCENT_AFTER.match(tail)) or bool(m.group("frac"))
            measure = _measure(sent, m.end(), percent, bool(m.group("mult")))
            places = find_places(sent)
            country = places[0].country if places else home
            period = _period(date_spans, sent, published)
            found.append((in_domain, Statistic(article=article, value=value, qualifier=qualifier, measure=measure,
                                               period=period, country=country, source_org=_org(sent),
                                               evidence=[Evidence(article, base + s, base + e, sent.strip())],
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


def _period(date_spans, sent: str, published: str | None) -> str | None:
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
