"""The report's opening lines, written from the figures: how the community moved, which
post engaged best, what relays passed on, who recruited, how the contests went."""

from __future__ import annotations

from bot.domain.indicators.figures import Indicators, PostFigures
from bot.enums import Language
from bot.i18n import Text, _
from bot.report import names
from bot.report.cells import is_small, number, percent, signed_percent
from bot.report.community import broken_down


def _when(indicators: Indicators) -> Text:
    days = indicators.period.days
    return _("this week") if days == 7 else _("over these {days} days", days=days)


def _community(indicators: Indicators, language: Language) -> Text:
    community = indicators.community
    active = number(community.active_end, language)
    growth, when = community.growth_rate, _when(indicators)
    if growth is None:
        return _("{active} relays can receive the posts at the end of the period.", active=active)
    change = percent(abs(growth), language)
    if growth > 0:
        return _(
            "The community grew by {percent} {when}: {active} relays can receive the posts.",
            percent=change,
            when=when,
            active=active,
        )
    if growth < 0:
        return _(
            "The community shrank by {percent} {when}: {active} relays can receive the posts.",
            percent=change,
            when=when,
            active=active,
        )
    return _(
        "The community held steady {when}: {active} relays can receive the posts.",
        when=when,
        active=active,
    )


def _movements(indicators: Indicators, language: Language) -> Text:
    community = indicators.community
    counts = {
        "joined": number(community.joined, language),
        "rejoined": number(community.rejoined, language),
        "stopped": number(community.stopped, language),
    }
    if community.opt_out_rate is None:
        return _("New relays: {joined}; back: {rejoined}; left: {stopped}.", **counts)
    return _(
        "New relays: {joined}; back: {rejoined}; left: {stopped} (opt-out rate {rate}).",
        rate=percent(community.opt_out_rate, language),
        **counts,
    )


def _channel(indicators: Indicators, language: Language) -> Text | None:
    """The largest channel, when it is not a small group itself."""
    channels = broken_down(indicators, "channel")
    if len(channels) < 2:
        return None
    name, figures = channels[0]
    share = indicators.community.channel_share.get(name)
    if share is None or is_small(figures.active_end, indicators.min_group):
        return None
    return _(
        "{channel} carries {share} of the community.",
        channel=names.channel(name, language),
        share=percent(share, language),
    )


def best_post(indicators: Indicators) -> PostFigures | None:
    """The post with the highest engagement rate among those that reached a group of at
    least min_group relays (one relay who reacted is not a 100 % post)."""
    rated = [post for post in indicators.posts if post.engagement_rate is not None]
    enough = [post for post in rated if post.reached >= indicators.min_group] or rated
    return max(enough, key=lambda post: (post.engagement_rate or 0, post.reached), default=None)


def _post(indicators: Indicators, language: Language) -> Text | None:
    post = best_post(indicators)
    if post is None:
        return None
    return _(
        "The most engaging post is “{post}” ({phase}, {format}): {rate} of the {reached} "
        "relays it reached responded to it.",
        post=post.post_id,
        phase=post.phase,
        format=names.post_format(post.format, language),
        rate=percent(post.engagement_rate, language),
        reached=number(post.reached, language),
    )


def _interactions(indicators: Indicators, language: Language) -> list[Text]:
    shares = sum(post.shares for post in indicators.posts)
    onward = sum(post.onward_reach for post in indicators.posts)
    counts = {
        "interactions": number(indicators.interactions, language),
        "shares": number(shares, language),
    }
    if indicators.interaction_growth is None:
        lines = [_("{interactions} interactions in the period, {shares} of them shares.", **counts)]
    else:
        lines = [
            _(
                "{interactions} interactions in the period ({growth} on the previous one), "
                "{shares} of them shares.",
                growth=signed_percent(indicators.interaction_growth, language),
                **counts,
            )
        ]
    if onward:
        lines.append(
            _(
                "Relays say they passed the posts on to about {onward} groups or people "
                "(declared, not measured).",
                onward=number(onward, language),
            )
        )
    return lines


def _hashtag(indicators: Indicators, language: Language) -> Text | None:
    used = [tag for tag in indicators.hashtags if tag.relay_uses > 0]
    if not used:
        return None
    top = max(used, key=lambda tag: (tag.relay_uses, tag.interactions))
    return _(
        "The hashtag relays used most is {hashtag} ({uses} messages).",
        hashtag=top.hashtag,
        uses=number(top.relay_uses, language),
    )


def _ambassadors(indicators: Indicators, language: Language) -> list[Text]:
    found = indicators.ambassadors
    if not found.ambassadors:
        return []
    lines = [
        _(
            "{ambassadors} ambassadors brought in {recruits} relays; they are {share} of "
            "the community.",
            ambassadors=number(found.ambassadors, language),
            recruits=number(found.recruits, language),
            share=percent(found.ambassador_share, language),
        )
    ]
    if found.top:
        first = found.top[0]
        lines.append(
            _(
                "Top ambassador: {pseudonym}, with {recruits} recruits.",
                pseudonym=first.pseudonym,
                recruits=number(first.recruits, language),
            )
        )
    return lines


def _contests(indicators: Indicators, language: Language) -> list[Text]:
    return [
        _(
            "Contest {contest}: {participation} of the relays who received it took part, "
            "and {correct} of the answers were right.",
            contest=contest.contest_id,
            participation=percent(contest.participation_rate, language),
            correct=percent(contest.correct_rate, language),
        )
        for contest in indicators.contests
    ]


def summary(indicators: Indicators, language: Language) -> list[Text]:
    """A few sentences, each a figure of the report said plainly."""
    if not (indicators.community.active_end or indicators.community_daily or indicators.posts):
        return [_("Nothing to report for this period yet.")]
    lines: list[Text | None] = [
        _community(indicators, language),
        _movements(indicators, language),
        _channel(indicators, language),
        _post(indicators, language),
        *_interactions(indicators, language),
        _hashtag(indicators, language),
        *_ambassadors(indicators, language),
        *_contests(indicators, language),
    ]
    return [line for line in lines if line is not None]
