"""Tables. The store is the only module that knows them; stages exchange dossier.records."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, BigInteger, Boolean, DateTime, Float, ForeignKey, Index, Integer, LargeBinary,
                        String, Text, UniqueConstraint)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def _now() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class SourceRow(Base):
    __tablename__ = "sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(1024))
    path: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    warnings: Mapped[list] = mapped_column(JSON, default=list)
    documents: Mapped[list["DocumentRow"]] = relationship(back_populates="source", cascade="all, delete-orphan")


class DocumentRow(Base):
    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[SourceRow] = relationship(back_populates="documents")
    articles: Mapped[list["ArticleRow"]] = relationship(back_populates="document", cascade="all, delete-orphan")
    __table_args__ = (UniqueConstraint("source_id", "ordinal"),)


class ArticleRow(Base):
    __tablename__ = "articles"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    title: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(String(10))
    language: Mapped[str | None] = mapped_column(String(8), index=True)
    language_confidence: Mapped[float | None] = mapped_column(Float)
    relevant: Mapped[bool | None] = mapped_column(Boolean, index=True)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id"), index=True)
    content_hash: Mapped[str] = mapped_column(String(40), index=True)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    boilerplate: Mapped[list] = mapped_column(JSON, default=list)
    extracted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    document: Mapped[DocumentRow] = relationship(back_populates="articles")


class ArticleBandRow(Base):
    """LSH band keys of an article's MinHash signature, for near-duplicate candidate lookup."""

    __tablename__ = "article_bands"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    band: Mapped[int] = mapped_column(Integer)
    key: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (Index("ix_article_bands_band_key", "band", "key"),)


class PersonRow(Base):
    __tablename__ = "persons"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    aliases: Mapped[list] = mapped_column(JSON, default=list)
    name_keys: Mapped[list] = mapped_column(JSON, default=list)  # folded name forms for matching and search
    pseudonym: Mapped[bool] = mapped_column(Boolean, default=False)
    role: Mapped[str] = mapped_column(String(16), default="other", index=True)
    rank: Mapped[str | None] = mapped_column(String(64))
    service: Mapped[str | None] = mapped_column(String(32))
    age: Mapped[int | None] = mapped_column(Integer)
    age_date: Mapped[str | None] = mapped_column(String(10))
    sensitivity: Mapped[str] = mapped_column(String(16), default="restricted")
    merge_log: Mapped[list] = mapped_column(JSON, default=list)  # why mentions were joined: [{article, names, reason}]
    field_levels: Mapped[dict] = mapped_column(JSON, default=dict)  # a reviewer's level for single fields
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class PersonKeyRow(Base):
    """Folded name tokens of a person, for finding candidates when a new mention arrives."""

    __tablename__ = "person_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    token: Mapped[str] = mapped_column(String(64), index=True)
    __table_args__ = (UniqueConstraint("person_id", "token"),)


class PersonDecisionRow(Base):
    """A reviewer's decision about persons, kept across re-extraction: the mentions of `name_key` in
    `article_id` belong to `person_id` (kind 'assign'), or two persons are different people ('distinct')."""

    __tablename__ = "person_decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    other_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"))
    article_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    name_key: Mapped[str | None] = mapped_column(String(256))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class MentionRow(Base):
    __tablename__ = "mentions"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    form: Mapped[str | None] = mapped_column(String(16))


class EventRow(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(32), index=True)
    date: Mapped[str | None] = mapped_column(String(10), index=True)
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    place: Mapped[str | None] = mapped_column(Text)
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)
    evidence: Mapped[list] = mapped_column(JSON, default=list)  # [{start, end, text}] document offsets
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    status: Mapped[str] = mapped_column(String(16), default="suggested", index=True)
    sensitivity: Mapped[str] = mapped_column(String(16), default="restricted")
    field_levels: Mapped[dict] = mapped_column(JSON, default=dict)
    # the statistics page counts events by type, month and country from this index alone
    __table_args__ = (Index("ix_events_counting", "type", "date", "status", "sensitivity", "person_id", "country"),)


class StatisticRow(Base):
    __tablename__ = "statistics"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), index=True)
    value: Mapped[float] = mapped_column(Float)
    qualifier: Mapped[str] = mapped_column(String(16), default="exact")
    stated: Mapped[str | None] = mapped_column(String(64))  # the qualifier as the text says it ("at least")
    measure: Mapped[str] = mapped_column(Text, default="")
    period: Mapped[str | None] = mapped_column(String(32))
    country: Mapped[str | None] = mapped_column(String(2))
    source_org: Mapped[str | None] = mapped_column(Text)
    evidence: Mapped[list] = mapped_column(JSON, default=list)
    confidence: Mapped[float] = mapped_column(Float, default=0.5)
    status: Mapped[str] = mapped_column(String(16), default="suggested")


class UserRow(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(Text)  # Argon2id
    role: Mapped[str] = mapped_column(String(16))  # admin | editor | viewer
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_last: Mapped[int | None] = mapped_column(BigInteger)  # the last TOTP time step used: codes are single-use
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)


class SessionRow(Base):
    """Server-side sessions: the cookie holds a random token, the store only its hash."""

    __tablename__ = "sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuditRow(Base):
    """Append-only, hash-chained: each row's hash covers its content and the previous row's hash."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    username: Mapped[str | None] = mapped_column(String(64), index=True)
    action: Mapped[str] = mapped_column(String(32), index=True)
    target: Mapped[str | None] = mapped_column(String(128))
    detail: Mapped[dict] = mapped_column(JSON, default=dict)
    client: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class LoginAttemptRow(Base):
    """Every login attempt, written as failed before the password is checked (under the audit lock, so that
    concurrent attempts are counted exactly) and marked ok when it succeeds."""

    __tablename__ = "login_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    client: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(32))
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (Index("ix_login_attempts_client_at", "client", "at"),
                      Index("ix_login_attempts_username_at", "username", "at"))


class StoreStateRow(Base):
    """One row: a generation number bumped each time case rows are recomputed (after extraction, review,
    sensitivity changes, merges and splits), so that figures derived from all events can be cached until then."""

    __tablename__ = "store_state"
    id: Mapped[int] = mapped_column(primary_key=True)
    generation: Mapped[int] = mapped_column(BigInteger)


class AuditHeadRow(Base):
    """One row: how many audit rows there are and the last one's hash, signed with a key kept outside the
    store (so that removing the newest rows, or all of them, is detected), and which key that is."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    mac: Mapped[str] = mapped_column(String(64))
    legacy_upto: Mapped[int] = mapped_column(Integer)  # rows up to this id were chained before keys existed


class SummaryQueueRow(Base):
    """Persons whose case row must be recomputed: written in the same transaction as the extraction that
    touched them, removed once their row is refreshed, so an interrupted run leaves no stale case row."""

    __tablename__ = "summary_queue"
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)


class CaseSummaryRow(Base):
    """One row per case, kept up to date after extraction and review, so listing and filtering cases
    is one indexed query however large the store grows."""

    __tablename__ = "case_summaries"
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(Text, index=True)
    status: Mapped[str] = mapped_column(Text)
    countries: Mapped[str] = mapped_column(String(256), default="")  # " KZ RU " for LIKE filters
    event_types: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[str] = mapped_column(String(128), default="")
    sources: Mapped[int] = mapped_column(Integer, default=0)
    events: Mapped[int] = mapped_column(Integer, default=0)
    first_date: Mapped[str | None] = mapped_column(String(10))
    last_date: Mapped[str | None] = mapped_column(String(10), index=True)
    sensitivity: Mapped[str] = mapped_column(String(16), default="restricted")


class AlertRow(Base):
    """A recent urgent happening of a person (detained, abducted, extradition requested...): one per happening,
    however many outlets report it; the reports are its sources."""

    __tablename__ = "alerts"
    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(32))
    date: Mapped[str | None] = mapped_column(String(10))  # the happening's date where a report tells it
    country: Mapped[str | None] = mapped_column(String(2))
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now, index=True)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | acknowledged
    assigned_to: Mapped[str | None] = mapped_column(String(64))
    acknowledged_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    notify_attempts: Mapped[int] = mapped_column(Integer, default=0)
    notify_error: Mapped[str | None] = mapped_column(Text)
    sources: Mapped[list["AlertSourceRow"]] = relationship(cascade="all, delete-orphan", order_by="AlertSourceRow.id")


class AlertSourceRow(Base):
    """One report of an alert's happening: the event extracted from one article."""

    __tablename__ = "alert_sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    __table_args__ = (UniqueConstraint("alert_id", "article_id"),)


class AlertCursorRow(Base):
    """One row: the last event id looked at for alerts, so each event is judged once, also after a restart."""

    __tablename__ = "alert_cursor"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(BigInteger, default=0)


class WatchSourceRow(Base):
    """A feed, sitemap or folder that `dossier watch` follows, with what its server said last time
    (ETag / Last-Modified for conditional requests)."""

    __tablename__ = "watch_sources"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    polled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
    failures: Mapped[int] = mapped_column(Integer, default=0)


class WatchItemRow(Base):
    """An article page listed by a followed feed or sitemap: fetched once, retried later when fetching failed."""

    __tablename__ = "watch_items"
    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    source_url: Mapped[str] = mapped_column(String(2048))
    published: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), default="pending", index=True)  # pending|stored|failed|gave_up
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=_now)
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
