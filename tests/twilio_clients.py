"""How the fake Twilio's own tests talk to it: twilio-python Clients, raw HTTP with Basic
auth, and a small application receiving its status callbacks; and the addresses they use."""

from __future__ import annotations

import base64
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from tests.fakes.server import LoopbackServer
from tests.fakes.twilio import FakeTwilio

WA_BOT = "whatsapp:+22370000000"
WA_USER = "whatsapp:+22370000001"
SMS_BOT = "+22370000000"
SMS_USER = "+22370000001"
CONTENT_SID = "HX" + "ab" * 16
VALID: dict[str, Any] = {"to": SMS_USER, "from_": SMS_BOT, "body": "I ni ce"}
GSM_161 = ("Bonjour Awa, la réunion est à 18h au siège. " * 4)[:161]  # GSM-7: two SMS
ClientFactory = Callable[..., Any]


def auth(twilio: FakeTwilio, token: str = "") -> dict[str, str]:
    pair = f"{twilio.account_sid}:{token or twilio.auth_token}".encode()
    return {"Authorization": "Basic " + base64.b64encode(pair).decode()}


def messages_url(twilio: FakeTwilio) -> str:
    return f"{twilio.api_url}/2010-04-01/Accounts/{twilio.account_sid}/Messages.json"


class Receiver:
    """A small application on 127.0.0.1 recording the forms posted to it."""

    def __init__(self) -> None:
        self._requests: list[tuple[str, dict[str, str], dict[str, str]]] = []
        self._lock = threading.Lock()
        self._loopback = LoopbackServer("callback-receiver")
        self._app = Starlette(routes=[Route("/{path:path}", self._record, methods=["POST"])])

    @property
    def base(self) -> str:
        return self._loopback.url

    async def _record(self, request: Request) -> PlainTextResponse:
        form = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        with self._lock:
            self._requests.append((str(request.url), dict(request.headers), form))
        return PlainTextResponse("", status_code=204)

    def received(self) -> list[tuple[str, dict[str, str], dict[str, str]]]:
        with self._lock:
            return list(self._requests)

    def __enter__(self) -> Receiver:
        self._loopback.start(self._app)
        return self

    def __exit__(self, *exc: object) -> None:
        self._loopback.stop()
