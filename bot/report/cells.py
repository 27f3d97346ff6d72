"""How a figure reads to a person: numbers and percentages written the reader's way, and
the small-group rule of the indicators' definitions (bot/domain/indicators/DEFINITIONS.md),
under which a breakdown cell (a count by channel, language or place) under min_group
shows `<5` instead of its figure."""

from __future__ import annotations

from functools import cache

from babel import Locale
from babel.numbers import format_decimal, format_percent

from bot.domain.indicators.figures import Rate
from bot.enums import Language

NO_RATE = "—"  # a rate with nothing to divide by: empty, never 0


@cache
def _percent_pattern(language: Language) -> str:
    # The locale's own pattern ("#,##0 %" in French) with one optional decimal.
    pattern = str(Locale.parse(language.value).percent_formats[None].pattern)
    return pattern if "." in pattern else pattern.replace("0", "0.#", 1)


def number(value: float, language: Language) -> str:
    return format_decimal(value, format="#,##0.#", locale=language.value)


def percent(rate: Rate, language: Language) -> str:
    if rate is None:
        return NO_RATE
    return format_percent(rate, format=_percent_pattern(language), locale=language.value)


def signed_percent(rate: Rate, language: Language) -> str:
    """A change: "+12 %", "−5 %"."""
    if rate is None:
        return NO_RATE
    sign = "+" if rate > 0 else "−" if rate < 0 else ""
    return sign + percent(abs(rate), language)


def hidden(min_group: int) -> str:
    return f"<{min_group}"


def is_small(value: int, min_group: int) -> bool:
    return value < min_group


def group_count(value: int, min_group: int, language: Language) -> str:
    """A count in a breakdown cell: the figure, or `<5` when the group is too small."""
    return hidden(min_group) if is_small(value, min_group) else number(value, language)
