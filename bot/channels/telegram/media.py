"""Campaign files on Telegram: checked against their campaign once, uploaded once, then
sent by the file_id Telegram gave them.

The campaign was checked when it was loaded; here a reference is resolved (a database
look-up) the first time this process sends it, and the file's digest is kept while its
size and time do not change. While a file's first upload is under way, other sends of
the same file wait for it rather than upload it again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import IO

from telegram import Message as TelegramMessage

from bot.channels.base import Rejected
from bot.domain.media_library import MediaLibrary, MediaNotFound

Sending = Callable[[str | IO[bytes]], Awaitable[TelegramMessage]]


def file_id_of(message: TelegramMessage) -> str | None:
    """What Telegram calls the file it just received, to send it again without uploading."""
    if message.photo:
        return message.photo[-1].file_id
    for item in (message.voice, message.video, message.audio, message.document):
        if item is not None:
            return item.file_id
    return None


class CampaignFiles:
    def __init__(self, channel: str, library: MediaLibrary | None) -> None:
        self._channel = channel
        self._library = library
        self._paths: dict[str, Path] = {}  # reference → its file, checked once
        self._file_ids: dict[str, str] = {}  # sha256 → the platform's file id
        self._uploads: dict[str, asyncio.Lock] = {}  # sha256 → its first upload

    async def send(self, reference: str, send: Sending) -> TelegramMessage:
        """Send a campaign file with `send`, by file_id when Telegram has it already."""
        library = self._library
        if library is None:
            raise Rejected("campaign media cannot be sent: no media library")
        sha256 = await self._digest(library, reference)
        if (known := self._file_ids.get(sha256)) is not None:
            return await send(known)
        async with self._uploads.setdefault(sha256, asyncio.Lock()):
            known = self._file_ids.get(sha256) or await asyncio.to_thread(
                library.file_id, self._channel, sha256
            )
            if known is not None:
                self._file_ids[sha256] = known
                return await send(known)
            with self._paths[reference].open("rb") as handle:
                message = await send(handle)
            if (file_id := file_id_of(message)) is not None:
                await asyncio.to_thread(library.remember, self._channel, sha256, file_id)
                self._file_ids[sha256] = file_id
            return message

    async def _digest(self, library: MediaLibrary, reference: str) -> str:
        path = self._paths.get(reference)
        try:
            if path is None:
                path = await asyncio.to_thread(library.resolve, reference)
                self._paths[reference] = path
            if (known := library.known_digest(path)) is not None:
                return known
            return await asyncio.to_thread(library.digest, path)
        except (MediaNotFound, OSError) as exc:
            self._paths.pop(reference, None)
            raise Rejected(f"campaign media missing: {reference}") from exc
