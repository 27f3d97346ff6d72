"""The rules of FORMAT.md's "What validation checks", each a small function yielding
Problems that name the file, the line or row, and the field, with a message (a Text) the
organiser reads in French or Bambara.

This module gathers what the loader, the readiness checklist and the bot use; the checks
live in modules named for what they check:

- validation_values: reading values as the files write them (dates, times, lists);
- validation_rules: rules on single values (identifiers, dates, hashtags, languages…);
- validation_media: media files and paths, kept inside the campaign folder;
- validation_channels: texts within each channel's limits;
- validation_posts: posts, as `Entry`s read from campaign.yaml or a spreadsheet row;
- validation_document: the campaign and kit sections of campaign.yaml;
- validation_quizzes: contests and polls (validation_choices: their texts, choices, media).
"""

from __future__ import annotations

from content.media_kinds import MediaKind, media_kind
from content.validation_channels import channel_limit
from content.validation_document import check_document, unknown_keys
from content.validation_media import outside_problem
from content.validation_posts import Context, Entry, check_posts
from content.validation_quizzes import QuizContext, check_quiz_document, check_quizzes
from content.validation_values import (
    CHANNELS,
    DEFAULT_PLACE_SLUGS,
    LANGUAGE_NAMES,
    LANGUAGES,
    as_date,
    as_lines,
    as_list,
    as_text,
    as_time,
    value_at,
)

__all__ = [
    "CHANNELS",
    "DEFAULT_PLACE_SLUGS",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "Context",
    "Entry",
    "MediaKind",
    "QuizContext",
    "as_date",
    "as_lines",
    "as_list",
    "as_text",
    "as_time",
    "channel_limit",
    "check_document",
    "check_posts",
    "check_quiz_document",
    "check_quizzes",
    "media_kind",
    "outside_problem",
    "unknown_keys",
    "value_at",
]
