"""A number typed while several things wait for one: in digits or spelled out ("2",
"deux", "fila"), it goes to the same place (router.py's docstring states the rule)."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.router import Router
from bot.db import unit_of_work
from bot.models import Answer, ConversationState, Relay, Vote
from tests.contest_factories import make_contest, make_poll, tick
from tests.factories import converse, existing_relay

Factory = sessionmaker[Session]
_chats = itertools.count(9001)
SPELLED = {"fr": "deux", "bm": "fila"}


def join(factory: Factory, router: Router, language: str) -> str:
    address = f"sms:+2237000{next(_chats)}"
    converse(factory, router, address, "/start")
    converse(factory, router, address, choice=f"lang:{language}")
    converse(factory, router, address, choice="place:kayes")
    return address


def landed(factory: Factory, address: str) -> tuple[int, int, str | None]:
    """What one relay's typed number became: (answers, votes, the prompt still open)."""
    with factory() as session:
        relay = session.scalars(select(Relay).where(Relay.address == address)).one()
        answers = session.scalar(
            select(func.count()).select_from(Answer).where(Answer.relay_id == relay.id)
        )
        votes = session.scalar(
            select(func.count()).select_from(Vote).where(Vote.relay_id == relay.id)
        )
        return int(answers or 0), int(votes or 0), relay.state


def open_prompt(factory: Factory, address: str, state: ConversationState) -> None:
    with unit_of_work(factory) as session:
        session.execute(update(Relay).where(Relay.address == address).values(state=state))


@pytest.mark.parametrize("language", ["fr", "bm"])
@pytest.mark.parametrize("poll_first", [True, False])
@pytest.mark.parametrize("prompt", [None, ConversationState.SHARE_REACH])
def test_a_spelled_out_number_goes_where_its_digits_go(
    factory: Factory,
    router: Router,
    language: str,
    poll_first: bool,
    prompt: ConversationState | None,
) -> None:
    by_digits, in_words = join(factory, router, language), join(factory, router, language)
    steps = [make_poll, make_contest]
    for make in steps if poll_first else reversed(steps):
        make(factory)
        tick(factory)
    if prompt is not None:
        for address in (by_digits, in_words):
            open_prompt(factory, address, prompt)
    converse(factory, router, by_digits, "2")
    converse(factory, router, in_words, SPELLED[language])
    assert landed(factory, in_words) == landed(factory, by_digits)
    assert existing_relay(factory, in_words).state is None  # the prompt took it, or dropped
