"""An answered question or poll: its buttons come off on Telegram, even when the answer was
typed; the simulator is told which button was chosen."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.router import Router
from bot.domain.answered import chosen_by
from bot.models import Delivery, Question
from tests.contest_factories import make_contest, make_poll, tick
from tests.factories import converse, existing_relay
from tests.fakes.telegram import FakeTelegram
from tests.test_worker_telegram import run_worker

Factory = sessionmaker[Session]


def join(factory: Factory, router: Router, address: str) -> int:
    converse(factory, router, address, "/start")
    converse(factory, router, address, choice="lang:fr")
    converse(factory, router, address, choice="place:kayes")
    return existing_relay(factory, address).id


def keyboard_of(telegram: FakeTelegram, chat_id: int, text: str) -> tuple[int, object]:
    [message] = [m for m in telegram.messages(chat_id) if text in m.get("text", "")]
    return message["message_id"], message.get("reply_markup")


def acks(factory: Factory, relay_id: int) -> list[str]:
    with factory() as session:
        rows = session.scalars(
            select(Delivery.source_ref).where(
                Delivery.relay_id == relay_id, Delivery.source_kind == "ack"
            )
        )
        return list(rows)


def test_a_typed_answer_takes_the_question_buttons_off_on_telegram(
    factory: Factory, router: Router, telegram: FakeTelegram
) -> None:
    relay = join(factory, router, "telegram:7301")
    make_contest(factory)
    tick(factory)
    run_worker(factory, telegram, rounds=3)
    message_id, markup = keyboard_of(telegram, 7301, "question 1 sur 2")
    assert markup is not None  # the question went out with its buttons
    converse(factory, router, "telegram:7301", "2")
    run_worker(factory, telegram, rounds=3)
    [edit] = telegram.calls_to("editMessageReplyMarkup")
    assert edit.params["message_id"] == message_id
    assert keyboard_of(telegram, 7301, "question 1 sur 2")[1] is None
    assert telegram.calls_to("answerCallbackQuery") == []  # nothing was pressed
    converse(factory, router, "telegram:7301", "3")  # the second question, typed too
    converse(factory, router, "telegram:7301", "3")  # and a repeat, told it counts once
    with factory() as session:
        first = session.scalars(select(Question).order_by(Question.id)).first()
    assert first is not None
    expected = [f"question:{first.id}", f"question:{first.id + 1}"]
    assert sorted(acks(factory, relay)) == sorted(expected)  # as text: "question:10" < ":9"
    assert telegram.refused == []


def test_a_pressed_button_is_not_edited_twice(
    factory: Factory, router: Router, telegram: FakeTelegram
) -> None:
    relay = join(factory, router, "telegram:7302")
    make_contest(factory)
    tick(factory)
    run_worker(factory, telegram, rounds=3)
    with factory() as session:
        question = session.scalars(select(Question).order_by(Question.id)).first()
    assert question is not None
    converse(factory, router, "telegram:7302", choice=f"quiz:{question.id}.1")
    assert acks(factory, relay) == []  # the webhook's acknowledgement takes them off


def test_a_typed_vote_takes_the_poll_buttons_off_unless_it_may_change(
    factory: Factory, router: Router, telegram: FakeTelegram
) -> None:
    relay = join(factory, router, "telegram:7303")
    fixed = make_poll(factory)
    changeable = make_poll(factory, changeable=True, slug="poll-changeable")
    tick(factory)
    run_worker(factory, telegram, rounds=3)
    converse(factory, router, "telegram:7303", "1")
    converse(factory, router, "telegram:7303", "2")
    run_worker(factory, telegram, rounds=3)
    answered = acks(factory, relay)
    assert len(answered) == 1
    assert answered[0] in (f"poll:{fixed}", f"poll:{changeable}")
    with factory() as session:
        chosen = chosen_by(session=session, relay_id=relay, now=datetime.now(UTC))
    assert {key: value.locked for key, value in chosen.items()} == {
        f"poll:{fixed}": True,
        f"poll:{changeable}": False,
    }
    [edit] = telegram.calls_to("editMessageReplyMarkup")
    assert edit.params["chat_id"] == 7303


def test_a_whatsapp_answer_queues_no_edit(factory: Factory, router: Router) -> None:
    relay = join(factory, router, "whatsapp:+22370003301")
    make_contest(factory)
    tick(factory)
    converse(factory, router, "whatsapp:+22370003301", "B")
    assert acks(factory, relay) == []
    with factory() as session:
        chosen = chosen_by(session=session, relay_id=relay, now=datetime.now(UTC))
        question = session.scalars(select(Question).order_by(Question.id)).first()
    assert question is not None
    assert chosen[f"quiz:{question.id}"].data == f"quiz:{question.id}.1"
    assert chosen[f"quiz:{question.id}"].locked
