"""Read a typed answer to a multiple-choice question, however a phone sends it.

"2", "2.", "B", "b)", the choice's own words, and numbers written as words in French or
Bambara all mean the same choice; anything else is no answer (the caller gives a hint).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence

from bot.conversation.words import fold, number
from content.model import MAX_CHOICES

LETTERS = "abcdef"

Choice = str | Mapping[str, str]  # a label, or a label per language


def _labels(choice: Choice) -> list[str]:
    return [choice] if isinstance(choice, str) else [text for text in choice.values() if text]


def read_choice(text: str, choices: Sequence[Choice]) -> int | None:
    """The index (from 0) of the choice `text` names, or None."""
    if not 2 <= len(choices) <= MAX_CHOICES:
        raise ValueError(f"a question has 2 to {MAX_CHOICES} choices")
    folded = fold(text)
    picked = number(text)
    if picked is None and len(folded) == 1 and folded in LETTERS:
        picked = LETTERS.index(folded) + 1
    if picked is not None and 1 <= picked <= len(choices):
        return picked - 1
    for index, choice in enumerate(choices):
        if folded and any(fold(label) == folded for label in _labels(choice)):
            return index
    return None


_SIMILAR = 0.8  # how close a typo must come to a choice's words to be read as an attempt
_SHORT = 4  # words: "réponse 2", "c'est la 3"; a longer text is a message, not an answer


def looks_like_answer(text: str, choices: Sequence[Choice] = ()) -> bool:
    """Whether `text` is an attempt at answering that `read_choice` could not read: a number
    or a letter out of range ("7", "g"), a choice's words misspelt or in part, a short text
    with a number in it. Anything else ("stop à la violence") is what a relay says to the
    team, not an answer, and gets no quiz hint."""
    folded = fold(text)
    words = folded.split()
    if not words:
        return False
    if len(words) == 1 and (folded.isdigit() or len(folded) == 1 or number(folded) is not None):
        return True
    if len(words) <= _SHORT and any(word.isdigit() for word in words):
        return True
    for choice in choices:
        for label in _labels(choice):
            label_words = fold(label).split()
            if all(word in label_words for word in words):
                return True
            if difflib.SequenceMatcher(None, folded, fold(label)).ratio() >= _SIMILAR:
                return True
    return False
