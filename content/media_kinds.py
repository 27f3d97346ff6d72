"""What a campaign file is sent as, from its extension: a leaf the conversation may import
without the campaign loaders (and PyYAML) coming with it."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

MediaKind = Literal["photo", "voice", "video", "document"]
MEDIA_KINDS: dict[str, MediaKind] = {
    **dict.fromkeys((".jpg", ".jpeg", ".png"), "photo"),
    **dict.fromkeys((".ogg", ".oga", ".opus", ".mp3", ".m4a", ".amr"), "voice"),
    **dict.fromkeys((".mp4", ".3gp"), "video"),
    ".pdf": "document",
}


def media_kind(path: str | Path) -> MediaKind:
    """What a campaign file is sent as (audio goes as a voice note); ValueError if none."""
    kind = MEDIA_KINDS.get(Path(path).suffix.lower())
    if kind is None:
        raise ValueError(f"not a campaign media type: {path}")
    return kind
