"""Organisers' dashboard accounts: passwords (argon2), sessions, the login rate limit.

The browser keeps a random token in an HttpOnly cookie; the database keeps its SHA-256,
with the CSRF token every state-changing form must send back.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.i18n import Text, _
from bot.models import AddressAccess, Language, LoginFailure, Organiser, OrganiserSession, utcnow

SESSION_LIFETIME = timedelta(days=7)
FAILURE_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_LOGIN = 5
MAX_FAILURES_PER_CLIENT = 20
MIN_PASSWORD = 10
LOGIN_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verifying against this when the login is unknown takes as long as a real check.
    Made on first use, not at import: hashing it took a tenth of `relais serve`'s start."""
    return _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A login or password that cannot be used; `reason` says why, in either language."""

    def __init__(self, reason: Text) -> None:
        super().__init__(reason.render(Language.FR))
        self.reason = reason


class TooManyAttempts(Exception):
    """Too many failed logins lately, for this login or from this address."""


@dataclass(frozen=True)
class SignedIn:
    """Who is using the dashboard, and the CSRF token their forms carry."""

    organiser_id: int
    login: str
    csrf: str
    session_id: int


def normalise_login(login: str) -> str:
    return login.strip().lower()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add(session: Session, *, login: str, password: str) -> Organiser:
    login = normalise_login(login)
    if not LOGIN_PATTERN.match(login):
        raise AccountError(
            _("a login is 2 to 64 lower-case letters, digits, dots, dashes, underscores or @")
        )
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("a password has at least {count} characters", count=MIN_PASSWORD))
    if session.scalar(select(Organiser.id).where(Organiser.login == login)) is not None:
        raise AccountError(_("{login} already has an account", login=login))
    organiser = Organiser(login=login, password_hash=_hasher.hash(password))
    session.add(organiser)
    session.flush()
    return organiser


def listing(session: Session) -> list[Organiser]:
    return list(session.scalars(select(Organiser).order_by(Organiser.login)))


def remove(session: Session, *, login: str) -> bool:
    """Remove an account and end its sessions; False when there was none."""
    found = session.scalars(select(Organiser).where(Organiser.login == normalise_login(login)))
    organiser = found.first()
    if organiser is None:
        return False
    session.execute(delete(OrganiserSession).where(OrganiserSession.organiser_id == organiser.id))
    session.delete(organiser)
    return True


def _recent_failures(session: Session, column: object, value: str, since: datetime) -> int:
    query = select(func.count()).select_from(LoginFailure)
    return session.scalar(query.where(column == value, LoginFailure.at >= since)) or 0  # type: ignore[arg-type]


def log_in(
    session: Session, *, login: str, password: str, client: str, now: datetime | None = None
) -> tuple[SignedIn, str] | None:
    """Check a password; on success, a new session and the token for its cookie.

    Raises TooManyAttempts before checking anything when the login or the address has
    failed too often in the last quarter hour; records each failure.
    """
    now = now or utcnow()
    login = normalise_login(login)[:64]
    client = client[:64]
    since = now - FAILURE_WINDOW
    if (
        _recent_failures(session, LoginFailure.login, login, since) >= MAX_FAILURES_PER_LOGIN
        or _recent_failures(session, LoginFailure.client, client, since) >= MAX_FAILURES_PER_CLIENT
    ):
        raise TooManyAttempts
    organiser = session.scalars(select(Organiser).where(Organiser.login == login)).first()
    try:
        _hasher.verify(organiser.password_hash if organiser else _dummy_hash(), password)
        verified = organiser is not None
    except (VerificationError, InvalidHashError):
        verified = False
    if not verified or organiser is None:
        session.add(LoginFailure(login=login, client=client, at=now))
        return None
    if _hasher.check_needs_rehash(organiser.password_hash):
        organiser.password_hash = _hasher.hash(password)
    organiser.last_login_at = now
    session.execute(delete(LoginFailure).where(LoginFailure.login == login))
    session.execute(delete(OrganiserSession).where(OrganiserSession.expires_at < now))
    token = secrets.token_urlsafe(32)
    row = OrganiserSession(
        token_hash=_digest(token),
        organiser_id=organiser.id,
        csrf=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
    )
    session.add(row)
    session.flush()
    return SignedIn(organiser.id, organiser.login, row.csrf, row.id), token


def signed_in(session: Session, token: str, *, now: datetime | None = None) -> SignedIn | None:
    """Who holds this cookie token, if their session is still open."""
    now = now or utcnow()
    found = session.execute(
        select(OrganiserSession, Organiser.login)
        .join(Organiser, Organiser.id == OrganiserSession.organiser_id)
        .where(OrganiserSession.token_hash == _digest(token), OrganiserSession.expires_at > now)
    ).first()
    if found is None:
        return None
    row, login = found
    return SignedIn(row.organiser_id, login, row.csrf, row.id)


def log_out(session: Session, *, session_id: int) -> None:
    session.execute(delete(OrganiserSession).where(OrganiserSession.id == session_id))


def record_address_access(session: Session, *, login: str, relay_id: int) -> None:
    """Log that `login` was shown one relay's full address."""
    session.add(AddressAccess(login=login, relay_id=relay_id))
