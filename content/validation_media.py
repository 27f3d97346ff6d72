"""Files a campaign names (media, the posts spreadsheet): inside the campaign folder, of a
type the channels take, and within their size limits."""

from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

from bot.i18n import Text, _
from content.media_kinds import MEDIA_KINDS
from content.validation_values import as_text

MB = 1_000_000  # Twilio counts in decimal megabytes: the stricter reading is the safe one
PHOTO_LIMIT, MEDIA_LIMIT = 5 * MB, 16 * MB


def outside_problem(folder: Path, relative: str) -> Text | None:
    """Why `relative` does not name a place inside `folder`, or None."""
    if relative.startswith(("/", "\\")) or PureWindowsPath(relative).drive:
        return _("absolute path refused: give a path inside the campaign folder")
    if ".." in PurePosixPath(relative.replace("\\", "/")).parts:
        return _("“..” refused: the file must be inside the campaign folder")
    root = folder.resolve()
    if not (root / relative).resolve().is_relative_to(root):
        return _("this path leads outside the campaign folder (a symbolic link?)")
    return None


def media_problem(folder: Path, value: object) -> Text | None:
    relative = as_text(value)
    if relative is None:
        return _("expected a file path (e.g. media/j01.png)")
    if refused := outside_problem(folder, relative):
        return refused
    kind = MEDIA_KINDS.get(PurePosixPath(relative).suffix.lower())
    if kind is None:
        return _(
            "unsupported file type “{path}”: pictures .jpg .png, audio .ogg .opus .mp3 .m4a"
            " .amr, video .mp4 .3gp, document .pdf",
            path=relative,
        )
    path = folder.resolve() / relative
    if not path.is_file():
        return _("file not found: {path}", path=relative)
    size, limit = path.stat().st_size, PHOTO_LIMIT if kind == "photo" else MEDIA_LIMIT
    if size <= limit:
        return None
    sizes = {"size": f"{size / MB:.1f}", "limit": limit // MB}
    if kind == "photo":
        return _("file too large ({size} MB): {limit} MB at most for a picture", **sizes)
    return _("file too large ({size} MB): {limit} MB at most for a file", **sizes)
