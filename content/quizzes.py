"""Contests (quizzes) and anonymous polls read into content.model values: from
campaign.yaml (with its campaign), from a file holding only them, or from one request
body. All or nothing, as a campaign: CampaignInvalid with every problem found."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from bot.i18n import _
from content.model import Localized, OpinionPoll, Participants, Quiz, QuizQuestion
from content.problems import CampaignInvalid, Problem, errors
from content.validation_quizzes import QuizContext, check_poll, check_quiz, check_quiz_document
from content.validation_values import as_datetime, as_lines, as_list, as_text, value_at
from content.yaml_source import YamlDoc, YamlPath, read_yaml

T = TypeVar("T")
AUDIENCE_KEYS = ("languages", "places", "roles", "tags")

# Building: only once every check has passed, so every value is known good here.


def _table(value: object) -> dict[str, object]:
    if not isinstance(value, dict):
        raise TypeError("a table validation accepted is not one")
    return value


def _localized(value: object) -> Localized:
    items = value.items() if isinstance(value, dict) else ()
    return {language: text for language, raw in items if (text := as_lines(raw))}


def _list(value: object) -> list[object]:
    return value if isinstance(value, list) else []


def _identifier(data: dict[str, object]) -> str:
    found = as_text(data.get("id"))
    if found is None:
        raise ValueError("an identifier validation accepted cannot be read")
    return found


def _whole(value: object, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _participants(value: object) -> Participants:
    audience = value if isinstance(value, dict) else {}
    return Participants(*(tuple(as_list(audience.get(key)) or ()) for key in AUDIENCE_KEYS))


def _when(data: dict[str, object], key: str) -> datetime:
    moment = as_datetime(data.get(key))
    if moment is None:
        raise ValueError(f"{key}: a date validation accepted cannot be read")
    return moment


def _question(value: object) -> QuizQuestion:
    data = _table(value)
    media = data.get("media")
    return QuizQuestion(
        text=_localized(data.get("text")),
        choices=tuple(_localized(choice) for choice in _list(data.get("choices"))),
        correct=_whole(data.get("answer"), 0) - 1,
        media={
            language: path
            for language, file in (media.items() if isinstance(media, dict) else ())
            if (path := as_text(file))
        },
    )


def quiz_from(value: object, source: str) -> Quiz:
    data = _table(value)
    speed = data.get("speed_bonus")
    speed = speed if isinstance(speed, dict) else {}
    return Quiz(
        id=_identifier(data),
        title=_localized(data.get("title")),
        prize=_localized(data.get("prize")),
        opens=_when(data, "opens"),
        closes=_when(data, "closes"),
        questions=tuple(_question(question) for question in _list(data.get("questions"))),
        points=_whole(data.get("points"), 1),
        speed_bonus=_whole(speed.get("points"), 0),
        speed_minutes=_whole(speed.get("minutes"), 0),
        feedback=as_text(data.get("feedback")) or "at_once",
        mode=as_text(data.get("mode")) or "sequential",
        eligible=as_text(data.get("eligible")) or "all_correct",
        participants=_participants(data.get("audience")),
        source=source,
    )


def poll_from(value: object, source: str) -> OpinionPoll:
    data = _table(value)
    changeable = data.get("changeable")
    return OpinionPoll(
        id=_identifier(data),
        question=_localized(data.get("question")),
        choices=tuple(_localized(choice) for choice in _list(data.get("choices"))),
        opens=_when(data, "opens"),
        closes=_when(data, "closes"),
        changeable=changeable is True,
        threshold=_whole(data.get("threshold"), 10),
        participants=_participants(data.get("audience")),
        source=source,
    )


def quizzes_from(doc: YamlDoc) -> tuple[tuple[Quiz, ...], tuple[OpinionPoll, ...]]:
    """The contests and polls of a checked document, each with its source line."""

    def source(section: str, index: int) -> str:
        return f"{doc.file}:{doc.line((section, index))}"

    contests, polls = (
        _list(value_at(doc.data, ("contests",))),
        _list(value_at(doc.data, ("polls",))),
    )
    return (
        tuple(quiz_from(item, source("contests", index)) for index, item in enumerate(contests)),
        tuple(poll_from(item, source("polls", index)) for index, item in enumerate(polls)),
    )


def _in_reading_order(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda problem: int(re.sub(r"\D", "", problem.where) or 0))


def _unexpected(problems: list[Problem], file: str, exc: Exception) -> CampaignInvalid:
    message = _("unexpected value ({error}): report it to the Relais team", error=str(exc))
    return CampaignInvalid([*problems, Problem(file, "", "", message)])


def load_quiz_file(path: Path) -> tuple[list[Quiz], list[OpinionPoll], list[Problem]]:
    """The contests and polls of a YAML file holding only `contests:` and/or `polls:`,
    and its warnings. No campaign: media are refused (they need a campaign folder) and
    places are Relais's default list. Raises CampaignInvalid with every problem."""
    doc, problems = read_yaml(path, path.name)
    if doc is None:
        raise CampaignInvalid(problems)
    problems = _in_reading_order(problems + check_quiz_document(doc))
    if errors(problems):
        raise CampaignInvalid(problems)
    try:
        quizzes, polls = quizzes_from(doc)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise _unexpected(problems, doc.file, exc) from exc
    return list(quizzes), list(polls), problems


def _from_data(
    data: object,
    file: str,
    check: Callable[[YamlDoc, YamlPath, QuizContext], list[Problem]],
    build: Callable[[object, str], T],
) -> T:
    doc = YamlDoc(file, data, {})  # no lines: problems name the field alone
    problems = [replace(problem, where="") for problem in check(doc, (), QuizContext())]
    if errors(problems):
        raise CampaignInvalid(problems)
    try:
        return build(data, file)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise _unexpected(problems, file, exc) from exc


def quiz_from_data(data: object, file: str = "request") -> Quiz:
    """One contest from a request body (JSON) in the campaign file's shape: problems name
    the field ("questions[1].answer"), warnings are not kept. Raises CampaignInvalid."""
    return _from_data(data, file, check_quiz, quiz_from)


def poll_from_data(data: object, file: str = "request") -> OpinionPoll:
    """One poll from a request body (JSON), as quiz_from_data. Raises CampaignInvalid."""
    return _from_data(data, file, check_poll, poll_from)
