"""Rules on single values: each takes a value as read and says why it is wrong (a Text),
or None. Posts, the campaign and the kit are checked with them field by field."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.i18n import Text, _
from content.validation_values import (
    HASHTAG,
    LANGUAGES,
    SLUG,
    as_date,
    as_datetime,
    as_lines,
    as_list,
    as_text,
    as_time,
)

Rule = Callable[[object], Text | None]  # a value → why it is wrong, or None


def slug_rule(value: object) -> Text | None:
    text = as_text(value)
    if text is not None and SLUG.fullmatch(text):
        return None
    return _(
        "invalid identifier “{value}”: lowercase letters, digits and hyphens, 40 at most",
        value=value,
    )


def text_rule(value: object) -> Text | None:
    return None if as_text(value) is not None else _("expected a text")


def date_rule(value: object) -> Text | None:
    if as_date(value):
        return None
    return _("invalid date “{value}”: expected YYYY-MM-DD", value=value)


def time_rule(value: object) -> Text | None:
    if as_time(value):
        return None
    return _("invalid time “{value}”: expected HH:MM", value=value)


def datetime_rule(value: object) -> Text | None:
    if as_datetime(value):
        return None
    return _("invalid date and time “{value}”: expected YYYY-MM-DD HH:MM, local time", value=value)


def one_of(allowed: Iterable[str], unknown: Text) -> Rule:
    """A value among `allowed`; `unknown` says otherwise, from {value} and {choices}."""
    choices = tuple(allowed)

    def rule(value: object) -> Text | None:
        if as_text(value) in choices:
            return None
        return replace(unknown, params={"value": value, "choices": ", ".join(choices)})

    return rule


def each(rule: Rule) -> Rule:
    """A list (or comma-separated text) whose every item passes `rule`."""

    def check(value: object) -> Text | None:
        items = as_list(value)
        if items is None:
            return _("expected a list, for example [a, b]")
        return next((message for item in items if (message := rule(item))), None)

    return check


def hashtag_rule(value: object) -> Text | None:
    if HASHTAG.fullmatch(as_text(value) or ""):
        return None
    return _(
        "“{value}” is not a hashtag: # followed by letters or digits, without spaces",
        value=value,
    )


def hashtags_rule(value: object) -> Text | None:
    problem = each(hashtag_rule)(value)
    if problem is None and len(items := as_list(value) or []) > 3:
        return _("{count} hashtags: three at most per post", count=len(items))
    return problem


def localized_rule(value: object) -> Text | None:
    if not isinstance(value, dict):
        return _("expected one text per language (fr: …, bm: …)")
    for language, text in value.items():
        if language not in LANGUAGES:
            return _("unknown language “{language}”: fr or bm", language=language)
        if text is not None and as_lines(text) is None:
            return _("{language}: expected a text", language=language)
    return None


def timezone_rule(value: object) -> Text | None:
    try:
        ZoneInfo(as_text(value) or "")
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder, not a zone
        return _("unknown time zone “{value}” (e.g. Africa/Bamako)", value=value)
    return None


# The largest whole number a database INTEGER column holds on every backend.
LARGEST_WHOLE = 2**31 - 1


def _too_large(value: object) -> Text | None:
    if isinstance(value, int) and value > LARGEST_WHOLE:
        return _(
            "expected a whole number up to {largest}, not {value}",
            largest=LARGEST_WHOLE,
            value=value,
        )
    return None


def count_rule(value: object) -> Text | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return _too_large(value)
    return _("expected a positive whole number, not “{value}”", value=value)


def at_least_one_rule(value: object) -> Text | None:
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return _too_large(value)
    return _("expected a whole number of 1 or more, not “{value}”", value=value)


def kind_rule(kind: type, expected: Text, also: tuple[object, ...] = ()) -> Rule:
    """A value of this Python type (or one of `also`); `expected` says what it should be."""

    def rule(value: object) -> Text | None:
        return None if isinstance(value, kind) or value in also else expected

    return rule


def url_rule(value: object) -> Text | None:
    if re.fullmatch(r"https?://\S+", as_text(value) or ""):
        return None
    return _("invalid address “{value}”: it must start with https://", value=value)
