"""Loading a calendar and materialising it, with an injected clock (no sleeps)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.campaign_store import LoadReport, store_campaign
from bot.models import Delivery, Language, PostRow, PostStatus, RelayStatus, Role
from content.model import Campaign, PostAudience
from scheduler.calendar import materialise_due
from tests.factories import make_campaign, make_post, new_relay

Factory = sessionmaker[Session]
BAMAKO = ZoneInfo("Africa/Bamako")  # UTC+0 all year; the tests still go through the zone


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A local time in December 2026, as an aware UTC datetime."""
    return datetime(2026, 12, day, hour, minute, tzinfo=BAMAKO).astimezone(UTC)


def load(factory: Factory, campaign: Campaign, now: datetime | None = None) -> LoadReport:
    with unit_of_work(factory) as session:
        return store_campaign(session=session, campaign=campaign, now=now or at(1, 0))


def tick(factory: Factory, now: datetime) -> int:
    with unit_of_work(factory) as session:
        return materialise_due(session=session, now=now)


def received(factory: Factory, relay_id: int) -> list[dict[str, Any]]:
    with factory() as session:
        query = select(Delivery.payload).where(Delivery.relay_id == relay_id)
        return list(session.scalars(query.order_by(Delivery.id)))


def test_a_due_post_reaches_each_relay_once_in_their_language(factory: Factory) -> None:
    load(factory, make_campaign(make_post(id="j01")))
    fr, bm = new_relay(factory, language=Language.FR), new_relay(factory, language=Language.BM)
    assert tick(factory, at(1, 7, 59)) == 0  # not yet
    assert tick(factory, at(1, 8, 0)) == 2
    assert tick(factory, at(1, 8, 1)) == 0  # a second tick, or a second clock: nothing more
    [to_fr], [to_bm] = received(factory, fr), received(factory, bm)
    assert to_fr["text"].startswith("Savez-vous")
    assert to_bm["text"].startswith("Yala i b'a dɔn")
    assert to_bm["text"].endswith("\n\n#EngageonsNous")  # forwarded as is, hashtag included
    assert (to_fr["language"], to_bm["language"], to_bm["post"]) == ("fr", "bm", "j01")


def test_loading_twice_changes_nothing(factory: Factory) -> None:
    campaign = make_campaign(make_post(id="j01"), make_post(id="j02", day=date(2026, 12, 2)))
    first = load(factory, campaign)
    second = load(factory, campaign)
    assert (first.created, second.created, second.unchanged) == (["j01", "j02"], [], ["j01", "j02"])
    assert not second.changed


def test_posts_not_sent_are_updated_sent_ones_never_and_removed_ones_withdrawn(
    factory: Factory,
) -> None:
    j01, j02 = make_post(id="j01"), make_post(id="j02", day=date(2026, 12, 2))
    j03 = make_post(id="j03", day=date(2026, 12, 3))
    load(factory, make_campaign(j01, j02, j03))
    relay_id = new_relay(factory)
    tick(factory, at(1, 8))  # j01 goes out
    edited = {"fr": "Nouveau texte", "bm": "Sɛbɛn kura"}
    j01b = make_post(id="j01", text=edited)
    j02b = make_post(id="j02", day=date(2026, 12, 2), text=edited)
    report = load(factory, make_campaign(j01b, j02b), now=at(1, 9))
    assert (report.kept_as_sent, report.updated, report.withdrawn) == (["j01"], ["j02"], ["j03"])
    tick(factory, at(2, 8))
    tick(factory, at(3, 8))
    texts = [payload["text"] for payload in received(factory, relay_id)]
    assert texts == [
        "Savez-vous que les sessions du conseil communal sont publiques ?\n\n#EngageonsNous",
        "Nouveau texte\n\n#EngageonsNous",
    ]
    with factory() as session:
        statuses = {
            slug: status for slug, status in session.execute(select(PostRow.slug, PostRow.status))
        }
    assert statuses["j03"] is PostStatus.WITHDRAWN


def test_quiet_hours_defer_and_never_drop(factory: Factory) -> None:
    load(factory, make_campaign(make_post(id="soir", at=time(20, 50))))
    early = new_relay(factory)
    assert tick(factory, at(1, 20, 55)) == 1  # the evening's post goes at 20:50 …
    late = new_relay(factory)  # … someone joins at 22:00, in the quiet hours
    assert tick(factory, at(1, 22, 0)) == 0
    assert tick(factory, at(2, 6, 59)) == 0
    assert tick(factory, at(2, 7, 0)) == 1  # deferred to the end of the quiet hours
    assert tick(factory, at(2, 8, 30)) == 0  # and it is no longer today's post after that
    assert [len(received(factory, r)) for r in (early, late)] == [1, 1]


def test_a_post_planned_inside_quiet_hours_waits_for_the_morning(factory: Factory) -> None:
    load(factory, make_campaign(make_post(id="nuit", at=time(22, 0))))
    new_relay(factory)
    assert tick(factory, at(1, 22, 0)) == 0
    assert tick(factory, at(2, 7, 5)) == 1


def test_without_quiet_hours_a_post_is_due_until_midnight(factory: Factory) -> None:
    load(factory, make_campaign(make_post(id="j01", at=time(22, 0)), quiet_hours=None))
    new_relay(factory)
    assert tick(factory, at(1, 22, 0)) == 1
    new_relay(factory)
    assert tick(factory, at(2, 0, 1)) == 0


def test_a_relay_who_joins_later_in_the_day_gets_todays_post_once(factory: Factory) -> None:
    load(factory, make_campaign(make_post(id="j01"), make_post(id="j00", day=date(2026, 11, 30))))
    new_relay(factory)
    tick(factory, at(1, 8))
    newcomer = new_relay(factory)
    tick(factory, at(1, 15))
    tick(factory, at(1, 16))
    assert [payload["post"] for payload in received(factory, newcomer)] == ["j01"]


def test_audience_by_place_language_and_role(factory: Factory) -> None:
    audience = PostAudience(languages=("bm",), places=("kita",), roles=("organiser",))
    load(factory, make_campaign(make_post(id="j01", audience=audience)))
    target = new_relay(factory, language=Language.BM, place="kita", role=Role.ORGANISER)
    others = [
        new_relay(factory, language=Language.FR, place="kita", role=Role.ORGANISER),
        new_relay(factory, language=Language.BM, place="kayes", role=Role.ORGANISER),
        new_relay(factory, language=Language.BM, place="kita", role=Role.RELAY),
        new_relay(
            factory,
            language=Language.BM,
            place="kita",
            role=Role.ORGANISER,
            status=RelayStatus.STOPPED,
        ),
        new_relay(factory, language=Language.BM, place=None, role=Role.ORGANISER),  # still joining
    ]
    assert tick(factory, at(1, 8)) == 1
    assert len(received(factory, target)) == 1
    assert all(received(factory, other) == [] for other in others)


def test_a_missing_language_falls_back_as_the_campaign_says(factory: Factory) -> None:
    french_only = make_post(id="j01", text={"fr": "Seulement en français"}, single_language="fr")
    load(factory, make_campaign(french_only))
    bm = new_relay(factory, language=Language.BM)
    tick(factory, at(1, 8))
    assert [payload["language"] for payload in received(factory, bm)] == ["fr"]

    other = make_campaign(
        make_post(id="k01", text={"fr": "Seulement en français"}, single_language="fr"),
        slug="sans-repli",
        fallback_language=None,
    )
    load(factory, other)
    bm2 = new_relay(factory, language=Language.BM)
    tick(factory, at(1, 9))
    assert (
        received(factory, bm2) == [received(factory, bm)[0]]
        or received(factory, bm2)[0]["post"] == "j01"
    )
    assert all(payload["post"] != "k01" for payload in received(factory, bm2))


def test_media_templates_and_sms_versions_travel_with_the_post(factory: Factory) -> None:
    post = make_post(
        id="j01",
        media={"bm": "media/j01-bm.ogg", "fr": "media/j01.png"},
        sms={"fr": "Court", "bm": "Surun"},
        templates={},
    )
    load(factory, make_campaign(post))
    fr, bm = new_relay(factory, language=Language.FR), new_relay(factory, language=Language.BM)
    tick(factory, at(1, 8))
    [to_fr], [to_bm] = received(factory, fr), received(factory, bm)
    assert to_fr["media"] == {"kind": "photo", "path": "engageonsnous/media/j01.png"}
    assert to_bm["media"] == {"kind": "voice", "path": "engageonsnous/media/j01-bm.ogg"}
    assert (to_fr["sms_text"], to_bm["sms_text"]) == (
        "Court\n\n#EngageonsNous",
        "Surun\n\n#EngageonsNous",
    )


def test_drafts_are_never_sent(factory: Factory) -> None:
    load(factory, make_campaign(make_post(id="j01", status="draft")))
    new_relay(factory)
    assert tick(factory, at(1, 8)) == 0
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Delivery)) == 0
        assert session.scalar(select(PostRow.first_sent_at)) is None


def test_times_are_local_to_the_campaign(factory: Factory) -> None:
    # Lagos is an hour ahead of UTC (Bamako is on UTC): 08:00 there is 07:00 UTC.
    campaign = make_campaign(make_post(id="j01", at=time(8, 0)), timezone="Africa/Lagos")
    load(factory, campaign)
    new_relay(factory)
    with factory() as session:
        scheduled = session.scalar(select(PostRow.scheduled_at))
    assert scheduled == datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
    assert tick(factory, datetime(2026, 12, 1, 6, 59, tzinfo=UTC)) == 0
    assert tick(factory, datetime(2026, 12, 1, 7, 0, tzinfo=UTC)) == 1
