"""A loopback fake of the Telegram Bot API, for tests.

``FakeTelegram`` serves ``/bot{token}/{method}`` on 127.0.0.1 from a background
thread and answers like the real API: same status codes, same error
descriptions where they are known, results shaped so python-telegram-bot
parses them. Every accepted call is recorded; refused ones are recorded apart,
so a test can assert that the product never makes a call Telegram would refuse.

    with FakeTelegram() as tg:
        settings.telegram_api_url = tg.api_url   # the bot calls {api_url}/bot{token}/...
        ...
        [call] = tg.wait_for(method="sendMessage")
        assert call.params["reply_markup"]["inline_keyboard"]

The request rules (method table, body decoding, validation) are in
``telegram_protocol.py``, the chats' state (messages, files, webhook) in
``telegram_state.py``; this module holds the server, the scripted behaviour
(injected failures, blocked and unknown chats, rate limits) and the recordings.
The token is never logged (uvicorn's access log, which shows paths, is off).
"""

from __future__ import annotations

import asyncio
import copy
import logging
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes import telegram_protocol as proto
from tests.fakes.server import LoopbackFake, short
from tests.fakes.telegram_chaos import Chaos
from tests.fakes.telegram_protocol import ApiError, MethodSpec, UploadedFile
from tests.fakes.telegram_state import BotState, Bucket
from tests.waiting import eventually

__all__ = ["Call", "FakeTelegram", "Refused", "UploadedFile"]

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"\d+:[\w-]+")
# Methods that post into a chat: subject to block() and to the rate limits.
_SEND_PREFIXES = ("send", "forward", "copy")


@dataclass(frozen=True)
class Call:
    """An accepted call. ``params`` are decoded (numbers, booleans, JSON objects);
    uploaded files are ``UploadedFile``. ``at`` is ``time.monotonic()``."""

    method: str
    params: dict[str, Any]
    at: float


@dataclass(frozen=True)
class Refused:
    """A call answered with an error. ``injected`` is true when the test asked for the
    error (fail_next, block, forget_chat) rather than the request being wrong or too fast."""

    method: str
    params: dict[str, Any]
    status: int
    description: str
    at: float
    injected: bool = False


@dataclass
class _Failure:
    status: int
    description: str
    retry_after: int | None
    remaining: int


class FakeTelegram(LoopbackFake[Refused]):
    """The fake Bot API server. Use as a context manager, or call start() and stop();
    PTB: ``Bot(token, base_url=api_url + "/bot")``."""

    BOT_FIRST_NAME = "Relais (test)"
    BOT_USERNAME = "relais_test_bot"

    def __init__(
        self,
        token: str = "123456:TEST-token",  # noqa: S107 - a fake token
        *,
        per_chat_per_second: float | None = None,
        global_per_second: float | None = None,
        chaos: Chaos | None = None,
    ) -> None:
        if not _TOKEN.fullmatch(token):
            raise ValueError("a bot token looks like '<digits>:<letters, digits, _ or ->'")
        self.token = token
        self.chaos = chaos  # injected 5xx, stalls and 429 (telegram_chaos.py), if any
        self.bot_id = int(token.split(":", 1)[0])
        self._per_chat_rate = per_chat_per_second
        self._global = Bucket(global_per_second) if global_per_second else None
        self._chat_buckets: dict[int, Bucket] = {}
        self._methods = proto.methods()
        self._calls: list[Call] = []
        self._failures: dict[str, list[_Failure]] = defaultdict(list)
        self._blocked: set[int] = set()
        self._forgotten: set[int] = set()
        super().__init__(
            "fake-telegram",
            [
                Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"]),
                Route("/file/bot{token}/{path:path}", self._file_endpoint, methods=["GET"]),
                Route("/{path:path}", self._not_found, methods=["GET", "POST"]),
            ],
        )
        self._state = BotState(self.bot_user)

    @property
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.BOT_FIRST_NAME,
            "username": self.BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    # ---------------------------------------------------------------- recordings, for tests

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        name = self._spec(method).name
        return [call for call in self.calls if call.method == name]

    def messages(self, chat_id: int) -> list[dict[str, Any]]:
        """Messages the bot sent to a chat and did not delete, as they are now (after edits)."""
        with self._lock:
            return copy.deepcopy(list(self._state.messages[chat_id].values()))

    def wait_for(
        self,
        predicate: Callable[[Call], bool] | None = None,
        *,
        method: str | None = None,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[Call]:
        """Block until ``count`` accepted calls match; return all the matching ones."""
        name = self._spec(method).name if method else None
        wanted = f"{count} call(s) to {name or 'any method'}"
        return self._wait(self._calls, predicate, wanted, count, timeout, method=name)

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Block until no client is connected and no request is being handled: once a
        killed client's connections are closed, all it had sent has been answered."""
        awaiting = "no client connected to the fake Telegram"
        eventually(lambda: self._loopback.idle, awaiting=awaiting, timeout=timeout)

    def summary(self, last: int = 20) -> str:
        with self._lock:
            calls, refused = list(self._calls), list(self._refused)
        lines = [f"accepted calls: {len(calls)}"]
        lines += [f"  {c.method} {short(c.params, 200)}" for c in calls[-last:]]
        lines.append(f"refused calls: {len(refused)}")
        lines += [
            f"  {r.method} -> {r.status} {r.description!r} {short(r.params, 200)}"
            for r in refused[-last:]
        ]
        return "\n".join(lines)

    def user_file(self, kind: str, data: bytes, mime_type: str | None = None) -> dict[str, Any]:
        """A file a user sends (``kind``: voice, photo, video…): the dict to put in an
        update's message; getFile and the file route then give its bytes back."""
        with self._lock:
            return self._state.user_file(kind, data, mime_type)

    def clear(self) -> None:
        """Forget the recorded calls (accepted and refused); chats and messages stay."""
        with self._lock:
            self._calls.clear()
            self._refused.clear()

    # ----------------------------------------------------------------- scripted behaviour

    def fail_next(
        self,
        method: str,
        *,
        status: int,
        description: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` answer this error."""
        if status == 429 and retry_after is None:
            retry_after = 1
        text = description or proto.default_description(status, retry_after)
        with self._lock:
            self._failures[self._spec(method).name].append(
                _Failure(status, text, retry_after, times)
            )

    def block(self, chat_id: int) -> None:
        """The user blocked the bot: sends to the chat answer 403 until unblock()."""
        with self._lock:
            self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        with self._lock:
            self._blocked.discard(chat_id)

    def forget_chat(self, chat_id: int) -> None:
        """Calls naming this chat answer 400 "Bad Request: chat not found"."""
        with self._lock:
            self._forgotten.add(chat_id)

    # ----------------------------------------------------------------------------- HTTP

    def _spec(self, method: str) -> MethodSpec:
        spec = self._methods.get(method.lower())
        if spec is None:
            raise ValueError(f"{method!r} is not a Bot API method")
        return spec

    async def _endpoint(self, request: Request) -> JSONResponse:
        token, method = request.path_params["token"], request.path_params["method"]
        params: dict[str, Any] = {}
        try:
            if token != self.token:
                # The real API: 404 for a malformed token, 401 for a wrong one.
                raise ApiError(401, "Unauthorized") if _TOKEN.fullmatch(token) else _not_found()
            spec = self._methods.get(method.lower())
            if spec is None:
                raise _not_found()
            method = spec.name
            params = proto.parse_body(
                request.headers.get("content-type", ""), await request.body(), request.url.query
            )
            params = proto.decode_params(spec, params)
            if self.chaos is not None and method.startswith(_SEND_PREFIXES):
                await self.chaos.strike(params)
            result, description = self._handle(spec, params)
            if self.chaos is not None and method.startswith(_SEND_PREFIXES):
                self.chaos.sent(params.get("chat_id", 0), time.monotonic())
        except Exception as exc:
            err = exc if isinstance(exc, ApiError) else ApiError(500, "Internal Server Error")
            if not isinstance(exc, ApiError):
                log.exception("fake Telegram failed on %s", method)
            refused = Refused(
                method, params, err.status, err.description, time.monotonic(), err.injected
            )
            self._record(self._refused, refused)
            log.debug("fake Telegram refused %s: %s %s", method, err.status, err.description)
            return JSONResponse(err.body(), status_code=err.status)
        if method == "getUpdates" and isinstance(params.get("timeout"), int) and params["timeout"]:
            await asyncio.sleep(min(params["timeout"], 0.5))  # long polling, kept short
        body: dict[str, Any] = {"ok": True, "result": result}
        if description:
            body["description"] = description
        return JSONResponse(body)

    async def _file_endpoint(self, request: Request) -> Response:
        """A file's bytes at the file_path getFile gave, as api.telegram.org/file/ serves."""
        if request.path_params["token"] != self.token:
            return JSONResponse(ApiError(401, "Unauthorized").body(), status_code=401)
        with self._lock:
            data = self._state.files.download(request.path_params["path"])
        if data is None:
            return await self._not_found(request)
        return Response(data, media_type="application/octet-stream")

    async def _not_found(self, request: Request) -> JSONResponse:
        return JSONResponse(_not_found().body(), status_code=404)

    # ------------------------------------------------------------------------ the calls

    def _handle(self, spec: MethodSpec, params: dict[str, Any]) -> tuple[Any, str | None]:
        with self._lock:
            self._inject(spec.name)
            proto.validate(spec, params)
            if "chat_id" in params:
                self._check_chat(spec.name, params["chat_id"])
            result, description = self._state.dispatch(spec, params)
            self._record(self._calls, Call(spec.name, params, time.monotonic()))
            log.debug("fake Telegram accepted %s", spec.name)
            return result, description

    def _inject(self, method: str) -> None:
        queue = self._failures.get(method)
        if not queue:
            return
        failure = queue[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            queue.pop(0)
        raise ApiError(
            failure.status, failure.description, retry_after=failure.retry_after, injected=True
        )

    def _check_chat(self, method: str, chat_id: object) -> None:
        if not isinstance(chat_id, int):  # @username: no public chats in the fake
            raise proto.bad_request("chat not found")
        if chat_id in self._forgotten:
            err = proto.bad_request("chat not found")
            err.injected = True
            raise err
        if not method.startswith(_SEND_PREFIXES):
            return
        if chat_id in self._blocked:
            raise ApiError(403, proto.BLOCKED, injected=True)
        now = time.monotonic()
        buckets = [self._global] if self._global else []
        if self._per_chat_rate:
            bucket = self._chat_buckets.setdefault(chat_id, Bucket(self._per_chat_rate))
            buckets.append(bucket)
        wait = max((b.wait(now) for b in buckets), default=0)
        if wait:
            raise ApiError(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        for b in buckets:
            b.tokens -= 1


def _not_found() -> ApiError:
    return ApiError(404, "Not Found")
