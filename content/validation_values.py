"""Values as campaign files write them, read into Python: None when a value is not of the
expected shape, so that the rules (validation_rules) can say why."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import TYPE_CHECKING

from bot.i18n import _
from content.places import DEFAULT_PLACES, OTHER

if TYPE_CHECKING:  # the checks of a value need no YAML parser, which is not light
    from content.yaml_source import YamlPath

LANGUAGES = ("fr", "bm")
LANGUAGE_NAMES = {"fr": _("French"), "bm": _("Bambara")}
CHANNELS = ("telegram", "whatsapp", "sms")
ROLES = ("relay", "organiser")
STATUSES = ("draft", "ready")
DEFAULT_PLACE_SLUGS = (*(place.slug for place in DEFAULT_PLACES), OTHER)

SLUG = re.compile(r"[a-z0-9-]{1,40}")
SID = re.compile(r"HX[0-9a-fA-F]{32}")
HASHTAG = re.compile(r"#\w+")
TIME = re.compile(r"([01]?\d|2[0-3]):([0-5]\d)")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
FRENCH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")  # what French Excel writes in CSV
DATE_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})(?:T| +)(\d{1,2}:\d{2})(?::\d{2})?")


def as_text(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, str | int | float):
        return str(value).strip() or None
    return None


def as_lines(value: object) -> str | None:
    """One text, or a list of lines joined with newlines."""
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return "\n".join(str(line).strip() for line in value).strip() or None
    return as_text(value)


def as_date(value: object) -> date | None:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = as_text(value) or ""
    try:
        if ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        if match := FRENCH_DATE.fullmatch(text):
            day, month, year = map(int, match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None


def as_time(value: object) -> time | None:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0)
    match = TIME.fullmatch(as_text(value) or "")
    return time(int(match[1]), int(match[2])) if match else None


def as_datetime(value: object) -> datetime | None:
    """A local date and time, "YYYY-MM-DD HH:MM" (or as YAML reads one with seconds);
    None for one carrying a UTC offset: campaign times are local, without offset."""
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0) if value.tzinfo is None else None
    match = DATE_TIME.fullmatch(as_text(value) or "")
    if not match:
        return None
    day, moment = as_date(match[1]), as_time(match[2])
    return datetime.combine(day, moment) if day and moment else None


def as_list(value: object) -> list[str] | None:
    """A YAML list, or one text separated by commas or spaces (a spreadsheet cell)."""
    if value is None:
        return []
    if isinstance(value, list):
        items = [as_text(item) for item in value]
        return [item for item in items if item] if None not in items else None
    text = as_text(value)
    return [item for item in re.split(r"[,;\s]+", text) if item] if text else None


def value_at(data: object, path: YamlPath) -> object:
    """What campaign.yaml holds at `path`, or None."""
    for key in path:
        if isinstance(data, dict) and isinstance(key, str):
            data = data.get(key)
        elif isinstance(data, list) and isinstance(key, int) and key < len(data):
            data = data[key]
        else:
            return None
    return data
