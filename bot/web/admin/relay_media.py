"""The bytes of a picture, voice note or video a relay sent, fetched for the inbox page.

Only the platform's reference is kept (bot/models/messages.InboundMedia), so the file is
fetched when an organiser opens it:
- Telegram: getFile gives the file's path, then {RELAIS_TELEGRAM_API_URL}/file/bot<token>/…;
- Twilio (WhatsApp, SMS): the MediaUrl with the account's basic auth; Twilio answers with a
  redirect to a short-lived address, which httpx follows without the credentials. Only
  URLs under RELAIS_TWILIO_API_URL are fetched, so the credentials go nowhere else;
- the console (the simulator): an uploaded file's reference (bot/domain/uploads.py).
Tokens are in Telegram's URLs: nothing here logs a URL.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import httpx

from bot.channels.telegram.updates import MEDIA_URL_PREFIX
from bot.domain.uploads import content_type, uploaded_file
from bot.settings import Settings

MAX_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download
TIMEOUT = httpx.Timeout(20.0, connect=5.0)
DEFAULT_TYPES = {
    "voice": "audio/ogg",
    "audio": "audio/mpeg",
    "photo": "image/jpeg",
    "video": "video/mp4",
}


class MediaUnavailable(Exception):
    """The platform does not give the file (any more), or is not configured."""


@dataclass(frozen=True)
class Fetched:
    data: bytes
    content_type: str


def _type(stored: str | None, response: httpx.Response | None, kind: str) -> str:
    header = response.headers.get("content-type", "") if response is not None else ""
    given = stored or header.split(";")[0].strip()
    if not given or given == "application/octet-stream":
        return DEFAULT_TYPES.get(kind, "application/octet-stream")
    return given


def _checked(response: httpx.Response) -> bytes:
    if response.status_code != 200:
        raise MediaUnavailable(f"HTTP {response.status_code}")
    if len(response.content) > MAX_BYTES:
        raise MediaUnavailable("too large")
    return response.content


async def _telegram(settings: Settings, client: httpx.AsyncClient, file_id: str) -> httpx.Response:
    if settings.telegram_token is None:
        raise MediaUnavailable("Telegram is off")
    token = settings.telegram_token.get_secret_value()
    base = settings.telegram_api_url
    found = await client.get(f"{base}/bot{token}/getFile", params={"file_id": file_id})
    result = found.json().get("result") if found.status_code == 200 else None
    path = result.get("file_path") if isinstance(result, dict) else None
    if not isinstance(path, str) or not path:
        raise MediaUnavailable(f"getFile answered {found.status_code}")
    return await client.get(f"{base}/file/bot{token}/{path}")


async def _twilio(settings: Settings, client: httpx.AsyncClient, url: str) -> httpx.Response:
    if settings.twilio_account_sid is None or settings.twilio_auth_token is None:
        raise MediaUnavailable("Twilio is off")
    if not url.startswith(settings.twilio_api_url + "/"):
        raise MediaUnavailable("not a Twilio media URL")
    auth = (settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value())
    return await client.get(url, auth=auth, follow_redirects=True)


class _Recent:
    """The last few files fetched: a player asks for the same file several times (ranges,
    seeking), and each fetch is a call to the platform."""

    def __init__(self, size: int = 16) -> None:
        self._size = size
        self._files: OrderedDict[tuple[str, str], Fetched] = OrderedDict()

    def get(self, key: tuple[str, str]) -> Fetched | None:
        found = self._files.get(key)
        if found is not None:
            self._files.move_to_end(key)
        return found

    def put(self, key: tuple[str, str], fetched: Fetched) -> None:
        self._files[key] = fetched
        while len(self._files) > self._size:
            self._files.popitem(last=False)


_recent = _Recent()


async def fetch(
    *, settings: Settings, channel: str, url: str, kind: str, stored_type: str | None
) -> Fetched:
    """The file behind an InboundMedia row, from its platform (or from the recent ones)."""
    key = (channel, url)
    if (known := _recent.get(key)) is not None:
        return known
    fetched = await _fetch(
        settings=settings, channel=channel, url=url, kind=kind, stored_type=stored_type
    )
    _recent.put(key, fetched)
    return fetched


async def _fetch(
    *, settings: Settings, channel: str, url: str, kind: str, stored_type: str | None
) -> Fetched:
    if channel == "console":
        path = uploaded_file(folder=Path(settings.uploads_dir), reference=url)
        if path is None:
            raise MediaUnavailable("no such upload")
        return Fetched(path.read_bytes(), content_type(path))
    async with httpx.AsyncClient(timeout=TIMEOUT) as client:
        try:
            if url.startswith(MEDIA_URL_PREFIX):
                response = await _telegram(settings, client, url.removeprefix(MEDIA_URL_PREFIX))
            elif channel in ("whatsapp", "sms"):
                response = await _twilio(settings, client, url)
            else:
                raise MediaUnavailable(f"no way to fetch {channel} media")
        except (httpx.HTTPError, ValueError) as exc:
            raise MediaUnavailable(type(exc).__name__) from exc
        return Fetched(_checked(response), _type(stored_type, response, kind))
