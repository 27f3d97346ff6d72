"""The campaign and kit sections of campaign.yaml, checked on the YAML document itself:
known keys, required fields, each value's rule, and bounds in order."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from pathlib import Path

from bot.i18n import Text, _
from content.problems import Problem
from content.validation_media import media_problem
from content.validation_rules import (
    Rule,
    count_rule,
    date_rule,
    each,
    hashtag_rule,
    kind_rule,
    localized_rule,
    one_of,
    slug_rule,
    text_rule,
    time_rule,
    timezone_rule,
    url_rule,
)
from content.validation_values import CHANNELS, LANGUAGES, as_date, value_at
from content.yaml_source import YamlDoc, YamlPath

CAMPAIGN_RULES: dict[str, Rule] = {
    "slug": slug_rule,
    "name": text_rule,
    "hashtags": each(hashtag_rule),
    "start": date_rule,
    "end": date_rule,
    "timezone": timezone_rule,
    "channels": each(one_of(CHANNELS, _("unknown channel “{value}”: {choices}"))),
    "fallback_language": one_of((*LANGUAGES, "none"), _("unknown language “{value}”: {choices}")),
    "post_time": time_rule,
    "quiet_hours": kind_rule(dict, _("expected: {start: HH:MM, end: HH:MM} or none"), ("none",)),
    "max_gap_days": count_rule,
    "posts_per_week": kind_rule(dict, _("expected: {min: …, max: …}")),
    "places": each(slug_rule),
    "objectives": localized_rule,
    "audiences": localized_rule,
    "phases": kind_rule(list, _("expected: a list of phases")),
    "posts_from": text_rule,
}
KIT_RULES: dict[str, Rule] = {
    **dict.fromkeys(("what", "who", "when", "why"), localized_rule),
    "accounts_to_follow": each(text_rule),
    "hashtags": each(hashtag_rule),
    "decision_makers": each(text_rule),
    "messages": kind_rule(dict, _("expected: a table platform → texts")),
    "links": kind_rule(list, _("expected: a list of links")),
    "media": localized_rule,
}
PHASE_RULES: dict[str, Rule] = {"id": slug_rule, "name": localized_rule}
LINK_RULES: dict[str, Rule] = {"label": localized_rule, "url": url_rule}
TIME_RANGE_RULES: dict[str, Rule] = {"start": time_rule, "end": time_rule}
PER_WEEK_RULES: dict[str, Rule] = {"min": count_rule, "max": count_rule}


def unknown_keys(
    doc: YamlDoc, path: YamlPath, section: dict[str, object], known: Iterable[str]
) -> Iterator[Problem]:
    names = list(known)
    for key in section:
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1)
            message = (
                _("unknown key (did you mean “{close}”?)", close=close[0])
                if close
                else _("unknown key")
            )
            yield doc.problem((*path, key), message)


def check_section(
    doc: YamlDoc, path: YamlPath, rules: dict[str, Rule], required: tuple[str, ...] = ()
) -> Iterator[Problem]:
    section = value_at(doc.data, path)
    if section is None:
        if required:
            yield doc.problem(path, _("required section"))
        return
    if not isinstance(section, dict):
        yield doc.problem(path, _("expected a table (key: value)"))
        return
    yield from unknown_keys(doc, path, section, rules)
    for key in required:
        if section.get(key) in (None, ""):
            yield doc.problem((*path, key), _("required field"))
    for key, rule in rules.items():
        value = section.get(key)
        if value is not None and (message := rule(value)):
            yield doc.problem((*path, key), message)


def check_items(
    doc: YamlDoc, path: YamlPath, rules: dict[str, Rule], required: tuple[str, ...]
) -> Iterator[Problem]:
    items = value_at(doc.data, path)
    for index in range(len(items) if isinstance(items, list) else 0):
        yield from check_section(doc, (*path, index), rules, required)


def _ordered(first: object, last: object) -> bool:
    low_day, high_day = as_date(first), as_date(last)
    if low_day and high_day:
        return low_day <= high_day
    if isinstance(first, int) and isinstance(last, int):
        return first <= last
    return True  # a malformed bound is reported on its own


def check_order(doc: YamlDoc, path: YamlPath, low: str, high: str, message: Text) -> Problem | None:
    if _ordered(value_at(doc.data, (*path, low)), value_at(doc.data, (*path, high))):
        return None
    return doc.problem((*path, high), message)


def check_document(doc: YamlDoc, folder: Path | None = None) -> list[Problem]:
    """Everything in campaign.yaml but its posts (which check_posts judges as Entries);
    with the campaign's folder, the files it names too."""
    if not isinstance(doc.data, dict):
        return [doc.problem((), _("campaign.yaml must hold the sections campaign, kit, posts"))]
    # contests and polls: validation_quizzes checks them
    sections = ("campaign", "kit", "posts", "contests", "polls")
    problems = list(unknown_keys(doc, (), doc.data, sections))
    required = ("slug", "name", "start", "end", "phases")
    problems += check_section(doc, ("campaign",), CAMPAIGN_RULES, required)
    problems += check_items(doc, ("campaign", "phases"), PHASE_RULES, ("id", "name"))
    if value_at(doc.data, ("campaign", "quiet_hours")) != "none":
        problems += check_section(doc, ("campaign", "quiet_hours"), TIME_RANGE_RULES)
    problems += check_section(doc, ("campaign", "posts_per_week"), PER_WEEK_RULES)
    problems += check_section(doc, ("kit",), KIT_RULES)
    problems += check_items(doc, ("kit", "links"), LINK_RULES, ("label", "url"))
    messages = value_at(doc.data, ("kit", "messages"))
    for platform, texts in messages.items() if isinstance(messages, dict) else ():
        if message := slug_rule(platform) or localized_rule(texts):
            problems.append(doc.problem(("kit", "messages", platform), message))
    media = value_at(doc.data, ("kit", "media"))
    if isinstance(media, dict) and folder is not None:
        for language, path in media.items():
            if message := media_problem(folder, path):
                problems.append(doc.problem(("kit", "media", language), message))
    seen: set[object] = set()
    phases = value_at(doc.data, ("campaign", "phases"))
    for index, phase in enumerate(phases if isinstance(phases, list) else []):
        phase_id = value_at(phase, ("id",))
        if phase_id in seen:
            message = _("phase “{phase}” declared twice", phase=phase_id)
            problems.append(doc.problem(("campaign", "phases", index, "id"), message))
        seen.add(phase_id)
    orders = [
        (("campaign",), "start", "end", _("the end comes before the start of the campaign")),
        (("campaign", "posts_per_week"), "min", "max", _("max is smaller than min")),
    ]
    problems += filter(None, (check_order(doc, *order) for order in orders))
    if not isinstance(doc.data.get("posts"), list | None):
        problems.append(doc.problem(("posts",), _("expected a list of posts")))
    return problems
