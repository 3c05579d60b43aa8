"""Urgent alerts: a recent urgent happening of a person (detained, abducted, extradition requested, deported,
stopped at a border) raises one alert; further reports of the same happening, from any outlet and in any
language, become sources of that alert. What is urgent and for how long is the codebook's `urgent` section.

Every event is judged once, in id order, from a cursor kept in the store (a restart goes on where it stopped).
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from .codebook import Codebook, load_codebook
from .errors import DossierError
from .security import audit
from .store import Store
from .store.models import (AlertCursorRow, AlertRow, AlertSourceRow, ArticleRow, DocumentRow, EventRow, PersonRow,
                           SourceRow)


def _span(value: str) -> tuple[date, date]:
    """The first and last day a partial ISO date (2024, 2024-03, 2024-03-05) can mean."""
    parts = [int(x) for x in value.split("-")]
    if len(parts) == 1:
        return date(parts[0], 1, 1), date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], 1), date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(*parts[:3]), date(*parts[:3])


def is_recent(value: str | None, days: int, today: date) -> bool:
    """Whether a happening of this date may have been within the last `days` days (not in the future)."""
    if not value:
        return False
    try:
        first, last = _span(value)
    except ValueError:
        return False
    return last >= today - timedelta(days=days) and first <= today


def _agree(a: str | None, b: str | None) -> bool:
    return not a or not b or a.startswith(b) or b.startswith(a)


def raise_alerts(store: Store, codebook: Codebook | None = None, now: datetime | None = None) -> list[int]:
    """Judge the events stored since the last call; return the ids of the alerts raised (not those that only
    gained a source)."""
    codebook = codebook or load_codebook()
    now = now or datetime.now(timezone.utc)
    today = now.date()
    raised: list[int] = []
    with store.session.begin() as s:
        cursor = s.get(AlertCursorRow, 1)
        if cursor is None:
            cursor = AlertCursorRow(id=1, event_id=0)
            s.add(cursor)
        last = s.scalar(select(func.max(EventRow.id))) or 0
        if not codebook.urgent or last <= cursor.event_id:
            cursor.event_id = max(cursor.event_id, last)
            return raised
        rows = s.execute(
            select(EventRow, ArticleRow.published, DocumentRow.published, SourceRow.ingested_at)
            .join(PersonRow, EventRow.person_id == PersonRow.id)
            .join(ArticleRow, EventRow.article_id == ArticleRow.id)
            .join(DocumentRow, ArticleRow.document_id == DocumentRow.id)
            .join(SourceRow, DocumentRow.source_id == SourceRow.id)
            .where(EventRow.id > cursor.event_id, EventRow.id <= last, EventRow.type.in_(codebook.urgent),
                   EventRow.status != "rejected", PersonRow.role == "resister")
            .order_by(EventRow.id)).all()
        for event, art_published, doc_published, ingested in rows:
            rule = codebook.urgent[event.type]
            outcome = (event.attributes or {}).get("outcome")
            if rule.outcomes and outcome not in rule.outcomes:
                continue
            # an undated happening is as recent as its report (a report with no date: when it came in); a date
            # carried over from an earlier sentence may be the background's ("fled in 2023 ... Russia demands
            # his extradition"): then the report's date also counts
            reported = art_published or doc_published or ingested.date().isoformat()
            when = event.date or reported
            if not is_recent(when, rule.days, today) and not (
                    (event.attributes or {}).get("date_inferred") and is_recent(reported, rule.days, today)):
                continue
            told = None if (event.attributes or {}).get("date_inferred") else event.date  # the happening's own
            alert = _matching(s, event, told, now - timedelta(days=rule.days))
            if alert is None:
                alert = AlertRow(person_id=event.person_id, type=event.type, date=told,
                                 country=event.country, raised_at=now, status="open", notify_attempts=0)
                s.add(alert)
                s.flush()
                raised.append(alert.id)
                audit.record(s, "alert_raised", None, f"alert:{alert.id}",
                             {"type": event.type, "person": event.person_id, "event": event.id})
            elif not any(src.article_id == event.article_id for src in alert.sources):
                if told and len(told) > len(alert.date or ""):
                    alert.date = told
                alert.country = alert.country or event.country
                audit.record(s, "alert_source_added", None, f"alert:{alert.id}", {"event": event.id})
            else:
                continue
            alert.sources.append(AlertSourceRow(event_id=event.id, article_id=event.article_id, added_at=now))
            s.flush()
        cursor.event_id = last
    return raised


def _matching(s, event: EventRow, told: str | None, since: datetime) -> AlertRow | None:
    """The alert of the same happening: same person and type, raised within the urgency window, dates and
    countries not in conflict."""
    for alert in s.scalars(select(AlertRow).where(AlertRow.person_id == event.person_id, AlertRow.type == event.type,
                                                  AlertRow.raised_at >= since).order_by(AlertRow.id.desc())):
        if _agree(alert.date, told) and (not alert.country or not event.country or alert.country == event.country):
            return alert
    return None


@dataclass
class AlertView:
    id: int
    person_id: int
    person: str | None  # None where the viewer may not see the name
    sensitivity: str
    type: str
    date: str | None
    country: str | None
    raised_at: str
    status: str
    assigned_to: str | None
    acknowledged_by: str | None
    notified: bool
    sources: list[dict]  # {article, event, source, title, evidence}


def list_alerts(store: Store, role: str, status: str | None = None, limit: int = 200) -> list[AlertView]:
    """Alerts newest first, as a user of this role may see them: persons secret to the role are left out,
    names and evidence withheld as the sensitivity rules say."""
    from .security.policy import can_see, person_field_level

    out = []
    with store.session() as s:
        q = select(AlertRow, PersonRow).join(PersonRow, AlertRow.person_id == PersonRow.id)
        if status:
            q = q.where(AlertRow.status == status)
        for alert, person in s.execute(q.order_by(AlertRow.raised_at.desc(), AlertRow.id.desc()).limit(limit)):
            if not can_see(person.sensitivity, role):
                continue
            pdict = {"name": person.name, "pseudonym": person.pseudonym, "role": person.role,
                     "field_levels": person.field_levels or {}}
            name = person.name if can_see(person_field_level(pdict, "name"), role) else None
            sources = []
            for src in alert.sources:
                row = s.execute(select(EventRow, ArticleRow.title, SourceRow.name)
                                .join(ArticleRow, EventRow.article_id == ArticleRow.id)
                                .join(DocumentRow, ArticleRow.document_id == DocumentRow.id)
                                .join(SourceRow, DocumentRow.source_id == SourceRow.id)
                                .where(EventRow.id == src.event_id)).first()
                if row is None or (row[0].sensitivity == "secret" and not can_see("secret", role)):
                    continue
                event, title, source = row
                evidence = [x.get("text") for x in event.evidence or []] if can_see("restricted", role) else []
                sources.append({"article": src.article_id, "event": src.event_id, "source": source, "title": title,
                                "evidence": evidence})
            out.append(AlertView(alert.id, alert.person_id, name, person.sensitivity, alert.type, alert.date,
                                 alert.country, alert.raised_at.isoformat(timespec="seconds"), alert.status,
                                 alert.assigned_to, alert.acknowledged_by, alert.notified_at is not None, sources))
    return out


def acknowledge(store: Store, alert_id: int, username: str, client: str | None = None) -> None:
    with store.session.begin() as s:
        alert = s.get(AlertRow, alert_id)
        if alert is None:
            raise DossierError(f"no alert {alert_id}")
        alert.status, alert.acknowledged_by, alert.acknowledged_at = "acknowledged", username, datetime.now(timezone.utc)
        audit.record(s, "alert_acknowledged", username, f"alert:{alert_id}", client=client)


def assign(store: Store, alert_id: int, assignee: str, username: str, client: str | None = None) -> None:
    from .store.models import UserRow

    with store.session.begin() as s:
        alert = s.get(AlertRow, alert_id)
        if alert is None:
            raise DossierError(f"no alert {alert_id}")
        if assignee and s.scalar(select(UserRow.id).where(UserRow.username == assignee)) is None:
            raise DossierError(f"no user {assignee!r} to assign the alert to")
        alert.assigned_to = assignee or None
        audit.record(s, "alert_assigned", username, f"alert:{alert_id}", {"to": assignee or None}, client=client)
