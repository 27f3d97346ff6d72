"""What relays write to the team: keeping it, acknowledging it, answering it.

Everything a relay writes that the conversation does not consume (a question, a comment,
a testimony as text, voice note, picture or video) becomes an inbox entry.

The acknowledgement rule: a relay is told once per unanswered thread that their message
reached the team. Their first message kept while none of theirs waits for an answer is
acknowledged; further messages before an organiser answers are kept in silence (a person
writing three lines in a row gets one "received", not three). Once an organiser answers,
the thread is closed and the next message opens a new one, acknowledged again.

An organiser's reply answers the entry it was written under and every earlier unanswered
entry of the same relay (the thread), and leaves through the outbox to the relay's own
channel, so the platform's rules (WhatsApp's 24-hour window) apply to it as to anything.
"""

from __future__ import annotations

import functools
from datetime import datetime

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from bot.db import core, insert_ignore, insert_ignore_statement
from bot.domain.outbox import enqueue
from bot.enums import RelayStatus
from bot.models import InboxEntry, InboxReply, Relay
from bot.outbound import MediaRef, Message
from bot.precompiled import Precompiled

REPLY_SOURCE = "inbox"  # a delivery's source_kind; its source_ref is the reply's id
TEXT_LIMIT = 4000  # characters: under Telegram's 4096 and WhatsApp's 4096


class ReplyRefused(ValueError):
    """A reply that cannot go: the relay left, or there is nothing to send."""


# Built once: every message for the team runs it.
_WAITING_SELECT = (
    select(InboxEntry.id)
    .where(InboxEntry.relay_id == bindparam("relay"), InboxEntry.answered_at.is_(None))
    .limit(1)
)
_WAITING = Precompiled(_WAITING_SELECT)


_ENTRIES: Table = InboxEntry.__table__  # type: ignore[assignment]


@functools.cache
def _keep_and_look() -> Precompiled:
    """PostgreSQL: _WAITING and insert_ignore's INSERT of the entry in one statement, one
    round trip. Both read the snapshot taken before the statement, so `waiting` is what
    waited before this message, as when they ran one after the other."""
    columns = ("inbound_id", "relay_id", "received_at", "answered_at", "to_share")
    kept = insert_ignore_statement("postgresql", _ENTRIES, ("inbound_id",), columns)
    waiting = _WAITING_SELECT.cte("waiting")
    return Precompiled(
        select(
            select(kept.cte("kept").c.id).scalar_subquery().label("kept"),
            select(waiting.c.id).scalar_subquery().label("waiting"),
        )
    )


def keep(*, session: Session, relay: Relay, inbound_id: int, now: datetime) -> bool:
    """Keep an inbound message for the team; True when the relay should be told it reached
    them (see the acknowledgement rule above). Keeping the same message twice is a no-op."""
    entry = {
        "inbound_id": inbound_id,
        "relay_id": relay.id,
        "received_at": now,
        "answered_at": None,
        "to_share": False,
    }
    connection = core(session)
    if connection.dialect.name == "postgresql":
        found = _keep_and_look().first(connection, {**entry, "relay": relay.id})
        kept, waiting = found if found is not None else (None, None)
        return kept is not None and waiting is None
    waiting = _WAITING.scalar(connection, {"relay": relay.id})
    kept = insert_ignore(session, _ENTRIES, entry, unique=["inbound_id"])
    return kept is not None and waiting is None


def reply(
    *,
    session: Session,
    entry_id: int,
    login: str,
    text: str,
    voice: str | None,
    now: datetime,
) -> InboxReply:
    """Answer an entry: the reply is kept, queued for the relay, and closes the thread.

    `voice` is a reference to a stored voice note (bot/domain/uploads.py), or None.
    """
    entry = session.get(InboxEntry, entry_id)
    if entry is None:
        raise LookupError(entry_id)
    relay = session.get_one(Relay, entry.relay_id)
    text = text.strip()
    if not text and voice is None:
        raise ReplyRefused("empty")
    if len(text) > TEXT_LIMIT:
        raise ReplyRefused("too long")
    if relay.status in (RelayStatus.STOPPED, RelayStatus.ERASED):
        raise ReplyRefused("left")
    answer = InboxReply(entry_id=entry.id, login=login, text=text or None, voice=voice)
    answer.created_at = now
    session.add(answer)
    session.flush()
    message = Message(
        text=text,
        language=relay.language.value,
        media=MediaRef("voice", path=voice) if voice is not None else None,
    )
    enqueue(
        session=session,
        source_kind=REPLY_SOURCE,
        source_ref=str(answer.id),
        message=message,
        relay=relay,
    )
    session.execute(
        update(InboxEntry)
        .where(
            InboxEntry.relay_id == relay.id,
            InboxEntry.id <= entry.id,
            InboxEntry.answered_at.is_(None),
        )
        .values(answered_at=now)
        .execution_options(synchronize_session="fetch")
    )
    return answer


def set_to_share(*, session: Session, entry_id: int, to_share: bool) -> InboxEntry:
    """Mark a testimony to use in a later post, or take the mark off."""
    entry = session.get(InboxEntry, entry_id)
    if entry is None:
        raise LookupError(entry_id)
    entry.to_share = to_share
    return entry
