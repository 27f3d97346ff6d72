"""Contests (quizzes) and anonymous polls in campaign files: read into the model, every
problem named with its file, line and field; a file of contests alone; a request body."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
import yaml

from content.loaders import load_campaign
from content.model import OpinionPoll, Participants, Quiz, QuizQuestion
from content.problems import CampaignInvalid, Problem
from content.quizzes import load_quiz_file, poll_from_data, quiz_from_data
from tests.test_campaign_loading import document, french, invalid, line_of, said, write_campaign

OGG = b"OggS" + b"\0" * 60
SAMPLE = Path(__file__).resolve().parent.parent / "content" / "campaigns" / "engageonsnous"
QUIZ: dict[str, Any] = {
    "id": "quiz-droits",
    "title": {"fr": "Quiz : nos droits", "bm": "Ɲininkaliw: an ka josiraw"},
    "prize": {"fr": "Du crédit de communication", "bm": "Telefɔni wari"},
    "opens": "2026-12-08 08:30",
    "closes": "2026-12-10 20:00",
    "mode": "all_at_once",
    "feedback": "after_close",
    "points": 2,
    "speed_bonus": {"points": 1, "minutes": 60},
    "eligible": "any_correct",
    "audience": {"places": ["kayes", "kita"], "roles": ["relay"], "tags": ["ambassadeur"]},
    "questions": [
        {
            "text": {
                "fr": "Qui élit le conseil communal ?",
                "bm": "Jɔn bɛ komini ladilikɛlaw sugandi?",
            },
            "choices": [
                {"fr": "Les habitants", "bm": "Mɔgɔw"},
                {"fr": "Le préfet", "bm": "Perefe"},
            ],
            "answer": 1,
        },
        {
            "text": {"fr": "Les sessions sont-elles publiques ?", "bm": "Lajɛw da bɛ wuli wa?"},
            "choices": [
                {"fr": "Non", "bm": "Ayi"},
                {"fr": "Parfois", "bm": "Tuma dɔw"},
                {"fr": "Oui", "bm": "Awɔ"},
            ],
            "answer": 3,
            "media": {"bm": "media/q2-bm.ogg"},
        },
    ],
}
POLL: dict[str, Any] = {
    "id": "sondage-conseil",
    "question": {"fr": "Qu'est-ce qui aiderait le plus ?", "bm": "Mun de bɛna dɛmɛ kosɛbɛ?"},
    "choices": [
        {"fr": "L'éducation", "bm": "Kalan"},
        {"fr": "Un emploi", "bm": "Baara"},
        {"fr": "La famille", "bm": "Denbaya"},
    ],
    "opens": "2026-12-09 09:00",
    "closes": "2026-12-12 20:00",
    "changeable": True,
    "threshold": 7,
    "audience": {"languages": ["bm"]},
}
FILES = {"media/q2-bm.ogg": OGG}
Change = Callable[[dict[str, Any]], None]


def local_time(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    """A local time as campaign files give it: naive, in the campaign's time zone."""
    return datetime.combine(date(year, month, day), time(hour, minute))


def with_quizzes(**sections: list[dict[str, Any]]) -> dict[str, Any]:
    """A valid campaign (tests.test_campaign_loading's) with a contest and a poll, or
    these sections instead."""
    data = document()
    data["contests"] = copy.deepcopy(sections.get("contests", [QUIZ]))
    data["polls"] = copy.deepcopy(sections.get("polls", [POLL]))
    return data


def write_quizzes(folder: Path, data: dict[str, Any]) -> Path:
    return write_campaign(folder, data, FILES)


def problem_on(problems: list[Problem], field: str, fragment: str) -> Problem:
    """The problem on `field` whose message (its English msgid) holds `fragment`."""
    matching = [p for p in problems if p.field == field and fragment in p.message.msgid]
    assert matching, f"no {field!r} with {fragment!r} in {[str(p) for p in problems]}"
    return matching[0]


def test_contests_and_polls_load_into_the_model(tmp_path: Path) -> None:
    folder = write_quizzes(tmp_path / "c", with_quizzes())
    campaign, warnings = load_campaign(folder)
    assert warnings == []
    [quiz], [poll] = campaign.quizzes, campaign.polls
    assert quiz == Quiz(
        id="quiz-droits",
        title=QUIZ["title"],
        prize=QUIZ["prize"],
        opens=local_time(2026, 12, 8, 8, 30),
        closes=local_time(2026, 12, 10, 20, 0),
        questions=(
            QuizQuestion(
                text=QUIZ["questions"][0]["text"],
                choices=tuple(QUIZ["questions"][0]["choices"]),
                correct=0,
            ),
            QuizQuestion(
                text=QUIZ["questions"][1]["text"],
                choices=tuple(QUIZ["questions"][1]["choices"]),
                correct=2,
                media={"bm": "media/q2-bm.ogg"},
            ),
        ),
        points=2,
        speed_bonus=1,
        speed_minutes=60,
        feedback="after_close",
        mode="all_at_once",
        eligible="any_correct",
        participants=Participants((), ("kayes", "kita"), ("relay",), ("ambassadeur",)),
        source="campaign.yaml:" + line_of(folder / "campaign.yaml", "id: quiz-droits")[5:],
    )
    assert poll == OpinionPoll(
        id="sondage-conseil",
        question=POLL["question"],
        choices=tuple(POLL["choices"]),
        opens=local_time(2026, 12, 9, 9, 0),
        closes=local_time(2026, 12, 12, 20, 0),
        changeable=True,
        threshold=7,
        participants=Participants(languages=("bm",)),
        source="campaign.yaml:" + line_of(folder / "campaign.yaml", "id: sondage-conseil")[5:],
    )


def test_what_is_left_out_takes_its_default(tmp_path: Path) -> None:
    quiz = {key: QUIZ[key] for key in ("id", "title", "prize", "opens", "closes")}
    quiz["questions"] = QUIZ["questions"][:1]
    poll = {key: POLL[key] for key in ("id", "question", "choices", "opens", "closes")}
    campaign, _ = load_campaign(
        write_quizzes(tmp_path / "c", with_quizzes(contests=[quiz], polls=[poll]))
    )
    [loaded], [voted] = campaign.quizzes, campaign.polls
    assert (loaded.points, loaded.speed_bonus, loaded.speed_minutes) == (1, 0, 0)
    assert (loaded.mode, loaded.feedback, loaded.eligible) == (
        "sequential",
        "at_once",
        "all_correct",
    )
    assert loaded.participants == Participants()
    assert (voted.changeable, voted.threshold, voted.participants) == (False, 10, Participants())


def test_a_campaign_without_them_has_none(tmp_path: Path) -> None:
    campaign, _ = load_campaign(write_campaign(tmp_path / "c"))
    assert (campaign.quizzes, campaign.polls) == ((), ())


def test_yaml_datetimes_are_local_times_too(tmp_path: Path) -> None:
    data = with_quizzes()
    data["contests"][0]["opens"] = local_time(2026, 12, 8, 7, 45)  # written 2026-12-08 07:45:00
    folder = write_quizzes(tmp_path / "c", data)
    assert "opens: 2026-12-08 07:45:00" in (folder / "campaign.yaml").read_text()
    assert load_campaign(folder)[0].quizzes[0].opens == local_time(2026, 12, 8, 7, 45)


def setting(*path_and_value: Any) -> Change:
    *path, key, value = path_and_value

    def change(data: dict[str, Any]) -> None:
        target = data
        for step in path:
            target = target[step]
        if value is DELETE:
            del target[key]
        else:
            target[key] = value

    return change


DELETE = object()
C, Q, P = ("contests", 0), ("contests", 0, "questions", 1), ("polls", 0)
SEVEN = [{"fr": f"Choix {n}", "bm": f"Sugandili {n}"} for n in range(7)]
ERROR_CASES: list[tuple[str, Change, str, str, str, int]] = [
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


@pytest.mark.parametrize(
    ("change", "field", "fragment", "needle", "offset"),
    [pytest.param(*case[1:], id=case[0]) for case in ERROR_CASES],
)
def test_each_error_names_its_line_and_field(
    tmp_path: Path, change: Change, field: str, fragment: str, needle: str, offset: int
) -> None:
    data = with_quizzes()
    change(data)
    folder = write_quizzes(tmp_path / "c", data)
    problem = problem_on(invalid(folder), field, fragment)
    expected = int(line_of(folder / "campaign.yaml", needle)[5:]) + offset
    assert (problem.file, problem.where, problem.severity) == (
        "campaign.yaml",
        f"line {expected}",
        "error",
    )


def test_a_problem_reads_with_file_line_and_field(tmp_path: Path) -> None:
    data = with_quizzes()
    data["contests"][0]["questions"][1]["answer"] = 5
    folder = write_quizzes(tmp_path / "c", data)
    [problem] = invalid(folder)
    line = line_of(folder / "campaign.yaml", "answer: 5")
    assert str(problem).startswith(f"campaign.yaml {line}, contests[0].questions[1].answer: ")
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


def test_warnings_do_not_stop_a_load(tmp_path: Path) -> None:
    data = with_quizzes()
    data["contests"][0]["closes"] = "2026-12-15 20:00"  # the campaign ends on the 13th
    data["polls"][0]["opens"] = "2026-12-01 09:00"  # it starts on the 7th
    data["polls"][0]["threshold"] = 4
    data["polls"][0]["choices"][0]["bm"] = "ɛ" * 61
    folder = write_quizzes(tmp_path / "c", data)
    campaign, warnings = load_campaign(folder)
    assert len(campaign.quizzes) == len(campaign.polls) == 1
    assert [(w.field, w.where, w.severity) for w in warnings] == [
        ("contests[0].closes", line_of(folder / "campaign.yaml", "2026-12-15"), "warning"),
        ("polls[0].choices[0].bm", line_of(folder / "campaign.yaml", "ɛɛɛ"), "warning"),
        ("polls[0].opens", line_of(folder / "campaign.yaml", "2026-12-01 09:00"), "warning"),
        ("polls[0].threshold", line_of(folder / "campaign.yaml", "threshold: 4"), "warning"),
    ]
    assert said(warnings[0]) == french(
        "le 2026-12-15 est hors de la campagne (2026-12-07 au 2026-12-13)"
    )
    assert warnings[1].message.params == {"length": 61, "limit": 60}


def test_labels_of_sixty_characters_and_a_threshold_of_five_pass(tmp_path: Path) -> None:
    data = with_quizzes()
    data["polls"][0]["choices"][0]["bm"] = "ɛ" * 60
    data["polls"][0]["threshold"] = 5
    assert load_campaign(write_quizzes(tmp_path / "c", data))[1] == []


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


def test_the_sample_campaign_has_a_quiz_and_a_poll() -> None:
    campaign, warnings = load_campaign(SAMPLE)
    assert warnings == []
    [quiz], [poll] = campaign.quizzes, campaign.polls
    assert (quiz.opens, quiz.closes) == (
        local_time(2026, 12, 1, 8, 30),
        local_time(2026, 12, 3, 20, 0),
    )
    assert (quiz.mode, quiz.feedback, quiz.eligible) == ("sequential", "at_once", "all_correct")
    assert (quiz.speed_bonus, quiz.speed_minutes) == (1, 60)
    assert len(quiz.questions) == 3
    assert all(set(question.text) == {"fr", "bm"} for question in quiz.questions)
    assert (poll.opens, poll.closes) == (
        local_time(2026, 12, 1, 9, 0),
        local_time(2026, 12, 5, 20, 0),
    )
    assert (poll.changeable, poll.threshold) == (False, 10)
    assert campaign.start == date(2026, 12, 1)
    assert len(campaign.posts) == 21
    assert sum(post.status == "ready" for post in campaign.posts) == 16
