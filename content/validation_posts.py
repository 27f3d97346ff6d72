"""Posts, checked as `Entry`s: the values of one post as read, whether from campaign.yaml
or a spreadsheet row, under the same keys ("text.bm", "template.fr"), each able to say
where it was read."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from bot.i18n import Text, _
from content.problems import Problem, Severity, Where
from content.validation_channels import channel_limit
from content.validation_hashtags import check_hashtags
from content.validation_media import media_problem
from content.validation_rules import (
    Rule,
    date_rule,
    each,
    hashtags_rule,
    one_of,
    slug_rule,
    text_rule,
    time_rule,
)
from content.validation_values import (
    LANGUAGES,
    ROLES,
    SID,
    SLUG,
    STATUSES,
    as_date,
    as_list,
    as_text,
)

MISSING_TEXT = {
    "fr": _("missing French text (or set single_language)"),
    "bm": _("missing Bambara text (or set single_language)"),
}
MISSING_SINGLE_TEXT = {"fr": _("missing French text"), "bm": _("missing Bambara text")}
UNUSED_TEXT = {  # {single} is filled in when the warning is given
    "fr": _("single_language is {single}: the French text will not be used"),
    "bm": _("single_language is {single}: the Bambara text will not be used"),
}


def _named(field: str, post_id: str | None) -> str:
    """The field with the post named by its id: "posts[p03].text.bm" (YAML), "text_bm
    (p03)" (a spreadsheet, whose row already says where)."""
    if not post_id:
        return ""
    if field.startswith("posts["):
        return f"posts[{post_id}]" + field[field.index("]") + 1 :]
    return f"{field} ({post_id})"


@dataclass(frozen=True)
class Entry:
    """One post as read, before it becomes a model.Post."""

    source: str  # for Post.source: "campaign.yaml:42" or "calendar.xlsx row 7"
    values: dict[str, object]  # "id", "date", "text.fr", "template.bm", "languages", …
    locate: Callable[[str, tuple[str | int, ...]], tuple[str, str, str]]  # → file, where, field

    def problem(
        self, key: str, message: Text, severity: Severity = "error", at: tuple[str | int, ...] = ()
    ) -> Problem:
        file, where, field = self.locate(key, at)
        return Problem(file, where, field, message, severity, _named(field, self.text("id")))

    def text(self, key: str) -> str | None:
        return as_text(self.values.get(key))


@dataclass(frozen=True)
class Context:
    """What a post is checked against, from the campaign section (None when invalid there)."""

    folder: Path
    start: date | None
    end: date | None
    phases: tuple[str, ...]
    places: tuple[str, ...]
    channels: tuple[str, ...]


UNKNOWN_LANGUAGE = _("unknown language “{value}”: {choices}")  # one_of fills both in
POST_RULES: dict[str, Rule] = {
    "id": slug_rule,
    "date": date_rule,
    "time": time_rule,
    "phase": text_rule,
    "languages": each(one_of(LANGUAGES, UNKNOWN_LANGUAGE)),
    "roles": each(one_of(ROLES, _("unknown role “{value}”: {choices}"))),
    "places": each(slug_rule),
    "hashtags": hashtags_rule,
    "single_language": one_of(LANGUAGES, UNKNOWN_LANGUAGE),
    "status": one_of(STATUSES, _("unknown status “{value}”: {choices}")),
    **{f"{kind}.{language}": text_rule for kind in ("text", "sms") for language in LANGUAGES},
}
REQUIRED_POST_KEYS = ("id", "date", "phase")


def check_values(entry: Entry) -> Iterator[Problem]:
    for key in REQUIRED_POST_KEYS:
        if entry.values.get(key) in (None, ""):
            yield entry.problem(key, _("required field"))
    for key, rule in POST_RULES.items():
        value = entry.values.get(key)
        if value not in (None, "") and (message := rule(value)):
            yield entry.problem(key, message)


def check_templates(entry: Entry) -> Iterator[Problem]:
    """A Content SID, alone (spreadsheet) or as {sid, variables} (campaign.yaml)."""
    for key in (f"template.{language}" for language in LANGUAGES):
        value = entry.values.get(key)
        if value in (None, ""):
            continue
        sid, variables, at = value, None, tuple[str, ...]()
        if isinstance(value, dict):
            sid, variables, at = value.get("sid"), value.get("variables"), ("sid",)
            for extra in sorted(set(value) - {"sid", "variables"}):
                message = _("unknown key: sid and variables only")
                yield entry.problem(key, message, at=(extra,))
        if not SID.fullmatch(as_text(sid) or ""):
            message = _(
                "invalid Content SID “{sid}”: HX followed by 32 hexadecimal characters", sid=sid
            )
            yield entry.problem(key, message, at=at)
        if variables is not None and not (
            isinstance(variables, dict) and all(map(as_text, variables.values()))
        ):
            message = _('variables: a table number → value, for example {"1": "Kayes"}')
            yield entry.problem(key, message, at=("variables",))


def check_against_campaign(entry: Entry, context: Context) -> Iterator[Problem]:
    day = as_date(entry.values.get("date"))
    if day and context.start and context.end and not context.start <= day <= context.end:
        message = _(
            "{day} is outside the campaign ({start} to {end})",
            day=day.isoformat(),
            start=context.start.isoformat(),
            end=context.end.isoformat(),
        )
        yield entry.problem("date", message)
    phase = entry.text("phase")
    if phase and context.phases and phase not in context.phases:
        known = ", ".join(context.phases)
        message = _("unknown phase “{phase}” (phases: {known})", phase=phase, known=known)
        yield entry.problem("phase", message)
    for place in as_list(entry.values.get("places")) or []:
        if SLUG.fullmatch(place) and place not in context.places:
            known = ", ".join(context.places)
            message = _("unknown place “{place}” (places: {known})", place=place, known=known)
            yield entry.problem("places", message)


def check_languages(entry: Entry) -> Iterator[Problem]:
    single = entry.text("single_language")
    if single is not None and single not in LANGUAGES:
        return  # check_values reports it
    for language in (single,) if single else LANGUAGES:
        if entry.text(f"text.{language}") is None:
            missing = MISSING_SINGLE_TEXT if single else MISSING_TEXT
            yield entry.problem(f"text.{language}", missing[language])
    for language in LANGUAGES:
        if single and language != single and entry.text(f"text.{language}"):
            message = replace(UNUSED_TEXT[language], params={"single": single})
            yield entry.problem(f"text.{language}", message, "warning")


def check_channels(entry: Entry, context: Context) -> Iterator[Problem]:
    for language in LANGUAGES:
        text, sms = entry.text(f"text.{language}"), entry.text(f"sms.{language}")
        if text is None:
            continue
        with_media = entry.values.get(f"media.{language}") not in (None, "")
        for channel in context.channels:
            if message := channel_limit(channel, text, sms, with_media):
                key = f"sms.{language}" if channel == "sms" and sms else f"text.{language}"
                yield entry.problem(key, message, "warning" if channel == "sms" else "error")


def check_media(entry: Entry, context: Context) -> Iterator[Problem]:
    for language in LANGUAGES:
        value = entry.values.get(f"media.{language}")
        if value not in (None, "") and (message := media_problem(context.folder, value)):
            yield entry.problem(f"media.{language}", message)


def check_unique_ids(entries: Iterable[Entry]) -> Iterator[Problem]:
    first: dict[str, Entry] = {}
    for entry in entries:
        post_id = entry.text("id")
        if post_id is None:
            continue
        if post_id in first:
            file, where, _field = first[post_id].locate("id", ())
            message = _(
                "identifier “{id}” already used ({file} {where})",
                id=post_id,
                file=file,
                where=Where(where),
            )
            yield entry.problem("id", message)
        else:
            first[post_id] = entry


def check_posts(entries: list[Entry], context: Context) -> list[Problem]:
    problems: list[Problem] = []
    for entry in entries:
        problems += check_values(entry)
        problems += check_templates(entry)
        problems += check_against_campaign(entry, context)
        problems += check_languages(entry)
        problems += check_channels(entry, context)
        problems += check_hashtags(entry)
        problems += check_media(entry, context)
    problems += check_unique_ids(entries)
    return problems
