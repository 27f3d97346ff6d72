"""What the clock does for contests and polls on every tick, in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.domain import poll_messages, quiet_hours
from bot.domain.contests import lifecycle
from bot.models import Poll


@dataclass(frozen=True)
class Tick:
    questions: int  # question deliveries queued
    contest_results: int
    polls: int
    poll_results: int

    @property
    def queued(self) -> int:
        return self.questions + self.contest_results + self.polls + self.poll_results


def tick(*, session: Session, now: datetime, zone: ZoneInfo) -> Tick:
    """Open and close contests and polls on time; queue what each relay should receive
    (outside quiet hours: what they hold goes at the first tick after them)."""
    questions = lifecycle.open_due(session=session, now=now, zone=zone)
    contest_results = lifecycle.close_due(session=session, now=now, zone=zone)
    running = session.scalars(select(Poll).where(Poll.opens_at <= now, Poll.closes_at > now))
    polls = sum(
        poll_messages.queue_opening(session=session, poll=poll, now=now, zone=zone)
        for poll in running.all()
        if quiet_hours.held_until(session=session, now=now, campaign_id=poll.campaign_id) is None
    )
    poll_results = poll_messages.send_final_results(session=session, now=now)
    return Tick(questions, contest_results, polls, poll_results)
