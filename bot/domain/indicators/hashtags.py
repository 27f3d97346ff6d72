"""Hashtags: each one the period's posts carry, with those posts' reach and engagement
summed, and how often relays used it in what they wrote to us, week by week.

Hashtags are told apart without case (#Kayes and #kayes are one; it is shown as the
first post wrote it). A use is the hashtag as a whole word: "#Kayes!" counts for #Kayes,
"#KayesVille" does not. SQLite lowers ASCII letters only, so there a hashtag with a
capital non-ASCII letter matches only as the post wrote it.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import SQLColumnExpression, String, case, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from bot.domain.indicators.days import Span, bucket_of
from bot.domain.indicators.figures import HashtagFigures, PostFigures, rate
from bot.domain.indicators.scope import Scope
from bot.models import InboundMessage

WRITTEN = ("message", "media")  # what relays sent us, as opposed to button presses
# What ends a hashtag in running text, besides its end: spaces, punctuation, quotes.
ENDS = (
    *("\n", "\r", "\t", ".", ",", ";", ":", "!", "?", "(", ")"),
    *('"', "'", "’", "«", "»", "…", "/", "-", "*"),
)


def _words(text: SQLColumnExpression[str | None]) -> ColumnElement[str]:
    """The text lowered, each hashtag between spaces: ' a #b c. ' → '  a  #b c  '."""
    said: ColumnElement[str] = func.lower(text)
    for mark in ENDS:
        said = func.replace(said, literal(mark, String), literal(" ", String))
    said = func.replace(said, literal("#", String), literal(" #", String))
    return literal(" ", String) + said + literal(" ", String)


def _pattern(hashtag: str) -> str:
    escaped = hashtag.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"% {escaped} %"


def _key(hashtag: str) -> str:
    return hashtag.lower() if hashtag.startswith("#") else f"#{hashtag.lower()}"


def relay_uses(
    *, session: Session, keys: Sequence[str], span: Span, scope: Scope
) -> dict[str, dict[str, int]]:
    """hashtag key → ISO week → messages relays wrote in the period that use it."""
    if not keys:
        return {}
    said = (
        select(
            bucket_of(InboundMessage.received_at, span.weeks).label("week"),
            _words(InboundMessage.text).label("words"),
        )
        .where(
            InboundMessage.kind.in_(WRITTEN),
            span.holds(InboundMessage.received_at),
            InboundMessage.text.contains("#"),
            InboundMessage.relay_id.is_not(None),
            scope.counts(InboundMessage.relay_id),
        )
        .subquery("said")
    )
    uses = [
        func.sum(case((said.c.words.like(_pattern(key), escape="\\"), 1), else_=0)) for key in keys
    ]
    found: dict[str, dict[str, int]] = {key: {} for key in keys}
    for week, *counts in session.execute(select(said.c.week, *uses).group_by(said.c.week)):
        for key, count in zip(keys, counts, strict=True):
            found[key][span.weeks[week].label] = int(count or 0)
    return found


def hashtag_figures(
    *, session: Session, posts: Sequence[PostFigures], span: Span, scope: Scope
) -> tuple[HashtagFigures, ...]:
    """Every hashtag of the posts, in the order they first appear."""
    shown: dict[str, str] = {}
    for post in posts:
        for hashtag in post.hashtags:
            shown.setdefault(_key(hashtag), hashtag)
    keys = list(shown)
    uses = relay_uses(session=session, keys=keys, span=span, scope=scope)
    figures = []
    for key in keys:
        carrying = [post for post in posts if key in {_key(tag) for tag in post.hashtags}]
        reached = sum(post.reached for post in carrying)
        weekly = tuple((week.label, uses[key].get(week.label, 0)) for week in span.weeks)
        figures.append(
            HashtagFigures(
                hashtag=shown[key],
                posts=len(carrying),
                reached=reached,
                interactions=sum(post.interactions for post in carrying),
                engagement_rate=rate(sum(post.engaged for post in carrying), reached),
                relay_uses=sum(count for _, count in weekly),
                weekly_uses=weekly,
            )
        )
    return tuple(figures)
