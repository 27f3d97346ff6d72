"""Contests and polls stored from a campaign or the API: upserted by slug, never changed
once open, drafts removed with the file, rehearsals moved, other campaigns' slugs refused."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli.campaign import load_report_lines
from bot.db import unit_of_work
from bot.domain.campaign_loading import load_into
from bot.domain.campaign_store import LoadReport, store_campaign
from bot.domain.contests.store import (
    NotChangeable,
    SlugTaken,
    StoreRefused,
    create_poll,
    create_quiz,
)
from bot.domain.media_library import MediaNotFound, campaign_file
from bot.models import (
    CampaignRow,
    Contest,
    ContestMode,
    ContestState,
    Eligibility,
    Language,
    Poll,
    Question,
)
from content.model import Campaign, OpinionPoll, Quiz, QuizQuestion
from content.problems import CampaignInvalid
from content.quizzes import poll_from_data, quiz_from_data
from tests.campaign_files import line_of
from tests.factories import make_campaign, make_post
from tests.quiz_files import OGG, POLL, QUIZ, local_time, with_quizzes, write_quizzes

Factory = sessionmaker[Session]
LAGOS = ZoneInfo("Africa/Lagos")  # UTC+1: local times and stored UTC ones differ
BEFORE = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # before anything opens


def a_quiz(**changes: Any) -> Quiz:
    body = json.loads(json.dumps(QUIZ))
    del body["questions"][1]["media"]
    return replace(quiz_from_data(body), **changes)


def a_poll(**changes: Any) -> OpinionPoll:
    return replace(poll_from_data(json.loads(json.dumps(POLL))), **changes)


def campaign_with(
    quizzes: tuple[Quiz, ...] = (), polls: tuple[OpinionPoll, ...] = (), **overrides: Any
) -> Campaign:
    values: dict[str, Any] = {"timezone": "Africa/Lagos", "quizzes": quizzes, "polls": polls}
    return make_campaign(make_post(id="j01"), **(values | overrides))


def load(
    factory: Factory, campaign: Campaign, now: datetime = BEFORE, shift: int = 0
) -> LoadReport:
    with unit_of_work(factory) as session:
        return store_campaign(session=session, campaign=campaign, now=now, shift_days=shift)


def contest_row(
    factory: Factory, slug: str = "quiz-droits"
) -> tuple[Contest, list[Question]] | None:
    with factory() as session:
        contest = session.scalars(select(Contest).where(Contest.slug == slug)).first()
        if contest is None:
            return None
        questions = session.scalars(
            select(Question).where(Question.contest_id == contest.id).order_by(Question.position)
        )
        return contest, list(questions)


def poll_row(factory: Factory, slug: str = "sondage-conseil") -> Poll | None:
    with factory() as session:
        return session.scalars(select(Poll).where(Poll.slug == slug)).first()


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=LAGOS).astimezone(UTC)


def test_a_campaign_stores_its_contests_and_polls(factory: Factory) -> None:
    report = load(factory, campaign_with((a_quiz(),), (a_poll(),)))
    assert (report.contests.created, report.polls.created) == (["quiz-droits"], ["sondage-conseil"])
    assert report.changed
    found = contest_row(factory)
    assert found is not None
    contest, questions = found
    with factory() as session:
        campaign_id = session.scalar(select(CampaignRow.id))
    assert (contest.campaign_id, contest.state) == (campaign_id, ContestState.DRAFT)
    assert (contest.title, contest.prize) == (QUIZ["title"], QUIZ["prize"])
    assert (contest.opens_at, contest.closes_at) == (local(8, 8, 30), local(10, 20))
    assert contest.opens_at == datetime(2026, 12, 8, 7, 30, tzinfo=UTC)
    assert (contest.points, contest.speed_bonus, contest.speed_minutes) == (2, 1, 60)
    assert (contest.mode, contest.eligibility) == (ContestMode.ALL_AT_ONCE, Eligibility.ANY_CORRECT)
    assert contest.feedback_at_once is False
    assert contest.audience == {
        "languages": [],
        "places": ["kayes", "kita"],
        "roles": ["relay"],
        "tags": ["ambassadeur"],
        "joined_since": None,
    }
    assert [(q.position, q.correct, q.media) for q in questions] == [(0, 0, {}), (1, 2, {})]
    assert questions[1].choices == QUIZ["questions"][1]["choices"]
    assert questions[0].text == QUIZ["questions"][0]["text"]
    poll = poll_row(factory)
    assert poll is not None
    assert (poll.campaign_id, poll.question, poll.choices) == (
        campaign_id,
        POLL["question"],
        POLL["choices"],
    )
    assert (poll.opens_at, poll.closes_at) == (local(9, 9), local(12, 20))
    assert (poll.changeable, poll.threshold) == (True, 7)
    assert poll.audience["languages"] == ["bm"]


def test_question_media_become_campaign_references_that_can_be_served(
    factory: Factory, tmp_path: Path
) -> None:
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "q1-bm.ogg").write_bytes(OGG)
    (tmp_path / "media" / "other.ogg").write_bytes(OGG)
    quiz = a_quiz()
    first = replace(quiz.questions[0], media={"bm": "media/q1-bm.ogg"})
    load(
        factory,
        campaign_with((replace(quiz, questions=(first, *quiz.questions[1:])),), folder=tmp_path),
    )
    found = contest_row(factory)
    assert found is not None
    assert found[1][0].media == {"bm": {"kind": "voice", "path": "engageonsnous/media/q1-bm.ogg"}}
    with factory() as session:
        path = campaign_file(session=session, reference="engageonsnous/media/q1-bm.ogg")
        assert path == (tmp_path / "media" / "q1-bm.ogg").resolve()
        with pytest.raises(MediaNotFound):  # in the folder, named by nothing
            campaign_file(session=session, reference="engageonsnous/media/other.ogg")


def test_loading_twice_changes_nothing(factory: Factory) -> None:
    campaign = campaign_with((a_quiz(),), (a_poll(),))
    load(factory, campaign)
    before = contest_row(factory)
    report = load(factory, campaign, now=BEFORE + timedelta(days=1))
    assert (report.contests.unchanged, report.polls.unchanged) == (
        ["quiz-droits"],
        ["sondage-conseil"],
    )
    assert not report.changed
    after = contest_row(factory)
    assert before is not None
    assert after is not None
    assert [q.id for q in after[1]] == [q.id for q in before[1]]  # the questions were not redone


def test_a_draft_follows_the_file(factory: Factory) -> None:
    load(factory, campaign_with((a_quiz(),), (a_poll(),)))
    before = contest_row(factory)
    quiz = a_quiz(title={"fr": "Nouveau titre", "bm": "Tɔgɔ kura"})
    quiz = replace(quiz, questions=quiz.questions[1:], opens=local_time(2026, 12, 9, 10, 0))
    poll = a_poll(threshold=12, changeable=False)
    report = load(factory, campaign_with((quiz,), (poll,)))
    assert (report.contests.updated, report.polls.updated) == (["quiz-droits"], ["sondage-conseil"])
    after = contest_row(factory)
    assert before is not None
    assert after is not None
    contest, questions = after
    assert contest.id == before[0].id
    assert (contest.title["bm"], contest.opens_at, contest.state) == (
        "Tɔgɔ kura",
        local(9, 10),
        ContestState.DRAFT,
    )
    assert [(q.position, q.text) for q in questions] == [(0, QUIZ["questions"][1]["text"])]
    stored_poll = poll_row(factory)
    assert stored_poll is not None
    assert (stored_poll.threshold, stored_poll.changeable) == (12, False)


@pytest.mark.parametrize("how", ["state-open", "time-passed"])
def test_an_opened_contest_or_poll_never_changes(factory: Factory, how: str) -> None:
    load(factory, campaign_with((a_quiz(),), (a_poll(),)))
    now = BEFORE
    if how == "state-open":
        with unit_of_work(factory) as session:
            contest = session.scalars(select(Contest)).one()
            contest.state = ContestState.OPEN
            session.scalars(select(Poll)).one().opens_at = BEFORE - timedelta(hours=1)
    else:
        now = local(10, 12)  # both have opened by their times
    changed = campaign_with((a_quiz(title={"fr": "Autre", "bm": "Wɛrɛ"}),), (a_poll(threshold=20),))
    report = load(factory, changed, now=now)
    assert (report.contests.kept, report.polls.kept) == (["quiz-droits"], ["sondage-conseil"])
    assert not report.changed
    found, poll = contest_row(factory), poll_row(factory)
    assert found is not None
    assert poll is not None
    assert found[0].title == QUIZ["title"]
    assert len(found[1]) == 2
    assert poll.threshold == 7
    # What the file says of an open contest is said unchanged, not kept.
    report = load(factory, campaign_with((a_quiz(),), (a_poll(),)), now=now)
    assert report.contests.unchanged == ["quiz-droits"]


def test_a_draft_removed_from_the_file_is_deleted_an_opened_one_kept(factory: Factory) -> None:
    second = a_quiz(id="quiz-tard", opens=local_time(2026, 12, 11, 8, 0))
    late_poll = a_poll(id="sondage-tard", opens=local_time(2026, 12, 11, 9, 0))
    load(factory, campaign_with((a_quiz(), second), (a_poll(), late_poll)))
    report = load(factory, campaign_with(), now=local(10, 12))  # the first two have opened
    assert (report.contests.removed, report.contests.kept) == (["quiz-tard"], ["quiz-droits"])
    assert (report.polls.removed, report.polls.kept) == (["sondage-tard"], ["sondage-conseil"])
    assert report.changed
    assert contest_row(factory, "quiz-tard") is None
    assert poll_row(factory, "sondage-tard") is None
    assert contest_row(factory, "quiz-droits") is not None
    assert poll_row(factory, "sondage-conseil") is not None
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Question)) == 2


def test_a_rehearsal_moves_the_dates(factory: Factory) -> None:
    load(factory, campaign_with((a_quiz(),), (a_poll(),)), shift=-5)
    found, poll = contest_row(factory), poll_row(factory)
    assert found is not None
    assert poll is not None
    assert (found[0].opens_at, found[0].closes_at) == (local(3, 8, 30), local(5, 20))
    assert (poll.opens_at, poll.closes_at) == (local(4, 9), local(7, 20))


def test_a_slug_of_another_campaign_is_refused_and_nothing_is_stored(
    factory: Factory, tmp_path: Path
) -> None:
    load_into(factory, write_quizzes(tmp_path / "a", with_quizzes()))
    data = with_quizzes()
    data["campaign"]["slug"] = "autre"
    folder = write_quizzes(tmp_path / "b", data)
    with pytest.raises(SlugTaken) as caught:
        load_into(factory, folder)
    assert isinstance(caught.value, CampaignInvalid)
    assert isinstance(caught.value, ValueError)
    assert caught.value.slug == "quiz-droits"
    contest, poll = caught.value.problems
    assert (contest.file, contest.where, contest.field) == (
        "campaign.yaml",
        line_of(folder / "campaign.yaml", "id: quiz-droits"),
        "contests[0].id",
    )
    assert "(engageonsnous)" in contest.message.render(Language.FR)
    assert poll.field == "polls[0].id"
    assert "poll of another campaign" in poll.message.msgid
    with factory() as session:
        assert session.scalars(select(CampaignRow.slug)).all() == ["engageonsnous"]


def test_the_load_report_lists_contests_and_polls(factory: Factory) -> None:
    report = load(factory, campaign_with((a_quiz(),), (a_poll(),)))
    lines = [line.render(Language.FR) for line in load_report_lines(report)]
    assert len(lines) == 3  # the post, the contest, the poll
    assert "j01" in lines[0]
    assert lines[1].startswith("1 ")
    assert lines[1].endswith("quiz-droits")
    assert lines[2].startswith("1 ")
    assert lines[2].endswith("sondage-conseil")
    again = load(factory, campaign_with((a_quiz(),)))
    assert [line.params for line in load_report_lines(again)][1:] == [
        {"count": 1, "slugs": "quiz-droits"},
        {"count": 1, "slugs": "sondage-conseil"},
    ]
    assert [line.msgid for line in load_report_lines(again)][1:] == [
        "{count} unchanged contest(s): {slugs}",
        "{count} poll(s) not yet open removed: {slugs}",
    ]


def test_create_quiz_creates_then_updates_a_draft_then_refuses(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        created = create_quiz(session=session, quiz=a_quiz(), zone=LAGOS, now=BEFORE)
        assert (created.campaign_id, created.state) == (None, ContestState.DRAFT)
        first_id = created.id
    with unit_of_work(factory) as session:
        changed = a_quiz(points=5)
        updated = create_quiz(session=session, quiz=changed, zone=LAGOS, now=BEFORE)
        assert (updated.id, updated.points) == (first_id, 5)
    with unit_of_work(factory) as session, pytest.raises(NotChangeable) as caught:
        create_quiz(session=session, quiz=a_quiz(), zone=LAGOS, now=local(8, 9))
    assert caught.value.slug == "quiz-droits"
    assert isinstance(caught.value, ValueError)
    assert "quiz-droits" in caught.value.message.render(Language.FR)
    found = contest_row(factory)
    assert found is not None
    assert found[0].points == 5


def test_create_poll_creates_then_updates_until_it_opens(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        poll = create_poll(session=session, poll=a_poll(), zone=LAGOS, now=BEFORE)
        assert (poll.campaign_id, poll.opens_at) == (None, local(9, 9))
    with unit_of_work(factory) as session:
        assert create_poll(session=session, poll=a_poll(threshold=3), zone=LAGOS, now=BEFORE)
    with unit_of_work(factory) as session, pytest.raises(NotChangeable):
        create_poll(session=session, poll=a_poll(threshold=4), zone=LAGOS, now=local(9, 9))
    stored = poll_row(factory)
    assert stored is not None
    assert stored.threshold == 3


def test_create_refuses_a_campaign_slug_and_media_without_a_campaign(factory: Factory) -> None:
    load(factory, campaign_with((a_quiz(),), (a_poll(),)))
    with unit_of_work(factory) as session, pytest.raises(SlugTaken) as caught:
        create_quiz(session=session, quiz=a_quiz(), zone=LAGOS, now=BEFORE)
    [problem] = caught.value.problems
    assert (problem.file, problem.where, problem.field) == ("request", "", "id")
    with unit_of_work(factory) as session, pytest.raises(SlugTaken):
        create_poll(session=session, poll=a_poll(), zone=LAGOS, now=BEFORE)
    with unit_of_work(factory) as session:
        campaign_row = session.scalars(select(CampaignRow)).one()
        same = create_quiz(
            session=session, quiz=a_quiz(), zone=LAGOS, now=BEFORE, campaign_row=campaign_row
        )
        assert same.campaign_id == campaign_row.id
    quiz = a_quiz(id="quiz-media")
    question = QuizQuestion(**{**quiz.questions[0].__dict__, "media": {"bm": "media/q.ogg"}})
    with unit_of_work(factory) as session, pytest.raises(StoreRefused) as refused:
        create_quiz(
            session=session, quiz=replace(quiz, questions=(question,)), zone=LAGOS, now=BEFORE
        )
    assert refused.value.message.msgid == "media needs a campaign folder"
    assert contest_row(factory, "quiz-media") is None


def test_a_file_of_contests_alone_can_be_stored_without_touching_others(factory: Factory) -> None:
    with unit_of_work(factory) as session:
        create_quiz(session=session, quiz=a_quiz(id="quiz-api"), zone=LAGOS, now=BEFORE)
    from bot.domain.contests.store import store_quizzes

    with unit_of_work(factory) as session:
        report = store_quizzes(
            session=session,
            campaign_row=None,
            quizzes=[a_quiz()],
            polls=[],
            zone=LAGOS,
            now=BEFORE,
        )
    assert (report.contests.created, report.contests.removed) == (["quiz-droits"], [])
    assert contest_row(factory, "quiz-api") is not None


def test_the_sample_campaign_loads_with_its_quiz_and_poll(factory: Factory) -> None:
    sample = Path(__file__).resolve().parent.parent / "content" / "campaigns" / "engageonsnous"
    report, warnings = load_into(factory, sample, starting=date(2027, 1, 4))
    assert warnings == []
    assert (report.contests.created, report.polls.created) == (
        ["quiz-nos-droits"],
        ["sondage-femmes-conseil"],
    )
    found = contest_row(factory, "quiz-nos-droits")
    assert found is not None
    bamako = ZoneInfo("Africa/Bamako")
    assert found[0].opens_at == datetime(2027, 1, 4, 8, 30, tzinfo=bamako)
    assert found[0].closes_at == datetime(2027, 1, 6, 20, 0, tzinfo=bamako)
    assert len(found[1]) == 3
    poll = poll_row(factory, "sondage-femmes-conseil")
    assert poll is not None
    assert poll.closes_at == datetime(2027, 1, 8, 20, 0, tzinfo=bamako)
    assert copy.deepcopy(poll.choices)[0] == {
        "fr": "L'éducation et la formation",
        "bm": "Kalan ni degeli",
    }
