"""The case store: SQLite by default, any SQLAlchemy URL (PostgreSQL) otherwise.

Every write of one source happens in one transaction, so an interrupted run leaves either the whole
source or nothing of it, and a source already stored (same content hash) is never stored twice.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, create_engine, event, func, insert, or_, select, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, NoSuchModuleError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from .. import DEFAULT_DB  # defined where the command line reads it without loading SQLAlchemy
from ..dedup import BANDS, THRESHOLD, fingerprint, similarity
from ..errors import StoreError
from ..records import Article
from .migrate import upgrade
if TYPE_CHECKING:
    from ..sources import SourceFile
from .models import ArticleBandRow, ArticleRow, DocumentRow, EventRow, PersonRow, SourceRow, StatisticRow

NO_STORE_HINT = "create one with dossier ingest, or check --db"


def database_url(db: str) -> str:
    """A path becomes an SQLite URL; anything with '://' is used as given."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def _parse(db: str) -> URL:
    try:
        return make_url(database_url(db))
    except (ArgumentError, ValueError):
        raise StoreError(f"{shown(db)} is neither a file path nor a database URL "
                         "(such as postgresql+psycopg://user@host/dbname)") from None


def shown(db: str) -> str:
    """The store's path or URL as it may be printed: a URL's password hidden."""
    if "://" not in db:
        return db
    try:
        return make_url(db).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return re.sub(r"(://[^:/@]*:)[^@/]*@", r"\1***@", db)


def sqlite_file(db: str) -> Path | None:
    """The file of an SQLite store; None for a server database (PostgreSQL) or an in-memory one.
    StoreError for a value that is neither a path nor a URL."""
    if "://" not in db:
        return Path(db).expanduser().resolve()
    url = _parse(db)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:") or url.database.startswith("file:"):
        return None
    return Path(url.database).expanduser().resolve()


def require_store(db: str) -> None:
    """StoreError unless `db` names an SQLite store that exists, or a server database by a URL whose driver
    is installed (the database itself is not checked): read commands call this instead of creating an empty
    store at a mistyped path. Nothing is created and nothing is connected to."""
    path = sqlite_file(db)
    if path is None:
        _engine(db).dispose()
    else:
        _check_file(path, create=False)


def _check_file(path: Path, create: bool) -> None:
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a store (check --db)")
    if not create and not path.exists():
        raise StoreError(f"no store at {path} ({NO_STORE_HINT})")
    if not path.parent.is_dir():
        raise StoreError(f"cannot create the database: folder {path.parent} does not exist")


def _engine(db: str) -> Engine:
    """The engine (no connection yet); an unknown driver, one not installed or a URL its dialect rejects is a
    StoreError of one line."""
    url = database_url(db)
    try:
        # SQLite: writers wait up to 30 s for the write lock (audit rows are written under it) instead of 5
        return create_engine(url, future=True, **({"connect_args": {"timeout": 30}} if url.startswith("sqlite")
                                                  else {}))
    except NoSuchModuleError:
        raise StoreError(f"cannot open the database {shown(db)}: unknown database driver "
                         f"{_parse(db).drivername!r} (give a file path, or a URL such as "
                         "postgresql+psycopg://user@host/dbname)") from None
    except ArgumentError as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise StoreError(f"cannot open the database {shown(db)}: {reason}") from None
    except ImportError as exc:
        raise StoreError(f"cannot open the database {shown(db)}: its Python driver is not installed "
                         f"({exc})") from None


@dataclass
class StoredArticle:
    article: Article
    id: int
    duplicate_of: int | None


class Store:
    def __init__(self, engine: Engine):
        self.engine = engine
        self.session = sessionmaker(engine, expire_on_commit=False)

    @classmethod
    def open(cls, db: str = DEFAULT_DB, create: bool = True) -> "Store":
        """Open (and migrate) the store at a path or SQLAlchemy URL. With `create=False` an SQLite store that
        does not exist is refused (StoreError) and no file is made; a PostgreSQL database is not checked.
        A malformed URL, an unknown driver or one not installed is a StoreError too."""
        path = sqlite_file(db)  # a malformed URL is named as such
        if path is not None:
            _check_file(path, create)
        engine = _engine(db)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        try:
            upgrade(engine)
        except (OperationalError, DatabaseError) as exc:
            reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
            raise StoreError(f"cannot open the database {shown(db)}: {reason}") from None
        return cls(engine)

    # --- write side --------------------------------------------------------------------
    def has_source(self, content_hash: str) -> bool:
        with self.engine.connect() as c:
            return c.execute(_SOURCE_BY_HASH, {"hash": content_hash}).first() is not None

    def add_source(self, source: SourceFile, articles: dict[int, list[Article]]) -> list[StoredArticle]:
        """Store a source, its documents and their articles in one transaction, marking duplicates
        of articles already stored (or stored earlier in this source). Core statements: the unit of work
        cost several times what the database does with these rows."""
        stored: list[StoredArticle] = []
        fts = self.engine.dialect.name == "sqlite"
        with self.session.begin() as s:
            source_id = s.execute(insert(_SOURCES), {
                "name": source.name, "path": str(source.path), "kind": source.kind, "content_hash": source.content_hash,
                "size": source.size, "warnings": [w for d in source.documents for w in d.warnings]}).inserted_primary_key[0]
            for doc in source.documents:
                document_id = s.execute(insert(_DOCUMENTS), {
                    "source_id": source_id, "ordinal": doc.ordinal, "kind": doc.kind, "url": doc.url, "title": doc.title,
                    "published": doc.published, "text": doc.text}).inserted_primary_key[0]
                for art in articles.get(doc.ordinal, []):
                    fp = fingerprint(art.title, art.text)
                    art.content_hash = fp.content_hash
                    dup = _find_duplicate(s, fp)
                    art.id = s.execute(insert(_ARTICLES), {
                        "document_id": document_id, "ordinal": art.ordinal, "start": art.start, "end": art.end,
                        "title": art.title, "published": art.published, "language": art.language,
                        "language_confidence": art.language_confidence, "duplicate_of_id": dup,
                        "content_hash": fp.content_hash, "signature": fp.signature,
                        "boilerplate": [list(b) for b in art.boilerplate]}).inserted_primary_key[0]
                    if dup is None and fp.bands:
                        s.execute(_BAND_INSERT, [{"article_id": art.id, "band": b, "key": k} for b, k in fp.bands])
                    if fts:
                        s.execute(_FTS_INSERT, {"id": art.id, "title": art.title or "", "body": art.text})
                    stored.append(StoredArticle(art, art.id, dup))
        return stored

    def article_ids(self, pending: bool = True, chunk: int = 1000) -> Iterator[int]:
        """Ids of the articles to extract, in id order, read `chunk` at a time so that memory stays flat:
        never duplicates; with `pending` only those not extracted yet (an interrupted run leaves some)."""
        last = 0
        while True:
            query = select(ArticleRow.id).where(ArticleRow.id > last, ArticleRow.duplicate_of_id.is_(None))
            if pending:
                query = query.where(ArticleRow.extracted_at.is_(None))
            with self.session() as s:
                ids = list(s.scalars(query.order_by(ArticleRow.id).limit(chunk)))
            if not ids:
                return
            yield from ids
            last = ids[-1]

    def count_articles(self, pending: bool = True) -> int:
        """How many ids `article_ids` yields."""
        query = select(func.count(ArticleRow.id)).where(ArticleRow.duplicate_of_id.is_(None))
        if pending:
            query = query.where(ArticleRow.extracted_at.is_(None))
        with self.session() as s:
            return s.scalar(query) or 0

    def prune_orphan_persons(self) -> int:
        """Delete persons left with neither mentions nor events (after re-extraction)."""
        from .models import MentionRow, PersonDecisionRow

        with self.session.begin() as s:
            used = select(MentionRow.person_id).union(select(EventRow.person_id))
            decided = select(PersonDecisionRow.person_id)
            orphans = list(s.scalars(select(PersonRow).where(PersonRow.id.not_in(used), PersonRow.id.not_in(decided))))
            for p in orphans:
                s.delete(p)
            return len(orphans)

    # --- read side ---------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        with self.session() as s:
            return {
                "sources": s.scalar(select(func.count(SourceRow.id))),
                "articles": s.scalar(select(func.count(ArticleRow.id))),
                "duplicates": s.scalar(select(func.count(ArticleRow.id)).where(ArticleRow.duplicate_of_id.is_not(None))),
                "persons": s.scalar(select(func.count(PersonRow.id))),
                "events": s.scalar(select(func.count(EventRow.id))),
                "statistics": s.scalar(select(func.count(StatisticRow.id))),
            }

    def articles(self) -> list[dict]:
        with self.session() as s:
            rows = s.execute(
                select(ArticleRow, DocumentRow.ordinal, SourceRow.name)
                .join(DocumentRow, ArticleRow.document_id == DocumentRow.id)
                .join(SourceRow, DocumentRow.source_id == SourceRow.id)
                .order_by(ArticleRow.id)).all()
            return [{"id": a.id, "source": name, "document": dord, "ordinal": a.ordinal, "start": a.start,
                     "end": a.end, "title": a.title, "published": a.published, "language": a.language,
                     "relevant": a.relevant, "duplicate_of": a.duplicate_of_id} for a, dord, name in rows]

    def articles_to_extract(self, article_ids: list[int]) -> list[Article]:
        """These articles in the order given, each with its text (boilerplate blanked), read in one query;
        duplicates and ids no longer stored are left out."""
        from ..split import masked_text

        with self.session() as s:
            rows = {r.id: r for r in s.execute(
                select(ArticleRow.id, ArticleRow.ordinal, ArticleRow.start, ArticleRow.end, ArticleRow.title,
                       ArticleRow.published, ArticleRow.language, ArticleRow.language_confidence, ArticleRow.relevant,
                       ArticleRow.boilerplate, ArticleRow.content_hash, DocumentRow.ordinal.label("document"),
                       DocumentRow.text, SourceRow.name)
                .join(DocumentRow, ArticleRow.document_id == DocumentRow.id)
                .join(SourceRow, DocumentRow.source_id == SourceRow.id)
                .where(ArticleRow.id.in_(article_ids), ArticleRow.duplicate_of_id.is_(None)))}
        out = []
        for article_id in article_ids:
            r = rows.get(article_id)
            if r is None:
                continue
            boilerplate = [tuple(b) for b in r.boilerplate or []]
            out.append(Article(source=r.name, document=r.document, ordinal=r.ordinal, start=r.start, end=r.end,
                               title=r.title, published=r.published, language=r.language,
                               language_confidence=r.language_confidence, relevant=r.relevant,
                               boilerplate=boilerplate, content_hash=r.content_hash, id=article_id,
                               text=masked_text(r.text, r.start, r.end, boilerplate)))
        return out

    def article_text(self, article_id: int) -> tuple[Article, str]:
        """The Article record and its document text."""
        with self.session() as s:
            a = s.get(ArticleRow, article_id)
            if a is None:
                raise StoreError(f"no article {article_id}")
            doc = a.document
            art = Article(source=doc.source.name, document=doc.ordinal, ordinal=a.ordinal, start=a.start, end=a.end,
                          title=a.title, published=a.published, language=a.language,
                          language_confidence=a.language_confidence, relevant=a.relevant,
                          boilerplate=[tuple(b) for b in a.boilerplate or []], content_hash=a.content_hash, id=a.id)
            return art, doc.text


_SOURCES, _DOCUMENTS, _ARTICLES = SourceRow.__table__, DocumentRow.__table__, ArticleRow.__table__
_BANDS = ArticleBandRow.__table__
# one statement for every lookup, compiled once: articles sharing any (band, key) pair with the new one
# (an OR of equalities, which both SQLite and PostgreSQL answer from the (band, key) index)
_BAND_LOOKUP = select(_BANDS.c.article_id).where(or_(*[
    (_BANDS.c.band == bindparam(f"b{i}")) & (_BANDS.c.key == bindparam(f"k{i}")) for i in range(BANDS)
])).distinct()
_BAND_INSERT = insert(_BANDS)
_SOURCE_BY_HASH = select(_SOURCES.c.id).where(_SOURCES.c.content_hash == bindparam("hash"))
_FTS_INSERT = text("INSERT INTO article_fts(rowid, title, body) VALUES (:id, :title, :body)")
_EXACT = select(_ARTICLES.c.id).where(_ARTICLES.c.content_hash == bindparam("hash"),
                                      _ARTICLES.c.duplicate_of_id.is_(None)).order_by(_ARTICLES.c.id).limit(1)
_SIGNATURES = select(_ARTICLES.c.id, _ARTICLES.c.signature).where(_ARTICLES.c.id.in_(bindparam("ids", expanding=True)))


def _find_duplicate(s: Session, fp) -> int | None:
    exact = s.execute(_EXACT, {"hash": fp.content_hash}).scalar()
    if exact is not None or fp.signature is None:
        return exact
    params = {f"b{i}": band for i, (band, _) in enumerate(fp.bands)} | {f"k{i}": key for i, (_, key) in enumerate(fp.bands)}
    candidates = s.execute(_BAND_LOOKUP, params).scalars().all()
    if not candidates:
        return None
    signatures = dict(s.execute(_SIGNATURES, {"ids": candidates}).all())
    best, best_sim = None, THRESHOLD
    for cid in sorted(candidates):
        sig = signatures.get(cid)
        if sig is None:
            continue
        sim = similarity(sig, fp.signature)
        if sim >= best_sim and (best is None or sim > best_sim):
            best, best_sim = cid, sim
    return best


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
