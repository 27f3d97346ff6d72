"""Voice notes organisers upload from the dashboard: checked (a voice format the channels
take, by its name and its first bytes; within the size limit), kept once per content under
RELAIS_UPLOADS_DIR, and named by a reference senders resolve as they do a campaign file's.

A reference is "_uploads/<sha256>.<extension>": no campaign slug starts with "_", so it is
never taken for a campaign's file. It is served and sent only while a broadcast names it.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path, PurePosixPath

from sqlalchemy import Text, cast, exists, select
from sqlalchemy.orm import Session

from bot.i18n import Text as Said
from bot.i18n import _
from bot.models import Broadcast
from content.media_kinds import MEDIA_KINDS
from content.validation_media import MB, MEDIA_LIMIT

PREFIX = "_uploads"
_NAME = re.compile(r"[0-9a-f]{64}\.[a-z0-9]{2,4}")
VOICE_EXTENSIONS = tuple(sorted(ext for ext, kind in MEDIA_KINDS.items() if kind == "voice"))


class UploadRefused(ValueError):
    """A file that cannot go out as a voice note; `reason` says why, to the organiser."""

    def __init__(self, reason: Said) -> None:
        super().__init__(reason.msgid)
        self.reason = reason


def _looks_like(extension: str, head: bytes) -> bool:
    """Whether the first bytes are those of the format the name announces."""
    if extension in (".ogg", ".oga", ".opus"):
        return head.startswith(b"OggS")
    if extension == ".mp3":
        return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] >= 0xE0)
    if extension == ".m4a":
        return head[4:8] == b"ftyp"
    if extension == ".amr":
        return head.startswith(b"#!AMR")
    return False


def check_voice(filename: str, data: bytes) -> str:
    """The file's extension once it is a voice note the channels take; UploadRefused if not."""
    extension = PurePosixPath(filename.lower()).suffix
    if extension not in VOICE_EXTENSIONS:
        raise UploadRefused(
            _("“{name}” is not a voice note: send .ogg, .opus, .mp3, .m4a or .amr", name=filename)
        )
    if not data:
        raise UploadRefused(_("“{name}” is empty", name=filename))
    if len(data) > MEDIA_LIMIT:
        sizes = {"size": f"{len(data) / MB:.1f}", "limit": MEDIA_LIMIT // MB}
        raise UploadRefused(_("file too large ({size} MB): {limit} MB at most for a file", **sizes))
    if not _looks_like(extension, data[:16]):
        raise UploadRefused(_("“{name}” is not the audio file its name says it is", name=filename))
    return extension


def store_voice(*, folder: Path, filename: str, data: bytes) -> dict[str, str]:
    """Check and keep a voice note; the media a broadcast stores ({"kind", "path"})."""
    extension = check_voice(filename, data)
    name = f"{hashlib.sha256(data).hexdigest()}{extension}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)  # whole or absent, for a worker reading it meanwhile
    return {"kind": "voice", "path": f"{PREFIX}/{name}"}


def is_upload(reference: str) -> bool:
    return reference.startswith(f"{PREFIX}/")


def uploaded_file(*, session: Session, folder: Path | None, reference: str) -> Path | None:
    """The file behind an upload reference a broadcast names, or None."""
    name = reference.removeprefix(f"{PREFIX}/")
    if folder is None or not _NAME.fullmatch(name):
        return None
    named = session.scalar(
        select(exists().where(cast(Broadcast.media, Text).contains(f'"{reference}"')))
    )
    path = folder / name
    return path if named and path.is_file() else None
