"""Accounts with roles, Argon2id password hashes, server-side sessions, login rate limiting and an
optional TOTP second factor. The first admin is created from the command line; there is no default
password."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..errors import DossierError
from ..store.models import AuditRow, SessionRow, UserRow
from . import audit

ROLES = ("admin", "editor", "viewer")
SESSION_HOURS = 12
MAX_FAILURES = 5  # per user name and per client in the window below
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


def authenticate(s: Session, username: str, password: str, client: str, otp: str | None = None) -> UserRow:
    since = (datetime.now(timezone.utc) - FAILURE_WINDOW).isoformat()
    recent = s.scalar(select(func.count(AuditRow.id)).where(
        AuditRow.action == "login_failed", AuditRow.at >= since,
        (AuditRow.username == username) | (AuditRow.client == client)))
    if recent >= MAX_FAILURES:
        audit.record(s, "login_throttled", username=username, client=client)
        raise LoginRefused("too many failed logins; try again later")
    user = s.scalar(select(UserRow).where(UserRow.username == username))
    ok = False
    if user is not None and not user.disabled:
        try:
            ok = _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
        if ok and user.totp_secret:
            import pyotp

            ok = bool(otp) and pyotp.TOTP(user.totp_secret).verify(otp, valid_window=1)
    else:
        _hasher.hash(password)  # same work whether or not the user exists
    if not ok:
        audit.record(s, "login_failed", username=username, client=client)
        raise LoginRefused("wrong user name, password or code")
    audit.record(s, "login", username=username, client=client)
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
