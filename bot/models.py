"""The SQL model: the one place both bot/ and scheduler/ take their tables from.

Alembic owns the schema (alembic/versions); the app never calls create_all.
Every time is stored as timezone-aware UTC.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """DateTime that refuses naive values and always comes back aware in UTC.

    SQLite keeps no offset, so values are normalised to UTC on the way in and
    tagged UTC on the way out; PostgreSQL stores timestamptz.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC time")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONDocument = JSON().with_variant(JSONB(), "postgresql")


def _enum(kind: type[enum.Enum]) -> Enum:
    # Stored as plain strings (no native type, no CHECK) so later issues can add values
    # with a data migration instead of a type rewrite.
    return Enum(
        kind,
        native_enum=False,
        create_constraint=False,
        length=24,
        values_callable=lambda members: [member.value for member in members],
    )


class Language(enum.StrEnum):
    """The two languages of a campaign; every user-facing text exists in both."""

    FR = "fr"
    BM = "bm"


class Role(enum.StrEnum):
    RELAY = "relay"
    ORGANISER = "organiser"


class RelayStatus(enum.StrEnum):
    """Where a relay stands.

    active: receives posts. stopped: sent STOP, receives nothing until they join again.
    unreachable: the platform refused delivery (blocked the bot, invalid number).
    erased: asked for their personal data to be deleted; only anonymous counts remain.
    """

    ACTIVE = "active"
    STOPPED = "stopped"
    UNREACHABLE = "unreachable"
    ERASED = "erased"


class ConversationState(enum.StrEnum):
    """What the bot is waiting for from this relay, if anything."""

    LANGUAGE = "language"
    PLACE = "place"
    CONFIRM_ERASE = "confirm_erase"
    # An organiser writing a broadcast from the chat (/diffuser).
    BROADCAST_AUDIENCE = "broadcast_audience"
    BROADCAST_FR = "broadcast_fr"
    BROADCAST_BM = "broadcast_bm"
    BROADCAST_CONFIRM = "broadcast_confirm"


class DeliveryStatus(enum.StrEnum):
    """Life of an outbox row.

    queued: waiting for a worker (next_attempt_at says from when).
    sending: claimed by a worker; claimed_at bounds the claim, a stale one is requeued.
    sent: the platform accepted it (platform_message_id set).
    delivered, read: the platform's status callbacks say it reached the phone, was read.
    undelivered: the platform accepted it but could not deliver it (error_code says why).
    held: cannot go out as it is (WhatsApp, outside the 24-hour window, no template);
      it goes out when the relay writes again and reopens the window.
    failed: gave up, error says why. cancelled: withdrawn before it was handed over.
    """

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    READ = "read"
    UNDELIVERED = "undelivered"
    HELD = "held"
    FAILED = "failed"
    CANCELLED = "cancelled"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONDocument,
    }


class Relay(Base):
    """A person reached through one channel address (telegram:123, whatsapp:+223…, console:…)."""

    __tablename__ = "relay"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    address: Mapped[str] = mapped_column(String(128), unique=True)
    channel: Mapped[str] = mapped_column(String(16), index=True)
    display_name: Mapped[str | None] = mapped_column(String(128))
    language: Mapped[Language] = mapped_column(_enum(Language), default=Language.FR)
    place: Mapped[str | None] = mapped_column(String(64), index=True)
    role: Mapped[Role] = mapped_column(_enum(Role), default=Role.RELAY)
    status: Mapped[RelayStatus] = mapped_column(
        _enum(RelayStatus), default=RelayStatus.ACTIVE, index=True
    )
    state: Mapped[ConversationState | None] = mapped_column(_enum(ConversationState))
    consent_at: Mapped[datetime | None]
    stopped_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    # WhatsApp's 24-hour window opens at the relay's last message to us.
    last_inbound_at: Mapped[datetime | None]
    nudged_at: Mapped[datetime | None]
    # Free labels organisers give relays (ambassadeur, élu, association…), for audiences.
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    referral_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    referred_by_id: Mapped[int | None] = mapped_column(ForeignKey("relay.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    referred_by: Mapped[Relay | None] = relationship(remote_side=[id])


class InboundMessage(Base):
    """Everything a platform posted to us, kept raw; one row per platform message."""

    __tablename__ = "inbound_message"
    __table_args__ = (UniqueConstraint("channel", "platform_message_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    platform_message_id: Mapped[str] = mapped_column(String(128))
    # Kept apart from relay_id: someone who writes before joining has no relay yet.
    address: Mapped[str | None] = mapped_column(String(128), index=True)
    relay_id: Mapped[int | None] = mapped_column(
        ForeignKey("relay.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, Any] | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """The outbox: every message that leaves is a row here first.

    One row per (source_kind, source_ref, relay): replaying what caused it changes nothing.
    A reply to someone who has not joined has no relay, only an address; the address is
    also kept when the relay's own is erased, for the farewell, and dropped once sent.
    """

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("source_kind", "source_ref", "relay_id"),
        Index("ix_delivery_due", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    relay_id: Mapped[int | None] = mapped_column(
        ForeignKey("relay.id", ondelete="CASCADE"), index=True
    )
    source_kind: Mapped[str] = mapped_column(String(16))
    source_ref: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]]
    address: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[DeliveryStatus] = mapped_column(
        _enum(DeliveryStatus), default=DeliveryStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    platform_message_id: Mapped[str | None] = mapped_column(String(128), index=True)
    # A WhatsApp template (ContentSid) the message went out as, outside the 24-hour window.
    template_sid: Mapped[str | None] = mapped_column(String(64))
    error_code: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    relay: Mapped[Relay | None] = relationship()


class PostStatus(enum.StrEnum):
    """draft: planned, not sent. ready: goes out when due. withdrawn: removed from the
    campaign file before it went out."""

    DRAFT = "draft"
    READY = "ready"
    WITHDRAWN = "withdrawn"


class CampaignRow(Base):
    """A loaded campaign: its settings and kit as read from its folder."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(128))
    timezone: Mapped[str] = mapped_column(String(64))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    folder: Mapped[str] = mapped_column(String(1024))
    # fallback_language, quiet_hours, hashtags, places, phases…: read, never queried by parts
    settings: Mapped[dict[str, Any]]
    kit: Mapped[dict[str, Any]]
    loaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class PostRow(Base):
    """One post of the editorial calendar, stored with every language's text."""

    __tablename__ = "post"
    __table_args__ = (
        UniqueConstraint("campaign_id", "slug"),
        Index("ix_post_due", "status", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"))
    slug: Mapped[str] = mapped_column(String(40))
    phase: Mapped[str] = mapped_column(String(40))
    status: Mapped[PostStatus] = mapped_column(_enum(PostStatus), default=PostStatus.DRAFT)
    scheduled_at: Mapped[datetime]
    # Due until then: the end of its day, or past the quiet hours that follow it.
    expires_at: Mapped[datetime]
    audience: Mapped[dict[str, Any]]
    content: Mapped[dict[str, Any]]  # text, sms, media, hashtags, templates per language
    version: Mapped[str] = mapped_column(String(64))  # hash of what relays would receive
    first_sent_at: Mapped[datetime | None]  # set once deliveries exist: it went out
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    campaign: Mapped[CampaignRow] = relationship()


class MediaFile(Base):
    """What a platform calls a file we uploaded once (Telegram's file_id), by content."""

    __tablename__ = "media_file"
    __table_args__ = (UniqueConstraint("channel", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    sha256: Mapped[str] = mapped_column(String(64))
    file_id: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BroadcastState(enum.StrEnum):
    """draft: being written (in the chat). scheduled: waits for its time. sending: its
    deliveries are being queued or sent. done: every delivery was queued. cancelled:
    stopped; what had not been handed to a platform was withdrawn."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    SENDING = "sending"
    DONE = "done"
    CANCELLED = "cancelled"


class Broadcast(Base):
    """A call to action an organiser sends to an audience, in French and Bambara."""

    __tablename__ = "broadcast"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[BroadcastState] = mapped_column(
        _enum(BroadcastState), default=BroadcastState.DRAFT, index=True
    )
    # languages, places, roles, tags, joined_since: who receives it (active relays only)
    audience: Mapped[dict[str, Any]]
    texts: Mapped[dict[str, Any]]  # language → text
    media: Mapped[dict[str, Any]]  # language → {"kind", "path" | "url"}
    send_at: Mapped[datetime]
    created_by: Mapped[str] = mapped_column(String(64))  # "cli", "api", "relay:<id>"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]


class ChannelRate(Base):
    """A channel's pace, shared by every worker: a token bucket kept in the database.

    Workers take tokens under a row lock before sending, so together they never go faster
    than the rate; a platform's retry_after pauses the whole channel.
    """

    __tablename__ = "channel_rate"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    tokens: Mapped[float] = mapped_column(default=0.0)
    refilled_at: Mapped[datetime] = mapped_column(default=utcnow)
    paused_until: Mapped[datetime | None]
    slowed_until: Mapped[datetime | None]  # sends at half pace until then


class ContestState(enum.StrEnum):
    """draft: waiting for its opening time. open: questions go out and answers count.
    closed: answers still come in but are recorded as late."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class ContestMode(enum.StrEnum):
    """sequential: one question at a time, the next when the previous is answered.
    all_at_once: every question goes out at opening."""

    SEQUENTIAL = "sequential"
    ALL_AT_ONCE = "all_at_once"


class Eligibility(enum.StrEnum):
    """Who may win the draw, among participants still active."""

    ALL_CORRECT = "all_correct"  # every question answered right, in time
    ANY_CORRECT = "any_correct"  # at least one right answer in time
    PARTICIPATED = "participated"  # answered at least one question in time


class Contest(Base):
    """A jeu concours: questions with one right choice each, points, a prize, a draw."""

    __tablename__ = "contest"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[dict[str, Any]]  # language → text
    prize: Mapped[dict[str, Any]]  # language → text
    state: Mapped[ContestState] = mapped_column(_enum(ContestState), default=ContestState.DRAFT)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    points: Mapped[int] = mapped_column(default=1)  # for a right answer in time
    speed_bonus: Mapped[int] = mapped_column(default=0)  # added within speed_minutes of opening
    speed_minutes: Mapped[int] = mapped_column(default=0)
    feedback_at_once: Mapped[bool] = mapped_column(default=True)  # else after closing
    audience: Mapped[dict[str, Any]]  # as a broadcast's
    mode: Mapped[ContestMode] = mapped_column(
        _enum(ContestMode), default=ContestMode.SEQUENTIAL, server_default="sequential"
    )
    eligibility: Mapped[Eligibility] = mapped_column(
        _enum(Eligibility), default=Eligibility.ALL_CORRECT, server_default="all_correct"
    )
    # Each participant's results went out (their score, and the right answers).
    results_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Question(Base):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("contest_id", "position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(ForeignKey("contest.id", ondelete="CASCADE"))
    position: Mapped[int]
    text: Mapped[dict[str, Any]]  # language → text
    choices: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # each: language → label
    correct: Mapped[int]  # index in choices
    media: Mapped[dict[str, Any]]  # language → {"kind", "path" | "url"}

    contest: Mapped[Contest] = relationship()


class Answer(Base):
    """A participant's first answer to a question: one per (question, relay), by constraint."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("question_id", "relay_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"))
    relay_id: Mapped[int] = mapped_column(ForeignKey("relay.id", ondelete="CASCADE"), index=True)
    choice: Mapped[int]
    correct: Mapped[bool]
    late: Mapped[bool] = mapped_column(default=False)  # after the contest closed: no points
    points: Mapped[int] = mapped_column(default=0)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)


class ContestDraw(Base):
    """A winner draw, kept for good: the frozen eligible list, its SHA-256, the seed,
    who ran it and when. A second draw for the same contest is a redraw, recorded too."""

    __tablename__ = "contest_draw"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contest_id: Mapped[int] = mapped_column(
        ForeignKey("contest.id", ondelete="CASCADE"), index=True
    )
    seed: Mapped[str] = mapped_column(String(128))
    rule: Mapped[Eligibility] = mapped_column(_enum(Eligibility))
    eligible: Mapped[list[str]] = mapped_column(JSON)  # canonical participant ids, sorted
    eligible_sha256: Mapped[str] = mapped_column(String(64))
    winners: Mapped[list[str]] = mapped_column(JSON)  # in the order drawn
    redraw: Mapped[bool] = mapped_column(default=False)
    drawn_by: Mapped[str] = mapped_column(String(128))
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)


class Poll(Base):
    """An anonymous opinion poll: results only in aggregate, and only past a threshold."""

    __tablename__ = "poll"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign.id", ondelete="SET NULL"), index=True
    )
    question: Mapped[dict[str, Any]]  # language → text
    choices: Mapped[list[dict[str, str]]] = mapped_column(JSON)  # each: language → label
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    changeable: Mapped[bool] = mapped_column(default=False)  # a vote may change until close
    # Fewer votes than this and no result is shown, so no answer can be traced to anyone.
    threshold: Mapped[int] = mapped_column(default=10)
    audience: Mapped[dict[str, Any]]
    results_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Vote(Base):
    """One relay's vote in a poll: one per (poll, relay), by constraint; never exported."""

    __tablename__ = "vote"
    __table_args__ = (UniqueConstraint("poll_id", "relay_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("poll.id", ondelete="CASCADE"))
    relay_id: Mapped[int] = mapped_column(ForeignKey("relay.id", ondelete="CASCADE"), index=True)
    choice: Mapped[int]
    voted_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class InboundMedia(Base):
    """A picture, voice note or video a relay sent: testimonies organisers can look at.

    Only the platform's reference is kept (a Twilio media URL, a Telegram file id).
    """

    __tablename__ = "inbound_media"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    inbound_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"),
        ForeignKey("inbound_message.id", ondelete="CASCADE"),
        index=True,
    )
    relay_id: Mapped[int | None] = mapped_column(
        ForeignKey("relay.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    url: Mapped[str] = mapped_column(String(1024))
    content_type: Mapped[str | None] = mapped_column(String(128))
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
