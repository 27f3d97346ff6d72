"""What a webhook body may hold once it is past its signature: strings every database
stores the same way, and no nesting deeper than a real update.

PostgreSQL refuses a NUL character in text and JSON and psycopg refuses a lone
surrogate, where SQLite takes both: both are dropped here, so a body is stored alike on
either database (a lone surrogate becomes U+FFFD).
"""

from __future__ import annotations

from typing import Any

MAX_DEPTH = 64  # Telegram's deepest update (a reply quoting a pinned message) is ~10


class TooDeep(ValueError):
    """A body nested deeper than any platform sends."""


def plain_text(text: str) -> str:
    if "\x00" in text:
        text = text.replace("\x00", "")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return text


def plain(value: Any, depth: int = 0) -> Any:
    """A copy of decoded JSON (or a form) with plain strings; TooDeep past MAX_DEPTH."""
    if depth > MAX_DEPTH:
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        return plain_text(value)
    if isinstance(value, dict):
        return {plain_text(str(key)): plain(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item, depth + 1) for item in value]
    return value
