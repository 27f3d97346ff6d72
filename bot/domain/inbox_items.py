"""The inbox as organisers read it: entries newest first, each with who wrote it (by
pseudonym only: never an address or a name), what they wrote, their media and the thread
of replies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.domain.contests.pseudonyms import pseudonym
from bot.enums import RelayStatus
from bot.models import InboundMedia, InboundMessage, InboxEntry, InboxReply, Relay
from content.places import find_place

PAGE = 50


@dataclass(frozen=True)
class Attachment:
    id: int
    kind: str  # photo, voice, audio, video, document


@dataclass(frozen=True)
class Answer:
    login: str
    text: str | None
    voice: str | None  # a media reference, served at /media/<voice>
    at: datetime


@dataclass(frozen=True)
class Item:
    id: int
    pseudonym: str
    place: str | None
    language: str
    channel: str
    text: str | None
    attachments: tuple[Attachment, ...]
    received_at: datetime
    answered_at: datetime | None
    to_share: bool
    can_reply: bool  # the relay has not left
    last_inbound_at: datetime | None  # WhatsApp's window opens there
    replies: tuple[Answer, ...]

    @property
    def testimony(self) -> bool:
        return bool(self.attachments)


@dataclass(frozen=True)
class Filters:
    unanswered: bool = False
    to_share: bool = False
    testimonies: bool = False


def _where(filters: Filters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Relay.status != RelayStatus.ERASED]
    if filters.unanswered:
        conditions.append(InboxEntry.answered_at.is_(None))
    if filters.to_share:
        conditions.append(InboxEntry.to_share.is_(True))
    if filters.testimonies:
        with_media = select(InboundMedia.id).where(InboundMedia.inbound_id == InboxEntry.inbound_id)
        conditions.append(with_media.exists())
    return conditions


def count_unanswered(*, session: Session) -> int:
    return int(
        session.scalar(
            select(func.count(InboxEntry.id))
            .join(Relay, Relay.id == InboxEntry.relay_id)
            .where(*_where(Filters(unanswered=True)))
        )
        or 0
    )


def items(*, session: Session, filters: Filters, limit: int = PAGE) -> list[Item]:
    """Entries matching the filters, newest first."""
    rows = session.execute(
        select(InboxEntry, Relay, InboundMessage.text)
        .join(Relay, Relay.id == InboxEntry.relay_id)
        .join(InboundMessage, InboundMessage.id == InboxEntry.inbound_id)
        .where(*_where(filters))
        .order_by(InboxEntry.received_at.desc(), InboxEntry.id.desc())
        .limit(limit)
    ).all()
    inbound_ids = [entry.inbound_id for entry, _relay, _text in rows]
    entry_ids = [entry.id for entry, _relay, _text in rows]
    media: dict[int, list[Attachment]] = defaultdict(list)
    for row in session.scalars(
        select(InboundMedia)
        .where(InboundMedia.inbound_id.in_(inbound_ids))
        .order_by(InboundMedia.id)
    ):
        media[row.inbound_id].append(Attachment(row.id, row.kind))
    replies: dict[int, list[Answer]] = defaultdict(list)
    for reply in session.scalars(
        select(InboxReply).where(InboxReply.entry_id.in_(entry_ids)).order_by(InboxReply.id)
    ):
        replies[reply.entry_id].append(
            Answer(reply.login, reply.text, reply.voice, reply.created_at)
        )
    return [
        Item(
            id=entry.id,
            pseudonym=pseudonym(relay),
            place=_place(relay.place),
            language=relay.language.value,
            channel=relay.channel,
            text=text,
            attachments=tuple(media[entry.inbound_id]),
            received_at=entry.received_at,
            answered_at=entry.answered_at,
            to_share=entry.to_share,
            can_reply=relay.status in (RelayStatus.ACTIVE, RelayStatus.UNREACHABLE),
            last_inbound_at=relay.last_inbound_at,
            replies=tuple(replies[entry.id]),
        )
        for entry, relay, text in rows
    ]


def _place(slug: str | None) -> str | None:
    if slug is None:
        return None
    found = find_place(slug)
    return found.name if found is not None else slug
