"""The outbound message: what a delivery carries to a channel, as typed values.

A delivery row stores one of these as JSON; `to_json` and `from_json` are the only code
that knows the keys. Everything else — the conversation, the domain, the worker and the
channels — speaks in these values.

- `Message`: text in one language, with its options (buttons or a numbered list), its
  media, a shorter SMS text, and the WhatsApp template to use outside the 24-hour window.
- `ButtonAck`: stop a pressed button spinning (Telegram) and take the buttons off the
  message they were on; with no button pressed (an answer typed instead), only the
  buttons come off. Not a message to the relay: it counts toward no message rate and no
  per-chat spacing.
- `Nudge`: the approved template asking a WhatsApp relay to reply, so that what is held
  for the window can go.
- `TemplateMessage`: what WhatsApp is actually sent outside the window; a channel
  decides on it just before sending (it is never queued).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Option:
    """A button, or a numbered line where a phone shows no buttons."""

    label: str
    data: str  # a packed Choice (bot.conversation.values), at most 64 bytes


@dataclass(frozen=True)
class MediaRef:
    """A picture, voice note, video or document to send with a message.

    `path` names a campaign file ("<campaign slug>/<path in its folder>"); `url` is an
    address a platform can fetch, or a platform's own reference ("telegram-file:…").
    """

    kind: str
    url: str | None = None
    path: str | None = None


@dataclass(frozen=True)
class Template:
    """An approved WhatsApp template (Twilio's ContentSid) and its variables."""

    sid: str
    variables: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Subject:
    """What a message is about (a post, a question, a poll, a broadcast): kept with the
    delivery so a report or the simulator can tell, never shown to the relay."""

    kind: str
    ref: str | int


@dataclass(frozen=True)
class Message:
    text: str
    language: str | None = None
    options: tuple[Option, ...] = ()
    media: MediaRef | None = None
    sms_text: str | None = None  # a shorter version where every character costs
    prompt: str | None = None  # the question this asks (a conversation state), if any
    template: Template | None = None  # what WhatsApp may send outside the window
    subject: Subject | None = None
    # "I shared it": shown only where a button does not travel with a forwarded message
    # (Telegram, the simulator); elsewhere relays answer the post with a word instead.
    share: Option | None = None

    def free_form(self) -> Message:
        """The message without its template: what goes inside the window."""
        return replace(self, template=None) if self.template is not None else self


@dataclass(frozen=True)
class ButtonAck:
    callback_query_id: str | None  # None: no button was pressed, the answer was typed
    message_id: int | None = None  # the message whose buttons are taken off


@dataclass(frozen=True)
class Nudge:
    template: Template
    language: str | None = None


@dataclass(frozen=True)
class TemplateMessage:
    template: Template
    language: str | None = None


Outbound = Message | ButtonAck | Nudge | TemplateMessage


def is_message(outbound: Outbound) -> bool:
    """Whether this reaches the relay as a message: an acknowledgement does not."""
    return not isinstance(outbound, ButtonAck)


def sent_template(outbound: Outbound) -> Template | None:
    """The template a send used, if it used one."""
    return outbound.template if isinstance(outbound, TemplateMessage | Nudge) else None


class PayloadError(ValueError):
    """A stored payload that is not an outbound message."""


def to_json(outbound: Outbound) -> dict[str, Any]:
    """The delivery row's payload."""
    if isinstance(outbound, ButtonAck):
        ack: dict[str, Any] = {}
        if outbound.callback_query_id is not None:
            ack["callback_query_id"] = outbound.callback_query_id
        if outbound.message_id is not None:
            ack["message_id"] = outbound.message_id
        return {"ack": ack}
    if isinstance(outbound, Nudge | TemplateMessage):
        data: dict[str, Any] = {
            "text": "",
            "language": outbound.language,
            "template": _template_json(outbound.template),
        }
        marker = {"nudge": True} if isinstance(outbound, Nudge) else {"kind": "template"}
        return data | marker
    data = {
        "language": outbound.language,
        "prompt": outbound.prompt,
        "text": outbound.text,
        "options": [{"label": option.label, "data": option.data} for option in outbound.options],
        "media": media_to_json(outbound.media),
    }
    if outbound.sms_text is not None:
        data["sms_text"] = outbound.sms_text
    if outbound.template is not None:
        data["template"] = _template_json(outbound.template)
    if outbound.subject is not None:
        data[outbound.subject.kind] = outbound.subject.ref
    if outbound.share is not None:
        data["share"] = {"label": outbound.share.label, "data": outbound.share.data}
    return data


SUBJECT_KINDS = ("post", "question", "poll", "broadcast")


def from_json(data: Mapping[str, Any]) -> Outbound:
    """Read a delivery row's payload back; PayloadError when it is not one."""
    if not isinstance(data, Mapping):
        raise PayloadError("a payload is a JSON object")
    try:
        if "ack" in data:
            ack = data["ack"]
            query, message_id = ack.get("callback_query_id"), ack.get("message_id")
            if query is None and not message_id:
                raise PayloadError("an acknowledgement needs a callback query or a message")
            return ButtonAck(
                str(query) if query is not None else None,
                int(message_id) if message_id else None,
            )
        template = _template(data.get("template"))
        language = data.get("language") or None
        if data.get("nudge") or data.get("kind") == "template":
            if template is None:
                raise PayloadError("a nudge or a template message needs a template")
            return (
                Nudge(template, language)
                if data.get("nudge")
                else TemplateMessage(template, language)
            )
        subject = next(
            (Subject(kind, data[kind]) for kind in SUBJECT_KINDS if data.get(kind) is not None),
            None,
        )
        return Message(
            text=str(data.get("text") or ""),
            language=language,
            options=tuple(
                Option(str(option["label"]), str(option["data"]))
                for option in data.get("options") or ()
            ),
            media=media_from_json(data.get("media")),
            sms_text=data.get("sms_text"),
            prompt=data.get("prompt") or None,
            template=template,
            subject=subject,
            share=Option(str(share["label"]), str(share["data"]))
            if (share := data.get("share"))
            else None,
        )
    except (KeyError, TypeError, AttributeError) as exc:
        raise PayloadError(f"not an outbound message: {exc!r}") from exc


def _template_json(template: Template) -> dict[str, Any]:
    data: dict[str, Any] = {"sid": template.sid}
    if template.variables:
        data["variables"] = dict(template.variables)
    return data


def _template(data: Any) -> Template | None:
    if not data:
        return None
    return Template(str(data["sid"]), data.get("variables") or None)


def media_to_json(media: MediaRef | None) -> dict[str, Any] | None:
    if media is None:
        return None
    data: dict[str, Any] = {"kind": media.kind}
    if media.url is not None:
        data["url"] = media.url
    if media.path is not None:
        data["path"] = media.path
    return data


def media_from_json(data: Any) -> MediaRef | None:
    if not data:
        return None
    return MediaRef(str(data.get("kind") or "document"), data.get("url"), data.get("path"))
