"""/api/contests and /api/polls: create from the campaign-file shape, problems by field,
the leaderboard by pseudonym, the draw and its record, polls only in aggregate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.contests.answer_records import record_answer
from bot.models import Contest, Delivery, Language, Poll, Question, Vote
from tests.conftest import AUTH
from tests.factories import make_relay

Factory = sessionmaker[Session]
ZONE = ZoneInfo("Africa/Bamako")


def local(delta: timedelta) -> str:
    return (datetime.now(ZONE) + delta).strftime("%Y-%m-%d %H:%M")


def quiz(**overrides: Any) -> dict[str, Any]:
    return {
        "id": "quiz-api",
        "title": {"fr": "Quiz de l'API", "bm": "API ɲɔgɔndan"},
        "prize": {"fr": "Un t-shirt", "bm": "Tisɔti kelen"},
        "opens": local(-timedelta(minutes=2)),
        "closes": local(timedelta(hours=1)),
        "questions": [
            {
                "text": {"fr": "Qui vote au conseil ?", "bm": "Jɔn bɛ kalata kɛ ladilikɛlaw la?"},
                "choices": [
                    {"fr": "Les conseillers", "bm": "Ladilikɛlaw"},
                    {"fr": "Le préfet", "bm": "Perefɛ"},
                ],
                "answer": 1,
            }
        ],
        **overrides,
    }


def test_the_api_needs_the_token(api: TestClient) -> None:
    assert api.get("/api/contests").status_code == 401
    assert api.post("/api/contests", json=quiz()).status_code == 401


def test_create_a_contest_that_opens_at_once(api: TestClient, factory: Factory) -> None:
    with unit_of_work(factory) as session:
        relay = make_relay(session, language=Language.BM)
    created = api.post("/api/contests", json=quiz(), headers=AUTH)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["slug"], body["state"], body["questions"]) == ("quiz-api", "open", 1)
    with factory() as session:
        [delivery] = session.scalars(
            select(Delivery).where(Delivery.source_kind == "question")
        ).all()
        assert delivery.relay_id == relay.id
        assert delivery.payload["language"] == "bm"
        assert "Jɔn bɛ kalata kɛ ladilikɛlaw la?" in delivery.payload["text"]
    again = api.post("/api/contests", json=quiz(), headers=AUTH)
    assert again.status_code == 409  # it has opened: it stays as it is
    listed = api.get("/api/contests", headers=AUTH).json()
    assert [item["slug"] for item in listed] == ["quiz-api"]


def test_problems_come_back_by_field(api: TestClient) -> None:
    bad = quiz()
    bad["questions"][0]["answer"] = 5
    del bad["title"]["bm"]
    refused = api.post("/api/contests", json=bad, headers=AUTH)
    assert refused.status_code == 422
    fields = {problem["field"] for problem in refused.json()["detail"]}
    assert {"questions[0].answer", "title.bm"} <= fields, refused.json()
    in_bambara = api.post("/api/contests?lang=bm", json=bad, headers=AUTH)
    assert in_bambara.json()["detail"] != refused.json()["detail"]


def test_leaderboard_and_draw(api: TestClient, factory: Factory) -> None:
    assert api.post("/api/contests", json=quiz(), headers=AUTH).status_code == 201
    now = datetime.now(UTC)
    with unit_of_work(factory) as session:
        question = session.scalars(select(Question)).one()
        for number in range(3):
            relay = make_relay(session, display_name=f"Moussa Keïta {number}")
            record_answer(
                session=session, question=question, relay=relay, choice=number % 2, now=now
            )
    board = api.get("/api/contests/quiz-api/leaderboard", headers=AUTH).json()
    assert [row["rank"] for row in board] == [1, 1, 3]
    assert all(row["pseudonym"].startswith("M.K. #") for row in board)
    assert (
        api.post("/api/contests/quiz-api/draws", json={"winners": 1}, headers=AUTH).status_code
        == 409
    )
    with unit_of_work(factory) as session:
        contest = session.scalars(select(Contest)).one()
        contest.closes_at = now - timedelta(seconds=1)
    drawn = api.post(
        "/api/contests/quiz-api/draws", json={"winners": 1, "seed": "s1"}, headers=AUTH
    )
    assert drawn.status_code == 201, drawn.text
    body = drawn.json()
    assert len(body["eligible"]) == 2
    assert body["verified"]
    assert body["winners"][0] in body["eligible"]
    twice = api.post(
        "/api/contests/quiz-api/draws", json={"winners": 1, "seed": "s1"}, headers=AUTH
    )
    assert twice.status_code == 409
    redraw = {"winners": 1, "seed": "s1", "redraw": True}
    again = api.post("/api/contests/quiz-api/draws", json=redraw, headers=AUTH).json()
    assert again["winners"] == body["winners"]
    assert again["redraw"]
    assert len(api.get("/api/contests/quiz-api/draws", headers=AUTH).json()) == 2


def test_polls_only_in_aggregate(api: TestClient, factory: Factory) -> None:
    poll = {
        "id": "poll-api",
        "question": {
            "fr": "Êtes-vous inscrit sur les listes ?",
            "bm": "I tɔgɔ sɛbɛnnen bɛ lisi kan wa?",
        },
        "choices": [{"fr": "Oui", "bm": "Awɔ"}, {"fr": "Non", "bm": "Ayi"}],
        "opens": local(-timedelta(minutes=1)),
        "closes": local(timedelta(hours=1)),
        "threshold": 2,
    }
    assert api.post("/api/polls", json=poll, headers=AUTH).status_code == 201

    def vote(place: str, choice: int) -> None:
        with unit_of_work(factory) as session:
            poll_id = session.scalars(select(Poll.id)).one()
            relay_id = make_relay(session, place=place).id
            voted_at = datetime.now(UTC)
            session.add(Vote(poll_id=poll_id, relay_id=relay_id, choice=choice, voted_at=voted_at))

    vote("kita", 0)
    [listed] = api.get("/api/polls", headers=AUTH).json()
    assert (listed["answers"], listed["results"], listed["places"]) == (1, None, {})
    vote("kayes", 1)
    [listed] = api.get("/api/polls", headers=AUTH).json()
    assert (listed["results"], listed["places"]) == ([1, 1], {})  # no place has two
    assert "relay" not in str(listed)
    assert "address" not in str(listed)


def test_metrics_count_answers_and_poll_answers_only(api: TestClient, factory: Factory) -> None:
    assert api.post("/api/contests", json=quiz(), headers=AUTH).status_code == 201
    now = datetime.now(UTC)
    with unit_of_work(factory) as session:
        question = session.scalars(select(Question)).one()
        record_answer(
            session=session, question=question, relay=make_relay(session), choice=1, now=now
        )
        poll = Poll(
            slug="poll-metrics",
            question={"fr": "?"},
            choices=[{"fr": "Oui"}, {"fr": "Non"}],
            opens_at=now,
            closes_at=now + timedelta(hours=1),
            audience={},
        )
        session.add(poll)
        session.flush()
        session.add(Vote(poll_id=poll.id, relay_id=make_relay(session).id, choice=1, voted_at=now))
    body = api.get("/metrics", headers=AUTH).text
    assert 'relais_contest_answers{contest="quiz-api",late="false"} 1' in body
    assert 'relais_poll_answers{poll="poll-metrics"} 1' in body
    assert "choice" not in body
