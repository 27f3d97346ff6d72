"""What is going on right now, for the organisers' overview: broadcasts still going out
(with how far they got) and contests open (with the indicators' participation)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot.domain import broadcasts
from bot.domain.indicators.contests import contest_figures
from bot.domain.indicators.days import span
from bot.domain.indicators.figures import ContestFigures, Filters, Period, Rate, rate
from bot.domain.indicators.reach import PENDING
from bot.domain.indicators.scope import Scope
from bot.models import Broadcast, BroadcastState, Contest, ContestState, Delivery


@dataclass(frozen=True)
class SendingBroadcast:
    id: int
    texts: dict[str, Any]  # language → text
    started_at: datetime | None
    handled: int  # deliveries that reached an end (sent, failed, held, cancelled…)
    deliveries: int
    progress: Rate  # handled / deliveries

    def text(self, language: str) -> str:
        return str(self.texts.get(language) or next(iter(self.texts.values()), ""))


@dataclass(frozen=True)
class OpenContest:
    slug: str
    title: dict[str, Any]  # language → title
    closes_at: datetime
    figures: ContestFigures | None  # None before its first question went out

    def name(self, language: str) -> str:
        return str(self.title.get(language) or next(iter(self.title.values()), self.slug))


@dataclass(frozen=True)
class Running:
    broadcasts: tuple[SendingBroadcast, ...]
    contests: tuple[OpenContest, ...]

    @property
    def live(self) -> bool:
        """Something moves by the second: the overview follows it closely."""
        return bool(self.broadcasts or self.contests)


def _sending(session: Session, zone: ZoneInfo) -> list[SendingBroadcast]:
    # A broadcast is DONE once its deliveries are queued; it still goes out until the
    # workers have handed every one over.
    waiting = {
        int(ref)
        for ref in session.scalars(
            select(Delivery.source_ref)
            .where(Delivery.source_kind == broadcasts.SOURCE, Delivery.status.in_(PENDING))
            .distinct()
        )
    }
    rows = session.scalars(
        select(Broadcast)
        .where(or_(Broadcast.state == BroadcastState.SENDING, Broadcast.id.in_(waiting)))
        .order_by(Broadcast.id)
    )
    found = []
    for row in rows:
        status = broadcasts.status(session=session, broadcast=row, zone=zone)
        total = sum(status.deliveries.values())
        found.append(
            SendingBroadcast(
                id=row.id,
                texts=row.texts,
                started_at=row.started_at,
                handled=status.handled,
                deliveries=total,
                progress=rate(status.handled, total),
            )
        )
    return found


def _open(session: Session, zone: ZoneInfo) -> list[OpenContest]:
    found = []
    for row in session.scalars(
        select(Contest).where(Contest.state == ContestState.OPEN).order_by(Contest.opens_at)
    ):
        day = row.opens_at.astimezone(zone).date()
        figures = contest_figures(
            session=session, span=span(Period(day, day), zone), scope=Scope(Filters())
        )
        mine = next((item for item in figures if item.contest_id == row.slug), None)
        found.append(OpenContest(row.slug, row.title, row.closes_at, mine))
    return found


def running(*, session: Session, zone: ZoneInfo) -> Running:
    return Running(tuple(_sending(session, zone)), tuple(_open(session, zone)))
