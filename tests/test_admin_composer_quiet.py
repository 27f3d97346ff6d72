"""The composer and the campaign's quiet hours: a broadcast sent "now" at night waits for
the morning and the preview says so, unless the organiser marks it urgent."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Broadcast, BroadcastState, Delivery, Language
from tests.dashboard import Dashboard
from tests.factories import new_relay
from tests.quiet_campaign import add_campaign, quiet_now
from tests.test_admin_composer import compose, composer  # noqa: F401  (the fixture)

Factory = sessionmaker[Session]


def test_at_night_a_broadcast_waits_and_the_preview_says_until_when(
    composer: Dashboard,  # noqa: F811
    factory: Factory,
) -> None:
    add_campaign(factory, quiet=quiet_now())
    new_relay(factory, language=Language.BM)
    number = compose(composer, languages=["bm"], text_bm="Aw ka na sibiridon!")
    preview = composer.client.get(f"/admin/broadcasts/{number}").text
    assert "data-held" in preview
    assert "data-urgent" not in preview
    sent = composer.post(f"/admin/broadcasts/{number}/send", {"when": "now"})
    assert sent.status_code == 200
    assert "data-held" in sent.text
    with factory() as session:
        broadcast = session.scalars(select(Broadcast)).one()
        assert broadcast.state is BroadcastState.SCHEDULED
        assert session.scalars(select(Delivery)).all() == []


def test_an_urgent_broadcast_leaves_at_once_even_at_night(
    composer: Dashboard,  # noqa: F811
    factory: Factory,
) -> None:
    add_campaign(factory, quiet=quiet_now())
    relay = new_relay(factory, language=Language.BM)
    number = compose(composer, languages=["bm"], text_bm="Aw ka na sibiridon!", urgent="1")
    preview = composer.client.get(f"/admin/broadcasts/{number}").text
    assert "data-urgent" in preview
    assert "data-held" not in preview
    composer.post(f"/admin/broadcasts/{number}/send", {"when": "now"})
    with factory() as session:
        assert session.scalars(select(Broadcast)).one().urgent is True
        assert [d.relay_id for d in session.scalars(select(Delivery))] == [relay]


def test_the_urgent_box_is_on_the_form_and_kept_when_changing_a_draft(
    composer: Dashboard,  # noqa: F811
    factory: Factory,
) -> None:
    form = composer.client.get("/admin/broadcasts/new").text
    assert 'name="urgent"' in form
    new_relay(factory, language=Language.BM)
    number = compose(composer, languages=["bm"], text_bm="Aw ka na!", urgent="1")
    again = composer.client.get(f"/admin/broadcasts/new?draft={number}").text
    assert 'name="urgent" value="1" checked' in again
