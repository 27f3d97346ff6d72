"""The people who run the campaign from the dashboard: their accounts, their sessions,
failed logins (for rate limiting) and every look at a relay's full address."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bot.models.base import Base, utcnow


class Organiser(Base):
    """A dashboard account. Only an argon2 hash of the password is kept."""

    __tablename__ = "organiser"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]


class OrganiserSession(Base):
    """A logged-in browser. The cookie holds a random token; only its SHA-256 is kept,
    so a copy of the database opens no session. `csrf` is the token every form carries."""

    __tablename__ = "organiser_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    organiser_id: Mapped[int] = mapped_column(
        ForeignKey("organiser.id", ondelete="CASCADE"), index=True
    )
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class LoginFailure(Base):
    """A refused login, by login and by client address: what the rate limit counts."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    login: Mapped[str] = mapped_column(String(64), index=True)
    client: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class AddressAccess(Base):
    """An organiser asked to see one relay's full address: who, whose, when."""

    __tablename__ = "address_access"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # The login is copied so the log outlives a removed account.
    login: Mapped[str] = mapped_column(String(64))
    relay_id: Mapped[int | None] = mapped_column(
        ForeignKey("relay.id", ondelete="SET NULL"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
