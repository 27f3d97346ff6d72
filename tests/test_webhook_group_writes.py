"""The webhooks write through the one group-commit writer on every database: a burst of
updates shares commits, each is stored once, and each request is answered after its
commit."""

from __future__ import annotations

import asyncio

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Delivery, InboundMessage
from bot.web.app import create_app
from tests.backlog_apps import burst
from tests.conftest import HOOK_HEADERS, SettingsFactory
from tests.factories import telegram_update

BURST = 40
HOOK_SECRET = HOOK_HEADERS["X-Telegram-Bot-Api-Secret-Token"]


def test_a_burst_of_updates_shares_commits_and_each_is_stored_once(
    make_settings: SettingsFactory, factory: sessionmaker[Session]
) -> None:
    settings = make_settings(telegram_token="123456:TEST-token", telegram_secret=HOOK_SECRET)
    app = create_app(settings)
    engine = app.state.services.engine
    commits: list[int] = []
    event.listen(engine, "commit", lambda _connection: commits.append(1))
    updates = [telegram_update("/start", chat_id=9000 + n) for n in range(BURST)]

    statuses = asyncio.run(burst(app, updates + updates[:5]))  # five sent twice
    engine.dispose()

    assert statuses == [200] * (BURST + 5)
    with factory() as session:
        stored = session.scalar(select(func.count()).select_from(InboundMessage))
        welcomes = session.scalar(select(func.count()).select_from(Delivery))
    assert stored == BURST
    assert welcomes is not None
    assert welcomes >= BURST  # each /start answered, once
    assert 1 <= len(commits) < BURST  # grouped, not one commit a request
