"""POST /webhooks/twilio (WhatsApp and SMS in) and /webhooks/twilio/status (callbacks).

Both check X-Twilio-Signature with twilio-python's RequestValidator against the public
URL (RELAIS_PUBLIC_URL + path + query), since behind a proxy the URL this process sees
is not the one Twilio signed. Both commit before answering; replies go to the outbox.

Twilio's signature lets fields be spliced (forms.py, shapes.py): a signed form is then
checked field by field, and one for another account or sender gets 403, one of another
shape 400; neither is stored. Free text is stored the same on either database (plain.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qsl

from fastapi import APIRouter, HTTPException, Request, Response, status
from sqlalchemy.orm import Session

from bot.channels.twilio import shapes
from bot.channels.twilio.forms import FormError, NotOurs, parse_message
from bot.channels.twilio.status import record_callback
from bot.web.services import Services
from bot.web.webhooks.body import read_limited
from bot.web.webhooks.plain import plain
from bot.web.webhooks.route import webhook

logger = logging.getLogger(__name__)
router = APIRouter()
STATUS_FIELDS = ("MessageStatus", "SmsStatus")  # the first given is the one read
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


async def _signed_form(request: Request, services: Services) -> dict[str, str]:
    """The form Twilio posted, once its signature is checked; 404 when Twilio is off."""
    settings = services.settings
    if not settings.twilio_enabled or settings.twilio_auth_token is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Twilio is not configured")
    body = await read_limited(request)
    try:
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True, strict_parsing=False))
    except UnicodeDecodeError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "form is not UTF-8") from exc
    from twilio.request_validator import RequestValidator  # the SDK only once Twilio is on

    url = settings.public_url + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    validator = RequestValidator(settings.twilio_auth_token.get_secret_value())
    signature = request.headers.get("X-Twilio-Signature", "")
    if not signature or not validator.validate(url, _Form(form), signature):
        logger.warning(
            "Twilio webhook refused: wrong or missing signature for %s", request.url.path
        )
        raise HTTPException(status.HTTP_403_FORBIDDEN, "wrong or missing X-Twilio-Signature")
    return form


class _Form(dict[str, str]):
    """The form as RequestValidator reads it, one value per field. Given a plain dict it
    asks for .getall, then .getlist, and takes the value only after both raise: four
    exceptions per field per request (it signs the URL with and without the port), a
    third of the webhook's own time under a burst."""

    def getall(self, name: str) -> list[str]:
        return [self[name]]


def _refuse(exc: FormError, what: str) -> HTTPException:
    logger.warning("Twilio %s refused: %s", what, exc)
    code = status.HTTP_403_FORBIDDEN if isinstance(exc, NotOurs) else status.HTTP_400_BAD_REQUEST
    return HTTPException(code, f"not a Twilio {what}: {exc}")


@webhook(router, "/webhooks/twilio")
async def twilio_message(request: Request, services: Services) -> Response:
    """Takes one WhatsApp or SMS message; answers empty TwiML once it is committed."""
    form = await _signed_form(request, services)
    settings = services.settings
    try:
        parsed = parse_message(
            plain(form),
            account_sid=settings.twilio_account_sid or "",
            senders=settings.twilio_senders,
        )
    except FormError as exc:
        raise _refuse(exc, "message") from exc
    await services.backlog.take(
        channel=parsed.inbound.channel,
        platform_message_id=parsed.message_sid,
        inbound=parsed.inbound,
        raw=plain(form),
    )
    return Response(EMPTY_TWIML, media_type="text/xml")


def _take_status(
    services: Services, form: dict[str, str], callback: Callback
) -> Callable[[Session], None]:
    def work(session: Session) -> None:
        record_callback(
            session=session,
            message_sid=callback.message_sid,
            status=callback.status,
            error_code=callback.error_code,
            raw=form,
            now=datetime.now(UTC),
            nudge_templates=services.settings.nudge_templates,
        )

    return work


@dataclass(frozen=True)
class Callback:
    message_sid: str
    status: str
    error_code: str | None


def _callback(form: dict[str, str], services: Services) -> Callback:
    """What a status callback says, once each field it is read from is checked."""
    shapes.check_keys(form)
    shapes.check_account(form, services.settings.twilio_account_sid or "")
    if "From" in form:
        shapes.check_sender(form["From"], services.settings.twilio_senders, "From")
    statuses = [shapes.status_of(form, field) for field in STATUS_FIELDS if field in form]
    if len(set(statuses)) != 1:
        raise FormError("MessageStatus missing, or different from SmsStatus")
    sid = shapes.message_sid(form)
    return Callback(sid, statuses[0], shapes.error_code(form))


@webhook(router, "/webhooks/twilio/status")
async def twilio_status(request: Request, services: Services) -> Response:
    """Records what became of a message Relais sent (sent, delivered, read, failed…)."""
    form = await _signed_form(request, services)
    try:
        callback = _callback(form, services)
    except FormError as exc:
        raise _refuse(exc, "status callback") from exc
    await services.write(_take_status(services, plain(form), callback))
    return Response(status_code=status.HTTP_204_NO_CONTENT)
