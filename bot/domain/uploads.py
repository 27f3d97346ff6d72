"""Voice notes organisers upload from the dashboard: checked, stored once by content, and
sent like campaign media.

A stored file's reference is "_uploads/<digest>.<ext>" (a campaign slug never starts
with "_"), so a MediaRef(path=…) carries it to every channel the way it carries campaign
files: Twilio fetches it from /media/, Telegram uploads it once and then sends its file_id.
The file is named by its content's SHA-256: not guessable, and the same note is kept once.

The kind is read from the file's first bytes, not from what the browser says it is: only
formats both WhatsApp and Telegram play as a voice note or audio are taken.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bot.i18n import Text, _
from content.validation_media import MB, MEDIA_LIMIT

UPLOADS = "_uploads"
MAX_BYTES = MEDIA_LIMIT  # WhatsApp's limit for audio, counted as Twilio does
_NAME = re.compile(r"[0-9a-f]{32}\.(ogg|mp3|m4a|amr)")


@dataclass(frozen=True)
class AudioFormat:
    extension: str
    content_type: str


OGG = AudioFormat("ogg", "audio/ogg")
MP3 = AudioFormat("mp3", "audio/mpeg")
M4A = AudioFormat("m4a", "audio/mp4")
AMR = AudioFormat("amr", "audio/amr")
BY_EXTENSION = {fmt.extension: fmt for fmt in (OGG, MP3, M4A, AMR)}


class UploadRefused(ValueError):
    """A file that cannot be a voice note: `reason` is "empty", "too_big" or "format"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def sniff(data: bytes) -> AudioFormat | None:
    """The audio format the bytes are in, if one we can send."""
    if data.startswith(b"OggS"):
        return OGG
    if data.startswith(b"ID3") or (len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0):
        return MP3
    if data[4:8] == b"ftyp":
        return M4A
    if data.startswith(b"#!AMR"):
        return AMR
    return None


def store(*, folder: Path, data: bytes) -> str:
    """Keep an uploaded voice note; its reference. UploadRefused when it cannot be one."""
    if not data:
        raise UploadRefused("empty")
    if len(data) > MAX_BYTES:
        raise UploadRefused("too_big")
    found = sniff(data)
    if found is None:
        raise UploadRefused("format")
    name = f"{hashlib.sha256(data).hexdigest()[:32]}.{found.extension}"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    if not target.exists():
        # Written aside then renamed: a sender never reads half a file.
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-")
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        Path(temporary).replace(target)
    return f"{UPLOADS}/{name}"


REFUSALS: dict[str, Text] = {
    "empty": _("The voice note file is empty."),
    "too_big": _("The voice note is too large: {limit} MB at most.", limit=MAX_BYTES // MB),
    "format": _("This file is not a voice note Relais can send: use OGG, MP3, M4A or AMR."),
}


def store_voice(*, folder: Path, data: bytes) -> dict[str, str]:
    """A broadcast's voice note, kept as any upload: the media the broadcast stores."""
    return {"kind": "voice", "path": store(folder=folder, data=data)}


def is_upload(reference: str) -> bool:
    return reference.startswith(f"{UPLOADS}/")


def uploaded_file(*, folder: Path | None, reference: str) -> Path | None:
    """The stored file a reference names, or None (no such file, or not a name we give)."""
    name = reference.removeprefix(f"{UPLOADS}/")
    if folder is None or not is_upload(reference) or not _NAME.fullmatch(name):
        return None
    path = folder / name
    return path if path.is_file() else None


def content_type(path: Path) -> str:
    found = BY_EXTENSION.get(path.suffix.removeprefix("."))
    return found.content_type if found else "application/octet-stream"
