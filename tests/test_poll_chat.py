"""Anonymous polls in the chat: one vote by button or number, changeable only where the
poll says so, /resultats only past the threshold, results sent back at close — overall
and for the voter's own place when it has enough answers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.router import Router
from bot.models import Vote
from tests.contest_factories import make_poll, sent, tick
from tests.factories import converse, existing_relay

Factory = sessionmaker[Session]


def plain(payload: dict[str, object]) -> str:
    return str(payload["text"]).replace("\xa0", " ")


def join(
    factory: Factory, router: Router, address: str, place: str = "kayes", language: str = "fr"
) -> int:
    converse(factory, router, address, "/start")
    converse(factory, router, address, choice=f"lang:{language}")
    converse(factory, router, address, choice=f"place:{place}")
    relay = existing_relay(factory, address)
    return relay.id


def votes(factory: Factory) -> list[int]:
    with factory() as session:
        return list(session.scalars(select(Vote.choice).order_by(Vote.id)))


def test_vote_by_button_and_by_number_once(factory: Factory, router: Router) -> None:
    tg = join(factory, router, "telegram:8001")
    join(factory, router, "sms:+22370002001")
    make_poll(factory)
    assert tick(factory).polls == 2
    [poll] = sent(factory, "poll", tg)
    assert "anonyme" in plain(poll)
    assert [o["label"] for o in poll["options"]] == ["Oui", "Non"]
    [thanks] = converse(factory, router, "telegram:8001", choice=poll["options"][0]["data"])
    assert "comptée" in plain(thanks)
    assert "anonyme" in plain(thanks)
    [again] = converse(factory, router, "telegram:8001", choice=poll["options"][1]["data"])
    assert "ne peuvent pas être changées" in plain(again)
    converse(factory, router, "sms:+22370002001", "2")
    assert votes(factory) == [0, 1]
    # Nothing waits any more: a number is not a vote.
    [fallback] = converse(factory, router, "sms:+22370002001", "1")
    assert "pas compris" in plain(fallback)
    assert votes(factory) == [0, 1]


def test_changeable_poll_and_typed_hint(factory: Factory, router: Router) -> None:
    join(factory, router, "whatsapp:+22370002002", language="bm")
    make_poll(factory, changeable=True)
    tick(factory)
    [hint] = converse(factory, router, "whatsapp:+22370002002", "3")
    assert "1 ka se 2 ma" in plain(hint)
    # A sentence is no vote: it is for the team's inbox, not a hint.
    [kept] = converse(factory, router, "whatsapp:+22370002002", "a bɛ se ka kɛ")
    assert "1 ka se 2 ma" not in plain(kept)
    converse(factory, router, "whatsapp:+22370002002", "awɔ")
    assert votes(factory) == [0]
    poll = sent(factory, "poll", existing_relay(factory, "whatsapp:+22370002002").id)[0]
    [changed] = converse(
        factory, router, "whatsapp:+22370002002", choice=poll["options"][1]["data"]
    )
    assert "falenna" in plain(changed)
    assert votes(factory) == [1]


def test_results_only_past_the_threshold_and_sent_back_at_close(
    factory: Factory, router: Router
) -> None:
    kayes = [join(factory, router, f"sms:+2237000300{n}", "kayes") for n in range(3)]
    kita = [join(factory, router, f"sms:+2237000310{n}", "kita") for n in range(2)]
    make_poll(factory, threshold=3)
    tick(factory)
    converse(factory, router, "sms:+22370003000", "1")
    converse(factory, router, "sms:+22370003001", "1")
    [early] = converse(factory, router, "sms:+22370003001", "/resultats")
    assert "pas encore assez de réponses" in plain(early)
    assert "%" not in plain(early)
    converse(factory, router, "sms:+22370003002", "2")
    converse(factory, router, "sms:+22370003100", "1")
    [now] = converse(factory, router, "sms:+22370003000", "resultats")
    assert "Résultats provisoires" in plain(now)
    assert "1. Oui : 75 % (3)" in plain(now)
    assert "Voici ce qu'a répondu Kayes (3)" in plain(now)
    [none] = converse(factory, router, "sms:+22370003101", "résultats")  # did not vote
    assert "Répondez d'abord" in plain(none)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Vote)) == 4

    later = datetime.now(UTC) + timedelta(hours=3)
    assert tick(factory, later).poll_results == 4  # each voter, once
    assert tick(factory, later).poll_results == 0
    [kayes_result] = sent(factory, "poll_result", kayes[0])
    assert "Résultats du sondage" in plain(kayes_result)
    assert "Kayes" in plain(kayes_result)
    [kita_result] = sent(factory, "poll_result", kita[0])
    assert "1. Oui : 75 % (3)" in plain(kita_result)
    assert "Kita" not in plain(kita_result)  # one answer there: not shown
    assert sent(factory, "poll_result", kita[1]) == []  # did not vote
    # A vote after closing is not counted, and said so.
    with factory() as session:
        before = session.scalar(select(func.count()).select_from(Vote))
    assert before == 4


def test_vote_after_close_is_refused_politely(factory: Factory, router: Router) -> None:
    join(factory, router, "sms:+22370004000")
    poll_id = make_poll(factory)
    tick(factory)
    from bot.db import unit_of_work
    from bot.models import Poll

    with unit_of_work(factory) as session:
        poll = session.get(Poll, poll_id)
        assert poll is not None
        poll.closes_at = datetime.now(UTC) - timedelta(seconds=1)
    [reply] = converse(factory, router, "sms:+22370004000", "1")
    assert "fermé" in plain(reply)
    assert votes(factory) == []
