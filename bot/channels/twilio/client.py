"""One Twilio REST client for the process, shared by the WhatsApp and SMS channels.

twilio-python is synchronous: each create runs in a worker thread, so the event loop that
also serves webhooks never waits on Twilio. Its REST base comes from
RELAIS_TWILIO_API_URL, so a loopback fake can stand in. Refusals become the worker's
failure kinds, by Twilio's error codes (errors.py).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.channels.base import (
    DeliveryError,
    RateLimited,
    Rejected,
    Temporary,
    Unreachable,
    WaitsForRelay,
)
from bot.channels.twilio.errors import (
    DEFAULT_RETRY_AFTER,
    SLOW_DOWN_CODES,
    UNREACHABLE_CODES,
    WAITS_FOR_RELAY_CODES,
)
from bot.settings import Settings

DEFAULT_API_URL = "https://api.twilio.com"


class _RecordingHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Keeps each thread's last response: a 429's Retry-After is only in its headers."""

    def __init__(self, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self.local = threading.local()

    def request(self, *args: Any, **kwargs: Any) -> Response:
        response = super().request(*args, **kwargs)
        self.local.response = response
        return response


def _retry_after(client: _RecordingHttpClient) -> float:
    response: Response | None = getattr(client.local, "response", None)
    headers = response.headers if response is not None and response.headers else {}
    value = next((v for k, v in dict(headers).items() if k.lower() == "retry-after"), None)
    try:
        return max(1.0, float(value)) if value is not None else DEFAULT_RETRY_AFTER
    except ValueError:
        return DEFAULT_RETRY_AFTER


class TwilioClient:
    """Creates Messages; maps Twilio's refusals to what the worker should do."""

    def __init__(self, settings: Settings) -> None:
        if settings.twilio_account_sid is None or settings.twilio_auth_token is None:
            raise ValueError("Twilio is not configured")
        logging.getLogger("twilio").setLevel(logging.WARNING)  # it logs numbers and bodies
        self.status_callback = f"{settings.public_url}/webhooks/twilio/status"
        self._http = _RecordingHttpClient(timeout=20)
        self._client = Client(
            settings.twilio_account_sid,
            settings.twilio_auth_token.get_secret_value(),
            http_client=self._http,
        )
        self._client.api.base_url = settings.twilio_api_url
        if settings.twilio_api_url != DEFAULT_API_URL:
            # TWILIO_REGION / TWILIO_EDGE rewrite the host; a local stand-in has none.
            self._client.region = self._client.edge = None

    async def create(self, params: dict[str, Any]) -> str:
        """Create one Message; its SID, or the DeliveryError that says what to do."""
        try:
            message = await asyncio.to_thread(self._client.messages.create, **params)
        except TwilioRestException as exc:
            raise self._classify(exc) from exc
        except TwilioException as exc:
            raise Temporary(f"twilio: {exc}") from exc
        except OSError as exc:  # connection refused, reset, timeout
            raise Temporary(f"twilio: {exc.__class__.__name__}") from exc
        return str(message.sid)

    def _classify(self, exc: TwilioRestException) -> DeliveryError:
        code = int(exc.code) if exc.code else None
        status = int(exc.status)
        label = f"twilio {status}/{code}: {exc.msg}"
        if code in UNREACHABLE_CODES:
            return Unreachable(label, code=str(code))
        if code in WAITS_FOR_RELAY_CODES:
            return WaitsForRelay(label, code=str(code))
        if status == 429 or code in SLOW_DOWN_CODES:
            return RateLimited(_retry_after(self._http), label, code=str(code), slow_down=True)
        if status >= 500:
            return Temporary(label, code=str(code))
        return Rejected(label, code=str(code))

    def close(self) -> None:
        session = getattr(self._http, "session", None)
        if session is not None:
            session.close()
