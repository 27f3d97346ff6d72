"""What a delivery's source is, as an organiser recognises it: the post's id and day, the
broadcast's first words, the contest's question — not `broadcast:1` or `question:2`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.i18n import Day, Text, _
from bot.models import Broadcast, Contest, ContestDraw, Language, Poll, PostRow, Question

WORDS = 8  # of a text, enough to recognise it


def first_words(text: str, count: int = WORDS) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def _in(texts: dict[str, str] | None, language: Language) -> str:
    texts = texts or {}
    return texts.get(language.value) or next((text for text in texts.values() if text), "")


def _number(ref: str) -> int | None:
    return int(ref) if ref.isdigit() else None


def label(
    *, session: Session, kind: str, ref: str, zone: ZoneInfo, language: Language
) -> Text | str:
    """The label of one source (kind, ref); the raw `kind:ref` when it is unknown."""
    number = _number(ref)
    found: Text | None = None
    if kind == "post" and number and (post := session.get(PostRow, number)):
        found = _("post {post} of {day}", post=post.slug, day=Day(post.scheduled_at, zone))
    elif kind == "broadcast" and number and (broadcast := session.get(Broadcast, number)):
        words = first_words(_in(broadcast.texts, language)) or "🎤"
        found = _("broadcast {number}: “{words}”", number=number, words=words)
    elif kind == "question" and number and (question := session.get(Question, number)):
        found = _(
            "{contest}, question {number}: “{words}”",
            contest=question.contest.slug,
            number=question.position + 1,
            words=first_words(_in(question.text, language)),
        )
    elif kind == "poll" and number and (poll := session.get(Poll, number)):
        words = first_words(_in(poll.question, language))
        found = _("poll {poll}: “{words}”", poll=poll.slug, words=words)
    elif kind == "contest_result" and number and (contest := session.get(Contest, number)):
        found = _("results of {name}", name=contest.slug)
    elif kind == "poll_result" and number and (poll := session.get(Poll, number)):
        found = _("results of {name}", name=poll.slug)
    elif kind == "draw_winner" and number and (draw := session.get(ContestDraw, number)):
        slug = session.scalar(select(Contest.slug).where(Contest.id == draw.contest_id))
        found = _("winners of {name}", name=slug or "?")
    elif kind == "nudge":
        try:
            day = Day(datetime.fromisoformat(ref).replace(tzinfo=zone), zone)
        except ValueError:
            return f"{kind}:{ref}"
        found = _("reminder to write back, {day}", day=day)
    return found if found is not None else f"{kind}:{ref}"


def labels(
    *,
    session: Session,
    sources: Iterable[tuple[str, str]],
    zone: ZoneInfo,
    language: Language,
) -> dict[tuple[str, str], Text | str]:
    """The label of each (kind, ref), each looked up once."""
    return {
        (kind, ref): label(session=session, kind=kind, ref=ref, zone=zone, language=language)
        for kind, ref in set(sources)
    }
