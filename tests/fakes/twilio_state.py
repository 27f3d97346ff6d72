"""What the fake Messages API remembers: the messages, the scripted recipients and errors,
the Content templates; and the records a test reads (Sent, Refused, Callback).

Used by ``twilio.py``; the AccountState methods run under the FakeTwilio lock.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

from tests.fakes import twilio_protocol as proto
from tests.fakes import twilio_webhooks as hooks
from tests.fakes.twilio_message import MessageRecord, new_message
from tests.fakes.twilio_protocol import CreateRequest, FormValue, TwilioError

_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")


@dataclass(frozen=True)
class Sent:
    """An accepted create. ``params`` is the whole form (array parameters as tuples,
    unknown ones kept); ``at`` is ``time.monotonic()``."""

    sid: str
    to: str
    from_: str | None
    body: str
    media_urls: tuple[str, ...]
    content_sid: str | None
    content_variables: str | None
    status_callback: str | None
    params: dict[str, FormValue]
    at: float

    @property
    def variables(self) -> dict[str, Any]:
        """ContentVariables, decoded."""
        return dict(json.loads(self.content_variables)) if self.content_variables else {}


@dataclass(frozen=True)
class Refused:
    """A request answered with a Twilio error. ``injected`` is true when the test asked for
    it (fail_next, unsubscribe) rather than the request being wrong."""

    method: str
    path: str
    params: dict[str, FormValue]
    code: int
    status: int
    message: str
    at: float
    injected: bool = False


@dataclass(frozen=True)
class Callback:
    """A status callback posted (or attempted) to the application. ``http_status`` is its
    answer, None when the request failed (then ``error`` says why)."""

    sid: str
    url: str
    params: dict[str, str]
    http_status: int | None
    error: str | None
    at: float

    @property
    def status(self) -> str:
        return self.params["MessageStatus"]


@dataclass
class Failure:
    code: int
    status: int | None
    message: str | None
    retry_after: int | None
    remaining: int


class AccountState:
    """The account's messages, and what the test scripted for the next requests."""

    def __init__(self, account_sid: str, senders: frozenset[str] | None) -> None:
        self.account_sid = account_sid
        self.senders = senders
        self.messages: dict[str, MessageRecord] = {}
        self.failures: list[Failure] = []
        self.unsubscribed: set[str] = set()
        self.late_failures: dict[str, tuple[int, str]] = {}
        self.templates: dict[str, str] = {}

    def create(self, params: dict[str, FormValue]) -> tuple[MessageRecord, Sent]:
        """Checks in Twilio's order (the request, the sender), then the injected errors."""
        request = proto.validate_create(params)
        self._check_sender(request)
        self._inject()
        if request.to in self.unsubscribed:
            raise TwilioError(21610, injected=True)
        body = request.body
        if request.content_sid and not body:
            body = self._render(request.content_sid, request.content_variables)
        record = new_message(self.account_sid, request, body)
        self.messages[record.sid] = record
        sent = Sent(
            sid=record.sid,
            to=request.to,
            from_=request.from_,
            body=request.body,
            media_urls=request.media_urls,
            content_sid=request.content_sid,
            content_variables=request.content_variables,
            status_callback=request.status_callback,
            params=params,
            at=time.monotonic(),
        )
        return record, sent

    def record(self, sid: str) -> MessageRecord:
        record = self.messages.get(sid)
        if record is None:
            raise not_found(f"/2010-04-01/Accounts/{self.account_sid}/Messages/{sid}.json")
        return record

    def transition(
        self, sid: str, status: str, error_code: int | None
    ) -> tuple[str | None, dict[str, str]]:
        """Move a message to ``status``: its StatusCallback URL and the callback's form."""
        if status not in proto.spec().statuses or status in ("receiving", "received"):
            raise ValueError(f"{status!r} is not a status of an outbound message")
        record = self.record(sid)
        if status in proto.FAILURES:
            late = self.late_failures.get(record.request.to)
            error_code = error_code or (late[0] if late else proto.UNKNOWN_ERROR)
        elif error_code is not None:
            raise ValueError("only failed and undelivered messages have an error code")
        record.move_to(status, error_code)
        return record.request.status_callback, hooks.status_params(record, error_code)

    def automatic(self, request: CreateRequest, auto: list[str]) -> tuple[str, ...]:
        """The statuses to post after a create: ``auto``, or for a recipient scripted to
        fail, the statuses before the failure, then the failure."""
        if request.status_callback is None:
            return ()
        late = self.late_failures.get(request.to)
        if late is None:
            return tuple(auto)
        before = ("queued", "sending", "sent") if late[1] == "undelivered" else ("queued",)
        return (*(s for s in auto if s in before), late[1])

    def _check_sender(self, request: CreateRequest) -> None:
        if self.senders is None or request.from_ is None or request.from_ in self.senders:
            return
        raise TwilioError(63007 if proto.is_whatsapp(request.from_) else 21606)

    def _inject(self) -> None:
        if not self.failures:
            return
        failure = self.failures[0]
        failure.remaining -= 1
        if failure.remaining <= 0:
            self.failures.pop(0)
        raise TwilioError(
            failure.code,
            failure.status,
            failure.message,
            retry_after=failure.retry_after,
            injected=True,
        )

    def _render(self, content_sid: str, variables: str | None) -> str:
        template = self.templates.get(content_sid, "")
        values = json.loads(variables) if variables else {}
        return _PLACEHOLDER.sub(lambda m: str(values.get(m[1], m[0])), template)


def not_found(path: str) -> TwilioError:
    return TwilioError(20404, message=f"The requested resource {path} was not found")
