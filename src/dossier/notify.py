"""Notifications of new alerts: a JSON POST to a webhook and/or an e-mail, configured per deployment.

What leaves the machine follows the sensitivity rules: for a restricted or secret person only "a restricted
case has a new urgent event — open Dossier" and a link; a name, place, country or date goes out only for a
person whose record and name are public. A failed notification is retried on later runs (at most
MAX_ATTEMPTS), and every attempt is in the audit log.

Configuration (environment): DOSSIER_WEBHOOK_URL; DOSSIER_SMTP_HOST, DOSSIER_SMTP_PORT (25),
DOSSIER_SMTP_STARTTLS (1 to use it), DOSSIER_SMTP_USER, DOSSIER_SMTP_PASSWORD, DOSSIER_ALERT_FROM,
DOSSIER_ALERT_TO (comma-separated); DOSSIER_BASE_URL for the links (http://localhost:8000).
"""
from __future__ import annotations

import os
import smtplib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import EmailMessage

from sqlalchemy import select

from .errors import ConfigError
from .security import audit
from .security.policy import person_field_level
from .store import Store
from .store.models import AlertRow, PersonRow

MAX_ATTEMPTS = 5
_LABEL = {"detained": "detained", "abducted": "abducted", "extradition": "extradition requested",
          "deported": "deportation", "travel_denied": "stopped at a border"}


@dataclass
class Channels:
    webhook: str | None = None
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_starttls: bool = False
    smtp_user: str | None = None
    smtp_password: str | None = None
    mail_from: str = "dossier@localhost"
    mail_to: list[str] = field(default_factory=list)
    base_url: str = "http://localhost:8000"

    @classmethod
    def from_env(cls, webhook: str | None = None, mail_to: list[str] | None = None) -> "Channels":
        env = os.environ
        try:
            port = int(env.get("DOSSIER_SMTP_PORT") or 25)
        except ValueError:
            raise ConfigError("DOSSIER_SMTP_PORT is not a port number") from None
        out = cls(webhook=webhook or env.get("DOSSIER_WEBHOOK_URL") or None, smtp_host=env.get("DOSSIER_SMTP_HOST") or None,
                  smtp_port=port, smtp_starttls=env.get("DOSSIER_SMTP_STARTTLS", "") in ("1", "true", "yes"),
                  smtp_user=env.get("DOSSIER_SMTP_USER") or None, smtp_password=env.get("DOSSIER_SMTP_PASSWORD") or None,
                  mail_from=env.get("DOSSIER_ALERT_FROM") or "dossier@localhost",
                  mail_to=mail_to or [a.strip() for a in (env.get("DOSSIER_ALERT_TO") or "").split(",") if a.strip()],
                  base_url=(env.get("DOSSIER_BASE_URL") or "http://localhost:8000").rstrip("/"))
        if out.webhook and not out.webhook.startswith(("http://", "https://")):
            raise ConfigError(f"the webhook is not an http(s) URL: {out.webhook}")
        if out.mail_to and not out.smtp_host:
            raise ConfigError("e-mail alerts need DOSSIER_SMTP_HOST")
        return out

    @property
    def any(self) -> bool:
        return bool(self.webhook or (self.smtp_host and self.mail_to))


def message(alert: AlertRow, person: PersonRow, base_url: str) -> dict:
    """What may leave the machine about this alert."""
    url = f"{base_url}/alerts#alert-{alert.id}"
    pdict = {"name": person.name, "pseudonym": person.pseudonym, "role": person.role,
             "field_levels": person.field_levels or {}}
    if person.sensitivity == "public" and person_field_level(pdict, "name") == "public":
        what = _LABEL.get(alert.type, alert.type) + (f" in {alert.country}" if alert.country else "")
        text = f"{person.name}: {what}" + (f" ({alert.date})" if alert.date else "") + f" — open Dossier: {url}"
        return {"alert": alert.id, "level": "public", "person": person.name, "type": alert.type,
                "country": alert.country, "date": alert.date, "url": url, "text": text}
    level = "secret" if person.sensitivity == "secret" else "restricted"
    return {"alert": alert.id, "level": level, "url": url,
            "text": f"A {level} case has a new urgent event — open Dossier: {url}"}


def _post(url: str, payload: dict) -> None:
    import httpx

    try:
        response = httpx.post(url, json=payload, timeout=10.0, follow_redirects=False)
    except httpx.HTTPError as exc:
        raise OSError(f"webhook unreachable: {type(exc).__name__}") from None
    if response.status_code >= 300:
        raise OSError(f"webhook answered HTTP {response.status_code}")


def _mail(channels: Channels, payload: dict) -> None:
    msg = EmailMessage()
    msg["Subject"] = "Dossier: urgent event" if payload["level"] != "public" else f"Dossier: {payload['text'][:120]}"
    msg["From"], msg["To"] = channels.mail_from, ", ".join(channels.mail_to)
    msg.set_content(payload["text"] + "\n")
    try:
        with smtplib.SMTP(channels.smtp_host, channels.smtp_port, timeout=10) as smtp:
            if channels.smtp_starttls:
                smtp.starttls()
            if channels.smtp_user:
                smtp.login(channels.smtp_user, channels.smtp_password or "")
            smtp.send_message(msg)
    except (smtplib.SMTPException, OSError) as exc:
        raise OSError(f"mail not sent: {type(exc).__name__}: {str(exc)[:200]}") from None


def notify_pending(store: Store, channels: Channels) -> tuple[int, list[str]]:
    """Send what is due: each alert not yet notified (and not given up on) once. Returns (sent, errors)."""
    sent, errors = 0, []
    if not channels.any:
        return sent, errors
    with store.session() as s:
        due = list(s.scalars(select(AlertRow.id).where(AlertRow.notified_at.is_(None),
                                                       AlertRow.notify_attempts < MAX_ATTEMPTS).order_by(AlertRow.id)))
    for alert_id in due:
        with store.session.begin() as s:
            alert = s.get(AlertRow, alert_id)
            person = s.get(PersonRow, alert.person_id)
            payload = message(alert, person, channels.base_url)
            done, failed = [], []
            for channel, send in (("webhook", (lambda: _post(channels.webhook, payload)) if channels.webhook else None),
                                  ("email", (lambda: _mail(channels, payload))
                                   if channels.smtp_host and channels.mail_to else None)):
                if send is None:
                    continue
                try:
                    send()
                    done.append(channel)
                except OSError as exc:
                    failed.append(f"{channel}: {exc}")
            alert.notify_attempts += 1
            if failed:
                alert.notify_error = "; ".join(failed)
                errors.append(f"alert {alert_id}: " + "; ".join(failed))
                audit.record(s, "notification_failed", None, f"alert:{alert_id}", {"errors": failed})
            else:
                alert.notified_at, alert.notify_error = datetime.now(timezone.utc), None
                sent += 1
                audit.record(s, "notification_sent", None, f"alert:{alert_id}",
                             {"channels": done, "level": payload["level"]})
    return sent, errors
