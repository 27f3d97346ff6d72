"""Bot API calls made directly: a JSON body over one aiohttp connection pool, the answer
read as JSON, and every failure mapped to what the delivery worker should do with it.

Text messages, most of what a broadcast sends, go this way. Through python-telegram-bot's
Bot, each one built and parsed a Message object, form-encoded its parameters and went
through the library's request wrapper: with httpx's own work, most of an unpaced worker's
event loop in the profile. The failures are read as python-telegram-bot reads them
(telegram/request/_baserequest.py), so the worker sees the same errors either way: a
retry_after is a 429 whatever the status, 403 is a blocked chat, a 400 saying "chat not
found" is a chat that is gone, any other 400 a message refused, and everything else
(401, 404, 409, 5xx, a timeout, a broken connection, an unreadable answer) is worth
trying again later.

Why aiohttp (already installed: twilio's own async client is built on it): a call cost
0.22-0.23 ms of CPU through it against 1.6-1.9 ms through httpcore's pools (httpx's
transport, whose locks, cancel scopes and per-request connection checks go through anyio),
3,000 calls, 64 in flight, against the fake in a process of its own; and one pool of 64
connections kept 3,000 calls/s where one httpx pool of 64 stalled near 250. A proxy in
the environment (HTTPS_PROXY, NO_PROXY …) is honoured, read once (aiohttp's trust_env
reads the environment again for every request: 3 % of an unpaced worker's CPU).
"""

from __future__ import annotations

import asyncio
import json
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from bot.channels.base import DeliveryError, RateLimited, Rejected, Temporary, Unreachable

# Prefixes python-telegram-bot takes off a description (TelegramError.__init__), so the
# errors recorded read the same as before.
_PREFIXES = ("Error: ", "[Error]: ", "Bad Request: ")
_JSON = {"Content-Type": "application/json"}


def describe(description: str) -> str:
    """A Bot API description as python-telegram-bot words it."""
    text = description
    for prefix in _PREFIXES:
        text = text.removeprefix(prefix)
    return text[:1].upper() + text[1:] if text != description else text


def failure(status: int, body: object) -> DeliveryError:
    """What a refused call means for the delivery, from its HTTP status and its body."""
    answer = body if isinstance(body, dict) else {}
    message = describe(str(answer.get("description") or "Unknown HTTPError"))
    parameters = answer.get("parameters")
    if isinstance(parameters, dict):
        retry_after = parameters.get("retry_after")
        if retry_after is not None:
            wait = float(retry_after)
            return RateLimited(wait, "telegram 429", code="429", per_destination=True)
        if parameters.get("migrate_to_chat_id") is not None:
            return Temporary(f"telegram: ChatMigrated: {message}")
    if status == 403:
        return Unreachable(f"telegram 403: {message}", code="403")
    if status == 400:
        if "chat not found" in message.lower():
            return Unreachable(f"telegram 400: {message}", code="400")
        return Rejected(f"telegram 400: {message}", code="400")
    if status in (401, 404):
        return Temporary(f"telegram: InvalidToken: {message}")
    if status == 502:
        return Temporary("telegram: NetworkError: Bad Gateway")
    return Temporary(f"telegram: NetworkError: {message} ({status})")


class BotApi:
    """Up to `calls` calls in flight over one connection pool, opened on the first call in
    the running event loop (a pool belongs to one loop)."""

    def __init__(self, *, token: str, api_url: str, calls: int, timeout: float) -> None:
        self._base = f"{api_url}/bot{token}/"
        self._calls = calls
        # Connecting (and waiting for a free connection) and each read: `timeout` at most.
        self._timeout = aiohttp.ClientTimeout(
            total=None, connect=timeout, sock_connect=timeout, sock_read=timeout
        )
        self._proxy = _proxy(api_url)
        self._session: aiohttp.ClientSession | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def _pool(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        if self._session is None or self._loop is not loop or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._calls, keepalive_timeout=5.0)
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=self._timeout, proxy=self._proxy
            )
            self._loop = loop
        return self._session

    async def call(self, method: str, parameters: dict[str, Any]) -> Any:
        """The call's result; a DeliveryError when it did not go through."""
        body = json.dumps(parameters, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            async with self._pool().post(self._base + method, data=body, headers=_JSON) as got:
                status, content = got.status, await got.read()
        except TimeoutError as exc:
            raise Temporary(f"telegram: TimedOut: {exc or 'Timed out'}") from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise Temporary(f"telegram: NetworkError: aiohttp.{type(exc).__name__}: {exc}") from exc
        try:
            answer = json.loads(content)
        except ValueError as exc:
            raise Temporary(f"telegram: Invalid server response ({status})") from exc
        if 200 <= status <= 299 and isinstance(answer, dict) and answer.get("ok"):
            return answer.get("result")
        raise failure(status, answer)

    async def close(self) -> None:
        if self._session is not None and self._loop is asyncio.get_running_loop():
            await self._session.close()
        self._session = None


def _proxy(api_url: str) -> str | None:
    """The proxy the environment names for the Bot API's address, if any."""
    parts = urlsplit(api_url)
    proxies = urllib.request.getproxies()
    url = proxies.get(parts.scheme) or proxies.get("all")
    if not url or urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return url
