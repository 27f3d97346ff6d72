"""Relay services: join, leave, change language or place, erase personal data, and the
history of each change in a relay's standing (relay_event), which the indicators count.

Keyword-only, given the session; they flush, never commit: the entry point's unit of
work decides.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    Boolean,
    Table,
    bindparam,
    delete,
    exists,
    literal_column,
    null,
    select,
    true,
    update,
)
from sqlalchemy.orm import Session

from bot.db import as_loaded, core
from bot.models import (
    Delivery,
    DeliveryStatus,
    InboundMedia,
    InboundMessage,
    InboxEntry,
    Relay,
    RelayEvent,
    RelayEventKind,
    RelayStatus,
)
from bot.precompiled import Precompiled

# No 0/O or 1/I: codes are read aloud and copied by hand.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def find_relay(*, session: Session, address: str) -> Relay | None:
    return session.scalars(_BY_ADDRESS, {"address": address}).one_or_none()


class Heard(NamedTuple):
    relay: Relay
    held: bool  # messages of theirs are held until they write (outbox.release_held)


def heard_from_address(*, session: Session, address: str, now: datetime) -> Heard | None:
    """find_relay and heard_from in one statement: the relay at this address, if any,
    marked as having written just now (UPDATE … RETURNING the row, taken as the Relay),
    and whether any message of theirs is held until they write."""
    found = _HEARD.first(core(session), {"at_address": address, "now": now})
    return heard_from_row(session, found) if found is not None else None


def heard_from_row(session: Session, row: Sequence[Any]) -> Heard | None:
    """What heard_from_address answers, from the columns of HEARD_FROM_ADDRESS's RETURNING
    (all None when no relay was found), as another statement returned them."""
    *columns, held = row
    if columns[0] is None:
        return None
    return Heard(as_loaded(session, Relay, columns), bool(held))


# Built once: every inbound message runs HEARD_FROM_ADDRESS (building it cost more than
# running it). Before, a SELECT found the relay and an UPDATE marked it; one statement now.
# A Core statement, its row taken as the Relay by as_loaded: the relay as the database now
# has it, over any copy the session holds (core() flushed pending changes first).
_BY_ADDRESS = select(Relay).where(Relay.address == bindparam("address"))
_RELAYS: Table = Relay.__table__  # type: ignore[assignment]
# Whether anything is held comes back with the row: most relays have nothing held, and the
# UPDATE that releases it cost as much as this statement on every message.
# Written out whole: SQLite's compiler names every column in RETURNING bare, a subquery's
# too, and a bare "id" or "status" there could be read as the relay's.
_HELD = literal_column(
    "EXISTS (SELECT 1 FROM delivery WHERE delivery.relay_id = relay.id"
    " AND delivery.status = 'held')",  # DeliveryStatus.HELD (tests/test_heard_from.py)
    Boolean,
).label("held")
HEARD_FROM_ADDRESS = (
    update(_RELAYS)
    .where(_RELAYS.c.address == bindparam("at_address"))
    # updated_at given, not left to its Python-side default: inside the PostgreSQL CTE of
    # bot/conversation/inbound.py no default is computed for it.
    .values(
        last_inbound_at=bindparam("now", type_=_RELAYS.c.last_inbound_at.type),
        updated_at=bindparam("now", type_=_RELAYS.c.updated_at.type),
    )
    .returning(*_RELAYS.c, _HELD)
)
_HEARD = Precompiled(HEARD_FROM_ADDRESS)


def and_heard_from(first: Any, name: str) -> Any:
    """PostgreSQL: `first` (a statement RETURNING an id, run as the CTE `name`) and
    HEARD_FROM_ADDRESS in one statement, the relay marked only if `first` returned a row.
    One row (that id, then the relay's columns, None when no relay is at the address), or
    none when `first` returned none: one round trip where there were two."""
    done = first.cte(name)
    heard = HEARD_FROM_ADDRESS.where(exists(select(done.c.id))).cte("heard")
    return select(done.c.id, *heard.c).select_from(done.outerjoin(heard, true()))


def find_by_referral_code(*, session: Session, code: str) -> Relay | None:
    code = code.strip().upper()
    if not code or len(code) > 16:
        return None
    return session.scalars(select(Relay).where(Relay.referral_code == code)).one_or_none()


def _new_referral_code(session: Session) -> str:
    while True:
        code = "".join(secrets.choice(_CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if session.scalar(select(Relay.id).where(Relay.referral_code == code)) is None:
            return code


def create_relay(
    *,
    session: Session,
    address: str,
    channel: str,
    display_name: str | None,
    now: datetime,
    referrer: Relay | None = None,
) -> Relay:
    """A newcomer who asked to join: active, consenting from now, with their own code."""
    relay = Relay(
        address=address,
        channel=channel,
        display_name=display_name,
        status=RelayStatus.ACTIVE,
        consent_at=now,
        referral_code=_new_referral_code(session),
        referred_by=referrer,
        created_at=now,
    )
    session.add(relay)
    session.flush()
    return relay


def record_event(*, session: Session, relay: Relay, kind: RelayEventKind, now: datetime) -> None:
    """Keep a change in the relay's standing, with their channel, language and place now."""
    session.add(
        RelayEvent(
            relay_id=relay.id,
            kind=kind,
            at=now,
            channel=relay.channel,
            language=relay.language.value,
            place=relay.place,
        )
    )


def finish_joining(*, session: Session, relay: Relay, now: datetime) -> None:
    """The relay gave consent, a language and a place: they count as joined from now."""
    record_event(session=session, relay=relay, kind=RelayEventKind.JOINED, now=now)


def rejoin(*, session: Session, relay: Relay, now: datetime) -> None:
    """A relay who had left, or whom the platform had refused, asks to receive again."""
    relay.status = RelayStatus.ACTIVE
    relay.consent_at = now
    relay.stopped_at = None
    if relay.place is not None:  # one who never finished joining joins when they do
        record_event(session=session, relay=relay, kind=RelayEventKind.REJOINED, now=now)


def reachable_again(*, session: Session, relay: Relay, now: datetime) -> None:
    """They wrote to us, so the platform reaches them again (they unblocked the bot)."""
    if relay.status is RelayStatus.UNREACHABLE:
        relay.status = RelayStatus.ACTIVE
        record_event(session=session, relay=relay, kind=RelayEventKind.REACHABLE, now=now)


def mark_unreachable(*, session: Session, relay: Relay, reason: str, now: datetime) -> None:
    """The platform refuses this relay's address: stop their queue, and say why."""
    if relay.status is RelayStatus.ACTIVE:
        relay.status = RelayStatus.UNREACHABLE
        record_event(session=session, relay=relay, kind=RelayEventKind.UNREACHABLE, now=now)
    session.flush()
    cancel_queued(session=session, relay=relay, reason=reason)


def cancel_queued(*, session: Session, relay: Relay, reason: str, held: bool = False) -> int:
    """Withdraw everything still waiting for this relay (with `held`, also what waits for
    them to write: writing after STOP must not send it); returns how many."""
    waiting = (DeliveryStatus.QUEUED, DeliveryStatus.HELD) if held else (DeliveryStatus.QUEUED,)
    result = session.execute(
        update(Delivery)
        .where(Delivery.relay_id == relay.id, Delivery.status.in_(waiting))
        .values(status=DeliveryStatus.CANCELLED, error=reason)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def stop_relay(*, session: Session, relay: Relay, now: datetime) -> None:
    """STOP: nothing more goes to this relay until they join again."""
    if relay.status is RelayStatus.ACTIVE:
        record_event(session=session, relay=relay, kind=RelayEventKind.STOPPED, now=now)
    relay.status = RelayStatus.STOPPED
    relay.stopped_at = now
    relay.state = None
    session.flush()
    cancel_queued(session=session, relay=relay, reason="relay stopped", held=True)


def erase_relay(*, session: Session, relay: Relay, now: datetime) -> str:
    """Delete the relay's personal data, keep only what anonymous counts need.

    The address, name and referral code go; raw payloads, texts and media they sent go,
    with what they wrote to the team (the inbox);
    what was sent to them keeps its status but loses its text. Language, place and
    dates stay, for counts. Returns the old address, for the farewell message.
    """
    address = relay.address
    if relay.status is not RelayStatus.ERASED:
        record_event(session=session, relay=relay, kind=RelayEventKind.ERASED, now=now)
    session.flush()
    cancel_queued(session=session, relay=relay, reason="relay erased", held=True)
    session.execute(delete(InboundMedia).where(InboundMedia.relay_id == relay.id))
    session.execute(delete(InboxEntry).where(InboxEntry.relay_id == relay.id))  # and replies
    session.execute(
        update(InboundMessage)
        .where((InboundMessage.relay_id == relay.id) | (InboundMessage.address == address))
        .values(payload=null(), text=None, address=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(Delivery)
        .where(Delivery.relay_id == relay.id)
        .values(payload={}, address=None)
        .execution_options(synchronize_session=False)
    )
    relay.address = f"erased:{relay.id}"
    relay.display_name = None
    relay.referral_code = None
    relay.status = RelayStatus.ERASED
    relay.state = None
    relay.erased_at = now
    relay.stopped_at = relay.stopped_at or now
    session.flush()
    return address
