"""Files the fake Bot API holds (what users sent, what the bot uploaded) and how the real
API hands them out: getFile gives a File with a ``file_path`` ("voice/file_3.oga"), and
``GET /file/bot<token>/<file_path>`` gives the bytes. Used under the FakeTelegram lock.
"""

from __future__ import annotations

import itertools
from typing import Any

from tests.fakes import telegram_protocol as proto

# Where the real Bot API puts each kind of file, and the extension it gives it.
FOLDERS = {
    "photo": ("photos", "jpg"),
    "voice": ("voice", "oga"),
    "audio": ("music", "mp3"),
    "video": ("videos", "mp4"),
    "video_note": ("video_notes", "mp4"),
    "animation": ("animations", "mp4"),
    "sticker": ("stickers", "webp"),
    "document": ("documents", "bin"),
}
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # getFile refuses bigger files to bots


class FileStore:
    def __init__(self) -> None:
        self._data: dict[str, bytes] = {}
        self._kinds: dict[str, str] = {}
        self._paths: dict[str, str] = {}  # file_id → file_path, once getFile was called
        self._by_path: dict[str, str] = {}
        self._numbers = itertools.count()

    def keep(self, file_id: str, kind: str, data: bytes) -> None:
        self._data[file_id] = data
        self._kinds[file_id] = kind

    def get_file(self, file: dict[str, Any]) -> dict[str, Any]:
        """getFile's result for a known file (its dict as a message carries it)."""
        file_id = str(file["file_id"])
        data = self._data.get(file_id)
        size = len(data) if data is not None else int(file.get("file_size") or 0)
        if size > DOWNLOAD_LIMIT:
            raise proto.bad_request("file is too big")
        result = {"file_id": file_id, "file_unique_id": file["file_unique_id"], "file_size": size}
        if data is None:  # a file the fake never saw the bytes of: no path to download
            return result
        if file_id not in self._paths:
            folder, extension = FOLDERS.get(self._kinds[file_id], ("documents", "bin"))
            path = f"{folder}/file_{next(self._numbers)}.{extension}"
            self._paths[file_id] = path
            self._by_path[path] = file_id
        return {**result, "file_path": self._paths[file_id]}

    def download(self, path: str) -> bytes | None:
        file_id = self._by_path.get(path)
        return self._data.get(file_id) if file_id is not None else None
