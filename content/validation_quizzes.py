"""Contests (quizzes) and anonymous polls, checked on the YAML document: the `contests:`
and `polls:` sections of campaign.yaml, a file holding only them, or one request body.

Every text in French and Bambara, unless the audience names one language only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.i18n import _
from content.problems import Problem, Where
from content.validation_choices import check_choices, check_media, check_texts, wanted_languages
from content.validation_document import check_section, unknown_keys
from content.validation_posts import UNKNOWN_LANGUAGE, Context
from content.validation_rules import (
    Rule,
    at_least_one_rule,
    count_rule,
    datetime_rule,
    each,
    kind_rule,
    localized_rule,
    one_of,
    slug_rule,
    text_rule,
)
from content.validation_values import (
    DEFAULT_PLACE_SLUGS,
    LANGUAGES,
    ROLES,
    SLUG,
    as_datetime,
    as_list,
    as_text,
    value_at,
)
from content.yaml_source import YamlDoc, YamlPath

MODES = ("sequential", "all_at_once")
FEEDBACKS = ("at_once", "after_close")
ELIGIBILITIES = ("all_correct", "any_correct", "participated")
FEW_VOTES = 5  # below this threshold, a result may show who voted what

AUDIENCE_RULES: dict[str, Rule] = {
    "languages": each(one_of(LANGUAGES, UNKNOWN_LANGUAGE)),
    "places": each(slug_rule),
    "roles": each(one_of(ROLES, _("unknown role “{value}”: {choices}"))),
    "tags": each(text_rule),
}
SHARED_RULES: dict[str, Rule] = {
    "id": slug_rule,
    "opens": datetime_rule,
    "closes": datetime_rule,
    "audience": kind_rule(dict, _("expected a table: languages, places, roles, tags")),
}
CONTEST_RULES: dict[str, Rule] = {
    **SHARED_RULES,
    "title": localized_rule,
    "prize": localized_rule,
    "mode": one_of(MODES, _("unknown mode “{value}”: {choices}")),
    "feedback": one_of(FEEDBACKS, _("unknown feedback “{value}”: {choices}")),
    "points": count_rule,
    "speed_bonus": kind_rule(dict, _("expected: {points: …, minutes: …}")),
    "eligible": one_of(ELIGIBILITIES, _("unknown rule “{value}”: {choices}")),
    "questions": kind_rule(list, _("expected a list of questions")),
}
SPEED_RULES: dict[str, Rule] = {"points": count_rule, "minutes": at_least_one_rule}
QUESTION_RULES: dict[str, Rule] = {
    "text": localized_rule,
    "choices": kind_rule(list, _("expected a list of choices")),
    "answer": at_least_one_rule,
    "media": kind_rule(dict, _("expected one value per language (fr:, bm:)")),
}
POLL_RULES: dict[str, Rule] = {
    **SHARED_RULES,
    "question": localized_rule,
    "choices": kind_rule(list, _("expected a list of choices")),
    "changeable": kind_rule(bool, _("expected true or false")),
    "threshold": at_least_one_rule,
}
CONTEST_REQUIRED = ("id", "title", "prize", "opens", "closes", "questions")
QUESTION_REQUIRED = ("text", "choices", "answer")
POLL_REQUIRED = ("id", "question", "choices", "opens", "closes")


@dataclass(frozen=True)
class QuizContext:
    """What contests and polls are checked against; no folder: no media allowed, and no
    campaign dates: none to warn about."""

    folder: Path | None = None
    start: date | None = None
    end: date | None = None
    places: tuple[str, ...] = DEFAULT_PLACE_SLUGS

    @classmethod
    def of(cls, context: Context) -> QuizContext:
        """Those of a campaign, as its posts are checked against."""
        return cls(context.folder, context.start, context.end, context.places)


def _is_table(doc: YamlDoc, path: YamlPath) -> bool:
    return isinstance(value_at(doc.data, path), dict)


def _whole(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _check_dates(doc: YamlDoc, path: YamlPath, context: QuizContext) -> Iterator[Problem]:
    opens = as_datetime(value_at(doc.data, (*path, "opens")))
    closes = as_datetime(value_at(doc.data, (*path, "closes")))
    if opens and closes and closes <= opens:
        yield doc.problem((*path, "closes"), _("closes must come after opens"))
    if context.start is None or context.end is None:
        return
    for key, moment in (("opens", opens), ("closes", closes)):
        if moment and not context.start <= moment.date() <= context.end:
            message = _(
                "{day} is outside the campaign ({start} to {end})",
                day=moment.date().isoformat(),
                start=context.start.isoformat(),
                end=context.end.isoformat(),
            )
            yield doc.problem((*path, key), message, "warning")


def _check_audience(doc: YamlDoc, path: YamlPath, context: QuizContext) -> Iterator[Problem]:
    at = (*path, "audience")
    if not _is_table(doc, at):
        return
    yield from check_section(doc, at, AUDIENCE_RULES)
    for place in as_list(value_at(doc.data, (*at, "places"))) or []:
        if SLUG.fullmatch(place) and place not in context.places:
            known = ", ".join(context.places)
            message = _("unknown place “{place}” (places: {known})", place=place, known=known)
            yield doc.problem((*at, "places"), message)


def _check_question(
    doc: YamlDoc, path: YamlPath, languages: tuple[str, ...], context: QuizContext
) -> Iterator[Problem]:
    yield from check_section(doc, path, QUESTION_RULES, QUESTION_REQUIRED)
    if not _is_table(doc, path):
        return
    yield from check_texts(doc, (*path, "text"), languages)
    yield from check_choices(doc, (*path, "choices"), languages)
    choices = value_at(doc.data, (*path, "choices"))
    answer = _whole(value_at(doc.data, (*path, "answer")))
    count = len(choices) if isinstance(choices, list) else 0
    if count and answer is not None and answer > count:
        message = _("answer {answer} is out of range: 1 to {count}", answer=answer, count=count)
        yield doc.problem((*path, "answer"), message)
    yield from check_media(doc, (*path, "media"), context.folder)


def check_quiz(doc: YamlDoc, path: YamlPath, context: QuizContext) -> list[Problem]:
    """One contest, at `path` in the document."""
    problems = list(check_section(doc, path, CONTEST_RULES, CONTEST_REQUIRED))
    if not _is_table(doc, path):
        return problems
    languages = wanted_languages(doc, path)
    for key in ("title", "prize"):
        problems += check_texts(doc, (*path, key), languages)
    if _is_table(doc, (*path, "speed_bonus")):
        problems += check_section(doc, (*path, "speed_bonus"), SPEED_RULES, ("points", "minutes"))
    questions = value_at(doc.data, (*path, "questions"))
    if questions == []:
        problems.append(doc.problem((*path, "questions"), _("at least one question")))
    for index in range(len(questions) if isinstance(questions, list) else 0):
        problems += _check_question(doc, (*path, "questions", index), languages, context)
    problems += _check_dates(doc, path, context)
    problems += _check_audience(doc, path, context)
    return problems


def check_poll(doc: YamlDoc, path: YamlPath, context: QuizContext) -> list[Problem]:
    """One anonymous poll, at `path` in the document."""
    problems = list(check_section(doc, path, POLL_RULES, POLL_REQUIRED))
    if not _is_table(doc, path):
        return problems
    languages = wanted_languages(doc, path)
    problems += check_texts(doc, (*path, "question"), languages)
    problems += check_choices(doc, (*path, "choices"), languages)
    threshold = _whole(value_at(doc.data, (*path, "threshold")))
    if threshold is not None and 1 <= threshold < FEW_VOTES:
        message = _(
            "a threshold under {few}: with so few votes, people may guess who voted what",
            few=FEW_VOTES,
        )
        problems.append(doc.problem((*path, "threshold"), message, "warning"))
    problems += _check_dates(doc, path, context)
    problems += _check_audience(doc, path, context)
    return problems


def _check_unique_ids(doc: YamlDoc) -> Iterator[Problem]:
    first: dict[str, YamlPath] = {}
    for section in ("contests", "polls"):
        items = value_at(doc.data, (section,))
        for index in range(len(items) if isinstance(items, list) else 0):
            item_id = as_text(value_at(items, (index, "id")))
            if item_id is None:
                continue
            if item_id in first:
                message = _(
                    "identifier “{id}” already used ({file} {where})",
                    id=item_id,
                    file=doc.file,
                    where=Where(doc.where(first[item_id])),
                )
                yield doc.problem((section, index, "id"), message)
            else:
                first[item_id] = (section, index, "id")


def check_quizzes(doc: YamlDoc, context: QuizContext) -> list[Problem]:
    """The `contests:` and `polls:` sections of a document, ids unique across both."""
    problems: list[Problem] = []
    for section, check, expected in (
        ("contests", check_quiz, _("expected a list of contests")),
        ("polls", check_poll, _("expected a list of polls")),
    ):
        items = value_at(doc.data, (section,))
        if not isinstance(items, list | None):
            problems.append(doc.problem((section,), expected))
        for index in range(len(items) if isinstance(items, list) else 0):
            problems += check(doc, (section, index), context)
    problems += _check_unique_ids(doc)
    return problems


def check_quiz_document(doc: YamlDoc) -> list[Problem]:
    """A file holding only contests and polls (no campaign: no media, no dates to warn
    about, the default places)."""
    if not isinstance(doc.data, dict) or not ({"contests", "polls"} & set(doc.data)):
        return [doc.problem((), _("this file must hold a contests or a polls section"))]
    problems = list(unknown_keys(doc, (), doc.data, ("contests", "polls")))
    return problems + check_quizzes(doc, QuizContext())
