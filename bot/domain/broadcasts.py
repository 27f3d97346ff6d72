"""Broadcasts: an organiser's call to action, to an audience, in French and Bambara.

The same services serve the chat (/diffuser), the API and the CLI: describe the
audience, count it per language, create, start (queue one delivery per relay), follow,
cancel. Starting is idempotent: deliveries are unique per (broadcast, relay).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import String, Text, and_, cast, exists, func, select, true, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.domain import quiet_hours
from bot.domain.outbox import enqueue_in_each_language
from bot.i18n import Text as I18nText
from bot.i18n import _
from bot.models import (
    Broadcast,
    BroadcastState,
    CampaignRow,
    Delivery,
    DeliveryStatus,
    Language,
    Relay,
    RelayStatus,
    Role,
)
from bot.outbound import Message, Subject, media_from_json
from content.places import DEFAULT_PLACES, OTHER

SOURCE = "broadcast"
# Not yet handed to a platform: what cancelling withdraws. A claimed delivery (sending)
# is withdrawn too: the worker checks just before each send (scheduler/worker.py).
_WITHDRAWABLE = (DeliveryStatus.QUEUED, DeliveryStatus.HELD, DeliveryStatus.SENDING)
# Still on their way: while any is, the broadcast is sending. A held delivery has ended for
# now (it waits for its relay to write again, maybe for good), as in the indicators.
WAITING = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING)


class AudienceError(ValueError):
    """An audience description that cannot be read, or that names what no relay has."""

    def __init__(self, message: I18nText) -> None:
        super().__init__(message.msgid.format(**message.params))
        self.message = message


@dataclass(frozen=True)
class Audience:
    """Active relays who finished joining, narrowed by any of these (empty: no limit)."""

    languages: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    joined_since: date | None = None

    @classmethod
    def parse(cls, text: str) -> Audience:
        """Read "all" or "language=bm place=kayes,kita role=relay tag=ambassadeur
        since=2026-11-01" (any order, any subset)."""
        values: dict[str, tuple[str, ...]] = {}
        since: date | None = None
        for part in text.split():
            if part.lower() in ("all", "tous", "bee"):
                continue
            key, sep, value = part.partition("=")
            key = {"lang": "language", "langue": "language", "lieu": "place"}.get(key, key)
            if not sep or not value:
                raise AudienceError(_("{part}: write key=value, e.g. place=kayes", part=part))
            if key == "since":
                try:
                    since = date.fromisoformat(value)
                except ValueError as exc:
                    raise AudienceError(_("{part}: write since=YYYY-MM-DD", part=part)) from exc
                continue
            if key not in ("language", "place", "role", "tag"):
                raise AudienceError(_("{key}: use language, place, role, tag or since", key=key))
            values[key] = tuple(item.strip() for item in value.split(",") if item.strip())
        audience = cls(
            languages=values.get("language", ()),
            places=values.get("place", ()),
            roles=values.get("role", ()),
            tags=values.get("tag", ()),
            joined_since=since,
        )
        audience.check()
        return audience

    def check(self) -> None:
        """Refuse a language or role that does not exist (places and tags: see `check`)."""
        _refuse_unknown("language", self.languages, [item.value for item in Language])
        _refuse_unknown("role", self.roles, [item.value for item in Role])

    def to_json(self) -> dict[str, Any]:
        return {
            "languages": list(self.languages),
            "places": list(self.places),
            "roles": list(self.roles),
            "tags": list(self.tags),
            "joined_since": self.joined_since.isoformat() if self.joined_since else None,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Audience:
        since = data.get("joined_since")
        return cls(
            languages=tuple(data.get("languages") or ()),
            places=tuple(data.get("places") or ()),
            roles=tuple(data.get("roles") or ()),
            tags=tuple(data.get("tags") or ()),
            joined_since=date.fromisoformat(since) if since else None,
        )

    def relays(self, language: Language, zone: ZoneInfo) -> ColumnElement[bool]:
        """The SQL condition for the relays reading `language` in this audience."""
        conditions: list[ColumnElement[bool]] = [
            Relay.status == RelayStatus.ACTIVE,
            Relay.place.is_not(None),
            Relay.language == language,
        ]
        if self.languages and language.value not in self.languages:
            conditions.append(Relay.id.is_(None))
        if self.places:
            conditions.append(Relay.place.in_(self.places))
        if self.roles:
            conditions.append(Relay.role.in_([Role(role) for role in self.roles]))
        if self.joined_since is not None:
            midnight = datetime.combine(self.joined_since, time(0), tzinfo=zone)
            conditions.append(Relay.consent_at >= midnight.astimezone(UTC))
        for tag in self.tags:
            # Tags are few and short: a JSON text match works the same on both databases.
            tags = func.lower(cast(Relay.tags, Text))
            conditions.append(tags.contains(f'"{tag.lower()}"'))
        return and_(true(), *conditions)


def _refuse_unknown(key: str, given: tuple[str, ...], known: list[str]) -> None:
    unknown = [value for value in given if value not in known]
    if unknown:
        raise AudienceError(
            _(
                "{key}={unknown}: no relay has it. Known: {known}.",
                key=key,
                unknown=",".join(unknown),
                known=", ".join(sorted(known)) or "—",
            )
        )


def known_places(session: Session) -> list[str]:
    """The places an audience may name: the default list, the campaigns' own, the relays'."""
    known = {place.slug for place in DEFAULT_PLACES} | {OTHER}
    for settings in session.scalars(select(CampaignRow.settings)):
        known.update(str(place) for place in (settings or {}).get("places") or ())
    known.update(p for p in session.scalars(select(Relay.place).distinct()) if p)
    return sorted(known)


def known_tags(session: Session) -> list[str]:
    """The tags some relay carries (`relais admin tag`)."""
    return sorted({tag for tags in session.scalars(select(Relay.tags)) for tag in tags or ()})


def check(*, session: Session, audience: Audience) -> None:
    """Refuse an audience that names a language, role, place or tag nobody has — a typo
    would otherwise make a broadcast to nobody. The error names the known ones."""
    audience.check()
    _refuse_unknown("place", audience.places, known_places(session))
    known = known_tags(session)
    _refuse_unknown("tag", tuple(t for t in audience.tags if t.lower() not in known), known)


@dataclass
class Status:
    broadcast: Broadcast
    recipients: dict[str, int]
    deliveries: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.recipients.values())

    @property
    def waiting(self) -> int:
        return sum(self.deliveries.get(status.value, 0) for status in WAITING)

    @property
    def handled(self) -> int:
        """Deliveries that reached an end: sent or further, failed, held or cancelled."""
        return sum(self.deliveries.values()) - self.waiting

    @property
    def state(self) -> BroadcastState:
        return state_of(self.broadcast.state, waiting=self.waiting)


def state_of(stored: BroadcastState, *, waiting: int) -> BroadcastState:
    """The state as its deliveries tell it: sending until none is on its way any more,
    then done, even before the clock writes it down (see settle)."""
    if stored is BroadcastState.SENDING and not waiting:
        return BroadcastState.DONE
    return stored


def states(*, session: Session, found: list[Broadcast]) -> dict[int, BroadcastState]:
    """state_of for many broadcasts, in one query."""
    sending = [str(b.id) for b in found if b.state is BroadcastState.SENDING]
    waiting: dict[str, int] = {}
    if sending:
        rows = session.execute(
            select(Delivery.source_ref, func.count())
            .where(
                Delivery.source_kind == SOURCE,
                Delivery.source_ref.in_(sending),
                Delivery.status.in_(WAITING),
            )
            .group_by(Delivery.source_ref)
        )
        waiting = {ref: int(count) for ref, count in rows}
    return {b.id: state_of(b.state, waiting=waiting.get(str(b.id), 0)) for b in found}


def message_for(broadcast: Broadcast, language: Language) -> Message | None:
    """What a relay reading `language` receives: their text (or the other one), and their
    voice note or picture (or the other language's)."""
    texts: dict[str, str] = broadcast.texts
    media: dict[str, Any] = broadcast.media
    chosen = language.value if texts.get(language.value) or media.get(language.value) else None
    chosen = chosen or next((lang for lang in ("fr", "bm") if texts.get(lang)), None)
    if chosen is None:
        return None
    picked = media.get(chosen) or next(iter(media.values()), None)
    return Message(
        text=texts.get(chosen) or "",
        language=chosen,
        media=media_from_json(picked),
        subject=Subject("broadcast", broadcast.id),
    )


def count_recipients(*, session: Session, audience: Audience, zone: ZoneInfo) -> dict[str, int]:
    return {
        language.value: int(
            session.scalar(
                select(func.count()).select_from(Relay).where(audience.relays(language, zone))
            )
            or 0
        )
        for language in Language
    }


def create(
    *,
    session: Session,
    audience: Audience,
    texts: dict[str, str],
    created_by: str,
    now: datetime,
    media: dict[str, Any] | None = None,
    send_at: datetime | None = None,
    state: BroadcastState = BroadcastState.SCHEDULED,
    urgent: bool = False,
) -> Broadcast:
    texts = {language: text.strip() for language, text in texts.items() if text and text.strip()}
    if state is not BroadcastState.DRAFT and not (texts or media):
        raise ValueError("a broadcast needs a text or a voice note")
    broadcast = Broadcast(
        state=state,
        audience=audience.to_json(),
        texts=texts,
        media=media or {},
        send_at=send_at or now,
        urgent=urgent,
        created_by=created_by,
        created_at=now,
    )
    session.add(broadcast)
    session.flush()
    return broadcast


def start(*, session: Session, broadcast: Broadcast, now: datetime, zone: ZoneInfo) -> int:
    """Queue the broadcast for its whole audience (again is harmless); returns how many.

    Quiet hours hold it (it stays scheduled, and the clock starts it when they end) unless
    it is urgent."""
    if broadcast.state not in (BroadcastState.SCHEDULED, BroadcastState.SENDING):
        return 0
    if held_until(session=session, broadcast=broadcast, now=now) is not None:
        return 0
    broadcast.state = BroadcastState.SENDING
    broadcast.started_at = broadcast.started_at or now
    audience = Audience.from_json(broadcast.audience)
    queued = enqueue_in_each_language(
        session=session,
        source_kind=SOURCE,
        source_ref=str(broadcast.id),
        message=lambda language: message_for(broadcast, language),
        relays=lambda language: audience.relays(language, zone),
        now=now,
    )
    session.flush()
    settle(session=session, now=now, only=broadcast)  # an empty audience: done at once
    return queued


def _still_waiting() -> ColumnElement[bool]:
    return exists().where(
        Delivery.source_kind == SOURCE,
        Delivery.source_ref == cast(Broadcast.id, String),
        Delivery.status.in_(WAITING),
    )


def settle(*, session: Session, now: datetime, only: Broadcast | None = None) -> int:
    """Mark done the sending broadcasts none of whose deliveries is still on its way (the
    clock's job, and start's for an empty audience). Returns how many."""
    query = select(Broadcast).where(Broadcast.state == BroadcastState.SENDING, ~_still_waiting())
    if only is not None:
        query = query.where(Broadcast.id == only.id)
    finished = list(session.scalars(query.with_for_update(skip_locked=True)))
    for broadcast in finished:
        broadcast.state = BroadcastState.DONE
        broadcast.finished_at = now
    return len(finished)


def held_until(*, session: Session, broadcast: Broadcast, now: datetime) -> datetime | None:
    """When quiet hours let this broadcast leave, if they hold it now (urgent: never)."""
    if broadcast.urgent:
        return None
    return quiet_hours.held_until(session=session, now=max(now, broadcast.send_at))


def start_due(*, session: Session, now: datetime, zone: ZoneInfo) -> int:
    """Start every scheduled broadcast whose time has come (the clock's job)."""
    due = session.scalars(
        select(Broadcast)
        .where(Broadcast.state == BroadcastState.SCHEDULED, Broadcast.send_at <= now)
        .order_by(Broadcast.send_at)
        .with_for_update(skip_locked=True)
    )
    return sum(start(session=session, broadcast=b, now=now, zone=zone) for b in list(due))


def cancel(*, session: Session, broadcast: Broadcast, now: datetime) -> int:
    """Stop it: nothing not yet handed to a platform goes out. Returns how many withdrawn."""
    if broadcast.state is not BroadcastState.CANCELLED:
        broadcast.state = BroadcastState.CANCELLED
        broadcast.finished_at = now
    result = session.execute(
        update(Delivery)
        .where(
            Delivery.source_kind == SOURCE,
            Delivery.source_ref == str(broadcast.id),
            Delivery.status.in_(_WITHDRAWABLE),
        )
        .values(status=DeliveryStatus.CANCELLED, error="broadcast cancelled")
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def status(*, session: Session, broadcast: Broadcast, zone: ZoneInfo) -> Status:
    counts = session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.source_kind == SOURCE, Delivery.source_ref == str(broadcast.id))
        .group_by(Delivery.status)
    )
    audience = Audience.from_json(broadcast.audience)
    return Status(
        broadcast=broadcast,
        recipients=count_recipients(session=session, audience=audience, zone=zone),
        deliveries={state.value: int(count) for state, count in counts},
    )
