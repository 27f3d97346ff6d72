"""Hashtags written twice: the same one twice in a text, or at the end of a text when the
post's hashtags (added at the end of every text anyway) already hold it."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from bot.i18n import _
from content.problems import Problem
from content.validation_values import as_list

if TYPE_CHECKING:
    from content.validation_posts import Entry

HASHTAG = re.compile(r"#\w+")
TRAILING = re.compile(r"(?:\s*#\w+)+\s*$")


def check_hashtags(entry: Entry) -> Iterator[Problem]:
    """Warnings only: the post still goes out, each hashtag once at its end."""
    listed = {tag.lower() for tag in as_list(entry.values.get("hashtags")) or []}
    for key in ("text.fr", "text.bm", "sms.fr", "sms.bm"):
        text = entry.text(key)
        if not text:
            continue
        counts = Counter(tag.lower() for tag in HASHTAG.findall(text))
        for tag, count in sorted(counts.items()):
            if count > 1:
                said = _("{tag} is written {count} times in this text", tag=tag, count=count)
                yield entry.problem(key, said, "warning")
        ending = TRAILING.search(text)
        for tag in HASHTAG.findall(ending.group() if ending else ""):
            if tag.lower() in listed and counts[tag.lower()] == 1:
                said = _(
                    "{tag} ends the text and is in the post's hashtags, which are added at "
                    "the end anyway: keep it in one place",
                    tag=tag,
                )
                yield entry.problem(key, said, "warning")
