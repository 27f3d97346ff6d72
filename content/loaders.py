"""A campaign folder read into a content.model.Campaign: all of it, or CampaignInvalid with
every problem found, never part of it."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import TypeVar

from bot.i18n import Text, _
from content.model import Campaign, Kit, Link, Phase, Post, PostAudience, QuietHours, Template
from content.problems import CampaignInvalid, Problem, errors
from content.quizzes import quizzes_from
from content.spreadsheet import RawRow, read_rows
from content.validation import (
    CHANNELS,
    DEFAULT_PLACE_SLUGS,
    LANGUAGES,
    Context,
    Entry,
    QuizContext,
    as_date,
    as_lines,
    as_list,
    as_text,
    as_time,
    check_document,
    check_posts,
    check_quizzes,
    outside_problem,
    unknown_keys,
    value_at,
)
from content.yaml_source import YamlDoc, YamlPath, field_name, read_yaml

T = TypeVar("T")
CAMPAIGN_FILE = "campaign.yaml"
SPREADSHEETS = (".xlsx", ".csv")
DEFAULT_CHANNELS = ["telegram", "whatsapp"]
SIMPLE_KEYS = ("id", "date", "time", "phase", "hashtags", "single_language", "status")
AUDIENCE_KEYS = ("languages", "places", "roles")
PER_LANGUAGE = {"text": "text", "sms": "sms", "media": "media", "whatsapp_template": "template"}
POST_KEYS = (*SIMPLE_KEYS, "audience", *PER_LANGUAGE)
LANGUAGE_COLUMN = re.compile(r"(text|sms|media|template)_(fr|bm)")


def _campaign_file(path: Path) -> tuple[Path | None, list[Problem]]:
    def refuse(message: Text) -> tuple[None, list[Problem]]:
        return None, [Problem(str(path), "", "", message)]

    if path.is_dir():
        if (path / CAMPAIGN_FILE).is_file():
            return path / CAMPAIGN_FILE, []
        return refuse(_("this folder has no {file}", file=CAMPAIGN_FILE))
    if not path.is_file():
        return refuse(_("not found"))
    if path.suffix.lower() in SPREADSHEETS:
        return refuse(
            _(
                "a spreadsheet alone is not enough: the campaign's name, dates, phases and kit"
                " are missing. Put it in a folder with a {file} that names it"
                " (posts_from: {name})",
                file=CAMPAIGN_FILE,
                name=path.name,
            )
        )
    if path.suffix.lower() not in (".yaml", ".yml"):
        return refuse(_("give the campaign folder or its {file}", file=CAMPAIGN_FILE))
    return path, []


# Posts as Entries: the same keys whether they come from campaign.yaml or a spreadsheet.


def _yaml_path(key: str) -> YamlPath:
    head, _, language = key.partition(".")
    if language:
        return ("whatsapp_template" if head == "template" else head, language)
    return ("audience", key) if key in AUDIENCE_KEYS else (key,)


def _yaml_entry(doc: YamlDoc, index: int, post: dict[str, object]) -> tuple[Entry, list[Problem]]:
    prefix: YamlPath = ("posts", index)
    problems = list(unknown_keys(doc, prefix, post, POST_KEYS))
    values = {key: post[key] for key in SIMPLE_KEYS if key in post}
    audience = post.get("audience")
    if isinstance(audience, dict):
        problems += unknown_keys(doc, (*prefix, "audience"), audience, AUDIENCE_KEYS)
        values.update({key: audience[key] for key in AUDIENCE_KEYS if key in audience})
    elif audience is not None:
        problems.append(
            doc.problem((*prefix, "audience"), _("expected a table: languages, places, roles"))
        )
    for name, key in PER_LANGUAGE.items():
        texts = post.get(name)
        if texts is None:
            continue
        if not isinstance(texts, dict):
            problems.append(
                doc.problem((*prefix, name), _("expected one value per language (fr:, bm:)"))
            )
            continue
        for language, value in texts.items():
            if language in LANGUAGES:
                values[f"{key}.{language}"] = value
            else:
                message = _("unknown language “{language}”: fr or bm", language=language)
                problems.append(doc.problem((*prefix, name, language), message))

    def locate(key: str, at: tuple[str | int, ...]) -> tuple[str, str, str]:
        path = (*prefix, *_yaml_path(key), *at)
        return doc.file, doc.where(path), field_name(path)

    return Entry(f"{doc.file}:{doc.line(prefix)}", values, locate), problems


def _yaml_entries(doc: YamlDoc) -> tuple[list[Entry], list[Problem]]:
    entries, problems = [], []
    posts = value_at(doc.data, ("posts",))
    for index, post in enumerate(posts if isinstance(posts, list) else []):
        if not isinstance(post, dict):
            problems.append(doc.problem(("posts", index), _("expected a post (id:, date:, …)")))
            continue
        entry, found = _yaml_entry(doc, index, post)
        entries.append(entry)
        problems += found
    return entries, problems


def _row_entry(file: str, row: RawRow) -> Entry:
    def key(column: str) -> str:
        return column.replace("_", ".") if LANGUAGE_COLUMN.fullmatch(column) else column

    def locate(key: str, at: tuple[str | int, ...]) -> tuple[str, str, str]:
        return file, f"row {row.row}", key.replace(".", "_")

    values = {key(column): value for column, value in row.values.items()}
    return Entry(f"{file} row {row.row}", values, locate)


def _spreadsheet_entries(doc: YamlDoc, folder: Path) -> tuple[list[Entry], list[Problem]]:
    name = as_text(value_at(doc.data, ("campaign", "posts_from")))
    if name is None:
        found = sorted(folder.glob("calendar.*"))
        unread = [path.name for path in found if path.suffix.lower() in SPREADSHEETS]
        message = _("this spreadsheet is not read: name it in campaign.yaml (posts_from:)")
        return [], [Problem(unread[0], "", "", message, "warning")] if unread else []
    path = folder / name
    refused = outside_problem(folder, name)
    if not refused and path.suffix.lower() not in SPREADSHEETS:
        refused = _("posts_from must name a .xlsx or .csv file")
    if not refused and not path.is_file():
        refused = _("file not found: {path}", path=name)
    if refused:
        return [], [doc.problem(("campaign", "posts_from"), refused)]
    rows, problems = read_rows(path, name)
    return [_row_entry(name, row) for row in rows], problems


def _context(doc: YamlDoc, folder: Path) -> Context:
    def section(key: str) -> object:
        return value_at(doc.data, ("campaign", key))

    phases = section("phases")
    phases = phases if isinstance(phases, list) else []
    phase_ids = (as_text(value_at(phase, ("id",))) for phase in phases)
    places = as_list(section("places")) or list(DEFAULT_PLACE_SLUGS)
    channels = as_list(section("channels")) or DEFAULT_CHANNELS
    return Context(
        folder=folder,
        start=as_date(section("start")),
        end=as_date(section("end")),
        phases=tuple(phase for phase in phase_ids if phase),
        places=tuple(places),
        channels=tuple(channel for channel in channels if channel in CHANNELS),
    )


# Building: only once every check has passed, so every value is known good here.


def _must(value: T | None) -> T:
    if value is None:
        raise ValueError("a value validation accepted cannot be read")
    return value


def _localized(value: object) -> dict[str, str]:
    items = value.items() if isinstance(value, dict) else ()
    return {language: text for language, raw in items if (text := as_lines(raw))}


def _entry_localized(entry: Entry, kind: str) -> dict[str, str]:
    # A single-language post keeps only that language: the other text was warned about.
    single = entry.text("single_language")
    found = {language: entry.text(f"{kind}.{language}") for language in LANGUAGES}
    return {
        language: text for language, text in found.items() if text and single in (None, language)
    }


def _template(value: object) -> Template:
    if not isinstance(value, dict):
        return Template(_must(as_text(value)))
    variables = value.get("variables")
    pairs = variables.items() if isinstance(variables, dict) else ()
    return Template(
        _must(as_text(value.get("sid"))), {key: _must(as_text(item)) for key, item in pairs}
    )


def _post(entry: Entry, post_time: time) -> Post:
    values = entry.values
    return Post(
        id=_must(entry.text("id")),
        day=_must(as_date(values.get("date"))),
        at=as_time(values.get("time")) or post_time,
        phase=_must(entry.text("phase")),
        text=_entry_localized(entry, "text"),
        audience=PostAudience(*(tuple(as_list(values.get(key)) or ()) for key in AUDIENCE_KEYS)),
        sms=_entry_localized(entry, "sms"),
        media=_entry_localized(entry, "media"),
        hashtags=tuple(as_list(values.get("hashtags")) or ()),
        templates={
            language: _template(values[f"template.{language}"])
            for language in LANGUAGES
            if values.get(f"template.{language}") not in (None, "")
        },
        single_language=entry.text("single_language"),
        status=entry.text("status") or "draft",
        source=entry.source,
    )


def _kit(data: object) -> Kit:
    if not isinstance(data, dict):
        return Kit()
    messages, links = data.get("messages") or {}, data.get("links") or []

    def names(part: str) -> tuple[str, ...]:
        return tuple(as_list(data.get(part)) or ())

    return Kit(
        what=_localized(data.get("what")),
        who=_localized(data.get("who")),
        when=_localized(data.get("when")),
        why=_localized(data.get("why")),
        accounts_to_follow=names("accounts_to_follow"),
        hashtags=names("hashtags"),
        decision_makers=names("decision_makers"),
        messages={platform: _localized(texts) for platform, texts in messages.items()},
        links=tuple(
            Link(_localized(link.get("label")), _must(as_text(link.get("url")))) for link in links
        ),
        media=_localized(data.get("media")),
    )


def _campaign(doc: YamlDoc, folder: Path, entries: list[Entry]) -> Campaign:
    section = value_at(doc.data, ("campaign",))
    if not isinstance(section, dict):
        raise TypeError("the campaign section was accepted but is not a mapping")

    def given(key: str, default: object) -> object:
        # Present but empty (`quiet_hours:`) means "none", unlike absent: no .get(key) or.
        return section.get(key, default)

    quiet = given("quiet_hours", {})
    per_week = section.get("posts_per_week")
    per_week = per_week if isinstance(per_week, dict) else {}
    fallback = as_text(given("fallback_language", "fr"))
    post_time = as_time(section.get("post_time")) or time(8, 0)
    gap = section.get("max_gap_days")
    return Campaign(
        slug=_must(as_text(section.get("slug"))),
        name=_must(as_text(section.get("name"))),
        hashtags=tuple(as_list(section.get("hashtags")) or ()),
        start=_must(as_date(section.get("start"))),
        end=_must(as_date(section.get("end"))),
        timezone=as_text(section.get("timezone")) or "Africa/Bamako",
        phases=tuple(
            Phase(_must(as_text(phase.get("id"))), _localized(phase.get("name")))
            for phase in section.get("phases") or []
        ),
        posts=tuple(_post(entry, post_time) for entry in entries),
        kit=_kit(value_at(doc.data, ("kit",))),
        folder=folder,
        objectives=_localized(section.get("objectives")),
        audiences=_localized(section.get("audiences")),
        channels=tuple(as_list(given("channels", DEFAULT_CHANNELS)) or ()),
        places=tuple(as_list(section.get("places")) or ()),
        fallback_language=None if fallback in (None, "none") else fallback,
        post_time=post_time,
        quiet_hours=None
        if not isinstance(quiet, dict)
        else QuietHours(
            as_time(quiet.get("start")) or QuietHours.start,
            as_time(quiet.get("end")) or QuietHours.end,
        ),
        max_gap_days=gap if isinstance(gap, int) else 2,
        posts_per_week=(int(per_week.get("min", 3)), int(per_week.get("max", 10))),
    )


def _in_reading_order(problems: list[Problem]) -> list[Problem]:
    def key(problem: Problem) -> tuple[bool, str, int]:
        number = re.sub(r"\D", "", problem.where)
        return problem.file != CAMPAIGN_FILE, problem.file, int(number or 0)

    return sorted(problems, key=key)


def load_campaign(path: Path) -> tuple[Campaign, list[Problem]]:
    """The campaign at PATH (its folder or its campaign.yaml) and its warnings.

    Raises CampaignInvalid with every problem found, warnings included, when any is an
    error: the files are read and checked in full before anything is built.
    """
    campaign_file, problems = _campaign_file(path)
    if campaign_file is None:
        raise CampaignInvalid(problems)
    folder = campaign_file.parent.resolve()
    doc, problems = read_yaml(campaign_file, campaign_file.name)
    if doc is None:
        raise CampaignInvalid(problems)
    problems += check_document(doc, folder)
    entries, found = _yaml_entries(doc)
    problems += found
    rows, found = _spreadsheet_entries(doc, folder)
    problems += found
    context = _context(doc, folder)
    problems += check_posts(entries + rows, context) + check_quizzes(doc, QuizContext.of(context))
    problems = _in_reading_order(problems)
    if errors(problems):
        raise CampaignInvalid(problems)
    try:
        quizzes, polls = quizzes_from(doc)
        campaign = _campaign(doc, folder, entries + rows)
        return replace(campaign, quizzes=quizzes, polls=polls), problems
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        # A shape the checks let through: still all or nothing, never a partial campaign.
        message = _("unexpected value ({error}): report it to the Relais team", error=str(exc))
        raise CampaignInvalid([*problems, Problem(campaign_file.name, "", "", message)]) from exc
