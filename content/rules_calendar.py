"""Whether a campaign's calendar is coherent and balanced (the readiness checklist's
third item): phases in order, no silence longer than max_gap_days, posts per week within
bounds. Each reason is a Text, its days said as the reader says them."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise

from babel.dates import format_date

from bot.enums import Language
from bot.i18n import Text, _
from content.model import Campaign, Post


@dataclass(frozen=True)
class DayOfMonth:
    """A day without its year, as the reader says it: "1er décembre", "7 desanburu"."""

    day: date

    def render(self, language: Language) -> str:
        month = format_date(self.day, "MMMM", locale=language.value)
        if self.day.day == 1:
            return _("1st {month}", month=month).render(language)
        return _("{day} {month}", day=self.day.day, month=month).render(language)


@dataclass(frozen=True)
class Localized:
    """A campaign's own words (a phase name), in the reader's language when it has them."""

    texts: Mapping[str, str]
    fallback: str

    def render(self, language: Language) -> str:
        return self.texts.get(language.value) or self.texts.get("fr") or self.fallback


def ranks(campaign: Campaign) -> defaultdict[str, int]:
    # A phase the campaign does not declare (only a hand-built Campaign has one) ranks last.
    ranks: defaultdict[str, int] = defaultdict(lambda: len(campaign.phases))
    ranks.update((phase.id, index) for index, phase in enumerate(campaign.phases))
    return ranks


def phase_order(campaign: Campaign, posts: list[Post]) -> list[Text]:
    order = ranks(campaign)
    names = {phase.id: Localized(phase.name, phase.id) for phase in campaign.phases}
    reasons, latest = [], None  # latest: the first post of the furthest phase begun so far
    for post in posts:
        if latest and order[post.phase] < order[latest.phase] and post.day > latest.day:
            reasons.append(
                _(
                    "“{post}” ({phase}, {day}) comes after the start of “{later}” ({since})",
                    post=post.id,
                    phase=names.get(post.phase, post.phase),
                    day=DayOfMonth(post.day),
                    later=names.get(latest.phase, ""),
                    since=DayOfMonth(latest.day),
                )
            )
        if latest is None or order[post.phase] > order[latest.phase]:
            latest = post
    return reasons


def gaps(campaign: Campaign, posts: list[Post]) -> list[Text]:
    # The days just outside the campaign stand in for its edges, so silence at the start
    # or the end counts like silence between two posts.
    days = [campaign.start - timedelta(1), *sorted({post.day for post in posts})]
    reasons = []
    for before, after in pairwise([*days, campaign.end + timedelta(1)]):
        silent = (after - before).days - 1
        if silent > campaign.max_gap_days:
            first, last = DayOfMonth(before + timedelta(1)), DayOfMonth(after - timedelta(1))
            reasons.append(
                _(
                    "{count} days without a post from {first} to {last}",
                    count=silent,
                    first=first,
                    last=last,
                )
            )
    return reasons


def weeks(campaign: Campaign, posts: list[Post]) -> list[Text]:
    covered: Counter[tuple[int, int]] = Counter()
    day = campaign.start
    while day <= campaign.end:
        covered[day.isocalendar()[:2]] += 1
        day += timedelta(1)
    counts = Counter(post.day.isocalendar()[:2] for post in posts)
    low, high = campaign.posts_per_week
    reasons = []
    for (year, week), days in covered.items():
        # A week the campaign only partly covers is held to its share of the bounds, the
        # minimum rounded down and the maximum up: 2 days of a 3-to-10 week need 0
        # posts and allow 3.
        need, allow = low * days // 7, math.ceil(high * days / 7)
        monday, count = DayOfMonth(date.fromisocalendar(year, week, 1)), counts[(year, week)]
        if count < need:
            reasons.append(
                _(
                    "week of {monday}: {count} post(s), at least {need}",
                    monday=monday,
                    count=count,
                    need=need,
                )
            )
        elif count > allow:
            reasons.append(
                _(
                    "week of {monday}: {count} post(s), at most {allow}",
                    monday=monday,
                    count=count,
                    allow=allow,
                )
            )
    return reasons


def calendar_reasons(campaign: Campaign, today: date | None) -> list[Text]:
    """Why the calendar is not coherent and balanced yet, in the order of the days; `today`,
    when given, also flags a campaign already over."""
    order = ranks(campaign)
    posts = sorted(campaign.posts, key=lambda post: (post.day, post.at, order[post.phase]))
    reasons = [_("no post planned")] if not posts else []
    reasons += phase_order(campaign, posts) + gaps(campaign, posts) + weeks(campaign, posts)
    if today is not None and campaign.end < today:
        reasons.append(_("the campaign ended on {day}", day=DayOfMonth(campaign.end)))
    return reasons
