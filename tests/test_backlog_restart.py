"""What waits in the backlog (bot/web/backlog.py) survives the process: a restart
answers it, two processes answer each message once, a stopping app loses none."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bot.channels.telegram.updates import parse_update
from bot.conversation.inbound_waiting import converse_waiting
from bot.models import Delivery
from bot.web.backlog import Backlog
from tests.backlog_apps import (
    Factory,
    backlog_app,
    burst,
    drained,
    payloads,
    store_left_waiting,
    waiting_count,
)
from tests.conftest import HOOK_HEADERS, SettingsFactory
from tests.factories import telegram_update


def test_what_a_stopped_process_left_waiting_is_answered_at_the_next_start(
    make_settings: SettingsFactory, factory: Factory
) -> None:
    for n in range(5):
        store_left_waiting(factory, telegram_update("/start", chat_id=7040 + n))
    assert waiting_count(factory) == 5

    with TestClient(backlog_app(make_settings), client=("127.0.0.1", 40000)) as client:
        assert drained(client)

    assert waiting_count(factory) == 0
    for n in range(5):
        assert len(payloads(factory, f"telegram:{7040 + n}")) == 1


def test_two_processes_taking_the_same_waiting_messages_answer_each_once(
    make_settings: SettingsFactory, factory: Factory
) -> None:
    ids = [
        store_left_waiting(factory, telegram_update("/start", chat_id=7050 + n)) for n in range(30)
    ]
    first, second = backlog_app(make_settings), backlog_app(make_settings)

    async def both() -> list[int]:
        gate = asyncio.Event()  # neither answers until both have taken every one
        for app in (first, second):
            app.state.services.backlog._turn = gate.wait
        taken = await asyncio.gather(
            first.state.services.backlog.adopt(), second.state.services.backlog.adopt()
        )
        gate.set()
        for app in (first, second):
            assert await app.state.services.backlog.drained(30.0)
        return list(taken)

    taken = asyncio.run(both())
    for app in (first, second):
        app.state.services.engine.dispose()

    assert taken == [len(ids), len(ids)]  # both saw every one waiting
    with factory() as session:
        per_chat = session.execute(
            select(Delivery.relay_id, Delivery.address, func.count()).group_by(
                Delivery.relay_id, Delivery.address
            )
        ).all()
    assert len(per_chat) == len(ids)
    assert {count for *_, count in per_chat} == {1}
    assert waiting_count(factory) == 0


def test_a_conversation_runs_once_however_often_it_is_asked(factory: Factory) -> None:
    update = telegram_update("/start", chat_id=7060)
    inbound_id = store_left_waiting(factory, update)
    parsed = parse_update(update)
    from bot.conversation.handlers import build_router

    router = build_router()
    ran = []
    for _ in range(2):
        with factory() as session, session.begin():
            assert parsed.inbound is not None
            ran.append(
                converse_waiting(
                    session=session,
                    router=router,
                    channel="telegram",
                    platform_message_id=str(parsed.update_id),
                    inbound_id=inbound_id,
                    inbound=parsed.inbound,
                    received_at=datetime.now(UTC),
                )
            )
    assert ran == [True, False]
    assert len(payloads(factory, "telegram:7060")) == 1


def test_a_stopping_app_loses_nothing_of_what_waits(
    make_settings: SettingsFactory, factory: Factory
) -> None:
    """Stopped with no time to answer: each message is answered or still marked, and the
    next start answers the rest, each once."""
    app = backlog_app(make_settings, busy=0)
    updates = [telegram_update("/start", chat_id=7200 + n) for n in range(40)]

    async def burst_then_stop() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://relais") as http:
            responses = await asyncio.gather(
                *(
                    http.post("/webhooks/telegram", json=update, headers=HOOK_HEADERS)
                    for update in updates
                )
            )
        await app.state.services.backlog.stop(grace=0.0)
        return [response.status_code for response in responses]

    assert asyncio.run(burst_then_stop()) == [200] * len(updates)
    app.state.services.engine.dispose()
    with factory() as session:
        answered = session.scalar(select(func.count()).select_from(Delivery)) or 0
    assert answered + waiting_count(factory) == len(updates)

    with TestClient(backlog_app(make_settings), client=("127.0.0.1", 40000)) as client:
        assert drained(client)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == len(updates)
    assert waiting_count(factory) == 0


def test_the_backlog_holds_no_more_than_its_limit(
    make_settings: SettingsFactory, factory: Factory
) -> None:
    app = backlog_app(make_settings, busy=0, limit=3, chunk=2)
    backlog: Backlog = app.state.services.backlog
    seen: list[int] = []
    add = backlog._add

    def counted(waiting: Any) -> None:
        add(waiting)
        seen.append(len(backlog))

    backlog._add = counted  # type: ignore[method-assign]
    updates = [telegram_update("/start", chat_id=7300 + n) for n in range(30)]

    statuses = asyncio.run(burst(app, updates))
    app.state.services.engine.dispose()

    assert statuses == [200] * len(updates)
    assert len(seen) == len(updates)
    assert max(seen) <= 3
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == len(updates)
