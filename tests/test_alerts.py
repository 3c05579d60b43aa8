"""Alerts and notifications without the models: recency of partial dates, what a notification may say for each
sensitivity level, retries of a failing webhook, and the watch command's option checks."""
from __future__ import annotations

import json
import threading
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from dossier.alerts import is_recent
from dossier.cli import main
from dossier.errors import ConfigError, DossierError
from dossier.notify import MAX_ATTEMPTS, Channels, message, notify_pending
from dossier.store.models import AlertRow, AuditRow, PersonRow
from dossier.watch import parse_every


def test_recent_partial_dates():
    today = date(2026, 3, 10)
    assert is_recent("2026-03-01", 14, today) and is_recent("2026-03", 14, today) and is_recent("2026", 14, today)
    assert not is_recent("2026-02-20", 14, today)  # 18 days before
    assert is_recent("2026-02", 14, today)  # February may have ended 8 days before
    assert not is_recent("2025", 14, today) and not is_recent("2026-04-01", 14, today)  # old, and not yet
    assert not is_recent(None, 14, today) and not is_recent("2026-13", 14, today)


def test_every_parses_durations_and_refuses_nonsense():
    assert parse_every("15m") == 900 and parse_every("1h30m") == 5400 and parse_every("90s") == 90
    for bad in ("", "soon", "5s", "15 minutes"):
        with pytest.raises(DossierError):
            parse_every(bad)


def test_notification_says_no_more_than_the_level_allows():
    alert = AlertRow(id=7, person_id=1, type="detained", date="2026-03-01", country="KZ")
    hidden = PersonRow(id=1, name="Test Personov", pseudonym=False, role="resister", sensitivity="restricted",
                       field_levels={})
    for level in ("restricted", "secret"):
        hidden.sensitivity = level
        note = json.dumps(message(alert, hidden, "https://dossier.example"), ensure_ascii=False)
        assert "Personov" not in note and "KZ" not in note and "2026" not in note and "detained" not in note
        assert f"A {level} case has a new urgent event" in note and "https://dossier.example/alerts#alert-7" in note
    public = PersonRow(id=2, name="Open Publicov", pseudonym=False, role="resister", sensitivity="public",
                       field_levels={"name": "public"})
    note = message(alert, public, "https://dossier.example")
    assert note["person"] == "Open Publicov" and note["country"] == "KZ"
    public.field_levels = {}  # a public case whose name stays restricted
    assert "Publicov" not in json.dumps(message(alert, public, "https://dossier.example"))


def test_channels_configuration_errors(monkeypatch):
    with pytest.raises(ConfigError):
        Channels.from_env(webhook="ftp://example.org/hook")
    monkeypatch.delenv("DOSSIER_SMTP_HOST", raising=False)
    with pytest.raises(ConfigError):
        Channels.from_env(mail_to=["desk@example.org"])
    monkeypatch.setenv("DOSSIER_SMTP_PORT", "many")
    with pytest.raises(ConfigError):
        Channels.from_env()


class Hook:
    def __init__(self):
        self.status, self.bodies = 500, []
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                hook.bodies.append(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
                self.send_response(hook.status)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_failed_webhook_is_retried_then_given_up(store):
    hook = Hook()
    try:
        with store.session.begin() as s:
            s.add(PersonRow(id=1, name="Test Personov", name_keys=[], role="resister", sensitivity="restricted"))
            s.flush()
            s.add_all([AlertRow(person_id=1, type="detained", status="open", notify_attempts=0),
                       AlertRow(person_id=1, type="abducted", status="open", notify_attempts=0)])
        channels = Channels(webhook=hook.url)
        sent, errors = notify_pending(store, channels)
        assert sent == 0 and len(errors) == 2 and "HTTP 500" in errors[0]
        hook.status = 204
        assert notify_pending(store, channels) == (2, [])
        assert notify_pending(store, channels) == (0, [])  # each alert once
        assert len(hook.bodies) == 4
        with store.session.begin() as s:
            s.add(AlertRow(person_id=1, type="deported", status="open", notify_attempts=MAX_ATTEMPTS))
        assert notify_pending(store, channels) == (0, [])  # given up after MAX_ATTEMPTS
        with store.session() as s:
            actions = [a for a in s.scalars(select(AuditRow.action))]
        assert actions.count("notification_failed") == 2 and actions.count("notification_sent") == 2
    finally:
        hook.server.shutdown()
        hook.server.server_close()


def test_watch_refuses_bad_sources_and_options(tmp_path, capsys):
    db = str(tmp_path / "w.db")
    assert main(["watch", "file:///etc/passwd", "--once", "--db", db]) == 1
    assert main(["watch", str(tmp_path / "missing"), "--once", "--db", db]) == 1
    assert main(["watch", str(tmp_path), "--every", "soon", "--db", db]) == 1
    assert main(["watch", str(tmp_path), "--once", "--timeout", "0", "--db", db]) == 1
    assert main(["watch", str(tmp_path), "--once", "--webhook", "gopher://x", "--db", db]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("error:") == 5


class Smtp:
    """A minimal SMTP server on loopback (EHLO, MAIL, RCPT, DATA, QUIT) that keeps the messages it gets."""

    def __init__(self):
        import socketserver

        self.messages: list[str] = []
        box = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self):
                self.wfile.write(b"220 localhost ESMTP test\r\n")
                data, in_data = [], False
                for raw in self.rfile:
                    line = raw.decode("utf-8", "replace")
                    if in_data:
                        if line in (".\r\n", ".\n"):
                            box.messages.append("".join(data))
                            data, in_data = [], False
                            self.wfile.write(b"250 queued\r\n")
                        else:
                            data.append(line)
                        continue
                    verb = line[:4].upper()
                    if verb == "DATA":
                        in_data = True
                        self.wfile.write(b"354 go on\r\n")
                    elif verb == "QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def test_email_notification_names_nobody_restricted(store):
    smtp = Smtp()
    try:
        with store.session.begin() as s:
            s.add(PersonRow(id=1, name="Test Personov", name_keys=[], role="resister", sensitivity="restricted"))
            s.flush()
            s.add(AlertRow(person_id=1, type="detained", country="KZ", status="open", notify_attempts=0))
        channels = Channels(smtp_host="127.0.0.1", smtp_port=smtp.port, mail_to=["desk@example.org"])
        assert notify_pending(store, channels) == (1, [])
        assert len(smtp.messages) == 1
        mail = smtp.messages[0]
        assert "To: desk@example.org" in mail and "A restricted case has a new urgent event" in mail
        assert "Personov" not in mail and "KZ" not in mail
    finally:
        smtp.server.shutdown()
        smtp.server.server_close()
