"""Person mentions inside one article: names from the NLP pipeline, pseudonyms from codebook patterns,
grouped into per-article clusters, with role, rank and service from the words around them."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..codebook import Codebook
from ..geo import Place, find_places
from ..names import (clean_name, compatible, fold, fold_token, first_name_gender, is_common_phrase, is_name_word,
                     is_place_word, mixed_scripts)
from ..nlp import Analysis
from .triggers import Found

_CAP = "A-ZÀ-ÖØ-ÞŁŚŻŹĆŃŠŽČŘА-ЯЁІЇЄҐ"
_UPPER = re.compile(rf"^[{_CAP}]")
# Words that stand before organisations and places, not before people: definite articles, locative prepositions.
_NOT_PERSON_BEFORE = re.compile(
    r"(?:^|[\s(«“\"-])(?:the|The|near|Near|in|In|im|aus|en|le|la|les|l'|l’|à|près de|el|los|las|lo|il|gli|bei|nahe|nach|w|we|pod|koło|"
    r"в|во|под|около|у|під|біля|поблизу)\s+[«“\"]?$")
# Where a capitalised word stands after one of these anywhere in the article, it is a place there and everywhere
# ("near Bakhmut", "vicino a Bachmut", "из-под Бахмута", "w armeńskim Giumri"); a place adjective may come between.
_LOCATIVE = re.compile(
    rf"(?:^|[\s(-])(?:near|in|at|bei|nahe|im|près de|à|vicino a|presso|cerca de|en|w|we|pod|koło|pobliżu|"
    rf"в|во|под|около|близ|під|біля|поблизу)\s+(?:[^\W\d_]+(?:ern|ian|ese|sk\w*|ck\w*|ск\w*|цк\w*|ськ\w*|isch\w*|ais|aise)\s+)?"
    rf"([{_CAP}][^\W\d_]+(?:[ -][{_CAP}][^\W\d_]+)?)", re.M)
_ELIDED_ARTICLE = re.compile(r"(?:^|[\s(«“\"])(?:l|dell|all|nell|sull|dall)['’]$", re.I)
_NOT_NAMES = re.compile(r"^(the|le|la|les|un|une|ce|cette|photo|file|update|updated|follow|read|ap|afp)$", re.I)


@dataclass
class NameMention:
    start: int  # offsets relative to the analysed text
    end: int
    text: str
    name: str  # cleaned
    key: list[str]  # folded tokens
    pseudonym: bool = False
    lemma: str | None = None


@dataclass
class Cluster:
    index: int
    mentions: list[NameMention] = field(default_factory=list)
    pseudonym: bool = False
    role_votes: int = 0  # > 0 resister cues, < 0 other cues
    rank: str | None = None
    service: str | None = None
    age: int | None = None

    @property
    def names(self) -> list[str]:
        seen = []
        for m in self.mentions:
            for n in (m.name, m.lemma):
                if n and n not in seen:
                    seen.append(n)
        return seen

    @property
    def female(self) -> bool:
        """Named with a woman's first name, and never with a man's."""
        genders = {first_name_gender((m.lemma or m.name).split()[0]) for m in self.mentions if not m.pseudonym}
        return "femn" in genders and "masc" not in genders

    @property
    def best_name(self) -> str:
        # the most informative: most words, then most frequent
        names = [m.lemma or m.name for m in self.mentions]
        return max(names, key=lambda n: (len(n.split()), names.count(n), -names.index(n)))

    @property
    def key(self) -> list[str]:
        return max((m.key for m in self.mentions), key=len)

    def first_start(self) -> int:
        return min(m.start for m in self.mentions)


def find_mentions(text: str, analysis: Analysis, codebook: Codebook, places: list[Place] | None = None,
                  found: Found | None = None) -> list[NameMention]:
    """Name mentions; `places` are the text's toponyms when the caller has them already."""
    if places is None:
        places = find_places(text, language=analysis.language)
    # a town may share its name with a person's surname or nickname ("Sokol"): said alone, it is taken as the town
    towns = {(p.start, p.end) for p in places if p.kind == "town"}
    demonym_ends = {p.end for p in places if p.kind == "demonym"}
    places = {(p.start, p.end) for p in places if p.kind != "town"}
    place_starts = {p[0] for p in places}
    located = {m.group(1) for m in _LOCATIVE.finditer(text)}
    located_words = {fold_token(w) for w in located if " " not in w and "-" not in w}
    mentions: list[NameMention] = []
    role_words = _role_words(found)
    for span_start, end, raw in analysis.persons:
        lead = next((p1 for p0, p1 in places if p0 == span_start and p1 < end and text[p1:p1 + 1] == " "
                     and p1 not in demonym_ends and first_name_gender(text[p1 + 1:end].split()[0]) is not None), None)
        if lead is not None:  # "all'aeroporto di Podgorica Igor Fomičev": a city, then a full name, read as one run
            raw, span_start = raw[lead - span_start:].lstrip(), lead + 1
        stripped, start = _strip_role_words(raw, span_start, role_words)
        dropped_words = len(raw.split()) - len(stripped.split())
        name = clean_name(stripped)
        # keep offsets on the cleaned name
        offset = stripped.find(name.split()[0]) if name else -1
        if not name or offset < 0:
            continue
        start = start + offset
        end = start + len(name)
        words = name.split()
        if (start, end) in places or (len(words) == 1 and (start, end) in towns) or not _UPPER.match(name) or any(_NOT_NAMES.match(w) for w in words) or len(name) < 3:
            continue
        if text[max(0, start - 1):start] == "(" and text[end:end + 1] == ")" and re.match(r"\)\s*[-–—]", text[end:end + 4]):
            continue  # "ORAL, Kazakhstan (Steppe Wire) - ...": the agency of a dateline
        if len(words) == 1 and text[max(0, start - 1):start] == "(" and text[end:end + 1] == ")" \
                and _glossed(text[:start - 1], analysis.language):
            continue  # "the National Guard (Rosgvardia)": a word in brackets after a noun names that noun
        full_name = len(words) > 1 and first_name_gender(words[0]) is not None  # "bei Artur Tagirow": a person
        if not full_name and (_NOT_PERSON_BEFORE.search(text[max(0, start - 12):start])
                              or _ELIDED_ARTICLE.search(text[max(0, start - 6):start])):
            continue  # "the Exit Route project", "near Bakhmut", "w Mińsku", "l'Ofpra": an organisation or a place
        if text[max(0, start - 1):start] in ("«", "„") or (len(words) == 1 and is_place_word(name)):
            continue  # "ПВК «Вагнер»": names in guillemets are organisations; "Бахмута" is a town
        if len(words) > 4 or any(ch.isdigit() for ch in name):
            continue
        if (name in located and not full_name) or (len(words) == 1 and fold_token(name) in located_words) or is_common_phrase(words, analysis.language):
            continue  # "d'Otay Mesa" where "à Otay Mesa" is said too; "Exit Route", "Telegram": common words
        lemma = analysis.lemmas.get(span_start)
        if lemma:
            lemma = clean_name(" ".join(lemma.split()[dropped_words:]))
        mentions.append(NameMention(start, end, text[start:end], name, fold(lemma or name), lemma=lemma))
    taken = [(m.start, m.end) for m in mentions]
    for pattern in codebook.pseudonyms.get(analysis.language, []) + (codebook.pseudonyms.get("en", []) if analysis.language != "en" else []):
        for m in pattern.finditer(text):
            s, e = m.span("name")
            name = m.group("name")
            if (s, e) in places:
                continue
            for other in [x for x in mentions if x.start <= s < x.end]:
                mentions.remove(other)
            mentions.append(NameMention(s, e, name, name, fold(name), pseudonym=True))
            taken.append((s, e))
    # other plain occurrences of pseudonyms and surnames the NER missed
    pseudo_names = {m.name for m in mentions if m.pseudonym}
    pseudo_names |= {m.name.split()[-1] for m in mentions if len(m.name.split()) > 1 and len(m.name.split()[-1]) > 3}
    pseudo_names |= {m.name for m in mentions if len(m.name.split()) == 1 and len(m.name) > 3}
    for name in pseudo_names:
        # as written in running text, and as a section heading in capitals
        # the heading's reading only where the name is written in capitals somewhere (else the word alone, found by
        # `str.find`, where a pattern would be tried at every position)
        found_at = (((m.start(), m.group(0)) for m in re.finditer(
            rf"\b{re.escape(name)}\b|^[ \t]*{re.escape(name.upper())}[ \t]*$", text, re.M))
            if name.upper() in text else ((i, name) for i in _word_at(text, name)))
        for at, written in found_at:
            if not any(s <= at < e for s, e in taken) and not any(x.start <= at < x.end for x in mentions):
                start = at + written.index(written.strip())
                written = written.strip()
                mentions.append(NameMention(start, start + len(written), written, written, fold(name)))
    _names_after_role_words(text, mentions, place_starts, found, analysis.language)
    _extend_lone_names(text, mentions, place_starts, analysis.language)
    return sorted(mentions, key=lambda m: m.start)


_LAST_WORD = re.compile(r"([^\W\d_]+)\s*$")


def _glossed(before: str, language: str) -> bool:
    """Whether the text before an opening bracket ends with a word that is no name ("the National Guard", not
    "Yevgeny (Zhenya) Petrov"): what the brackets hold then glosses that word."""
    m = _LAST_WORD.search(before[-60:])
    return bool(m) and not is_name_word(m.group(1), language) and first_name_gender(m.group(1)) is None


def _word_at(text: str, word: str):
    """Where `re.finditer(r"\\b" + re.escape(word) + r"\\b", text)` would find `word`, by `str.find` (a pattern
    that opens on a word boundary is tried at every position; `find` skips to the word's letters)."""
    def is_word(ch: str) -> bool:  # what the pattern engine calls a word character
        return ch.isalnum() or ch == "_"

    at, n = text.find(word), len(word)
    while at >= 0:
        if (at > 0 and is_word(text[at - 1])) != is_word(word[0]) and \
                (at + n < len(text) and is_word(text[at + n])) != is_word(word[-1]):
            yield at
            at = text.find(word, at + n)
        else:
            at = text.find(word, at + 1)


_CAPITALISED = re.compile(rf"[,:]?[ \u00a0]+([{_CAP}][\w’'-]+(?:[ \u00a0]+[{_CAP}][\w’'-]+){{1,2}})")


def _names_after_role_words(text: str, mentions: list[NameMention], place_starts: set[int], found: Found,
                            language: str) -> None:
    """'his lawyer, Artur Kamalov', 'officer Mikhail Lapin': a capitalised name right after a role word
    is a person even where the NER missed it (not an organisation named in common English words: "the
    coordinator of Exit Route")."""
    if found is None:
        return
    for cue_start, cue_end, _ in found.spans("W|other") + found.spans("W|resister") + found.spans("K|"):
        m = _CAPITALISED.match(text, cue_end)
        if not m or m.start(1) in place_starts or any(x.start <= m.start(1) < x.end for x in mentions):
            continue
        name = clean_name(m.group(1))
        start = m.start(1)
        if name and len(name.split()) >= 2 and not any(_NOT_NAMES.match(w) for w in name.split()) \
                and not mixed_scripts(name) and not is_common_phrase(name.split(), language) \
                and not any(start < x.start < start + len(name) < x.end for x in mentions):
            mentions.append(NameMention(start, start + len(name), name, name, fold(name)))



_NEXT_WORD = re.compile(rf"[ \u00a0]([{_CAP}][^\W\d_]{{2,}}(?:-[{_CAP}][^\W\d_]+)?)(?:['’]s)?\b(?![ \u00a0][{_CAP}])")


def _extend_lone_names(text: str, mentions: list[NameMention], place_starts: set[int], language: str) -> None:
    """'Rinat' + ' Zinnatullin’s phone': the NER sometimes keeps only the first word of a name (never with a
    common word of the language: German capitalises every noun)."""
    for m in mentions:
        if len(m.key) != 1 or m.lemma:
            continue
        nxt = _NEXT_WORD.match(text, m.end)
        if nxt and nxt.start(1) not in place_starts and is_name_word(nxt.group(1), language):
            m.end = nxt.end(1)
            m.text = text[m.start:m.end]
            m.name = m.text
            m.key = fold(m.name)


def _role_words(found: Found | None) -> dict[int, list[int]]:
    """Where role words and ranks start, with their ends, in the order `found` has them."""
    out: dict[int, list[int]] = {}
    for cue_start, cue_end, key in found.spans("W|") + found.spans("K|") if found is not None else ():
        if key.startswith("K|") or key.split("|")[1] in ("other", "resister", "relative"):
            out.setdefault(cue_start, []).append(cue_end)
    return out


def _strip_role_words(name: str, start: int, role_words: dict[int, list[int]]) -> tuple[str, int]:
    """'Lawyer Kamalov' -> 'Kamalov', 'Major Lapin' -> 'Lapin': role words and ranks that the recogniser took
    into the name stay in the context; a role word alone is no name. Returns the name and its new start."""
    end = start + len(name)
    cue_ends = role_words.get(start, ())
    if any(cue_end >= end for cue_end in cue_ends):
        return "", end  # the rank or role word alone, capitalised at a sentence's start ("Captain of police X")
    if cue_ends:
        rest = name[cue_ends[0] - start:].lstrip(" \u00a0,")
        return rest, end - len(rest)
    return name, start


def cluster_mentions(mentions: list[NameMention]) -> list[Cluster]:
    """Group mentions of the same person. Full names are grouped first. A lone name then joins, in
    reading order, a cluster of the same lone name, else the one full name it fits that was already
    introduced ("Rinat Zinnatullin" ... "Rinat"); a pseudonym never joins a full name."""
    clusters: list[Cluster] = []

    def new(m: NameMention) -> None:
        c = Cluster(len(clusters), [m], m.pseudonym)
        clusters.append(c)

    for m in sorted((m for m in mentions if len(m.key) > 1), key=lambda m: m.start):
        matches = [c for c in clusters if compatible(m.key, c.key)]
        if matches:
            matches[0].mentions.append(m)
        else:
            new(m)
    pseudonyms = {m.key[0] for m in mentions if m.pseudonym and len(m.key) == 1}
    for m in sorted((m for m in mentions if len(m.key) == 1), key=lambda m: m.start):
        same = [c for c in clusters if len(c.key) == 1 and c.key == m.key]
        if same:
            same[0].mentions.append(m)
            same[0].pseudonym = same[0].pseudonym or m.pseudonym
            continue
        if m.pseudonym or m.key[0] in pseudonyms:
            new(m)
            continue
        full = [c for c in clusters if len(c.key) > 1 and compatible(m.key, c.key)
                and (c.first_start() < m.start or m.key[0] == c.key[-1])]
        if len({tuple(c.key) for c in full}) == 1:
            full[0].mentions.append(m)
        else:
            new(m)  # unknown or ambiguous between two people
    _join_nearby_full_names(clusters)
    for c in clusters:
        c.mentions.sort(key=lambda m: m.start)
        if c.pseudonym and any(len(m.key) > 1 for m in c.mentions):
            c.pseudonym = False  # a full name is known
    clusters.sort(key=lambda c: c.first_start())
    for i, c in enumerate(clusters):
        c.index = i
    return clusters


_NEAR = 300  # characters: a full name given next to the lone name it completes


def _join_nearby_full_names(clusters: list[Cluster]) -> None:
    """'RINAT' (a heading) ... 'Rinat Zinnatullin’s phone' ... 'Rinat had': a lone-name cluster joins the one
    compatible full name whose surname it is, or which stands close to one of its mentions."""
    for single in [c for c in clusters if len(c.key) == 1 and not c.pseudonym]:
        full = [c for c in clusters if len(c.key) > 1 and compatible(single.key, c.key)]
        if len(full) != 1:
            continue
        distance = min(abs(a.start - b.start) for a in single.mentions for b in full[0].mentions)
        surname = single.key[0] == full[0].key[-1]  # "Putin" after "Vladimir Putin": unambiguous in one article
        if surname or distance <= _NEAR:
            full[0].mentions.extend(single.mentions)
            clusters.remove(single)


_AGE_AFTER = re.compile(r",\s*(?<!\d)(\d{2})(?!\d)\s*(?:,|ans\b|лет\b|года?\b|років|roku|lat\b|años\b|anni\b|Jahre\b|years? old)")
_AGE_NEAR = re.compile(r"(?<![\d.,])(\d{2})(?!\d)[- ]?(?:year-old|ans\b|лет\b|год|річн|рок|jährig|Jahre\b|años\b|anni\b|lat\b|letni)", re.I)


_INDEFINITE_BEFORE = re.compile(r"(?:^|\s)(?:ein|eine|einen|einem|einer|un|une|uno|una|un')\s+(?:[^\W\d_]+\s+)?$",
                                re.I)
_ROLE_CUES = ("W|other", "W|relative", "W|resister", "K|")


def describe(clusters: list[Cluster], text: str, sentences: list[tuple[int, int]], found: Found, doc=None) -> None:
    """Role cues, rank and age from the words next to each mention (same sentence, close by), found by lemma.
    With a tagged `doc`, a role word after a verb is no apposition ("X, said his lawyer")."""
    tagged = doc is not None and doc.has_annotation("POS")
    for c in clusters:
        written = {m.text.split()[-1] for m in c.mentions}
        for m in c.mentions:
            sent = next(((s, e) for s, e in sentences if s <= m.start < e), (m.start, m.end))
            last = m.text.split()[-1]
            # "адвокатка Тагирова", "matka Tagirowa": a role word before a name in an oblique case is the named
            # person's lawyer or mother (the name is also written in a shorter, nominative form)
            oblique = any(last != w and last.startswith(w) and len(last) - len(w) <= 3 for w in written)
            lo, hi = max(sent[0], m.start - 60), min(sent[1], m.end + 45)
            before, after = text[lo:m.start], text[m.end:hi]
            app_len = len(re.split(r"[.;]", after)[0][:45]) if after.startswith((",", " (", " —", " –")) else 0
            # "lawyer X", "his lawyer, X", "X, a lawyer": the role word stands right next to the name
            left = re.search(r"(\S+)[,:]?\s+$", before)
            left_start = lo + left.start() if left else m.start
            if left and not left.group(0).rstrip().endswith((",", ":")) and \
                    _INDEFINITE_BEFORE.search(text[max(0, left_start - 30):left_start]):
                left_start = m.start  # "verurteilte ein Gericht Tagirow": a close apposition takes no indefinite article
            # in an apposition the first role word is the one that describes the person ("X, a major in the Federal
            # Protective Service": a major, not a service)
            if re.match(r",\s*\d{1,3}\s*,", after):
                app_len = 0  # "Lapin, 38, served in the agency ...": an age, then the predicate
            appositive = [k for k in found.cues_in(m.end, m.end + app_len) if k.startswith(_ROLE_CUES)] if app_len else []
            if appositive and tagged:
                first = next(a for a, _, k in found.cue_spans_in(m.end, m.end + app_len, "") if k.startswith(_ROLE_CUES))
                between = doc.char_span(m.end, first, alignment_mode="contract")
                if between is not None and any(t.pos_ in ("VERB", "AUX") and "Fin" in t.morph.get("VerbForm")
                                               for t in between):
                    appositive = []  # "X, сообщил его адвокат": the lawyer reports, X is not one ("a group run
                    # by activists": a participle, still the apposition)
            if any(k.startswith(("W|resister", "K|")) for k in appositive):  # the first role word describes him
                appositive = appositive[:next(i for i, k in enumerate(appositive) if k.startswith(("W|resister", "K|")))]
            other = ((found.has("W|other", left_start, m.start) or found.has("W|relative", left_start, m.start))
                     and not oblique and not (found.has("W|source", max(lo, left_start - 25), left_start)
                                              and not re.match(r"\s*[,;:)(—–.]", after))) \
                or bool(appositive)  # "according to his lawyer, X plans ...": the lawyer is a source, not X (but
            # "according to his lawyer, X, ..." names the lawyer)
            if other and not re.search(r"['’]s\s*$", before[-4:]) and not re.search(r"[”\"»]", text[left_start:m.start]):
                c.role_votes -= 2
            possessive = bool(re.match(r"['’]s?\b", text[m.end:m.end + 2]))
            near = found.has("W|resister", max(lo, m.start - 40), m.start) or found.has("W|resister", m.end, min(hi, m.end + 40))
            ranked = found.cues_in(max(lo, m.start - 30), m.start, "K|") + found.cues_in(m.end, m.end + app_len, "K|")
            if (near or ranked) and not possessive:  # "soldiers who quit Putin’s war" describes no Putin
                c.role_votes += 1
            if c.rank is None and ranked:
                c.rank = ranked[-1][2:] if len(found.cues_in(max(lo, m.start - 30), m.start, "K|")) else ranked[0][2:]
            age = _AGE_AFTER.match(after) or _AGE_NEAR.search(after[:30] + " " + before[-25:])
            if age and c.age is None and 16 <= int(age.group(1)) <= 70:
                c.age = int(age.group(1))


def detect_service(text: str, codebook: Codebook) -> str | None:
    best, count = None, 0
    lower = text.lower()  # the service patterns are compiled for it
    for service, pattern in codebook.services:
        n = len(pattern.findall(lower))
        if n > count:
            best, count = service, n
    return best
