"""/kit and /aujourdhui: the campaign's kit and today's post, in the relay's language."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.router import Router
from bot.db import unit_of_work
from bot.domain.campaign_store import store_campaign
from bot.models import Delivery, Relay
from content.model import Kit, Link
from scheduler.calendar import materialise_due
from tests.factories import converse, make_campaign, make_post

Factory = sessionmaker[Session]
KIT = Kit(
    what={
        "fr": "Une campagne sur la place des jeunes",
        "bm": "Kampaɲi min bɛ kamalenw ka yɔrɔ kan",
    },
    who={"fr": "SaheLink et ses relais"},
    when={"fr": "Du 1er au 21 décembre", "bm": "Desanburu tile 1 ka se 21 ma"},
    why={"fr": "Pour que chacun compte", "bm": "Walasa bɛɛ ka jate"},
    accounts_to_follow=("@SaheLink",),
    hashtags=("#EngageonsNous", "#Kayes"),
    decision_makers=("@MairieKayes",),
    messages={
        "whatsapp": {"fr": "Rejoins le relais !", "bm": "Na don relaw cɛma!"},
        "twitter": {"fr": "Je m'engage #EngageonsNous"},
    },
    links=(Link({"fr": "L'étude", "bm": "Sɛgɛsɛgɛli"}, "https://example.org/etude"),),
)


def joined(factory: Factory, router: Router, address: str, language: str) -> None:
    converse(factory, router, address, "/start")
    converse(factory, router, address, choice=f"lang:{language}")
    converse(factory, router, address, choice="place:kayes")


def today_local() -> datetime:
    return datetime.now(UTC).astimezone(ZoneInfo("Africa/Bamako"))


def test_kit_arrives_in_bambara_each_shareable_message_apart(
    factory: Factory, router: Router
) -> None:
    with unit_of_work(factory) as session:
        store_campaign(session=session, campaign=make_campaign(kit=KIT), now=datetime.now(UTC))
    joined(factory, router, "console:kit-bm", "bm")
    messages = [payload["text"] for payload in converse(factory, router, "console:kit-bm", "KIT")]
    assert messages[0].startswith("Kampaɲi ka minɛnw (kit): #EngageonsNous")
    assert "Mun: Kampaɲi min bɛ kamalenw ka yɔrɔ kan" in messages[0]
    assert "Jɔn: SaheLink et ses relais" in messages[0]  # no Bambara text: French, not nothing
    assert "#EngageonsNous #Kayes" in messages[1]
    assert "Sɛgɛsɛgɛli: https://example.org/etude" in messages[1]
    assert "(WhatsApp, X (Twitter))" in messages[2]
    assert messages[3:] == ["Na don relaw cɛma!", "Je m'engage #EngageonsNous"]


def test_no_kit_without_a_campaign(factory: Factory, router: Router) -> None:
    joined(factory, router, "console:kit-none", "fr")
    [reply] = converse(factory, router, "console:kit-none", "/kit")
    assert reply["text"].startswith("Il n'y a pas encore de kit")


def test_aujourdhui_sends_todays_post_again(factory: Factory, router: Router) -> None:
    post = make_post(id="jour", day=today_local().date(), at=time(0, 0))
    campaign = make_campaign(post, start=post.day, end=post.day)
    with unit_of_work(factory) as session:
        store_campaign(session=session, campaign=campaign, now=datetime.now(UTC))
    joined(factory, router, "console:today-bm", "bm")
    [again] = converse(factory, router, "console:today-bm", "bi")
    assert again["post"] == "jour"
    assert again["text"].startswith("Yala i b'a dɔn")
    joined(factory, router, "console:today-fr", "fr")
    [again_fr] = converse(factory, router, "console:today-fr", "/aujourdhui")
    assert again_fr["language"] == "fr"


def test_aujourdhui_when_there_is_nothing_today(factory: Factory, router: Router) -> None:
    joined(factory, router, "console:today-none", "fr")
    [reply] = converse(factory, router, "console:today-none", "Aujourd'hui")
    assert reply["text"].startswith("Il n'y a pas encore de message pour vous aujourd'hui")


def test_a_newcomer_gets_todays_post_right_after_the_welcome_and_only_once(
    factory: Factory, router: Router
) -> None:
    post = make_post(id="jour", day=today_local().date(), at=time(0, 0))
    campaign = make_campaign(post, start=post.day, end=post.day, quiet_hours=None)
    with unit_of_work(factory) as session:
        store_campaign(session=session, campaign=campaign, now=datetime.now(UTC))
    converse(factory, router, "console:newcomer", "/start")
    converse(factory, router, "console:newcomer", choice="lang:bm")
    converse(factory, router, "console:newcomer", choice="place:kayes")
    with factory() as session:
        relay = session.scalars(select(Relay).where(Relay.address == "console:newcomer")).one()
        rows = session.scalars(
            select(Delivery).where(Delivery.relay_id == relay.id).order_by(Delivery.id)
        )
        *_, welcome, todays = [(row.source_kind, row.payload) for row in rows]
    assert welcome[1]["text"].startswith("I bisimila kampaɲi ka relaw cɛma")
    assert todays[0] == "post"
    assert todays[1]["post"] == "jour"
    with unit_of_work(factory) as session:  # the clock's next tick changes nothing for them
        assert materialise_due(session=session, now=datetime.now(UTC)) == 0
