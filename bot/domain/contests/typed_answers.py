"""Read a typed answer to a multiple-choice question, however a phone sends it.

"2", "2.", "B", "b)", the choice's own words, and numbers written as words in French or
Bambara all mean the same choice; anything else is no answer (the caller gives a hint).
"""

from __future__ import annotations

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
