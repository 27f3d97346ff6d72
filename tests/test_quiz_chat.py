"""A contest in the chat: questions on the clock, answers by button or typed, exactly once,
late answers, feedback, the next question, /score and /classement by pseudonym."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.router import Router
from bot.db import unit_of_work
from bot.models import Answer, Contest, ContestMode, ContestState, Relay
from tests.contest_factories import make_contest, sent, tick
from tests.factories import converse, existing_relay

Factory = sessionmaker[Session]
CHANNELS = {
    "telegram": "telegram:7001",
    "whatsapp": "whatsapp:+22370001001",
    "sms": "sms:+22370001002",
}


def join(factory: Factory, router: Router, address: str, language: str = "fr") -> int:
    converse(factory, router, address, "/start", name="Awa Traoré")
    converse(factory, router, address, choice=f"lang:{language}")
    converse(factory, router, address, choice="place:kayes")
    relay = existing_relay(factory, address)
    return relay.id


def plain(payload: dict[str, object]) -> str:
    """The text with French typography's no-break spaces as plain ones."""
    return str(payload["text"]).replace("\xa0", " ")


def answers(factory: Factory, relay_id: int) -> list[tuple[int, int, bool, bool, int]]:
    with factory() as session:
        rows = session.scalars(
            select(Answer).where(Answer.relay_id == relay_id).order_by(Answer.id)
        )
        return [(a.question_id, a.choice, a.correct, a.late, a.points) for a in rows]


def test_sequential_contest_by_button(factory: Factory, router: Router) -> None:
    relay = join(factory, router, CHANNELS["telegram"])
    contest = make_contest(factory)
    assert tick(factory).questions == 1  # sequential: the first question only
    assert tick(factory).questions == 0  # and never twice
    with factory() as session:
        assert session.get(Contest, contest).state is ContestState.OPEN  # type: ignore[union-attr]
    [first] = sent(factory, "question", relay)
    assert plain(first).startswith("Quiz de la gouvernance : question 1 sur 2")
    assert [option["label"] for option in first["options"]] == [
        "Le gouverneur",
        "Le conseil communal",
        "Le préfet",
    ]
    right = first["options"][1]["data"]
    [reply] = converse(factory, router, CHANNELS["telegram"], choice=right)
    assert "Bonne réponse" in plain(reply)
    assert "+15 points" in plain(reply)
    second = sent(factory, "question", relay)
    assert len(second) == 2
    assert "question 2 sur 2" in plain(second[1])
    [again] = converse(factory, router, CHANNELS["telegram"], choice=right)  # a double tap
    assert "première réponse" in plain(again)
    assert len(answers(factory, relay)) == 1
    wrong = second[1]["options"][0]["data"]
    replies = converse(factory, router, CHANNELS["telegram"], choice=wrong)
    assert "La bonne réponse était 2. 30 %" in plain(replies[0])
    assert "/score" in plain(replies[1])
    assert [a[2:] for a in answers(factory, relay)] == [(True, False, 15), (False, False, 0)]


@pytest.mark.parametrize("channel", ["telegram", "whatsapp", "sms"])
@pytest.mark.parametrize(
    "typed",
    ["2", "2.", "B", "b)", " b ", "fila", "deux", "Le conseil communal", "komini ladilikelaw"],
)
def test_every_answer_format_on_every_channel(
    factory: Factory, router: Router, channel: str, typed: str
) -> None:
    relay = join(factory, router, CHANNELS[channel], "bm" if channel == "whatsapp" else "fr")
    make_contest(factory)
    tick(factory)
    replies = converse(factory, router, CHANNELS[channel], typed)
    assert answers(factory, relay)[0][1:3] == (1, True), replies


def test_unreadable_answer_gets_a_hint_not_silence(factory: Factory, router: Router) -> None:
    relay = join(factory, router, CHANNELS["whatsapp"], "bm")
    make_contest(factory)
    tick(factory)
    [hint] = converse(factory, router, CHANNELS["whatsapp"], "7")
    assert "1 ka se 3 ma" in plain(hint)
    [hint] = converse(factory, router, CHANNELS["whatsapp"], "n'sɔn tɛ")
    assert answers(factory, relay) == []
    assert plain(hint) != ""
    # A command still works while a question waits.
    [help_] = converse(factory, router, CHANNELS["whatsapp"], "dɛmɛ")
    assert "/aide" in plain(help_)


def test_all_at_once_answers_go_to_the_first_unanswered_question(
    factory: Factory, router: Router
) -> None:
    relay = join(factory, router, CHANNELS["sms"])
    make_contest(factory, mode=ContestMode.ALL_AT_ONCE)
    assert tick(factory).questions == 2
    converse(factory, router, CHANNELS["sms"], "2")
    converse(factory, router, CHANNELS["sms"], "B")
    first, second = answers(factory, relay)
    assert first[0] < second[0]
    assert first[2]
    assert second[2]
    assert len(sent(factory, "question", relay)) == 2  # nothing sent again


def test_late_answer_is_recorded_as_late_and_told_politely(
    factory: Factory, router: Router
) -> None:
    relay = join(factory, router, CHANNELS["whatsapp"])
    contest = make_contest(factory)
    tick(factory)
    with unit_of_work(factory) as session:
        session.execute(
            update(Contest)
            .where(Contest.id == contest)
            .values(closes_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    [reply] = converse(factory, router, CHANNELS["whatsapp"], "2")
    assert "fermé" in plain(reply)
    assert "ne peut plus compter" in plain(reply)
    assert answers(factory, relay)[0][2:] == (True, True, 0)


def test_feedback_after_close_then_results_for_each_participant(
    factory: Factory, router: Router
) -> None:
    first = join(factory, router, CHANNELS["telegram"])
    second = join(factory, router, CHANNELS["sms"])
    contest = make_contest(factory, feedback_at_once=False)
    tick(factory)
    [reply] = converse(factory, router, CHANNELS["telegram"], "2")
    assert "Réponse enregistrée : Le conseil communal" in plain(reply)
    assert "Bonne réponse" not in plain(reply)
    converse(factory, router, CHANNELS["sms"], "1")
    later = datetime.now(UTC) + timedelta(hours=3)
    assert tick(factory, later).contest_results == 2
    assert tick(factory, later).contest_results == 0
    with factory() as session:
        assert session.get(Contest, contest).state is ContestState.CLOSED  # type: ignore[union-attr]
    [mine] = sent(factory, "contest_result", first)
    assert "15 points" in plain(mine)
    assert "Rang : 1 sur 2" in plain(mine)
    assert "Question 1 : 2. Le conseil communal" in plain(mine)
    [theirs] = sent(factory, "contest_result", second)
    assert "0 point" in plain(theirs)
    assert "Rang : 2 sur 2" in plain(theirs)


def test_score_and_leaderboard_show_pseudonyms_never_numbers(
    factory: Factory, router: Router
) -> None:
    ids = [join(factory, router, address) for address in CHANNELS.values()]
    make_contest(factory)
    tick(factory)
    for address, typed in zip(CHANNELS.values(), ["2", "2", "1"], strict=True):
        converse(factory, router, address, typed)
    [score] = converse(factory, router, CHANNELS["sms"], "score")
    assert "Rang 3 sur 3" in plain(score), plain(score)
    [board] = converse(factory, router, CHANNELS["sms"], "/classement")
    text = plain(board)
    assert text.count("A.T. #") >= 3
    assert "1. A.T." in text
    assert "2. A.T." not in text
    assert "+223" not in text
    assert "Traoré" not in text
    assert "7001" not in text
    with factory() as session:
        assert session.scalar(select(Relay.id).where(Relay.id == ids[0])) is not None


def test_stopped_relay_gets_no_question(factory: Factory, router: Router) -> None:
    relay = join(factory, router, CHANNELS["telegram"])
    converse(factory, router, CHANNELS["telegram"], "STOP")
    make_contest(factory)
    tick(factory)
    assert sent(factory, "question", relay) == []
