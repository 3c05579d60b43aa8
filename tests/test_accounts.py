"""Accounts: failure counting that holds under concurrency, limits that do not lock the owner out, single-use TOTP
codes, proxy headers believed only when configured, and the commands to disable, re-password and log out."""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pyotp
import pytest
from sqlalchemy import func, select

from dossier.cli import main
from dossier.security import accounts
from dossier.store import Store
from dossier.store.models import AuditRow, LoginAttemptRow, UserRow

from .conftest import PASSWORD


@pytest.fixture
def store(tmp_path):
    store = Store.open(str(tmp_path / "a.db"))
    with store.session.begin() as s:
        accounts.create_user(s, "viewer", PASSWORD, "viewer")
        accounts.create_user(s, "other", PASSWORD, "viewer")
    return store


def _try(store, user="viewer", password="wrong guess", client="10.0.0.1", otp=None) -> str:
    try:
        accounts.login(store, user, password, client, otp)
        return "ok"
    except accounts.LoginRefused as exc:
        return "throttled" if "too many" in exc.message else "wrong"


def test_accounts_concurrent_guesses_are_counted_exactly(store):
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(lambda _: _try(store), range(60)))
    assert results.count("wrong") == accounts.MAX_FAILURES  # passwords checked: exactly the limit
    assert results.count("throttled") == 60 - accounts.MAX_FAILURES
    with store.session() as s:
        assert s.scalar(select(func.count(LoginAttemptRow.id))) == accounts.MAX_FAILURES


def test_accounts_a_guesser_elsewhere_does_not_lock_the_owner_out(store):
    for _ in range(accounts.MAX_FAILURES):
        assert _try(store, client="203.0.113.9") == "wrong"
    assert _try(store, client="203.0.113.9") == "throttled"
    assert _try(store, password=PASSWORD, client="10.0.0.2") == "ok"  # the owner, from their own address
    for i in range(accounts.MAX_CLIENT_FAILURES - accounts.MAX_FAILURES):  # spraying many accounts from one address
        _try(store, user=f"nobody{i}", client="203.0.113.9")
    assert _try(store, user="other", password=PASSWORD, client="203.0.113.9") == "throttled"
    assert _try(store, user="other", password=PASSWORD, client="10.0.0.3") == "ok"


def test_accounts_totp_code_is_single_use(store):
    with store.session.begin() as s:
        secret = accounts.create_user(s, "twofactor", PASSWORD, "editor", totp=True)
    code = pyotp.TOTP(secret).now()
    assert _try(store, "twofactor", PASSWORD, otp=None) == "wrong"
    assert _try(store, "twofactor", PASSWORD, otp=code) == "ok"
    assert _try(store, "twofactor", PASSWORD, otp=code, client="10.0.0.9") == "wrong"  # replayed


def test_accounts_commands_disable_change_password_and_end_sessions(store, tmp_path, monkeypatch):
    db = str(tmp_path / "a.db")
    _, token = accounts.login(store, "viewer", PASSWORD, "10.0.0.1")
    with store.session() as s:
        assert accounts.session_user(s, token) is not None
    assert main(["user-logout", "viewer", "--db", db]) == 0
    with store.session() as s:
        assert accounts.session_user(s, token) is None
    _, token = accounts.login(store, "viewer", PASSWORD, "10.0.0.1")
    monkeypatch.setenv("DOSSIER_PASSWORD", "a brand new passphrase")
    assert main(["user-password", "viewer", "--db", db]) == 0
    with store.session() as s:
        assert accounts.session_user(s, token) is None
    assert _try(store, password=PASSWORD) == "wrong" and _try(store, password="a brand new passphrase") == "ok"
    assert main(["user-disable", "viewer", "--db", db]) == 0
    assert _try(store, password="a brand new passphrase", client="10.0.0.5") == "wrong"
    assert main(["user-disable", "viewer", "--enable", "--db", db]) == 0
    assert _try(store, password="a brand new passphrase", client="10.0.0.5") == "ok"
    assert main(["user-disable", "nobody", "--db", db]) == 1
    with store.session() as s:
        actions = set(s.scalars(select(AuditRow.action)))
    assert {"sessions_ended", "password_changed", "user_disabled", "user_enabled"} <= actions


def test_accounts_user_add_writes_the_totp_enrolment_to_a_private_file_never_to_the_screen(tmp_path, monkeypatch,
                                                                                          capsys):
    monkeypatch.setenv("DOSSIER_PASSWORD", PASSWORD)
    enrol = tmp_path / "enrol.txt"
    assert main(["user-add", "fa", "--totp-file", str(enrol), "--db", str(tmp_path / "b.db")]) == 0
    uri = enrol.read_text().strip()
    secret = pyotp.parse_uri(uri).secret
    assert secret not in capsys.readouterr().out and oct(enrol.stat().st_mode & 0o777) == "0o600"
    with Store.open(str(tmp_path / "b.db")).session() as s:
        assert s.scalar(select(UserRow.totp_secret).where(UserRow.username == "fa")) == secret
    assert main(["user-add", "fb", "--totp-file", str(enrol), "--db", str(tmp_path / "b.db")]) == 1  # never overwritten


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_accounts_forwarded_for_is_ignored_unless_a_proxy_is_trusted(store, tmp_path):
    """A real server: changing X-Forwarded-For on every guess must not reset the limit."""
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "dossier.cli", "serve", "--db", str(tmp_path / "a.db"),
                               "--port", str(port), "--insecure-cookies"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                httpx.get(base + "/health", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        texts = [httpx.post(base + "/login", data={"username": "viewer", "password": "wrong guess"},
                            headers={"X-Forwarded-For": f"198.51.100.{i}"}).text for i in range(accounts.MAX_FAILURES + 1)]
        assert "too many" in texts[-1]
    finally:
        server.terminate()
        server.wait(10)
