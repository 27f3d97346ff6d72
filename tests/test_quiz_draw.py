"""The winner draw as an organiser runs it: eligible list by the contest's rule, seed and
SHA-256 recorded, reproducible, --redraw needed and recorded, winners told in their
language, an audit that catches tampering; and the pseudonymised export."""

from __future__ import annotations

import csv
import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli.main import app
from bot.db import unit_of_work
from bot.domain.contests import draw_records
from bot.domain.contests.answer_records import record_answer
from bot.models import (
    Contest,
    ContestDraw,
    ContestState,
    Eligibility,
    Language,
    Question,
    RelayStatus,
)
from tests.contest_factories import make_contest, sent
from tests.factories import make_relay

Factory = sessionmaker[Session]
runner = CliRunner()


def reference_draw(eligible: list[str], winners: int, seed: str) -> list[str]:
    """The documented algorithm, written again from its description."""
    people = sorted(set(eligible))
    digest = hashlib.sha256("\n".join(people).encode()).hexdigest()
    picked = []
    for k in range(min(winners, len(people))):
        roll = int(hashlib.sha256(f"{seed}:{digest}:{k}".encode()).hexdigest(), 16)
        picked.append(people.pop(roll % len(people)))
    return picked


@pytest.fixture
def closed_contest(
    database_url: str, factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> dict[str, int]:
    """A closed contest of two questions (right answer: 2 each) and six participants."""
    monkeypatch.setenv("RELAIS_DATABASE_URL", database_url)
    contest_id = make_contest(factory, state=ContestState.OPEN, slug="quiz-draw")
    now = datetime.now(UTC)
    people: dict[str, int] = {}
    plan = {
        "perfect-a": ([1, 1], False, RelayStatus.ACTIVE, Language.FR),
        "perfect-b": ([1, 1], False, RelayStatus.ACTIVE, Language.BM),
        "perfect-c": ([1, 1], False, RelayStatus.ACTIVE, Language.FR),
        "one-wrong": ([1, 0], False, RelayStatus.ACTIVE, Language.FR),
        "late": ([1, 1], True, RelayStatus.ACTIVE, Language.FR),
        "stopped": ([1, 1], False, RelayStatus.STOPPED, Language.FR),
    }
    with unit_of_work(factory) as session:
        contest = session.get(Contest, contest_id)
        assert contest is not None
        questions = list(
            session.scalars(
                select(Question)
                .where(Question.contest_id == contest_id)
                .order_by(Question.position)
            )
        )
        for name, (choices, late, status, language) in plan.items():
            relay = make_relay(
                session,
                address=f"whatsapp:+2237000{len(people):04d}",
                channel="whatsapp",
                display_name=f"{name} Diallo",
                language=language,
            )
            for number, (question, choice) in enumerate(zip(questions, choices, strict=True)):
                when = contest.closes_at + timedelta(minutes=1) if late and number == 1 else now
                record_answer(
                    session=session, question=question, relay=relay, choice=choice, now=when
                )
            relay.status = status
            people[name] = relay.id
        contest.state = ContestState.CLOSED
        contest.closes_at = now - timedelta(seconds=1)
    return {"contest": contest_id, **people}


def test_eligibility_follows_the_contest_rule(
    factory: Factory, closed_contest: dict[str, int]
) -> None:
    expected = {
        Eligibility.ALL_CORRECT: ["perfect-a", "perfect-b", "perfect-c"],
        Eligibility.ANY_CORRECT: ["perfect-a", "perfect-b", "perfect-c", "one-wrong", "late"],
        Eligibility.PARTICIPATED: ["perfect-a", "perfect-b", "perfect-c", "one-wrong", "late"],
    }
    for rule, names in expected.items():
        with unit_of_work(factory) as session:
            contest = session.get(Contest, closed_contest["contest"])
            assert contest is not None
            contest.eligibility = rule
            found = draw_records.eligible(session, contest)
        assert found == sorted(str(closed_contest[name]) for name in names), rule


def test_draw_is_recorded_reproducible_and_needs_redraw(
    factory: Factory, closed_contest: dict[str, int]
) -> None:
    result = runner.invoke(
        app, ["quiz", "draw", "quiz-draw", "--winners", "2", "--seed", "graine-2026", "--by", "Awa"]
    )
    assert result.exit_code == 0, result.output
    eligible = sorted(str(closed_contest[name]) for name in ("perfect-a", "perfect-b", "perfect-c"))
    expected = reference_draw(eligible, 2, "graine-2026")
    with factory() as session:
        [row] = session.scalars(select(ContestDraw)).all()
        assert (row.seed, row.eligible, row.winners, row.redraw, row.drawn_by) == (
            "graine-2026",
            eligible,
            expected,
            False,
            "Awa",
        )
        assert row.eligible_sha256 == hashlib.sha256("\n".join(eligible).encode()).hexdigest()
    assert "graine-2026" in result.output
    assert row.eligible_sha256 in result.output
    # Winners are told, in their language; nobody else is.
    for name in ("perfect-a", "perfect-b", "perfect-c"):
        told = sent(factory, "draw_winner", closed_contest[name])
        assert (str(closed_contest[name]) in expected) == bool(told)
        if told:
            word = "Félicitations" if name != "perfect-b" else "I ni ce"
            assert word in told[0]["text"]

    again = runner.invoke(
        app, ["quiz", "draw", "quiz-draw", "--winners", "2", "--seed", "graine-2026"]
    )
    assert again.exit_code == 1
    assert "--redraw" in again.output
    redraw = runner.invoke(
        app, ["quiz", "draw", "quiz-draw", "--winners", "2", "--seed", "graine-2026", "--redraw"]
    )
    assert redraw.exit_code == 0, redraw.output
    with factory() as session:
        first, second = session.scalars(select(ContestDraw).order_by(ContestDraw.id)).all()
        assert second.redraw
        assert second.winners == first.winners

    audit = runner.invoke(app, ["quiz", "audit", "quiz-draw"])
    assert audit.exit_code == 0, audit.output
    assert audit.output.count("graine-2026") == 2
    assert " ".join(eligible) in audit.output
    with unit_of_work(factory) as session:
        session.execute(
            update(ContestDraw)
            .where(ContestDraw.id == first.id)
            .values(winners=list(reversed(expected)))
        )
    tampered = runner.invoke(app, ["quiz", "audit", "quiz-draw"])
    assert tampered.exit_code == 1


def test_no_draw_while_the_contest_is_open(
    factory: Factory, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELAIS_DATABASE_URL", database_url)
    make_contest(factory, slug="quiz-open", state=ContestState.OPEN)
    result = runner.invoke(app, ["quiz", "draw", "quiz-open", "--winners", "1"])
    assert result.exit_code == 1
    with factory() as session:
        assert session.scalars(select(ContestDraw)).all() == []
    assert runner.invoke(app, ["quiz", "draw", "no-such-quiz", "--winners", "1"]).exit_code == 2


def test_export_is_pseudonymised_unless_asked(
    factory: Factory, closed_contest: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "answers.csv"
    assert runner.invoke(app, ["quiz", "export", "quiz-draw", "--out", str(out)]).exit_code == 0
    text = out.read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert len(rows) == 12
    assert "address" not in rows[0]
    assert "+2237" not in text
    assert "Diallo" not in text
    assert {row["participant"][:2] for row in rows} == {"P."} | {"O."} | {"L."} | {"S."}
    late = [row for row in rows if row["late"] == "1"]
    assert len(late) == 1
    assert late[0]["points"] == "0"
    full = tmp_path / "prizes.csv"
    args = ["quiz", "export", "quiz-draw", "--out", str(full), "--with-addresses"]
    assert runner.invoke(app, args).exit_code == 0
    rows = list(csv.DictReader(full.read_text(encoding="utf-8").splitlines()))
    assert rows[0]["address"].startswith("whatsapp:+2237")
    assert rows[0]["name"].endswith("Diallo")


def test_leaderboard_shows_pseudonyms_only(closed_contest: dict[str, int]) -> None:
    result = runner.invoke(app, ["quiz", "leaderboard", "quiz-draw"])
    assert result.exit_code == 0, result.output
    assert "P.A.D. #" in result.output
    assert "+2237" not in result.output
    assert "Diallo" not in result.output
