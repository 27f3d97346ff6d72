"""A loopback fake of Twilio's Messages API (WhatsApp and SMS), for tests.

``FakeTwilio`` serves the 2010-04-01 Messages create and fetch on 127.0.0.1 from a
background thread and answers like the real API: HTTP Basic auth with the account SID
and auth token, form-encoded parameters, Twilio's error codes and messages, Message
resources shaped so twilio-python parses them. Accepted creates are recorded as ``Sent``,
refused requests apart, so a test can assert that the product never makes a request
Twilio would refuse. Signed status callbacks are posted on demand (``advance``) or
automatically (``auto_callbacks``, ``fail_after_accept``).

    with FakeTwilio() as tw:
        client = Client(tw.account_sid, tw.auth_token)
        client.api.base_url = tw.api_url      # the v2010 domain builds its URLs from it
        ...
        [sent] = tw.wait_for(to="whatsapp:+22370000001")
        assert tw.advance(sent.sid, "delivered") == 200

The request rules (spec, validation) are in ``twilio_protocol.py``, the Message JSON
and SMS segments in ``twilio_message.py``, the account's state in ``twilio_state.py``,
the signed requests to the application (``signed_form``, ``inbound_params``) in
``twilio_webhooks.py``.
The auth token is never logged, nor are requests (no uvicorn access log).
"""

from __future__ import annotations

import logging
import queue
import re
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, Literal, Self

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.fakes import twilio_protocol as proto
from tests.fakes import twilio_webhooks as hooks
from tests.fakes.server import LoopbackFake, short
from tests.fakes.twilio_media import CONTENT, MEDIA, MediaStore
from tests.fakes.twilio_protocol import FormValue, TwilioError
from tests.fakes.twilio_state import AccountState, Callback, Failure, Refused, Sent, not_found
from tests.fakes.twilio_webhooks import inbound_params, signed_form

__all__ = ["Callback", "FakeTwilio", "Refused", "Sent", "inbound_params", "signed_form"]

log = logging.getLogger(__name__)

DEFAULT_ACCOUNT_SID = "AC" + "0123456789abcdef" * 2
_CREATE = re.compile(r"/2010-04-01/Accounts/(?P<account>[^/]+)/Messages\.json")
_FETCH = re.compile(r"/2010-04-01/Accounts/(?P<account>[^/]+)/Messages/(?P<sid>[^/]+)\.json")
_Job = tuple[float, str, tuple[str, ...]]


class FakeTwilio(LoopbackFake[Refused]):
    """The fake Messages API. Use as a context manager, or call start() and stop();
    twilio-python: ``client.api.base_url = api_url``."""

    def __init__(
        self,
        account_sid: str = DEFAULT_ACCOUNT_SID,
        auth_token: str = "fake-twilio-auth-token",  # noqa: S107 - a fake token
        *,
        senders: Iterable[str] | None = None,
    ) -> None:
        """``senders``: the account's From addresses (others answer 21606, or 63007 on
        WhatsApp); None accepts any well-formed From."""
        if not proto.spec().account_sid.fullmatch(account_sid):
            raise ValueError("an account SID is 'AC' and 32 hex digits")
        if not auth_token:
            raise ValueError("the auth token must not be empty")
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.auto_callbacks: list[str] = []
        """Statuses posted, in order, after each accepted create with a StatusCallback."""
        self.callback_delay = 0.02
        """Seconds before each automatic callback."""
        self._media = MediaStore()
        self._state = AccountState(account_sid, frozenset(senders) if senders is not None else None)
        self._sent: list[Sent] = []
        self._callbacks: list[Callback] = []
        self._jobs: queue.Queue[_Job | None] = queue.Queue()
        self._stopping = threading.Event()
        self._worker: threading.Thread | None = None
        methods = ["GET", "POST", "PUT", "PATCH", "DELETE"]
        super().__init__("fake-twilio", [Route("/{path:path}", self._endpoint, methods=methods)])

    def __repr__(self) -> str:  # no token in it
        return f"<FakeTwilio {self.account_sid} port={self._loopback.port or None}>"

    # ------------------------------------------------------------------------- lifecycle

    def start(self) -> Self:
        super().start()
        self._stopping.clear()
        self._jobs = queue.Queue()  # a stop() may have left its sentinel in the last one
        self._worker = threading.Thread(target=self._work, name="fake-twilio-callbacks")
        self._worker.daemon = True
        self._worker.start()
        return self

    def stop(self) -> None:
        """Stop serving; automatic callbacks not yet posted are dropped."""
        if self._worker is not None:
            self._stopping.set()
            self._jobs.put(None)
            self._worker.join(timeout=15)
            self._worker = None
        super().stop()

    # ---------------------------------------------------------------- recordings, for tests

    @property
    def sent(self) -> list[Sent]:
        with self._lock:
            return list(self._sent)

    @property
    def callbacks(self) -> list[Callback]:
        with self._lock:
            return list(self._callbacks)

    def sent_to(self, to: str) -> list[Sent]:
        return [s for s in self.sent if s.to == to]

    def message(self, sid: str) -> dict[str, Any]:
        """The Message resource as a fetch would answer it now."""
        with self._lock:
            return self._state.record(sid).resource()

    def wait_for(
        self,
        predicate: Callable[[Sent], bool] | None = None,
        *,
        to: str | None = None,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[Sent]:
        """Block until ``count`` accepted creates match; return all the matching ones."""
        wanted = f"{count} message(s) to {to or 'anyone'}"
        return self._wait(self._sent, predicate, wanted, count, timeout, to=to)

    def wait_for_callbacks(
        self,
        predicate: Callable[[Callback], bool] | None = None,
        *,
        sid: str | None = None,
        status: str | None = None,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[Callback]:
        """Block until ``count`` posted status callbacks match; return the matching ones."""
        wanted = f"{count} {status or 'status'} callback(s) of {sid or 'any message'}"
        return self._wait(
            self._callbacks, predicate, wanted, count, timeout, sid=sid, status=status
        )

    def summary(self, last: int = 20) -> str:
        with self._lock:
            sent, refused, callbacks = list(self._sent), list(self._refused), self._callbacks[:]
        lines = [f"accepted creates: {len(sent)}"]
        lines += [f"  {s.sid} to {s.to}: {short(s.body or s.content_sid)}" for s in sent[-last:]]
        lines.append(f"refused requests: {len(refused)}")
        lines += [
            f"  {r.method} {r.path} -> {r.status}/{r.code} {r.message!r} {short(r.params)}"
            for r in refused[-last:]
        ]
        lines.append(f"status callbacks: {len(callbacks)}")
        lines += [f"  {c.sid} {c.status} -> {c.http_status or c.error}" for c in callbacks[-last:]]
        return "\n".join(lines)

    def clear(self) -> None:
        """Forget the recordings; messages and the scripted behaviour stay."""
        with self._lock:
            self._sent.clear()
            self._refused.clear()
            self._callbacks.clear()

    # ----------------------------------------------------------------- scripted behaviour

    def fail_next(
        self,
        *,
        code: int,
        status: int | None = None,
        message: str | None = None,
        times: int = 1,
        retry_after: int | None = None,
    ) -> None:
        """Make the next ``times`` valid creates answer this Twilio error. ``status`` and
        ``message`` default to Twilio's for the code (400 when unknown); a 429 carries a
        ``Retry-After`` header (1 s unless given)."""
        if TwilioError(code, status).status == 429 and retry_after is None:
            retry_after = 1
        with self._lock:
            self._state.failures.append(Failure(code, status, message, retry_after, times))

    def unsubscribe(self, number: str) -> None:
        """The recipient opted out (STOP): creates to this exact To answer 400/21610."""
        with self._lock:
            self._state.unsubscribed.add(number)

    def resubscribe(self, number: str) -> None:
        with self._lock:
            self._state.unsubscribed.discard(number)

    def fail_after_accept(
        self, to: str, code: int, *, status: Literal["failed", "undelivered"] = "failed"
    ) -> None:
        """Creates to ``to`` succeed (201, queued) but their delivery fails: the status
        callback reports ``status`` with this ErrorCode (how WhatsApp's 63016 and 63024
        usually arrive). It is posted automatically after the create, even when
        ``auto_callbacks`` is empty, preceded by the ``auto_callbacks`` a failing message
        goes through ("sent" for undelivered only); advance() reports the code too."""
        if status not in proto.FAILURES:
            raise ValueError(f"a late failure is one of {proto.FAILURES}")
        with self._lock:
            self._state.late_failures[to] = (code, status)

    def add_media(self, data: bytes, content_type: str) -> str:
        """Media a relay sent: the MediaUrl an incoming webhook carries for it."""
        with self._lock:
            return self.api_url + self._media.add(self.account_sid, data, content_type)

    def add_template(self, content_sid: str, body: str) -> None:
        """A Content template: sends with this ContentSid answer ``body``, its ``{{1}}``
        placeholders replaced by ContentVariables (unknown templates: an empty body)."""
        with self._lock:
            self._state.templates[content_sid] = body

    # ------------------------------------------------------------------ status callbacks

    def advance(self, sid: str, status: str, error_code: int | None = None) -> int | None:
        """Move the message to ``status`` and post the signed status callback to its
        StatusCallback; return the HTTP status the application answered (None when the
        message has no StatusCallback). Only loopback URLs are called (else ValueError)."""
        with self._lock:
            url, params = self._state.transition(sid, status, error_code)
        if url is None:
            return None
        return self._post_callback(sid, url, params, raise_errors=True)

    def prepare_callback(
        self, sid: str, status: str, error_code: int | None = None
    ) -> tuple[str, dict[str, str], dict[str, str]]:
        """Like advance() without posting: (url, headers, form) for the test to post itself,
        e.g. through Starlette's TestClient."""
        with self._lock:
            url, params = self._state.transition(sid, status, error_code)
        if url is None:
            raise ValueError(f"message {sid} has no StatusCallback")
        headers, form = signed_form(url, params, self.auth_token)
        return url, headers, form

    def _post_callback(
        self, sid: str, url: str, params: dict[str, str], *, raise_errors: bool
    ) -> int | None:
        http_status: int | None = None
        error: str | None = None
        try:
            http_status = hooks.post_signed(url, params, self.auth_token, timeout=10.0)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            if raise_errors:
                raise
            log.warning("fake Twilio could not post a status callback: %s", error)
        finally:
            callback = Callback(sid, url, params, http_status, error, time.monotonic())
            self._record(self._callbacks, callback)
        return http_status

    def _work(self) -> None:
        """Post the automatic callbacks, in order, each ``callback_delay`` after the last."""
        while (job := self._jobs.get()) is not None:
            due, sid, statuses = job
            for status in statuses:
                if self._stopping.wait(max(0.0, due - time.monotonic())):
                    return
                try:
                    with self._lock:
                        url, params = self._state.transition(sid, status, None)
                    if url is not None:
                        self._post_callback(sid, url, params, raise_errors=False)
                except Exception:
                    log.exception("fake Twilio failed on an automatic callback")
                due = time.monotonic() + self.callback_delay

    # ----------------------------------------------------------------------------- HTTP

    async def _endpoint(self, request: Request) -> Response:
        method, path = request.method, request.url.path
        params: dict[str, FormValue] = {}
        if (content := CONTENT.fullmatch(path)) and method == "GET":  # the short-lived address
            with self._lock:
                stored = self._media.content(content["secret"])
            if stored is not None:
                return Response(stored.data, media_type=stored.content_type)
        try:
            header = request.headers.get("authorization", "")
            proto.check_basic_auth(header, self.account_sid, self.auth_token)
            create, fetch = _CREATE.fullmatch(path), _FETCH.fullmatch(path)
            if (media := MEDIA.fullmatch(path)) and method == "GET":
                self._check_account(media["account"])
                with self._lock:
                    location = self._media.redirect(media["sid"])
                if location is None:
                    raise not_found(path)
                return RedirectResponse(self.api_url + location, status_code=307)
            if create and method == "POST":
                self._check_account(create["account"])
                params = proto.parse_form(await request.body())
                return JSONResponse(self._create(params), status_code=201)
            if fetch and method in ("GET", "HEAD"):
                self._check_account(fetch["account"])
                return JSONResponse(self.message(fetch["sid"]))
            if create or fetch:
                raise TwilioError(20004)  # list, update and delete are not served
            raise not_found(path)
        except Exception as exc:
            err = exc if isinstance(exc, TwilioError) else TwilioError(20500)
            if not isinstance(exc, TwilioError):
                log.exception("fake Twilio failed on %s %s", method, path)
            refused = Refused(
                method,
                path,
                params,
                err.code,
                err.status,
                err.message,
                time.monotonic(),
                err.injected,
            )
            self._record(self._refused, refused)
            log.debug("fake Twilio refused %s %s: %s/%s", method, path, err.status, err.code)
            return JSONResponse(err.body(), status_code=err.status, headers=err.headers())

    def _check_account(self, account_sid: str) -> None:
        if account_sid != self.account_sid:  # another account's resources
            raise TwilioError(20003)

    def _create(self, params: dict[str, FormValue]) -> dict[str, Any]:
        with self._lock:
            record, sent = self._state.create(params)
            self._record(self._sent, sent)
            if statuses := self._state.automatic(record.request, self.auto_callbacks):
                self._jobs.put((time.monotonic() + self.callback_delay, record.sid, statuses))
            log.debug("fake Twilio accepted message %s", record.sid)
            return record.resource()
