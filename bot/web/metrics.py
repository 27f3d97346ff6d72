"""GET /metrics: counts for whoever watches the service, in the format Prometheus asks for.

Only counts: no address, no name, no text. What the database holds is counted at each
scrape, so every web process tells the same; the process's own metrics follow (the
delivery worker's, when it runs in this process: scheduler.telemetry).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import REGISTRY
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import choose_encoder
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from bot.models import (
    Answer,
    Broadcast,
    Contest,
    Delivery,
    DeliveryStatus,
    InboundMessage,
    Poll,
    Question,
    Relay,
    Vote,
)
from bot.web.access import require_operator
from bot.web.services import ServicesDep

router = APIRouter()
# Rows still to be handed to a platform: what a stuck worker lets pile up.
WAITING = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING, DeliveryStatus.HELD)


def _gauge(
    name: str, help_text: str, labels: tuple[str, ...], rows: Iterable[tuple[tuple[str, ...], int]]
) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, help_text, labels=labels)
    for values, count in rows:
        family.add_metric(values, count)
    return family


def _counts(session: Session) -> Iterator[GaugeMetricFamily]:
    # Labels in alphabetical order: the series read as they always have.
    relays = session.execute(
        select(Relay.channel, Relay.language, Relay.status, func.count()).group_by(
            Relay.channel, Relay.language, Relay.status
        )
    )
    yield _gauge(
        "relais_relays",
        "Relays by channel, language and status.",
        ("channel", "language", "status"),
        [((c, lang.value, s.value), n) for c, lang, s, n in relays],
    )
    deliveries = session.execute(
        select(Delivery.source_kind, Delivery.status, func.count()).group_by(
            Delivery.source_kind, Delivery.status
        )
    )
    yield _gauge(
        "relais_deliveries",
        "Outbox rows by source and status.",
        ("source", "status"),
        [((k, s.value), n) for k, s, n in deliveries],
    )
    inbound = session.execute(
        select(InboundMessage.channel, func.count()).group_by(InboundMessage.channel)
    )
    yield _gauge(
        "relais_inbound_messages",
        "Messages received, by channel.",
        ("channel",),
        [((c,), n) for c, n in inbound],
    )
    broadcasts = session.execute(select(Broadcast.state, func.count()).group_by(Broadcast.state))
    yield _gauge(
        "relais_broadcasts",
        "Broadcasts by state.",
        ("state",),
        [((s.value,), n) for s, n in broadcasts],
    )
    answers = session.execute(
        select(Contest.slug, Answer.late, func.count())
        .join(Question, Question.contest_id == Contest.id)
        .join(Answer, Answer.question_id == Question.id)
        .group_by(Contest.slug, Answer.late)
    )
    yield _gauge(
        "relais_contest_answers",
        "Contest answers, by contest, in time or late.",
        ("contest", "late"),
        [((c, str(late).lower()), n) for c, late, n in answers],
    )
    # Only how many voted: what they voted stays behind each poll's threshold.
    votes = session.execute(
        select(Poll.slug, func.count()).join(Vote, Vote.poll_id == Poll.id).group_by(Poll.slug)
    )
    yield _gauge(
        "relais_poll_answers",
        "How many answered each poll (never what they answered).",
        ("poll",),
        [((p,), n) for p, n in votes],
    )


def _outbox(session: Session, now: datetime) -> Iterator[GaugeMetricFamily]:
    found = dict(
        session.execute(
            select(Delivery.status, func.count())
            .where(Delivery.status.in_(WAITING))
            .group_by(Delivery.status)
        ).all()
    )
    yield _gauge(
        "relais_outbox_depth",
        "Outbox rows not yet handed to a platform, by status.",
        ("status",),
        [((status.value,), found.get(status, 0)) for status in WAITING],
    )
    oldest = session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(
            Delivery.status == DeliveryStatus.QUEUED, Delivery.next_attempt_at <= now
        )
    )
    yield GaugeMetricFamily(
        "relais_outbox_oldest_age_seconds",
        "How long the longest-waiting queued delivery has been due (0 when none is).",
        value=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
    )


def _inbound_waiting(session: Session, now: datetime) -> Iterator[GaugeMetricFamily]:
    count, oldest = session.execute(
        select(func.count(), func.min(InboundMessage.received_at)).where(InboundMessage.waiting)
    ).one()
    yield GaugeMetricFamily(
        "relais_inbound_waiting",
        "Messages stored under a burst whose conversation has not run yet.",
        value=count,
    )
    if oldest is not None and oldest.tzinfo is None:  # SQLite keeps no zone
        oldest = oldest.replace(tzinfo=UTC)
    yield GaugeMetricFamily(
        "relais_inbound_waiting_oldest_age_seconds",
        "How long the longest-waiting of them has waited (0 when none does).",
        value=max(0.0, (now - oldest).total_seconds()) if oldest else 0.0,
    )


class DatabaseCollector:
    """What the database holds, read at scrape time in one short session."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory

    def collect(self) -> Iterator[Metric]:
        with self._factory() as session:
            now = datetime.now(UTC)
            families = [*_counts(session), *_outbox(session, now), *_inbound_waiting(session, now)]
        yield from families


class Scrape:
    """One answer to /metrics: the database's counts, then this process's own metrics."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._database = DatabaseCollector(factory)

    def collect(self) -> Iterator[Metric]:
        yield from self._database.collect()
        yield from REGISTRY.collect()


def _exposition(factory: sessionmaker[Session], accept: str) -> tuple[bytes, str]:
    encode, content_type = choose_encoder(accept)
    return encode(Scrape(factory)), content_type


@router.get("/metrics", response_class=PlainTextResponse, tags=["operations"])
async def metrics(request: Request, services: ServicesDep) -> Response:
    """Counts of relays, deliveries, the outbox, inbound messages, broadcasts, contest
    answers and poll answers, and this process's own metrics (Prometheus text, or
    OpenMetrics when asked for)."""
    require_operator(request, services)
    accept = request.headers.get("accept", "")
    body, content_type = await run_in_threadpool(_exposition, services.factory, accept)
    return Response(body, media_type=content_type)
