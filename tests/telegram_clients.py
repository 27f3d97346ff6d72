"""How the fake Telegram's own tests talk to it: python-telegram-bot's Bot, and raw HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from tests.fakes.telegram import FakeTelegram

T = TypeVar("T")


def with_bot(telegram: FakeTelegram, use: Callable[[Bot], Awaitable[T]], token: str = "") -> T:
    """Run ``use`` with an initialised PTB bot pointed at the fake."""

    async def main() -> T:
        async with Bot(token or telegram.token, base_url=telegram.api_url + "/bot") as bot:
            return await use(bot)

    return asyncio.run(main())


def post(telegram: FakeTelegram, method: str, token: str = "", **kwargs: Any) -> httpx.Response:
    return httpx.post(
        f"{telegram.api_url}/bot{token or telegram.token}/{method}", timeout=10, **kwargs
    )


def keyboard(*buttons: InlineKeyboardButton) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([list(buttons)])
