"""POST /webhooks/telegram: verify, store once, converse, commit, then answer 200 (under
a burst the conversation follows the 200: bot/web/backlog.py).

Nothing here calls Telegram: replies wait in the outbox for the delivery worker. Every
body with the right secret and an update_id is stored and acknowledged, understood or
not; what is not JSON, nests absurdly deep or has no update_id gets 400, which Telegram
does not retry.
"""

from __future__ import annotations

import hmac
import json
import logging
import math

from fastapi import APIRouter, HTTPException, Request, Response, status

from bot.channels.telegram.updates import CHANNEL, UpdateError, parse_update
from bot.web.services import Services
from bot.web.webhooks.body import read_limited
from bot.web.webhooks.plain import plain
from bot.web.webhooks.route import webhook

logger = logging.getLogger(__name__)
router = APIRouter()
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


def _check_secret(request: Request, services: Services) -> None:
    secret = services.settings.telegram_secret
    if services.settings.telegram_token is None or secret is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Telegram is not configured")
    given = request.headers.get(SECRET_HEADER, "")
    if not hmac.compare_digest(given.encode(), secret.get_secret_value().encode()):
        logger.warning("Telegram webhook refused: wrong or missing secret token")
        raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong or missing secret token")


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    """A JSON number; one that overflows a float is not stored (PostgreSQL's JSON cannot)."""
    number = float(text)
    if math.isinf(number):
        raise ValueError("a number out of range")
    return number


@webhook(router, "/webhooks/telegram")
async def telegram_webhook(request: Request, services: Services) -> Response:
    """Takes one update from Telegram; answers 200 only once it is committed."""
    _check_secret(request, services)
    body = await read_limited(request)
    try:
        data = plain(json.loads(body, parse_constant=_no_constant, parse_float=_finite))
        parsed = parse_update(data)
    except (ValueError, UpdateError, RecursionError) as exc:
        # ValueError covers a body that is not UTF-8 JSON and one nested too deep.
        detail = str(exc) if isinstance(exc, UpdateError) else "not a Telegram Update"
        raise HTTPException(status.HTTP_400_BAD_REQUEST, detail) from exc
    await services.backlog.take(
        channel=CHANNEL,
        platform_message_id=str(parsed.update_id),
        inbound=parsed.inbound,
        raw=data,
        acknowledgement=parsed.acknowledgement,
    )
    return Response(status_code=status.HTTP_200_OK)
