"""Split a document's text into articles and mark page boilerplate.

Scraped files come in two common layouts:
- a *feed* (category page, list of posts): items that start with a bullet at a small indent and whose
  body lines are indented deeper;
- a *page*: one article, often followed by "related news" stories, separated by runs of blank lines
  and starting with a headline.
Offsets always refer to the document text. Boilerplate is never removed from the text: its line
ranges are recorded and blanked (replaced by spaces) in the article text handed to later stages,
so every offset stays valid.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import dateparser

from .records import Article, Document

_BULLET = re.compile(r"^( {0,4})[•·▪●◦‣*–-]\s+(?=\S)")
_STUB = re.compile(
    r"^(this (post|article|story|content) (was )?(originally )?(published|appeared)|originally published|"
    r"the post .* appeared first on|continue reading|read more\b|read the full|source:|cet article|"
    r"первоначально опубликовано|читать далее|подробнее)", re.I)
_BOILER_LINE = re.compile(
    r"^(follow( us)?|short url|share( this)?( article)?|print|advertisement|published|updated|subscribe|"
    r"partager|suivre|publicité|поделиться|реклама|подписаться)\b.{0,40}$", re.I)
_TAGS = re.compile(r"^(tags?|теги|тэги|мітки|tagi|schlagwörter|schlagworte|etiquetas|mots?-clés?|parole chiave|"
                   r"temas|themen|тема|темы|read also|lire aussi|leggi anche|lea también|lesen sie auch|czytaj (też|także)|"
                   r"читайте также|читайте також)\s*:", re.I)
_COOKIES = re.compile(r"\bcookies?\b|\bкуки\b|\bciasteczk", re.I)
_PHOTO = re.compile(r"(\bphoto\b|\bphotos\b|\bfoto\b|\bфото\b|\bcrédit|©|\bcredit:)", re.I)
_CREDIT_END = re.compile(r"\((AP|AFP|Reuters|REUTERS[^)]*|Getty Images[^)]*|EPA[^)]*|TASS|RIA Novosti)\)\s*$")
_PHOTO_LEAD = re.compile(r"^(file photo|photo|фото|photo d.archive)\s*[:|/]", re.I)
_MARKUP = re.compile(r"^\s*<\s*/?\s*[a-zA-Z]+\s*/?>\s*$")
_DATE_LINE = re.compile(
    r"^(updated|published|posted|last updated|mis à jour( le)?|publié le|обновлено|опубликовано)?\s*:?\s*"
    r"(?P<date>.{4,40}?\b(1[89]|20)\d\d\b.{0,12})$", re.I)
_SENT_END = re.compile(r"[.!?…](?=[\s\"“”»]|$)")
_MAX_TITLE = 150


@dataclass
class _Line:
    start: int
    end: int  # excludes the newline
    text: str

    @property
    def blank(self) -> bool:
        return not self.text.strip()

    @property
    def indent(self) -> int:
        return len(self.text) - len(self.text.lstrip(" \t"))


def split_document(doc: Document) -> list[Article]:
    """Return the articles of a document, in order, with titles, boilerplate and publication dates."""
    lines = _lines(doc.text)
    spans = _feed_items(lines)
    feed = spans is not None
    if spans is None:
        spans = _page_blocks(lines) if doc.kind == "text" else [(0, len(lines), [])]
    articles = []
    for i, (first, last, extra_boiler) in enumerate(spans):
        art = _make_article(doc, lines[first:last], len(articles), title_first=feed)
        if art is None:
            continue
        art.boilerplate.extend(extra_boiler)
        art.text = masked_text(doc.text, art.start, art.end, art.boilerplate)
        articles.append(art)
    if doc.published:
        for art in articles:
            art.published = art.published or doc.published
    return articles


def masked_text(text: str, start: int, end: int, boilerplate: list[tuple[int, int]]) -> str:
    """The article span with boilerplate replaced by spaces (newlines kept), same length as the span."""
    chars = list(text[start:end])
    for b_start, b_end in boilerplate:
        for k in range(max(b_start, start), min(b_end, end)):
            if chars[k - start] != "\n":
                chars[k - start] = " "
    return "".join(chars)


def _lines(text: str) -> list[_Line]:
    out, pos = [], 0
    for raw in text.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        out.append(_Line(pos, pos + len(body), body))
        pos += len(raw)
    return out


def _feed_items(lines: list[_Line]) -> list[tuple[int, int, list]] | None:
    """Items of a feed layout, or None when the text is not one. A feed has at least two items whose
    body is indented deeper than their bullet; other bullets at the same indent are items too, except
    bodiless attribution stubs ("This post was originally published on ..."), which end the item before."""
    bullets = []  # (line index, indent, has an indented body)
    for i, line in enumerate(lines):
        m = _BULLET.match(line.text)
        if not m:
            continue
        indent = len(m.group(1))
        body = next((ln for ln in lines[i + 1:i + 4] if not ln.blank), None)
        has_body = body is not None and body.indent > indent + 1 and not _BULLET.match(body.text)
        bullets.append((i, indent, has_body))
    strong = [indent for _, indent, has_body in bullets if has_body]
    if len(strong) < 2:
        return None
    item_indent = max(set(strong), key=strong.count)
    starts = [i for i, indent, has_body in bullets if indent == item_indent and
              (has_body or not _STUB.match(_BULLET.sub("", lines[i].text).strip()))]
    return [(i, starts[k + 1] if k + 1 < len(starts) else len(lines), []) for k, i in enumerate(starts)]


def _page_blocks(lines: list[_Line]) -> list[tuple[int, int, list]]:
    """Blocks separated by two or more blank lines; a block starts a new article only when it opens
    with a headline and holds enough text, otherwise it continues the previous article."""
    blocks, start, blanks = [], None, 0
    for i, line in enumerate(lines):
        if line.blank:
            blanks += 1
            continue
        if start is None:
            start = i
        elif blanks >= 2:
            blocks.append((start, i))
            start = i
        blanks = 0
    if start is None:
        return []
    blocks.append((start, len(lines)))
    merged: list[list[int]] = []
    for first, last in blocks:
        chunk = lines[first:last]
        size = sum(len(ln.text.strip()) for ln in chunk)
        if merged and not (_headline_like(chunk[0].text) and size >= 400):
            merged[-1][1] = last
        else:
            merged.append([first, last])
    out = []
    for first, last in merged:
        out.extend(_story_starts(lines, first, last))
    return [(a, b, []) for a, b in out]


_NUMERIC_DATE = re.compile(r"\b\d{1,2}[./]\d{1,2}[./](?:19|20)?\d\d\b|\b(?:19|20)\d\d[-./]\d{1,2}[-./]\d{1,2}\b")
_LONG_LINE = 150


def _date_like(text: str) -> bool:
    text = text.strip()
    return len(text) <= 60 and bool(_NUMERIC_DATE.search(text) or _parse_date_line(text))


def _story_starts(lines: list[_Line], first: int, last: int) -> list[tuple[int, int]]:
    """A list page (several stories, each a headline with its own date line and a paragraph, one blank line
    apart) split into one article a story; what stands before the first story stays with it."""
    starts = []
    i = first
    while i < last:
        if lines[i].blank or (i > first and not lines[i - 1].blank):
            i += 1
            continue
        block = []
        j = i
        while j < last and not lines[j].blank and len(block) < 3:
            block.append(lines[j].text.strip())
            j += 1
        if len(block) == 3 and len(block[2]) >= _LONG_LINE and (
                (_date_like(block[0]) and _headline_like(block[1])) or (_headline_like(block[0]) and _date_like(block[1]))):
            starts.append(i)
        i += 1
    if not starts:
        return [(first, last)]
    bounds = [first] + [k for k in starts if k != first]
    chunks = [(a, bounds[n + 1] if n + 1 < len(bounds) else last) for n, a in enumerate(bounds)]
    # a head with no paragraph of its own (outlet name, navigation) belongs to the first story
    if len(chunks) > 1 and not any(len(ln.text.strip()) >= _LONG_LINE for ln in lines[chunks[0][0]:chunks[0][1]]):
        chunks[1] = (chunks[0][0], chunks[1][1])
        chunks = chunks[1:]
    return chunks


def _headline_like(text: str) -> bool:
    t = _BULLET.sub("", text).strip()
    words = t.split()
    return 3 <= len(words) <= 40 and len(t) <= 220 and not re.search(r"[.:;,]$", t)


def _make_article(doc: Document, lines: list[_Line], ordinal: int, title_first: bool = False) -> Article | None:
    """An article from its lines; in a feed the item's first line is its title whatever it says."""
    content = [ln for ln in lines if not ln.blank]
    if not content:
        return None
    boiler: list[tuple[int, int]] = []
    seen: set[str] = set()
    title_line = None
    published = None
    head_title = None if title_first else _headline_index(content)
    for idx, ln in enumerate(content):
        text = _BULLET.sub("", ln.text).strip()
        norm = re.sub(r"\W+", " ", text.lower()).strip()
        head = idx < 12
        if head_title is not None and idx < head_title:
            if published is None:
                published = _parse_date_line(text)
            boiler.append((ln.start, ln.end))  # outlet name, navigation, tagline before the headline
            continue
        if title_line is None and (idx == head_title or (head_title is None and (not _is_boilerplate(text, head)
                                                                                   or (title_first and idx == 0)))):
            title_line = text
            seen.add(norm)
            continue
        if head and published is None and len(text) <= _MAX_DATE_LINE:
            published = _parse_date_line(text)
            if published:
                boiler.append((ln.start, ln.end))
                continue
        if _is_boilerplate(text, head) or (norm and norm in seen and len(norm) > 15) or \
                (head and len(text) <= 60 and _BYLINE.match(text)):  # "By Dana Smith", "Author: ...": not the story
            boiler.append((ln.start, ln.end))
        elif head and len(text) < 400:
            seen.add(norm)  # headlines and captions near the top are often printed twice
    if published is None:  # "TBILISI, March 4, 2025 (Agency) - ...": the dateline of the first paragraph
        taken = set(boiler)
        body = next((ln for ln in content if (ln.start, ln.end) not in taken and ln.text.strip() != title_line), None)
        published = _dateline(body.text) if body is not None else None
    start, end = content[0].start, content[-1].end
    title = _title(title_line or _BULLET.sub("", content[0].text).strip())
    if doc.title and ordinal == 0 and (title_line is None or doc.kind != "text"):
        title = doc.title
    return Article(source=doc.source, document=doc.ordinal, ordinal=ordinal, start=start, end=end,
                   title=title, published=published, boilerplate=boiler)


_NAV_SEP = re.compile(r"\s*(?:[|›»•·/>]|\s{2,})\s*")
_BYLINE = re.compile(r"^(by|par|von|por|autor|author|autore|автор|авторка|від|text|texto|testo)\b[: ]", re.I)
_LONG_HEADLINE = 8  # words: shorter head lines are more often taglines and section names


def _headline_index(content: list[_Line]) -> int | None:
    """The headline among the page's first lines (before the lead paragraph): the first headline-like line of
    at least eight words, else the first of at least four. Outlet names (capitals), navigation (short items
    between separators), section names, bylines and date lines are not headlines."""
    candidates, dated = [], []
    masthead = False  # inside the first block of lines, once it showed an outlet name or navigation
    for idx, ln in enumerate(content[:12]):
        text = _BULLET.sub("", ln.text).strip()
        if len(text) >= 250:
            break  # the lead paragraph
        if idx and content[idx - 1].end + 1 < ln.start:
            masthead = False  # a blank line ends the masthead block
        parts = [p for p in _NAV_SEP.split(text) if p]
        if text.isupper() or (len(parts) >= 3 and all(len(p.split()) <= 3 for p in parts)):
            masthead = True
            continue
        digits = sum(ch.isdigit() for ch in text)
        if masthead or _is_boilerplate(text, True) or _BYLINE.match(text) or digits >= 0.25 * len(text) \
                or not 4 <= len(text.split()) <= 40 or text.endswith((".", ":", ";", ",")):
            continue
        if _DATE_LINE.match(text):
            dated.append(idx)  # "Monthly bulletin no. 23, November 2024": a headline only when nothing else is
            continue
        candidates.append((idx, len(text.split())))
    long = [i for i, n in candidates if n >= _LONG_HEADLINE]
    return long[0] if long else (candidates[0][0] if candidates else (dated[0] if dated else None))


def _is_boilerplate(text: str, head: bool) -> bool:
    if not text or _MARKUP.match(text) or _STUB.match(text):
        return True
    if (len(text) <= 60 and _BOILER_LINE.match(text)) or (len(text) <= 300 and (_COOKIES.search(text) or _TAGS.match(text))):
        return True
    if len(text) <= 240 and (_CREDIT_END.search(text) or _PHOTO_LEAD.match(text)):
        return True  # photo captions and credits, wherever they stand
    if head and len(text) < 200 and _PHOTO.search(text):
        return True
    return False


_DAY_FIRST = re.compile(r"(?<!\d)(?P<d>[0-3]?\d)[./](?P<m>[01]?\d)[./](?P<y>(?:19|20)\d\d)(?!\d)")
_ISO = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)(?!\d)")
_CLOCK = re.compile(r"\b\d{1,2}[:h]\d\d\b|\b\d+\b")
_MAX_DATE_LINE = 90
_MAX_OTHER_WORDS = 9  # "Publié le ... · Mis à jour le ...", "Białoruś · 12 listopada 2024, 08:40 · Autor"


def _parse_date_line(text: str) -> str | None:
    """The publication date of a short head line: "03.07.2024, 09:30 | Просмотров", "Published 2024-04-09 08:15",
    "February 13, 2024 10:42 AM", "28 грудня 2024 · Author"; the first date of the line, day-first when numeric.
    A line with many other words is a sentence, not a date line."""
    from datetime import date

    from .dates import find_dates

    if len(text) > _MAX_DATE_LINE:
        return None
    for pattern in (_ISO, _DAY_FIRST):
        m = pattern.search(text)
        if m:
            try:
                value = date(int(m.group("y")), int(m.group("m")), int(m.group("d"))).isoformat()
            except ValueError:
                continue
            rest = text[:m.start()] + " " + text[m.end():]
            break
    else:
        full = [d for d in find_dates(text) if d.value and len(d.value) == 10]
        if full:
            value, rest = full[0].value, text[:full[0].start] + " " + text[full[0].end:]
        else:
            m = _DATE_LINE.match(text)
            parsed = dateparser.parse(m.group("date"), settings={"PREFER_DAY_OF_MONTH": "first",
                                                                 "REQUIRE_PARTS": ["year"]}) if m else None
            return parsed.date().isoformat() if parsed else None
    words = len(re.findall(r"[^\W\d_]{2,}", _CLOCK.sub(" ", rest)))
    if words > _MAX_OTHER_WORDS or (words >= 4 and re.search(r"\w{4,}\.$", text.rstrip())):
        return None  # a sentence that tells a date, not a date line
    return value


# A dateline: a place (a few words, maybe its country after a comma), a comma, maybe a short word ("le", "am"), a
# full date, then a dash or the end of the sentence ("ALMATY, Kazakhstan, Feb. 3, 2025 (AP) —", "Алма-Ата,
# 12 февраля 2025 года.", "Paris, le 3 mars 2024 —")
_DATELINE_PLACE = re.compile(r"[^\W\d_][\w.'’ -]{1,30}(?:,\s*[^\W\d_][\w.'’ -]{1,30})?,\s*(?:[^\W\d_]{1,4}\s+)?")
# after the date: the year word ("года", "року", "r."), the agency in brackets, then a dash or a full stop
_DATELINE_END = re.compile(r"\s*(?:(?:года|року|roku|г|р|r)(?=[\s.(-–—])\s*)?(?:\([^()\n]{1,30}\)\s*)?"
                           r"(?:\.?\s*[-–—]|\.(?:\s|$))")


def _dateline(text: str) -> str | None:
    """The date of a paragraph's dateline, or None."""
    from .dates import find_dates

    head = text.strip()[:90]
    found = [d for d in find_dates(head) if d.value]
    if not found or len(found[0].value) != 10 or not _DATELINE_PLACE.fullmatch(head[:found[0].start]):
        return None
    return found[0].value if _DATELINE_END.match(head, found[0].end) else None


def _title(line: str) -> str:
    line = line.strip()
    if len(line) <= _MAX_TITLE:
        return line
    m = _SENT_END.search(line, 20)
    if m and m.end() <= _MAX_TITLE:
        return line[: m.end()].strip()
    cut = line[:120].rsplit(" ", 1)[0]
    return cut + "…"
