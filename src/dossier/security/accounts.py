"""Accounts with roles, Argon2id password hashes, server-side sessions, login rate limiting and an
optional TOTP second factor. The first admin is created from the command line; there is no default
password."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ..errors import DossierError
from ..store.models import LoginAttemptRow, SessionRow, UserRow
from . import audit

ROLES = ("admin", "editor", "viewer")
SESSION_HOURS = 12
MAX_FAILURES = 5  # per account and client in the window below
MAX_CLIENT_FAILURES = 20  # per client over all accounts
FAILURE_WINDOW = timedelta(minutes=15)
MIN_PASSWORD = 12
_hasher = PasswordHasher()


class LoginRefused(DossierError):
    code = "E400"


def create_user(s: Session, username: str, password: str, role: str, totp: bool = False) -> str | None:
    """Create an account; returns the TOTP secret when a second factor is asked for."""
    if role not in ROLES:
        raise DossierError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD:
        raise DossierError(f"password must have at least {MIN_PASSWORD} characters")
    if s.scalar(select(UserRow.id).where(UserRow.username == username)) is not None:
        raise DossierError(f"user {username!r} exists")
    secret = None
    if totp:
        import pyotp

        secret = pyotp.random_base32()
    s.add(UserRow(username=username, password_hash=_hasher.hash(password), role=role, totp_secret=secret))
    audit.record(s, "user_created", target=f"user:{username}", detail={"role": role, "totp": totp})
    return secret


def login(store, username: str, password: str, client: str, otp: str | None = None) -> tuple[UserRow, str]:
    """Check a login and open a session: (user, cookie token). Limits: MAX_FAILURES failed attempts per
    account *and client* (a guesser elsewhere does not lock the owner out), MAX_CLIENT_FAILURES per client over
    all accounts. The attempt is written as failed before the password is checked, in a transaction holding
    the audit lock, so concurrent guesses are counted exactly; the (slow) check runs outside the lock."""
    now = datetime.now(timezone.utc)
    since = (now - FAILURE_WINDOW).isoformat()
    username, client = username[:64], (client or "?")[:64]
    with store.session.begin() as s:
        audit.lock(s)
        failed = select(func.count(LoginAttemptRow.id)).where(LoginAttemptRow.ok.is_(False),
                                                             LoginAttemptRow.at >= since)
        pair = s.scalar(failed.where(LoginAttemptRow.username == username, LoginAttemptRow.client == client))
        per_client = s.scalar(failed.where(LoginAttemptRow.client == client))
        throttled = pair >= MAX_FAILURES or per_client >= MAX_CLIENT_FAILURES
        if throttled:
            audit.record(s, "login_throttled", username=username, client=client)
        else:
            attempt = LoginAttemptRow(username=username, client=client, at=now.isoformat(), ok=False)
            s.add(attempt)
            s.flush()
            attempt_id = attempt.id
    if throttled:
        raise LoginRefused("too many failed logins; try again later")
    with store.session.begin() as s:
        user = s.scalar(select(UserRow).where(UserRow.username == username))
        ok = False
        if user is not None and not user.disabled:
            try:
                ok = _hasher.verify(user.password_hash, password)
            except (VerificationError, InvalidHashError):
                ok = False
            if ok and user.totp_secret:
                ok = _use_totp(s, user, otp)
        else:
            _hasher.hash(password)  # same work whether or not the user exists
        if not ok:
            audit.record(s, "login_failed", username=username, client=client)
            failed_login = True
        else:
            failed_login = False
            s.get(LoginAttemptRow, attempt_id).ok = True
            audit.record(s, "login", username=username, client=client)
            token, _ = open_session(s, user)
            s.flush()
            s.expunge(user)
    if failed_login:
        raise LoginRefused("wrong user name, password or code")
    return user, token


def _use_totp(s: Session, user: UserRow, otp: str | None) -> bool:
    """A code is valid once: its time step must be later than the last one used (checked and set in one UPDATE,
    so two logins racing with the same code cannot both pass)."""
    import pyotp

    if not otp or not otp.strip().isdigit():
        return False
    totp = pyotp.TOTP(user.totp_secret)
    now = datetime.now(timezone.utc)
    for offset in (-1, 0, 1):
        step = totp.timecode(now) + offset
        if hmac.compare_digest(totp.generate_otp(step), otp.strip()):
            used = s.execute(update(UserRow).where(UserRow.id == user.id,
                                                   (UserRow.totp_last.is_(None)) | (UserRow.totp_last < step))
                             .values(totp_last=step)).rowcount
            return used == 1
    return False


def set_password(s: Session, username: str, password: str) -> None:
    user = _user(s, username)
    if len(password) < MIN_PASSWORD:
        raise DossierError(f"password must have at least {MIN_PASSWORD} characters")
    user.password_hash = _hasher.hash(password)
    ended = end_sessions(s, username, record=False)
    audit.record(s, "password_changed", target=f"user:{username}", detail={"sessions_ended": ended})


def set_disabled(s: Session, username: str, disabled: bool = True) -> None:
    user = _user(s, username)
    user.disabled = disabled
    ended = end_sessions(s, username, record=False) if disabled else 0
    audit.record(s, "user_disabled" if disabled else "user_enabled", target=f"user:{username}",
                 detail={"sessions_ended": ended})


def end_sessions(s: Session, username: str, record: bool = True) -> int:
    user = _user(s, username)
    ended = s.execute(delete(SessionRow).where(SessionRow.user_id == user.id)).rowcount
    if record:
        audit.record(s, "sessions_ended", target=f"user:{username}", detail={"count": ended})
    return ended


def _user(s: Session, username: str) -> UserRow:
    user = s.scalar(select(UserRow).where(UserRow.username == username))
    if user is None:
        raise DossierError(f"no user {username!r}")
    return user


def open_session(s: Session, user: UserRow) -> tuple[str, str]:
    """Returns (cookie token, CSRF token)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    s.add(SessionRow(token_hash=_hash(token), user_id=user.id, csrf=csrf,
                     expires_at=datetime.now(timezone.utc) + timedelta(hours=SESSION_HOURS)))
    return token, csrf


def session_user(s: Session, token: str | None) -> tuple[UserRow, SessionRow] | None:
    if not token:
        return None
    row = s.scalar(select(SessionRow).where(SessionRow.token_hash == _hash(token)))
    if row is None:
        return None
    expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=timezone.utc)
    if expires < datetime.now(timezone.utc):
        s.delete(row)
        return None
    user = s.get(UserRow, row.user_id)
    if user is None or user.disabled:
        return None
    return user, row


def close_session(s: Session, token: str | None) -> None:
    if token:
        s.execute(delete(SessionRow).where(SessionRow.token_hash == _hash(token)))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
