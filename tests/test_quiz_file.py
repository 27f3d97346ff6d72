"""A file of contests and polls alone, outside any campaign folder, as `relais quiz create`
reads it: checked the same, without campaign dates or media."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from content.problems import CampaignInvalid
from content.quizzes import load_quiz_file
from tests.quiz_files import POLL, QUIZ, SEVEN, local_time, problem_on


def write_quiz_file(path: Path, data: object) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_a_file_of_contests_alone(tmp_path: Path) -> None:
    quiz = copy.deepcopy(QUIZ)
    del quiz["questions"][1]["media"]
    quiz["opens"], quiz["closes"] = "2027-03-01 08:00", "2027-03-02 08:00"  # no campaign dates
    path = write_quiz_file(tmp_path / "quiz.yaml", {"contests": [quiz], "polls": [POLL]})
    quizzes, polls, warnings = load_quiz_file(path)
    assert [item.id for item in quizzes] == ["quiz-droits"]
    assert [item.id for item in polls] == ["sondage-conseil"]
    assert warnings == []
    assert quizzes[0].source == "quiz.yaml:2"
    assert quizzes[0].opens == local_time(2027, 3, 1, 8, 0)

    path = write_quiz_file(tmp_path / "polls.yaml", {"polls": [POLL]})
    quizzes, polls, _warnings = load_quiz_file(path)
    assert (quizzes, [poll.id for poll in polls]) == ([], ["sondage-conseil"])


@pytest.mark.parametrize(
    ("data", "field", "fragment"),
    [
        ({"contests": [QUIZ]}, "contests[0].questions[1].media.bm", "needs a campaign folder"),
        ({"polls": [POLL], "posts": []}, "posts", "unknown key"),
        ({"campaign": {}}, "", "must hold a contests or a polls section"),
        ({"polls": [POLL | {"choices": SEVEN[:1]}]}, "polls[0].choices", "give 2 to {most}"),
        (
            {"polls": [POLL | {"audience": {"places": ["tombouctou"]}}]},
            "polls[0].audience.places",
            "unknown place",
        ),
    ],
)
def test_a_file_of_contests_alone_is_checked_the_same(
    tmp_path: Path, data: dict[str, Any], field: str, fragment: str
) -> None:
    path = write_quiz_file(tmp_path / "quiz.yaml", data)
    with pytest.raises(CampaignInvalid) as caught:
        load_quiz_file(path)
    problem = problem_on(caught.value.problems, field, fragment)
    assert problem.file == "quiz.yaml"
    assert problem.where.startswith("line ")


def test_a_missing_file_of_contests_is_said(tmp_path: Path) -> None:
    with pytest.raises(CampaignInvalid) as caught:
        load_quiz_file(tmp_path / "absent.yaml")
    assert caught.value.problems[0].file == "absent.yaml"
