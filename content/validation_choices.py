"""The texts, choices and media of contests and polls: in every language their audience
reads, 2 to 6 choices short enough for a button, media files inside the campaign folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from bot.i18n import _
from content.model import MAX_CHOICES
from content.problems import Problem
from content.validation_media import media_problem
from content.validation_posts import MISSING_SINGLE_TEXT
from content.validation_rules import localized_rule
from content.validation_values import LANGUAGES, as_lines, as_list, value_at
from content.yaml_source import YamlDoc, YamlPath

LABEL_LIMIT = 60  # what a chat button shows without cutting the label


def wanted_languages(doc: YamlDoc, path: YamlPath) -> tuple[str, ...]:
    """The languages every text of the item at `path` must exist in: the one language its
    audience names, or both."""
    named = {
        language
        for language in as_list(value_at(doc.data, (*path, "audience", "languages"))) or []
        if language in LANGUAGES
    }
    return tuple(named) if len(named) == 1 else LANGUAGES


def check_texts(doc: YamlDoc, path: YamlPath, languages: tuple[str, ...]) -> Iterator[Problem]:
    """A missing text in one of `languages` (a missing or malformed table is said apart)."""
    texts = value_at(doc.data, path)
    if not isinstance(texts, dict):
        return
    for language in languages:
        if as_lines(texts.get(language)) is None:
            yield doc.problem((*path, language), MISSING_SINGLE_TEXT[language])


def check_choices(doc: YamlDoc, path: YamlPath, languages: tuple[str, ...]) -> Iterator[Problem]:
    choices = value_at(doc.data, path)
    if not isinstance(choices, list):
        return
    if not 2 <= len(choices) <= MAX_CHOICES:
        message = _("{count} choice(s): give 2 to {most}", count=len(choices), most=MAX_CHOICES)
        yield doc.problem(path, message)
    for index, choice in enumerate(choices):
        at = (*path, index)
        refused = localized_rule(choice)
        if refused is not None or not isinstance(choice, dict):
            yield doc.problem(at, refused or _("expected one text per language (fr: …, bm: …)"))
            continue
        yield from check_texts(doc, at, languages)
        for language, label in choice.items():
            text = as_lines(label)
            if text and len(text) > LABEL_LIMIT:
                message = _(
                    "{length} characters: a button shows about {limit}, shorten the label",
                    length=len(text),
                    limit=LABEL_LIMIT,
                )
                yield doc.problem((*at, language), message, "warning")


def check_media(doc: YamlDoc, path: YamlPath, folder: Path | None) -> Iterator[Problem]:
    """Media per language: files the channels take, inside the campaign folder."""
    media = value_at(doc.data, path)
    if not isinstance(media, dict):
        return
    for language, file in media.items():
        at = (*path, language)
        if language not in LANGUAGES:
            yield doc.problem(at, _("unknown language “{language}”: fr or bm", language=language))
        elif folder is None:
            yield doc.problem(at, _("media needs a campaign folder"))
        elif message := media_problem(folder, file):
            yield doc.problem(at, message)
