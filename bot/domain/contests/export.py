"""A contest's answers as CSV: pseudonymised unless addresses are asked for explicitly
(to hand over prizes). Polls have no such export: their votes are never per person."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain.contests.pseudonyms import pseudonym
from bot.domain.contests.questions import choice_label
from bot.domain.contests.standings import contest_scores
from bot.models import Answer, Contest, Question, Relay

COLUMNS = (
    "contest",
    "participant",
    "place",
    "language",
    "question",
    "choice",
    "label",
    "correct",
    "late",
    "points",
    "answered_at",
    "total_points",
    "rank",
)


def rows(
    session: Session, contest: Contest, zone: ZoneInfo, *, addresses: bool = False
) -> Iterator[dict[str, object]]:
    ranks = {score.relay_id: score for score in contest_scores(session, contest)}
    found = session.execute(
        select(Answer, Question, Relay)
        .join(Question, Question.id == Answer.question_id)
        .join(Relay, Relay.id == Answer.relay_id)
        .where(Question.contest_id == contest.id)
        .order_by(Relay.id, Question.position)
    )
    for answer, question, relay in found:
        score = ranks[relay.id]
        row: dict[str, object] = {
            "contest": contest.slug,
            "participant": pseudonym(relay),
            "place": relay.place or "",
            "language": relay.language.value,
            "question": question.position + 1,
            "choice": answer.choice + 1,
            "label": choice_label(question, answer.choice, relay.language.value),
            "correct": int(answer.correct),
            "late": int(answer.late),
            "points": answer.points,
            "answered_at": answer.answered_at.astimezone(zone).isoformat(timespec="seconds"),
            "total_points": score.points,
            "rank": score.rank,
        }
        if addresses:
            row["address"] = relay.address
            row["name"] = relay.display_name or ""
        yield row


def write_csv(
    out: TextIO, session: Session, contest: Contest, zone: ZoneInfo, *, addresses: bool = False
) -> int:
    columns = [*COLUMNS, *(("address", "name") if addresses else ())]
    writer = csv.DictWriter(out, fieldnames=columns)
    writer.writeheader()
    count = 0
    for row in rows(session, contest, zone, addresses=addresses):
        writer.writerow(row)
        count += 1
    return count
