"""A contest or a poll from a request body (the API's JSON): checked the same, each
problem naming its field, with no file or line."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from content.problems import CampaignInvalid
from content.quizzes import poll_from_data, quiz_from_data
from tests.campaign_files import DELETE, Change, setting
from tests.quiz_files import POLL, QUIZ, local_time, problem_on


def as_json(value: dict[str, Any]) -> Any:
    return json.loads(json.dumps(value))


def test_a_request_body_becomes_one_contest_or_one_poll() -> None:
    body = as_json(QUIZ)
    del body["questions"][1]["media"]
    quiz = quiz_from_data(body)
    assert (quiz.id, quiz.opens, quiz.source) == (
        "quiz-droits",
        local_time(2026, 12, 8, 8, 30),
        "request",
    )
    assert [question.correct for question in quiz.questions] == [0, 2]
    body["opens"] = "2026-12-08T08:30"  # ISO, as JSON clients write it
    assert quiz_from_data(body).opens == quiz.opens
    poll = poll_from_data(as_json(POLL))
    assert (poll.id, poll.changeable, poll.participants.languages) == (
        "sondage-conseil",
        True,
        ("bm",),
    )


@pytest.mark.parametrize(
    ("build", "change", "field", "fragment"),
    [
        (
            quiz_from_data,
            setting("questions", 0, "answer", 9),
            "questions[0].answer",
            "out of range",
        ),
        (
            quiz_from_data,
            setting("questions", 1, "media", "bm", "media/q.ogg"),
            "questions[1].media.bm",
            "campaign folder",
        ),
        (quiz_from_data, setting("title", "bm", DELETE), "title.bm", "missing Bambara"),
        (poll_from_data, setting("closes", "2026-12-01 09:00"), "closes", "after opens"),
        (poll_from_data, setting("voters", 3), "voters", "unknown key"),
    ],
)
def test_a_request_body_names_the_field_without_a_line(
    build: Callable[[object], object], change: Change, field: str, fragment: str
) -> None:
    body = as_json(QUIZ if build is quiz_from_data else POLL)
    change(body)
    with pytest.raises(CampaignInvalid) as caught:
        build(body)
    problem = problem_on(caught.value.problems, field, fragment)
    assert (problem.file, problem.where) == ("request", "")


@pytest.mark.parametrize("body", [None, [], "quiz"])
def test_a_request_body_that_is_no_table(body: object) -> None:
    with pytest.raises(CampaignInvalid):
        quiz_from_data(body)
    with pytest.raises(CampaignInvalid):
        poll_from_data(body, file="api")
