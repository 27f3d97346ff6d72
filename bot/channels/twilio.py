"""WhatsApp and SMS through Twilio: a webhook form into an Inbound, a payload into Messages.

Parsing is plain form handling; sending uses twilio-python's Client with its REST base
taken from RELAIS_TWILIO_API_URL, so a loopback fake can stand in.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
from dataclasses import dataclass
from typing import Any

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.channels.base import NeedsTemplate, RateLimited, Rejected, Temporary, Unreachable
from bot.conversation.values import Choice, Inbound, Media, MediaKind
from bot.settings import Settings
from content.sms import count_segments, fit_gsm

logger = logging.getLogger(__name__)

_SEPARATORS = re.compile(r"[\s().-]")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
# Twilio error codes, by what the worker should do about them.
UNREACHABLE_CODES = {21610, 21211, 21612, 21614, 63024, 63003}
NEEDS_TEMPLATE_CODES = {63016}
SLOW_DOWN_CODES = {63018, 20429, 14107}
DEFAULT_RETRY_AFTER = 10.0
DEFAULT_API_URL = "https://api.twilio.com"


class FormError(ValueError):
    """A webhook form that is not an incoming Twilio message."""


def normalise_number(raw: str) -> str:
    """+223 70-00-00-01, 0022370000001 → +22370000001 (E.164), or FormError."""
    number = _SEPARATORS.sub("", raw)
    if number.startswith("00"):
        number = "+" + number[2:]
    if not _E164.fullmatch(number):
        raise FormError("not a phone number in international format")
    return number


def address_of(sender: str) -> str:
    """whatsapp:+223… stays WhatsApp; a bare number is SMS."""
    if sender.startswith("whatsapp:"):
        return "whatsapp:" + normalise_number(sender.removeprefix("whatsapp:"))
    return "sms:" + normalise_number(sender)


def _media_kind(content_type: str) -> MediaKind:
    major = content_type.split("/", 1)[0]
    return {
        "image": MediaKind.PHOTO,
        "audio": MediaKind.VOICE,  # WhatsApp voice notes arrive as audio/ogg
        "video": MediaKind.VIDEO,
    }.get(major, MediaKind.DOCUMENT)


@dataclass(frozen=True)
class ParsedMessage:
    message_sid: str
    inbound: Inbound


def parse_message(form: dict[str, str]) -> ParsedMessage:
    sid = form.get("MessageSid") or form.get("SmsSid") or ""
    sender = form.get("From", "")
    if not sid or not sender:
        raise FormError("MessageSid and From are required")
    try:
        count = int(form.get("NumMedia") or 0)
    except ValueError as exc:
        raise FormError("NumMedia is not a number") from exc
    media = tuple(
        Media(_media_kind(kind), form[f"MediaUrl{index}"], kind)
        for index in range(min(count, 10))
        if form.get(f"MediaUrl{index}") and (kind := form.get(f"MediaContentType{index}", ""))
    )
    payload = form.get("ButtonPayload")
    choice = Choice.unpack(payload) if payload else None
    text = form.get("Body") or None
    if choice is None and payload and not text:
        text = form.get("ButtonText") or payload
    inbound = Inbound(
        address=address_of(sender),
        text=None if choice else text,
        choice=choice,
        media=media,
        display_name=(form.get("ProfileName") or None),
    )
    return ParsedMessage(sid, inbound)


def numbered(text: str, options: list[dict[str, str]]) -> str:
    """Options as a phone without buttons shows them: one numbered line each."""
    if not options:
        return text
    lines = [f"{number} {option['label']}" for number, option in enumerate(options, start=1)]
    return text + "\n\n" + "\n".join(lines)


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


class TwilioSender:
    """Sends one channel (WhatsApp or SMS) through Twilio's Messages API.

    The SDK is synchronous: each send runs in a worker thread, so the event loop that also
    serves webhooks never waits on Twilio.
    """

    def __init__(self, *, channel: str, settings: Settings) -> None:
        if settings.twilio_account_sid is None or settings.twilio_auth_token is None:
            raise ValueError("Twilio is not configured")
        logging.getLogger("twilio").setLevel(logging.WARNING)  # it logs numbers and bodies
        self.channel = channel
        self.rate = settings.whatsapp_rate if channel == "whatsapp" else 1.0
        whatsapp = channel == "whatsapp"
        sender = settings.twilio_whatsapp_from if whatsapp else settings.twilio_sms_from
        if sender is None:
            raise ValueError(f"no Twilio sender configured for {channel}")
        self._from = sender
        self._public_url = settings.public_url
        self._callback = f"{settings.public_url}/webhooks/twilio/status"
        self._prompt_templates = settings.whatsapp_prompt_templates
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

    def request(self, identifier: str, payload: dict[str, Any]) -> dict[str, Any]:
        """The Messages create parameters for one payload."""
        prefix = "whatsapp:" if self.channel == "whatsapp" else ""
        params: dict[str, Any] = {
            "to": prefix + identifier,
            "from_": self._from,
            "status_callback": self._callback,
        }
        template = payload.get("template")
        prompt_sid = self._prompt_templates.get(payload.get("prompt") or "", {}).get(
            payload.get("language") or ""
        )
        if template:
            params["content_sid"] = template["sid"]
            if template.get("variables"):
                params["content_variables"] = json.dumps(template["variables"])
            return params
        if self.channel == "whatsapp" and prompt_sid:
            params["content_sid"] = prompt_sid
            return params
        text = payload.get("sms_text") if self.channel == "sms" else None
        params["body"] = numbered(text or payload.get("text") or "", payload.get("options") or [])
        if self.channel == "sms":
            # One ç or no-break space would otherwise make a French SMS cost 70 a segment.
            params["body"] = fit_gsm(params["body"])
        if self.channel == "sms" and (segments := count_segments(params["body"])).costly:
            logger.warning(
                "SMS of %d %s segments: consider a shorter sms_text",
                segments.count,
                segments.encoding,
            )
        media = payload.get("media")
        if media and media.get("path"):
            params["media_url"] = [f"{self._public_url}/media/{media['path']}"]
        elif media and str(media.get("url", "")).startswith(("http://", "https://")):
            params["media_url"] = [media["url"]]
        return params

    async def send(self, identifier: str, payload: dict[str, Any]) -> str | None:
        params = self.request(identifier, payload)
        try:
            message = await asyncio.to_thread(self._client.messages.create, **params)
        except TwilioRestException as exc:
            raise self._classify(exc) from exc
        except TwilioException as exc:
            raise Temporary(f"twilio: {exc}") from exc
        except OSError as exc:  # connection refused, reset, timeout
            raise Temporary(f"twilio: {exc.__class__.__name__}") from exc
        return str(message.sid)

    def _classify(self, exc: TwilioRestException) -> Exception:
        code = int(exc.code) if exc.code else None
        status = int(exc.status)
        label = f"twilio {status}/{code}: {exc.msg}"
        if code in UNREACHABLE_CODES:
            return Unreachable(label, code=str(code))
        if code in NEEDS_TEMPLATE_CODES:
            return NeedsTemplate(label, code=str(code))
        if status == 429 or code in SLOW_DOWN_CODES:
            return RateLimited(_retry_after(self._http), label, code=str(code), slow_down=True)
        if status >= 500:
            return Temporary(label, code=str(code))
        return Rejected(label, code=str(code))

    async def close(self) -> None:
        session = getattr(self._http, "session", None)
        if session is not None:
            session.close()
