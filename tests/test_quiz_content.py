"""Contests (quizzes) and anonymous polls in campaign files, read into the model."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from content.loaders import load_campaign
from content.model import OpinionPoll, Participants, Quiz, QuizQuestion
from tests.campaign_files import french, line_of, said, write_campaign
from tests.quiz_files import POLL, QUIZ, local_time, with_quizzes, write_quizzes

SAMPLE = Path(__file__).resolve().parent.parent / "content" / "campaigns" / "engageonsnous"


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
