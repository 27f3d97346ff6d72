"""Exactly once across processes: two `relais web` processes on the same database get
the same button presses at the same moment — each tap twice, and each update replayed —
and every participant still has one answer and is sent the next question once."""

from __future__ import annotations

from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.models import Answer, Delivery, InboundMessage, Question
from tests.contest_factories import make_contest, tick
from tests.factories import callback_update, make_relay
from tests.fakes.telegram import FakeTelegram
from tests.serving import free_port, post_update
from tests.test_engine_postgres import processes_env, relais_processes, wait_healthy

pytestmark = pytest.mark.slow

Factory = sessionmaker[Session]
RELAYS = 12
FIRST_CHAT = 610_000


def test_two_web_processes_record_each_answer_once(
    database_url: str, factory: Factory, tmp_path: Path, telegram: FakeTelegram
) -> None:
    with unit_of_work(factory) as session:
        for number in range(RELAYS):
            chat = FIRST_CHAT + number
            make_relay(session, address=f"telegram:{chat}", channel="telegram")
    make_contest(factory)
    tick(factory)
    with factory() as session:
        first = session.scalars(select(Question).order_by(Question.position)).first()
        assert first is not None
        right = f"quiz:{first.id}.{first.correct}"
    with relais_processes(tmp_path, processes_env(database_url, telegram)) as processes:
        urls = []
        for name in ("web-a", "web-b"):
            port = free_port()
            processes.start(name, "web", "--port", str(port))
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            wait_healthy(url, processes)
        posts = []
        for number in range(RELAYS):
            chat = FIRST_CHAT + number
            taps = [callback_update(right, chat_id=chat) for _ in range(2)]  # a double tap
            for update in taps:
                posts += [(url, update) for url in urls]  # each delivered to both processes
        with ThreadPoolExecutor(16) as pool:
            list(pool.map(lambda item: post_update(*item), posts))
        processes.check_alive()

    with factory() as session:
        answers = Counter(session.scalars(select(Answer.relay_id)))
        assert len(answers) == RELAYS
        assert set(answers.values()) == {1}
        assert session.scalar(select(func.count()).select_from(InboundMessage)) == 2 * RELAYS
        following = Counter(
            session.scalars(
                select(Delivery.relay_id).where(
                    Delivery.source_kind == "question", Delivery.source_ref != str(first.id)
                )
            )
        )
        assert len(following) == RELAYS
        assert set(following.values()) == {1}
