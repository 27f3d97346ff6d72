"""The organisers' directory of relays: how many by channel, language, place and status,
and the relays themselves, pseudonymised, filtered and a page at a time (or all of them,
for the CSV export).

Nothing here returns an address or a name: a relay is shown by its leaderboard
pseudonym. Seeing one relay's address is a separate, logged step (organisers.py).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import Select, Text, and_, cast, func, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.domain.contests.pseudonyms import pseudonym
from bot.models import Language, Relay, RelayStatus, Role

PAGE_SIZE = 50
NO_PLACE = ""  # how counts name relays who have not given a place yet
COLUMNS = ("pseudonym", "channel", "language", "place", "status", "tags", "role", "joined")
DIMENSIONS = ("channel", "language", "place", "status")


@dataclass(frozen=True)
class Filters:
    """Narrow the list (None: all)."""

    channel: str | None = None
    language: Language | None = None
    place: str | None = None
    status: RelayStatus | None = None
    role: Role | None = None
    tag: str | None = None

    def condition(self) -> ColumnElement[bool]:
        conditions: list[ColumnElement[bool]] = []
        if self.channel:
            conditions.append(Relay.channel == self.channel)
        if self.language is not None:
            conditions.append(Relay.language == self.language)
        if self.place:
            conditions.append(Relay.place == self.place)
        if self.status is not None:
            conditions.append(Relay.status == self.status)
        if self.role is not None:
            conditions.append(Relay.role == self.role)
        if self.tag:
            # As audiences match tags: a JSON text match, the same on both databases.
            tags = func.lower(func.coalesce(cast(Relay.tags, Text), ""))
            conditions.append(tags.contains(f'"{self.tag.strip().lower()}"'))
        return and_(true(), *conditions)


@dataclass(frozen=True)
class Entry:
    """One relay as the directory shows it: never an address or a name."""

    id: int
    pseudonym: str
    channel: str
    language: str
    place: str
    status: str
    tags: tuple[str, ...]
    role: str
    joined: date | None  # the local day of their consent (the audiences' "joined since")

    def csv_row(self) -> dict[str, str]:
        return {
            "pseudonym": self.pseudonym,
            "channel": self.channel,
            "language": self.language,
            "place": self.place,
            "status": self.status,
            "tags": ",".join(self.tags),
            "role": self.role,
            "joined": self.joined.isoformat() if self.joined else "",
        }


@dataclass(frozen=True)
class Page:
    entries: list[Entry]
    total: int  # relays matching the filters, over every page
    number: int  # from 1
    pages: int


def entry(relay: Relay, zone: ZoneInfo) -> Entry:
    return Entry(
        id=relay.id,
        pseudonym=pseudonym(relay),
        channel=relay.channel,
        language=relay.language.value,
        place=relay.place or "",
        status=relay.status.value,
        tags=tuple(relay.tags or ()),
        role=relay.role.value,
        joined=relay.consent_at.astimezone(zone).date() if relay.consent_at else None,
    )


def counts(*, session: Session) -> dict[str, dict[str, int]]:
    """Every relay in the directory, counted by channel, by language, by place and by
    status (each dimension alone), largest first."""
    columns: dict[str, Any] = {
        "channel": Relay.channel,
        "language": Relay.language,
        "place": func.coalesce(Relay.place, NO_PLACE),
        "status": Relay.status,
    }
    found: dict[str, dict[str, int]] = {}
    for name in DIMENSIONS:
        column = columns[name]
        rows = session.execute(select(column, func.count()).group_by(column)).all()
        cells = {str(getattr(value, "value", value)): int(count) for value, count in rows}
        found[name] = dict(sorted(cells.items(), key=lambda cell: (-cell[1], cell[0])))
    return found


def places(*, session: Session) -> list[str]:
    """The places relays gave, for the filter's choices."""
    query = select(Relay.place).where(Relay.place.is_not(None)).distinct().order_by(Relay.place)
    return [place for place in session.scalars(query) if place]


def _matching(filters: Filters) -> Select[Relay]:
    return select(Relay).where(filters.condition()).order_by(Relay.id.desc())


def page(*, session: Session, filters: Filters, number: int, zone: ZoneInfo) -> Page:
    """One page of the matching relays, newest first."""
    total = int(
        session.scalar(select(func.count()).select_from(Relay).where(filters.condition())) or 0
    )
    pages = max(1, -(-total // PAGE_SIZE))
    number = min(max(1, number), pages)
    relays = session.scalars(_matching(filters).limit(PAGE_SIZE).offset((number - 1) * PAGE_SIZE))
    return Page([entry(relay, zone) for relay in relays], total, number, pages)


def every(*, session: Session, filters: Filters, zone: ZoneInfo) -> Iterator[Entry]:
    """All the matching relays, newest first, read in batches."""
    for relay in session.scalars(_matching(filters).execution_options(yield_per=500)):
        yield entry(relay, zone)


def _safe(value: str) -> str:
    # A spreadsheet runs a cell that starts with one of these as a formula.
    return f"'{value}" if value[:1] in ("=", "+", "-", "@") else value


def write_csv(out: TextIO, entries: Iterator[Entry]) -> int:
    """The directory as CSV, the list's columns: no address, no name."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    count = 0
    for found in entries:
        writer.writerow({key: _safe(value) for key, value in found.csv_row().items()})
        count += 1
    return count
