"""The domain records passed between stages. Field names follow spec/ontology.md.

Stages take and return these plain dataclasses; only the store knows about tables.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Document:
    """One text unit read from a source file: a plain-text file, an HTML page, a feed entry,
    a WARC response or a JSON Lines record. Article offsets refer to ``text``."""

    source: str  # the source file's name as given to ingest (relative to the directory walked)
    ordinal: int  # position of this unit inside its source (0 for single-document files)
    text: str
    kind: str  # text | html | feed | warc | jsonl | pdf | docx
    url: str | None = None
    title: str | None = None
    published: str | None = None  # ISO date when the container states one
    warnings: list[str] = field(default_factory=list)
    # PDF and DOCX: offset in ``text`` where each page starts (pages are joined with a form feed, so the
    # stored text keeps them too: see dossier.sources.page_at). None for kinds without pages.
    pages: list[int] | None = None


@dataclass
class Article:
    """One news article: a span of a Document, with its own title and metadata."""

    source: str
    document: int  # Document.ordinal
    ordinal: int  # position inside the document
    start: int
    end: int
    title: str | None
    published: str | None = None
    language: str | None = None
    language_confidence: float | None = None
    relevant: bool | None = None
    duplicate_of: str | None = None  # key of the first occurrence
    boilerplate: list[tuple[int, int]] = field(default_factory=list)  # document offsets
    text: str = ""  # the article span with boilerplate blanked out (same length as end - start)
    content_hash: str = ""
    id: int | None = None  # set by the store

    @property
    def key(self) -> str:
        return f"{self.source}#{self.document}.{self.ordinal}"


@dataclass
class Evidence:
    article: str  # article key
    start: int  # offsets into the document text
    end: int
    text: str


def evidence_of(article: str, start: int, sentence: str) -> Evidence:
    """A sentence as evidence: its text without surrounding white space, and offsets of exactly that text."""
    lead = len(sentence) - len(sentence.lstrip())
    text = sentence.strip()
    return Evidence(article, start + lead, start + lead + len(text), text)


@dataclass
class Mention:
    article: str
    start: int
    end: int
    text: str
    role: str | None = None  # how the person is referred to: name, surname, pseudonym, pronoun, description


@dataclass
class Person:
    key: str
    name: str
    aliases: list[str] = field(default_factory=list)
    pseudonym: bool = False
    role: str = "other"  # resister | other
    rank: str | None = None
    service: str | None = None
    age: int | None = None
    age_date: str | None = None
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Event:
    type: str
    person: str  # Person.key
    article: str
    date: str | None = None
    country: str | None = None
    place: str | None = None
    attributes: dict[str, Any] = field(default_factory=dict)
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5


@dataclass
class Statistic:
    article: str
    value: float
    qualifier: str = "exact"
    measure: str = ""
    stated: str | None = None  # the qualifier in the text's words ("at least"), shown as stated
    period: str | None = None
    country: str | None = None
    source_org: str | None = None
    evidence: list[Evidence] = field(default_factory=list)
    confidence: float = 0.5
