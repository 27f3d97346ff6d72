"""/kit and /aujourdhui: the campaign's kit and today's post, in the relay's language."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.conversation.router import Router
from bot.db import unit_of_work
from bot.domain.campaign_dates import LongDay
from bot.domain.campaign_store import store_campaign
from bot.models import Delivery, Language, Relay
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
    when={"fr": "Du {start} au {end}", "bm": "Ka bɔ {start} la ka se {end} ma"},
    why={"fr": "Pour que chacun compte", "bm": "Walasa bɛɛ ka jate"},
    accounts_to_follow=("@SaheLink",),
    hashtags=("#EngageonsNous", "#Kayes"),
    decision_makers=("@MairieKayes",),
    messages={
        "whatsapp": {"fr": "Rejoins le relais !", "bm": "Na don relaw cɛma!"},
        "twitter": {"fr": "Je m'engage #EngageonsNous"},
    },
    links=(Link({"fr": "L'étude", "bm": "Sɛgɛsɛgɛli"}, "https://example.org/etude"),),
    media={"fr": "media/kit-fr.png", "bm": "media/kit-bm.png"},
)


def joined(factory: Factory, router: Router, address: str, language: str) -> None:
    converse(factory, router, address, "/start")
    converse(factory, router, address, choice=f"lang:{language}")
    converse(factory, router, address, choice="place:kayes")


def today_local() -> datetime:
    return datetime.now(UTC).astimezone(ZoneInfo("Africa/Bamako"))


def test_kit_arrives_in_one_bambara_message_laid_out_with_its_picture(
    factory: Factory, router: Router
) -> None:
    with unit_of_work(factory) as session:
        store_campaign(session=session, campaign=make_campaign(kit=KIT), now=datetime.now(UTC))
    joined(factory, router, "console:kit-bm", "bm")
    [kit] = converse(factory, router, "console:kit-bm", "KIT")
    text = kit["text"]
    assert text.startswith("Kampaɲi ka minɛnw (kit): #EngageonsNous\n\n")
    assert "Mun: Kampaɲi min bɛ kamalenw ka yɔrɔ kan" in text
    assert "Jɔn: SaheLink et ses relais" in text  # no Bambara text: French, not nothing
    # The days come from the campaign's dates, written in Bambara.
    assert "Tuma jumɛn: Ka bɔ desanburukalo tile 1, san 2026 la ka se desanburukalo tile 21" in text
    assert "#EngageonsNous #Kayes" in text
    assert "Sɛgɛsɛgɛli: https://example.org/etude" in text
    # Each ready-to-forward message on its own lines, under its network's name.
    assert "▸ WhatsApp\nNa don relaw cɛma!" in text
    assert "▸ X (Twitter)\nJe m'engage #EngageonsNous" in text
    assert kit["media"] == {"kind": "photo", "path": "engageonsnous/media/kit-bm.png"}
    assert kit["sms_text"].startswith("Kampaɲi ka minɛnw (kit): #EngageonsNous\nKa bɔ")


def test_kit_in_french_keeps_french_typography(factory: Factory, router: Router) -> None:
    with unit_of_work(factory) as session:
        store_campaign(session=session, campaign=make_campaign(kit=KIT), now=datetime.now(UTC))
    joined(factory, router, "console:kit-fr", "fr")
    [kit] = converse(factory, router, "console:kit-fr", "/kit")
    lines = kit["text"].splitlines()
    assert lines[0] == "Kit de mobilisation\u00a0: #EngageonsNous"
    assert "Quoi\u00a0: Une campagne sur la place des jeunes" in lines
    assert "Quand\u00a0: Du 1er décembre 2026 au 21 décembre 2026" in lines
    assert "L'étude\u00a0: https://example.org/etude" in lines
    assert not [line for line in lines if re.search(r"\w:", line) and "https:" not in line]
    assert kit["media"]["path"] == "engageonsnous/media/kit-fr.png"


def test_two_campaigns_two_kits_with_their_own_dates(factory: Factory, router: Router) -> None:
    today = today_local().date()
    with unit_of_work(factory) as session:
        for slug, length in (("engageonsnous", 20), ("paixaumali", 13)):
            campaign = make_campaign(
                slug=slug,
                name=f"#{slug}",
                kit=KIT,
                start=date(2026, 12, 1),
                end=date(2026, 12, 1) + timedelta(days=length),
            )
            # As the simulator's samples and `campaign load --starting` do: moved to today.
            shift = (today - campaign.start).days
            store_campaign(
                session=session, campaign=campaign, now=datetime.now(UTC), shift_days=shift
            )
    joined(factory, router, "console:kit-two", "fr")
    first, second = converse(factory, router, "console:kit-two", "/kit")
    assert first["text"].startswith("Kit de mobilisation\u00a0: #engageonsnous")
    assert second["text"].startswith("Kit de mobilisation\u00a0: #paixaumali")
    for kit, length in ((first, 20), (second, 13)):
        start = LongDay(today).render(Language.FR)
        end = LongDay(today + timedelta(days=length)).render(Language.FR)
        assert f"Du {start} au {end}" in kit["text"]


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


def test_a_post_names_its_own_day_and_the_campaigns_once_moved(
    factory: Factory, router: Router
) -> None:
    text = {
        "fr": "Rendez-vous le {date}, jusqu'au {end}. {Pas une date}",
        "bm": "An bɛ ɲɔgɔn ye {date}.",
    }
    post = make_post(id="jour", day=date(2026, 12, 3), at=time(0, 0), text=text)
    campaign = make_campaign(post, start=date(2026, 12, 1), end=date(2026, 12, 21))
    today = today_local().date()
    with unit_of_work(factory) as session:  # moved as `campaign load --starting` moves it
        store_campaign(
            session=session,
            campaign=campaign,
            now=datetime.now(UTC),
            shift_days=(today - timedelta(days=2) - campaign.start).days,
        )
    joined(factory, router, "console:dates-fr", "fr")
    [again] = converse(factory, router, "console:dates-fr", "/aujourdhui")
    day, end = LongDay(today).render(Language.FR), LongDay(today + timedelta(days=18))
    assert again["text"].startswith(
        f"Rendez-vous le {day}, jusqu'au {end.render(Language.FR)}. {{Pas une date}}"
    )
    joined(factory, router, "console:dates-bm", "bm")
    [again_bm] = converse(factory, router, "console:dates-bm", "/aujourdhui")
    assert again_bm["text"].startswith(f"An bɛ ɲɔgɔn ye {LongDay(today).render(Language.BM)}.")
    assert LongDay(date(2026, 12, 1)).render(Language.FR) == "1er décembre 2026"
    assert LongDay(date(2026, 12, 5)).render(Language.BM) == "desanburukalo tile 5, san 2026"
