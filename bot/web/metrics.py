"""GET /metrics: counts in Prometheus's text format, for whoever watches the service.

Only counts: no address, no name, no text.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.models import (
    Answer,
    Broadcast,
    Contest,
    Delivery,
    InboundMessage,
    Poll,
    Question,
    Relay,
    Vote,
)
from bot.web.access import require_operator
from bot.web.services import Services, ServicesDep

router = APIRouter()


def _gauge(name: str, help_text: str, rows: list[tuple[dict[str, str], int]]) -> list[str]:
    lines = [f"# HELP {name} {help_text}", f"# TYPE {name} gauge"]
    for labels, value in rows:
        rendered = ",".join(f'{key}="{val}"' for key, val in sorted(labels.items()))
        lines.append(f"{name}{{{rendered}}} {value}" if rendered else f"{name} {value}")
    return lines


def _exposition(session: Session) -> str:
    relays = session.execute(
        select(Relay.channel, Relay.language, Relay.status, func.count()).group_by(
            Relay.channel, Relay.language, Relay.status
        )
    )
    deliveries = session.execute(
        select(Delivery.source_kind, Delivery.status, func.count()).group_by(
            Delivery.source_kind, Delivery.status
        )
    )
    inbound = session.execute(
        select(InboundMessage.channel, func.count()).group_by(InboundMessage.channel)
    )
    broadcasts = session.execute(select(Broadcast.state, func.count()).group_by(Broadcast.state))
    answers = session.execute(
        select(Contest.slug, Answer.late, func.count())
        .join(Question, Question.contest_id == Contest.id)
        .join(Answer, Answer.question_id == Question.id)
        .group_by(Contest.slug, Answer.late)
    )
    # Only how many voted: what they voted stays behind each poll's threshold.
    votes = session.execute(
        select(Poll.slug, func.count()).join(Vote, Vote.poll_id == Poll.id).group_by(Poll.slug)
    )
    lines = [
        *_gauge(
            "relais_relays",
            "Relays by channel, language and status.",
            [
                ({"channel": c, "language": lang.value, "status": s.value}, n)
                for c, lang, s, n in relays
            ],
        ),
        *_gauge(
            "relais_deliveries",
            "Outbox rows by source and status.",
            [({"source": k, "status": s.value}, n) for k, s, n in deliveries],
        ),
        *_gauge(
            "relais_inbound_messages",
            "Messages received, by channel.",
            [({"channel": c}, n) for c, n in inbound],
        ),
        *_gauge(
            "relais_broadcasts",
            "Broadcasts by state.",
            [({"state": s.value}, n) for s, n in broadcasts],
        ),
        *_gauge(
            "relais_contest_answers",
            "Contest answers, by contest, in time or late.",
            [({"contest": c, "late": str(late).lower()}, n) for c, late, n in answers],
        ),
        *_gauge(
            "relais_poll_answers",
            "How many answered each poll (never what they answered).",
            [({"poll": p}, n) for p, n in votes],
        ),
    ]
    return "\n".join(lines) + "\n"


def _read(services: Services) -> str:
    with services.factory() as session:
        return _exposition(session)


@router.get("/metrics", response_class=PlainTextResponse, tags=["operations"])
async def metrics(request: Request, services: ServicesDep) -> PlainTextResponse:
    """Counts of relays, deliveries, inbound messages, broadcasts, contest answers and poll
    answers (Prometheus text)."""
    require_operator(request, services)
    body = await run_in_threadpool(_read, services)
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4")
