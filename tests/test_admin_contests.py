"""/admin/contests: participation, the leaderboard as the domain ranks it, the draw run
from the page once the contest has closed (with its audit), and poll results only past
their threshold."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.contests import draw_records
from bot.domain.contests.answer_records import record_answer
from bot.domain.contests.pseudonyms import pseudonym
from bot.domain.contests.standings import leaderboard
from bot.domain.polls import vote
from bot.models import Contest, ContestDraw, ContestState, Poll, Question, Relay
from tests.contest_factories import make_contest, make_poll
from tests.dashboard import Dashboard
from tests.factories import make_relay

Factory = sessionmaker[Session]
ROW = re.compile(
    r'<tr><td class="num">(\d+)</td><td>([^<]+)</td><td class="num">(\d+)</td>'
    r'<td class="num">(\d+)</td></tr>'
)


def played(factory: Factory, *, closed: bool, answers: dict[str, list[int]]) -> int:
    """A contest of two questions (right: choice 1) and a relay per name answering these
    choices; closed a second ago, or open for two more hours."""
    contest_id = make_contest(factory, state=ContestState.OPEN, slug="quiz-page")
    now = datetime.now(UTC)
    with unit_of_work(factory) as session:
        contest = session.get_one(Contest, contest_id)
        questions = list(
            session.scalars(
                select(Question).where(Question.contest_id == contest_id).order_by(Question.id)
            )
        )
        for name, choices in answers.items():
            relay = make_relay(session, display_name=f"{name} Diallo")
            for question, choice in zip(questions, choices, strict=False):
                record_answer(
                    session=session, question=question, relay=relay, choice=choice, now=now
                )
        if closed:
            contest.state = ContestState.CLOSED
            contest.closes_at = now - timedelta(seconds=1)
    return contest_id


PLAYERS = {"Awa": [1, 1], "Binta": [1, 0], "Cheick": [0, 0], "Drissa": [1, 1], "Fanta": [1]}


def test_the_leaderboard_is_the_domains_standings_by_pseudonym(
    dashboard: Dashboard, factory: Factory
) -> None:
    contest_id = played(factory, closed=False, answers=PLAYERS)
    page = dashboard.client.get("/admin/contests/quiz-page")
    assert page.status_code == 200
    with factory() as session:
        contest = session.get_one(Contest, contest_id)
        expected = [
            (str(s.rank), s.pseudonym, str(s.points), str(s.correct))
            for s in leaderboard(session, contest).standings
        ]
        names = list(session.scalars(select(Relay.display_name)))
        addresses = list(session.scalars(select(Relay.address)))
    shown = [tuple(match) for match in ROW.findall(page.text)]
    assert shown == expected
    assert len(shown) == 5
    assert 'data-figure="participants">5<' in page.text
    for personal in [*names, *addresses]:
        assert personal
        assert personal not in page.text
    listing = dashboard.client.get("/admin/contests")
    assert "/admin/contests/quiz-page" in listing.text
    assert re.search(r'<span class="value">5</span><span class="label">participants', listing.text)


def test_the_draw_waits_for_the_close_then_shows_its_seed_and_audit(
    dashboard: Dashboard, factory: Factory
) -> None:
    contest_id = played(factory, closed=False, answers=PLAYERS)
    page = dashboard.client.get("/admin/contests/quiz-page")
    assert 'action="/admin/contests/quiz-page/draw"' not in page.text
    early = dashboard.post("/admin/contests/quiz-page/draw", {"winners": "2", "seed": "s"})
    assert early.status_code == 409
    assert "closed" in early.text or "fermé" in early.text
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(ContestDraw)) == 0

    with unit_of_work(factory) as session:
        contest = session.get_one(Contest, contest_id)
        contest.state = ContestState.CLOSED
        contest.closes_at = datetime.now(UTC) - timedelta(seconds=1)
    page = dashboard.client.get("/admin/contests/quiz-page")
    assert 'action="/admin/contests/quiz-page/draw"' in page.text
    drawn = dashboard.post(
        "/admin/contests/quiz-page/draw",
        {"winners": "2", "seed": "graine-42"},
        follow_redirects=False,
    )
    assert drawn.status_code == 303
    with factory() as session:
        row = session.scalars(select(ContestDraw)).one()
        assert (row.seed, row.drawn_by) == ("graine-42", "admin:awa")
        assert draw_records.verify(row)
        winners = [pseudonym(session.get_one(Relay, int(winner))) for winner in row.winners]
        eligible = len(row.eligible)
        digest = row.eligible_sha256
    audit = dashboard.client.get("/admin/contests/quiz-page").text
    assert '<code data-audit="seed">graine-42</code>' in audit
    assert f'<dd data-audit="eligible">{eligible}</dd>' in audit
    assert eligible == 2  # the default rule, every answer right: Awa and Drissa
    assert digest in audit
    assert 'data-audit="algorithm"' in audit
    assert "".join(f"<li>{name}</li>" for name in winners) in audit
    assert len(winners) == 2

    again = dashboard.post("/admin/contests/quiz-page/draw", {"winners": "1"})
    assert again.status_code == 409
    redrawn = dashboard.post(
        "/admin/contests/quiz-page/draw", {"winners": "1", "redraw": "true"}, follow_redirects=False
    )
    assert redrawn.status_code == 303
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(ContestDraw)) == 2


def test_the_draw_needs_its_csrf_token(dashboard: Dashboard, factory: Factory) -> None:
    played(factory, closed=True, answers=PLAYERS)
    refused = dashboard.client.post("/admin/contests/quiz-page/draw", data={"winners": "1"})
    forged = dashboard.client.post(
        "/admin/contests/quiz-page/draw", data={"winners": "1", "csrf": "forged"}
    )
    assert (refused.status_code, forged.status_code) == (403, 403)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(ContestDraw)) == 0


def test_poll_results_stay_hidden_below_the_threshold(
    dashboard: Dashboard, factory: Factory
) -> None:
    poll_id = make_poll(factory, slug="poll-page", threshold=3)
    now = datetime.now(UTC)
    with unit_of_work(factory) as session:
        voters = [make_relay(session, place="kayes") for _ in range(2)]
        voters.append(make_relay(session, place="kita"))
        poll = session.get_one(Poll, poll_id)
        for relay, choice in zip(voters[:2], (0, 1), strict=True):
            vote(session=session, poll=poll, relay=relay, choice=choice, now=now)
    hidden = dashboard.client.get("/admin/contests").text
    assert "poll-page" in hidden
    assert "2 réponses" in hidden
    assert "Oui</td>" not in hidden
    assert "Résultats masqués tant que 3 personnes n’ont pas répondu." in hidden

    with unit_of_work(factory) as session:
        poll = session.get_one(Poll, poll_id)
        vote(session=session, poll=poll, relay=voters[2], choice=0, now=now)
    shown = dashboard.client.get("/admin/contests").text
    assert re.search(r"<td>Oui</td><td class=\"num\">2</td><td class=\"num\">67&nbsp;%", shown)
    assert re.search(r"<td>Non</td><td class=\"num\">1</td>", shown)
    # Neither place reaches 3 voters on its own: no place's results appear.
    assert "<td>kayes</td>" not in shown
    assert "<td>kita</td>" not in shown
