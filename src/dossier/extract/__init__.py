"""Extraction from one article: persons, events, statistics and relevance. No I/O: the caller
passes the article and its document text, and stores the result."""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..codebook import Codebook, load_codebook
from ..geo import find_places
from ..nlp import analyse
from ..records import Article, Event, Mention, Person, Statistic
from .events import Context, find_events, host_country
from .persons import Cluster, cluster_mentions, describe, detect_service, find_mentions
from .statistics import find_statistics
from .triggers import Found, matcher_for


@dataclass
class ArticleExtraction:
    article: Article
    relevant: bool
    persons: list[Person] = field(default_factory=list)  # per-article persons, keys "<article>/<n>"
    events: list[Event] = field(default_factory=list)
    statistics: list[Statistic] = field(default_factory=list)
    pipeline: str = ""


OFF_TOPIC = "none (off-topic: no relevance term)"


def needs_analysis(text: str, codebook: Codebook) -> bool:
    """Whether an article goes through the NLP pipelines: not when no relevance term occurs in it, since
    such an article is stored as off-topic with no persons, events or figures whatever the models say."""
    return codebook.relevance_terms.search(text) is not None


LONG = 30_000  # characters: a longer article is read in parts of at most this size


def is_long(text: str) -> bool:
    return len(text) > LONG


def extract_article(article: Article, codebook: Codebook | None = None, analysis=None) -> ArticleExtraction:
    """`article.text` is the article span with boilerplate blanked; offsets in the result are document offsets.
    `analysis` is the NLP result for that text when the caller analysed articles in batches (those that
    `needs_analysis`: an article analysed is read for events whatever its words)."""
    codebook = codebook or load_codebook()
    if is_long(article.text):
        return _extract_long(article, codebook)
    return _extract(article, codebook, analysis)


def _parts(text: str, size: int = LONG) -> list[tuple[int, int]]:
    """Parts of about equal length, at most `size`, cut at the last line break (else space) before the mark."""
    size = -(-len(text) // -(-len(text) // size))  # the same number of parts, evened out
    out, start = [], 0
    while len(text) - start > size:
        end = text.rfind("\n", start + size // 2, start + size) + 1 or text.rfind(" ", start + size // 2, start + size) + 1
        end = end if end > start else start + size
        out.append((start, end))
        start = end
    out.append((start, len(text)))
    return out


def _extract_long(article: Article, codebook: Codebook) -> ArticleExtraction:
    """A long article (a book-length page, a megabyte on one line) in bounded parts, so that time grows linearly
    with its length; the persons of the parts that carry the same name are one person of the article."""
    from ..names import compatible, fold

    persons: list[Person] = []
    events, stats, relevant, pipeline = [], [], False, ""
    if not needs_analysis(article.text, codebook):
        return ArticleExtraction(article, False, [], [], [], OFF_TOPIC)
    # whether the article is on the topic is the whole article's matter, not a part's
    on_topic = sum(1 for _ in codebook.relevance_terms.finditer(article.text)) >= codebook.relevance_min
    for i, (a, b) in enumerate(_parts(article.text)):
        part = replace(article, start=article.start + a, end=article.start + b, text=article.text[a:b],
                       title=article.title if i == 0 else None)
        r = _extract(part, codebook, None, on_topic)
        relevant, pipeline = relevant or r.relevant, pipeline or r.pipeline
        renamed = {}
        for p in r.persons:
            same = next((q for q in persons if compatible(fold(p.name), fold(q.name))), None)
            if same is None:
                same = replace(p, key=f"{article.key}/{len(persons)}", aliases=list(p.aliases), mentions=list(p.mentions))
                persons.append(same)
            else:
                same.aliases += [n for n in [p.name] + p.aliases if n != same.name and n not in same.aliases]
                same.mentions += p.mentions
                if p.role == "resister":
                    same.role, same.rank = "resister", same.rank or p.rank
                    same.service = same.service or p.service
                same.age = same.age or p.age
            renamed[p.key] = same.key
        events += [replace(e, person=renamed.get(e.person, e.person)) for e in r.events]
        stats += r.statistics
    # as for a short article: a person called a soldier or deserter somewhere, or who did what defines a case,
    # or with two events of an on-topic article, is a case; the others' events go
    per_person: dict[str, int] = {}
    for e in events:
        per_person[e.person] = per_person.get(e.person, 0) + 1
    core = {e.person for e in events if e.type in codebook.defining_types}
    cases = {p.key for p in persons if p.key in per_person and
             (p.role == "resister" or p.key in core or (on_topic and per_person[p.key] >= 2))}
    for p in persons:
        if p.key in cases and p.role != "resister":
            p.role, p.service = "resister", p.service or "army"
        elif p.key not in cases:
            p.role, p.rank, p.service = "other", None, None
    events = [e for e in events if e.person in cases]
    return ArticleExtraction(article, relevant or bool(events), persons, events, stats, pipeline)


def _count_lemmas(doc, lemmas: frozenset[str]) -> int:
    """Tokens whose lemma is one of `lemmas`, compared as string hashes in one array (no Token objects made)."""
    import numpy as np

    if not lemmas:
        return 0
    wanted = np.array([doc.vocab.strings[w] for w in lemmas], dtype=np.uint64)
    return int(np.isin(doc.to_array("NORM"), wanted).sum())


def _extract(article: Article, codebook: Codebook, analysis=None, whole_on_topic: bool | None = None
             ) -> ArticleExtraction:
    """`whole_on_topic`: for a part of a long article, whether the whole article is on the topic."""
    text = article.text
    language = article.language or "en"
    # off-topic: the models are not run on it (a caller that passes an analysis has asked already)
    if whole_on_topic is None and analysis is None and not needs_analysis(text, codebook):
        return ArticleExtraction(article, False, [], [], [], OFF_TOPIC)
    analysis = analysis or analyse(text, language)
    lemmas = codebook.lang(codebook.relevance_lemmas, language) or frozenset()
    terms = _count_lemmas(analysis.doc, lemmas) if analysis.doc is not None else 0
    matcher = matcher_for(codebook, language)
    places = find_places(text, language=language)  # once per article: names, events and the host country use them
    found = matcher(analysis.doc, analysis.sentences, places, codebook.home_country, text) \
        if matcher is not None and analysis.doc is not None else Found()
    mentions = find_mentions(text, analysis, codebook, places, found)
    clusters = cluster_mentions(mentions)
    describe(clusters, text, analysis.sentences, found, analysis.doc)
    ctx = Context(text=text, base=article.start, article=article.key, language=language, published=article.published,
                  home=codebook.home_country, host=host_country(places, codebook.home_country, codebook.war_zone))

    def key(c: Cluster) -> str:
        return f"{article.key}/{c.index}"

    title = None
    if article.title:
        at = text.find(article.title.rstrip("…"))
        whole_line = at >= 0 and text[at + len(article.title):at + len(article.title) + 1] in ("", "\n", "\r")
        title = (at, at + len(article.title)) if whole_line else None  # a lead cut short as a title is read
    events = find_events(ctx, analysis.sentences, clusters, analysis.active_subjects, codebook, key, found,
                         title, analysis.doc, places)
    names = [(m.start, m.end) for m in mentions]
    doc = analysis.doc

    def domain(a: int, b: int) -> bool:  # a relevance lemma, a word for the people of the domain, an event word
        span = doc.char_span(a, b, alignment_mode="expand") if doc is not None else None
        return found.has("W|resister", a, b) or any(a <= t.start < b for t in found.triggers) or \
            (span is not None and any(t.norm_ in lemmas for t in span))

    figures = find_statistics(text, article.start, article.key, analysis.sentences, article.published,
                              codebook.home_country, codebook, names, domain, language, places)
    events = _not_counted(events, figures, clusters, key, article.start, found)
    # a case is a person described as a soldier, deserter... or who did what defines a resister (deserted,
    # refused to fight, was mobilised); a politician arrested and sentenced twice is not one
    core = {e.person for e in events if e.type in codebook.defining_types}
    on_topic = terms >= codebook.relevance_min if whole_on_topic is None else whole_on_topic
    per_person: dict[str, int] = {}
    for e in events:
        per_person[e.person] = per_person.get(e.person, 0) + 1
    resisters = {k for c in clusters if (k := key(c)) in per_person and c.role_votes >= 0 and
                 (c.role_votes > 0 or k in core or (on_topic and per_person[k] >= 2))}
    if whole_on_topic is None:
        events = [e for e in events if e.person in resisters]
    else:  # a part: who is a case is decided for the whole article; only persons named as officials etc. go
        events = [e for e in events if any(key(c) == e.person and c.role_votes >= 0 for c in clusters)]
    relevant = bool(events) or on_topic
    if not relevant:
        events = []
    with_events = resisters
    service = detect_service(text, codebook) if with_events else None
    persons = []
    for c in clusters:
        k = key(c)
        resister = k in with_events
        persons.append(Person(
            key=k, name=c.best_name, aliases=[n for n in c.names if n != c.best_name],
            pseudonym=c.pseudonym or (resister and all(len(m.key) == 1 for m in c.mentions) and
                                      any(m.pseudonym for m in c.mentions)),
            role="resister" if resister else "other", rank=c.rank if resister else None,
            service=(service or "army") if resister else None, age=c.age, age_date=article.published,
            mentions=[Mention(article.key, article.start + m.start, article.start + m.end, m.text,
                              "pseudonym" if m.pseudonym else ("name" if len(m.key) > 1 else "short"))
                      for m in c.mentions]))
    return ArticleExtraction(article, relevant, persons, events, figures if relevant else [], analysis.pipeline)


def _not_counted(events: list, figures: list, clusters: list[Cluster], key, base: int, found: Found) -> list:
    """Events told only in sentences that state a figure about many ("Kazakhstan deported at least eight citizens
    who refused to fight", "courts passed over 9,000 sentences") where nothing points to one person (a name, a
    pronoun, a rank): the figure is a statistic, not the person's case ("he refused with ten other men" is his)."""
    counted = {x.start: x.end for st in figures if st.value >= 2 for x in st.evidence}
    if not counted:
        return events
    named = {key(c): [base + m.start for m in c.mentions] for c in clusters}

    def one_person(a: int, b: int, person: str) -> bool:
        return any(a <= m < b for m in named.get(person, ())) or \
            found.has("W|pronoun", a - base, b - base) or found.has("K|", a - base, b - base)

    def counted_only(e) -> bool:
        return all(x.start in counted and not one_person(x.start, counted[x.start], e.person) for x in e.evidence)
    return [e for e in events if not counted_only(e)]
