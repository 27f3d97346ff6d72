"""Contests and polls in campaign.yaml: every problem named with its file, line and field."""

from __future__ import annotations

from pathlib import Path

from content.loaders import load_campaign
from tests.campaign_files import (
    DELETE,
    Case,
    Change,
    french,
    invalid,
    line_of,
    problem_cases,
    said,
    setting,
)
from tests.quiz_files import SEVEN, check_quizzes, problem_on, with_quizzes, write_quizzes

C, Q, P = ("contests", 0), ("contests", 0, "questions", 1), ("polls", 0)
ERROR_CASES: list[Case] = [
    # id, change, field, msgid fragment, needle on the expected line, offset from it
    (
        "title-bm",
        setting(*C, "title", "bm", DELETE),
        "contests[0].title.bm",
        "missing Bambara",
        "title:",
        0,
    ),
    (
        "prize-fr",
        setting(*C, "prize", "fr", DELETE),
        "contests[0].prize.fr",
        "missing French",
        "prize:",
        0,
    ),
    (
        "question-bm",
        setting(*Q, "text", "bm", DELETE),
        "contests[0].questions[1].text.bm",
        "missing Bambara",
        "publiques",
        -1,
    ),
    (
        "choice-bm",
        setting(*Q, "choices", 1, {"fr": "Parfois"}),
        "contests[0].questions[1].choices[1].bm",
        "missing Bambara",
        "fr: Parfois",
        0,
    ),
    (
        "poll-choice-bm",  # the poll is for Bambara readers: French may be missing, not this
        setting(*P, "choices", 2, {"fr": "La famille"}),
        "polls[0].choices[2].bm",
        "missing Bambara",
        "fr: La famille",
        0,
    ),
    (
        "answer-range",
        setting(*Q, "answer", 4),
        "contests[0].questions[1].answer",
        "out of range",
        "answer: 4",
        0,
    ),
    (
        "answer-zero",
        setting(*Q, "answer", 0),
        "contests[0].questions[1].answer",
        "1 or more",
        "answer: 0",
        0,
    ),
    (
        "answer-missing",
        setting(*Q, "answer", DELETE),
        "contests[0].questions[1].answer",
        "required",
        "publiques",
        -1,
    ),
    (
        "one-choice",
        setting(*Q, "choices", [SEVEN[0]]),
        "contests[0].questions[1].choices",
        "give 2 to {most}",
        "Choix 0",
        -1,
    ),
    (
        "seven-choices",
        setting(*P, "choices", SEVEN),
        "polls[0].choices",
        "give 2 to {most}",
        "Choix 0",
        -1,
    ),
    (
        "closes-first",
        setting(*C, "closes", "2026-12-08 08:30"),
        "contests[0].closes",
        "after opens",
        "closes: 2026-12-08",
        0,
    ),
    (
        "poll-closes-first",
        setting(*P, "closes", "2026-12-08 09:00"),
        "polls[0].closes",
        "after opens",
        "closes: 2026-12-08",
        0,
    ),
    (
        "opens-shape",
        setting(*C, "opens", "8 décembre"),
        "contests[0].opens",
        "invalid date and time",
        "8 décembre",
        0,
    ),
    (
        "opens-missing",
        setting(*C, "opens", DELETE),
        "contests[0].opens",
        "required field",
        "id: quiz-droits",
        0,
    ),
    (
        "duplicate-id",
        setting(*P, "id", "quiz-droits"),
        "polls[0].id",
        "already used",
        "  question:",  # the poll's second line
        -1,
    ),
    (
        "id-shape",
        setting(*C, "id", "Quiz Droits"),
        "contests[0].id",
        "invalid identifier",
        "Quiz Droits",
        0,
    ),
    ("unknown-key", setting(*C, "titel", "x"), "contests[0].titel", "did you mean", "titel:", 0),
    (
        "question-key",
        setting(*Q, "answers", 1),
        "contests[0].questions[1].answers",
        "did you mean",
        "answers:",
        0,
    ),
    (
        "unknown-place",
        setting(*C, "audience", "places", ["tombouctou"]),
        "contests[0].audience.places",
        "unknown place",
        "tombouctou",
        -1,
    ),
    (
        "unknown-role",
        setting(*P, "audience", {"roles": ["chef"]}),
        "polls[0].audience.roles",
        "unknown role",
        "chef",
        -1,
    ),
    (
        "audience-shape",
        setting(*P, "audience", "bm"),
        "polls[0].audience",
        "expected a table",
        "audience: bm",
        0,
    ),
    (
        "missing-media",
        setting(*Q, "media", {"fr": "media/absent.ogg"}),
        "contests[0].questions[1].media.fr",
        "file not found",
        "media/absent.ogg",
        0,
    ),
    (
        "media-kind",
        setting(*Q, "media", {"bm": "campaign.yaml"}),
        "contests[0].questions[1].media.bm",
        "unsupported file type",
        "bm: campaign.yaml",
        0,
    ),
    (
        "media-outside",
        setting(*Q, "media", {"bm": "../x.png"}),
        "contests[0].questions[1].media.bm",
        "refused",
        "../x.png",
        0,
    ),
    ("mode", setting(*C, "mode", "random"), "contests[0].mode", "unknown mode", "random", 0),
    (
        "feedback",
        setting(*C, "feedback", "never"),
        "contests[0].feedback",
        "unknown feedback",
        "never",
        0,
    ),
    (
        "eligible",
        setting(*C, "eligible", "winners"),
        "contests[0].eligible",
        "unknown rule",
        "winners",
        0,
    ),
    (
        "points",
        setting(*C, "points", -1),
        "contests[0].points",
        "positive whole number",
        "points: -1",
        0,
    ),
    (
        "speed-minutes",
        setting(*C, "speed_bonus", {"points": 1}),
        "contests[0].speed_bonus.minutes",
        "required",
        "speed_bonus:",
        0,
    ),
    (
        "no-question",
        setting(*C, "questions", []),
        "contests[0].questions",
        "at least one",
        "questions: []",
        0,
    ),
    (
        "threshold",
        setting(*P, "threshold", 0),
        "polls[0].threshold",
        "1 or more",
        "threshold: 0",
        0,
    ),
    (
        "changeable",
        setting(*P, "changeable", "oui"),
        "polls[0].changeable",
        "true or false",
        "changeable: oui",
        0,
    ),
    (
        "section-shape",
        setting("polls", {"id": "x"}),
        "polls",
        "expected a list of polls",
        "polls:",
        0,
    ),
]


@problem_cases(ERROR_CASES)
def test_each_error_names_its_line_and_field(
    tmp_path: Path, change: Change, field: str, fragment: str, needle: str, offset: int
) -> None:
    check_quizzes(tmp_path, change, field, fragment, needle, offset=offset)


def test_a_problem_reads_with_file_line_and_field(tmp_path: Path) -> None:
    data = with_quizzes()
    data["contests"][0]["questions"][1]["answer"] = 5
    folder = write_quizzes(tmp_path / "c", data)
    [problem] = invalid(folder)
    line = line_of(folder / "campaign.yaml", "answer: 5")
    number = line.removeprefix("line ")
    prefix = f"campaign.yaml ligne {number}, contests[quiz-droits].questions[1].answer: "
    assert str(problem).startswith(prefix)  # the contest by its id, the line in French
    assert problem.field == "contests[0].questions[1].answer"  # as the file's structure says
    assert problem.message.params == {"answer": 5, "count": 3}


def test_known_messages_keep_their_translation(tmp_path: Path) -> None:
    data = with_quizzes()
    del data["contests"][0]["title"]["bm"]
    data["polls"][0]["id"] = "quiz-droits"
    problems = invalid(write_quizzes(tmp_path / "c", data))
    assert said(problem_on(problems, "contests[0].title.bm", "missing")) == "texte bambara manquant"
    duplicate = problem_on(problems, "polls[0].id", "already used")
    assert said(duplicate).startswith(french("identifiant « quiz-droits » déjà utilisé"))


def test_every_problem_comes_at_once(tmp_path: Path) -> None:
    data = with_quizzes()
    data["contests"][0]["questions"][0]["answer"] = 3
    data["polls"][0]["choices"] = SEVEN
    data["posts"][0]["phase"] = "agir"
    fields = {problem.field for problem in invalid(write_quizzes(tmp_path / "c", data))}
    assert fields == {"contests[0].questions[0].answer", "polls[0].choices", "posts[0].phase"}


def test_one_language_is_enough_when_the_audience_reads_only_that_one(tmp_path: Path) -> None:
    data = with_quizzes()
    quiz = data["contests"][0]
    quiz["audience"] = {"languages": ["fr"]}
    quiz["title"], quiz["prize"] = {"fr": "Quiz"}, {"fr": "Du crédit"}
    for question in quiz["questions"]:
        question["text"] = {"fr": question["text"]["fr"]}
        question["choices"] = [{"fr": choice["fr"]} for choice in question["choices"]]
    campaign, warnings = load_campaign(write_quizzes(tmp_path / "c", data))
    assert campaign.quizzes[0].title == {"fr": "Quiz"}
    assert warnings == []

    quiz["audience"] = {"languages": ["fr", "bm"]}
    problems = invalid(write_quizzes(tmp_path / "d", data))
    assert {problem.field for problem in problems} >= {
        "contests[0].title.bm",
        "contests[0].questions[0].choices[1].bm",
    }
