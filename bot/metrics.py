"""GET /metrics: counts in Prometheus's text format, for whoever watches the service.

Only counts: no address, no name, no text.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from bot.admin.access import require_operator
from bot.models import Broadcast, Delivery, InboundMessage, Relay
from bot.services import Services, ServicesDep

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
    ]
    return "\n".join(lines) + "\n"


def _read(services: Services) -> str:
    with services.factory() as session:
        return _exposition(session)


@router.get("/metrics", response_class=PlainTextResponse, tags=["operations"])
async def metrics(request: Request, services: ServicesDep) -> PlainTextResponse:
    """Counts of relays, deliveries, inbound messages and broadcasts (Prometheus text)."""
    require_operator(request, services)
    body = await run_in_threadpool(_read, services)
    return PlainTextResponse(body, media_type="text/plain; version=0.0.4")
