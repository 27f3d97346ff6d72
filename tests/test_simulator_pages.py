"""The simulator's page around the phones: its language (a switch that is remembered),
its icon, and the buttons of an answered question, however it was answered."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Question
from bot.web.app import create_app
from tests.conftest import SettingsFactory
from tests.contest_factories import make_contest, make_poll, tick
from tests.test_simulator import LOCAL, deliver, say, shown


@pytest.fixture
def client(make_settings: SettingsFactory, factory: sessionmaker[Session]) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings()), client=LOCAL) as client:
        yield client


def test_the_language_switch_is_remembered(client: TestClient) -> None:
    french = client.get("/simulator")
    assert 'href="?lang=bm"' in french.text
    assert 'aria-current="true"><span class="wide-only">Français' in french.text
    bambara = client.get("/simulator", params={"lang": "bm"})
    assert "relais_lang=bm" in bambara.headers["set-cookie"]
    again = client.get("/simulator")  # no ?lang= any more: the cookie keeps Bambara
    assert 'lang="bm"' in again.text
    assert "Telefɔni fara a kan" in again.text
    assert 'lang="bm"' in client.get("/").text  # the home page follows the same choice
    assert 'lang="fr"' in client.get("/simulator", params={"lang": "fr"}).text
    assert 'lang="fr"' in client.get("/simulator").text


def test_every_page_names_its_icon_and_favicon_ico_answers(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"].startswith("image/svg+xml")
    assert icon.content.startswith(b"<svg")
    for page in ("/", "/simulator"):
        assert '<link rel="icon" href="/static/admin/favicon.svg"' in client.get(page).text
    assert client.get("/static/admin/favicon.svg").status_code == 200


def join(client: TestClient, factory: sessionmaker[Session], phone: str) -> None:
    say(client, phone, "j1", text="/start")
    say(client, phone, "j2", choice="lang:fr", label="Français")
    say(client, phone, "j3", choice="place:kayes", label="Kayes")
    deliver(factory)


def test_a_typed_answer_marks_the_question_buttons(
    client: TestClient, factory: sessionmaker[Session]
) -> None:
    join(client, factory, "sim-quiz")
    assert shown(client, "sim-quiz")["chosen"] == {}
    make_contest(factory)
    tick(factory)
    deliver(factory)
    question = shown(client, "sim-quiz")["messages"][-1]
    data = [option["data"] for option in question["options"]]
    with factory() as session:
        first = session.scalars(select(Question).order_by(Question.id)).first()
    assert first is not None
    assert data == [f"quiz:{first.id}.{index}" for index in range(3)]
    say(client, "sim-quiz", "a1", text="B")
    deliver(factory)
    assert shown(client, "sim-quiz")["chosen"][f"quiz:{first.id}"] == {
        "data": f"quiz:{first.id}.1",
        "locked": True,
    }


def test_a_vote_that_may_change_keeps_its_buttons_open(
    client: TestClient, factory: sessionmaker[Session]
) -> None:
    join(client, factory, "sim-poll")
    poll = make_poll(factory, changeable=True)
    tick(factory)
    deliver(factory)
    say(client, "sim-poll", "v1", choice=f"poll:{poll}.0", label="Oui")
    deliver(factory)
    assert shown(client, "sim-poll")["chosen"] == {
        f"poll:{poll}": {"data": f"poll:{poll}.0", "locked": False}
    }
