"""Bot API calls made directly: a JSON body over a few connection pools of httpcore (the
transport under httpx), the answer read as JSON, and every failure mapped to what the
delivery worker should do with it.

Text messages, most of what a broadcast sends, go this way. Through python-telegram-bot's
Bot, each one built and parsed a Message object, form-encoded its parameters and went
through the library's request wrapper: with httpx's own work, most of an unpaced worker's
event loop in the profile. The failures are read as python-telegram-bot reads them
(telegram/request/_baserequest.py), so the worker sees the same errors either way: a
retry_after is a 429 whatever the status, 403 is a blocked chat, a 400 saying "chat not
found" is a chat that is gone, any other 400 a message refused, and everything else
(401, 404, 409, 5xx, a timeout, a broken connection, an unreadable answer) is worth
trying again later.

The pools are httpcore's, under httpx's client: the client's layers (auth, redirects,
cookies, its Request and Response models) took a quarter of the CPU of each call, for
nothing a Bot API call uses (1.97-2.05 ms against 1.51 ms of CPU per call, 3,000 calls,
64 in flight, against the fake). A proxy in the environment (HTTPS_PROXY, NO_PROXY …)
is honoured as httpx would.
"""

from __future__ import annotations

import itertools
import json
import math
import urllib.request
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from bot.channels.base import DeliveryError, RateLimited, Rejected, Temporary, Unreachable

# Prefixes python-telegram-bot takes off a description (TelegramError.__init__), so the
# errors recorded read the same as before.
_PREFIXES = ("Error: ", "[Error]: ", "Bad Request: ")
_JSON = [(b"content-type", b"application/json")]


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
    """`calls` in flight at once over ceil(calls / pool_size) connection pools, taken in
    turn: one pool of 64 connections stalled near 250 calls/s on the 2-core machine where
    several smaller pools reached 750-915."""

    def __init__(
        self, *, token: str, api_url: str, calls: int, pool_size: int, timeout: float
    ) -> None:
        pools = max(1, math.ceil(calls / pool_size))
        per_pool = math.ceil(calls / pools)
        self._base = f"{api_url}/bot{token}/"
        self._timeouts = {"timeout": dict.fromkeys(("connect", "read", "write", "pool"), timeout)}
        ssl_context = httpx.create_ssl_context() if api_url.startswith("https:") else None
        proxy = _proxy(api_url)
        self._pools = [
            httpcore.AsyncConnectionPool(
                ssl_context=ssl_context,
                proxy=proxy,
                max_connections=per_pool,
                max_keepalive_connections=per_pool,
                keepalive_expiry=5.0,  # httpx's default
            )
            for _ in range(pools)
        ]
        self._turn = itertools.cycle(self._pools)

    @property
    def clients(self) -> int:
        return len(self._pools)

    async def call(self, method: str, parameters: dict[str, Any]) -> Any:
        """The call's result; a DeliveryError when it did not go through."""
        body = json.dumps(parameters, ensure_ascii=False, separators=(",", ":")).encode()
        try:
            response = await next(self._turn).request(
                "POST", self._base + method, headers=_JSON, content=body, extensions=self._timeouts
            )
        except httpcore.TimeoutException as exc:
            raise Temporary(f"telegram: TimedOut: {exc or 'Timed out'}") from exc
        except (
            httpcore.NetworkError,
            httpcore.ProtocolError,
            httpcore.ProxyError,
            httpcore.UnsupportedProtocol,
            OSError,
        ) as exc:
            raise Temporary(
                f"telegram: NetworkError: httpcore.{type(exc).__name__}: {exc}"
            ) from exc
        try:
            answer = json.loads(response.content)
        except ValueError as exc:
            raise Temporary(f"telegram: Invalid server response ({response.status})") from exc
        if 200 <= response.status <= 299 and isinstance(answer, dict) and answer.get("ok"):
            return answer.get("result")
        raise failure(response.status, answer)

    async def close(self) -> None:
        for pool in self._pools:
            await pool.aclose()


def _proxy(api_url: str) -> httpcore.Proxy | None:
    """The proxy the environment names for the Bot API's address, if any."""
    parts = urlsplit(api_url)
    proxies = urllib.request.getproxies()
    url = proxies.get(parts.scheme) or proxies.get("all")
    if not url or urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return httpcore.Proxy(url)
