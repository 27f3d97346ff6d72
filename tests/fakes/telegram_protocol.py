"""Wire rules of the Telegram Bot API, as used by the fake server in ``telegram.py``.

Everything here is pure (no server state): the method table read from
``telegram_methods.json``, decoding of request bodies the way the real API reads
them, and the request validation that does not depend on chats or messages.
Error descriptions are the ones the real API answers where they are known.
"""

from __future__ import annotations

import email.parser
import email.policy
import functools
import html
import json
import re
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

METHODS_FILE = Path(__file__).with_name("telegram_methods.json")

TEXT_MAX = 4096
CAPTION_MAX = 1024
CALLBACK_ANSWER_MAX = 200
CALLBACK_DATA_MAX_BYTES = 64

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
BLOCKED = "Forbidden: bot was blocked by the user"

# Fields of InlineKeyboardButton of which exactly one must be used (Bot API 10.1).
BUTTON_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)
# The sendXxx methods whose file field is named like the media; the real API
# answers "there is no <field> in the request" when it is missing.
MEDIA_FIELDS = {
    "sendPhoto": "photo",
    "sendAudio": "audio",
    "sendDocument": "document",
    "sendVideo": "video",
    "sendAnimation": "animation",
    "sendVoice": "voice",
    "sendVideoNote": "video_note",
    "sendSticker": "sticker",
}
_INT = re.compile(r"-?\d+")
_MARKUP_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_V2 = re.compile(r"\\(.)|\|\||[*_~`]", re.DOTALL)
_MARKDOWN = re.compile(r"\\(.)|[*_`]", re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]*>")


class ApiError(Exception):
    """An error answer of the Bot API: ``{"ok": false, "error_code", "description"}``."""

    def __init__(
        self,
        status: int,
        description: str,
        *,
        retry_after: int | None = None,
        injected: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.injected = injected

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


def default_description(status: int, retry_after: int | None) -> str:
    """What the real API says for an error status when nothing more specific is known."""
    if status == 429:
        return f"Too Many Requests: retry after {retry_after or 1}"
    if status == 403:
        return BLOCKED
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown Error"


@dataclass(frozen=True)
class UploadedFile:
    """A file sent as a part of a multipart request."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Field:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True)
class MethodSpec:
    name: str
    fields: dict[str, Field]
    returns: tuple[str, ...]


@functools.cache
def methods() -> dict[str, MethodSpec]:
    """All Bot API methods, keyed by lower-case name (the real API ignores the case)."""
    table = json.loads(METHODS_FILE.read_text(encoding="utf-8"))["methods"]
    specs: dict[str, MethodSpec] = {}
    for name, entry in table.items():
        fields = {
            f["name"]: Field(f["name"], tuple(f["types"]), bool(f["required"]))
            for f in entry["fields"]
        }
        specs[name.lower()] = MethodSpec(name, fields, tuple(entry["returns"]))
    return specs


# --------------------------------------------------------------------------- request bodies


def parse_body(content_type: str, body: bytes, query: str) -> dict[str, Any]:
    """Parameters of a request: query string, then a urlencoded, multipart or JSON body."""
    params: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    mime = content_type.split(";", 1)[0].strip().lower()
    if not body:
        return params
    if mime == "application/json":
        try:
            data = json.loads(body)
        except ValueError:
            raise bad_request("can't parse JSON encoded request body") from None
        if not isinstance(data, dict):
            raise bad_request("JSON encoded request body must be an object")
        params.update(data)
    elif mime == "application/x-www-form-urlencoded":
        params.update(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
    elif mime == "multipart/form-data":
        params.update(_parse_multipart(content_type, body))
    return params


def _parse_multipart(content_type: str, body: bytes) -> dict[str, str | UploadedFile]:
    head = f"Content-Type: {content_type}\r\n\r\n".encode("latin-1")
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    if not message.is_multipart():
        raise bad_request("can't parse multipart/form-data request body")
    parts: dict[str, str | UploadedFile] = {}
    for part in message.walk():
        name = part.get_param("name", header="content-disposition")
        if part.is_multipart() or not isinstance(name, str):
            continue
        data = part.get_payload(decode=True)
        data = data if isinstance(data, bytes) else b""
        filename = part.get_filename()
        if filename is None:
            parts[name] = data.decode("utf-8", "replace")
        else:
            parts[name] = UploadedFile(filename, part.get_content_type(), data)
    return parts


def decode_params(spec: MethodSpec, raw: dict[str, Any]) -> dict[str, Any]:
    """Give string values their spec type: form fields arrive as text, objects as JSON text."""
    params: dict[str, Any] = {}
    for name, value in raw.items():
        field = spec.fields.get(name)
        params[name] = _decode(field, value) if field and isinstance(value, str) else value
    return params


def _decode(field: Field, value: str) -> Any:
    types = set(field.types)
    if "String" in types or "InputFile" in types:
        if "Integer" in types and _INT.fullmatch(value):
            return int(value)  # chat_id: a number, or a @username
        return value
    if types == {"Integer"}:
        return int(value) if _INT.fullmatch(value) else value
    if types == {"Float"}:
        try:
            return float(value)
        except ValueError:
            return value
    if types == {"Boolean"}:
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            return True
        return False if lowered in ("false", "0", "") else value
    if not value.strip():
        return None
    try:
        return json.loads(value)
    except ValueError:
        if field.name == "reply_markup":
            raise bad_request("can't parse reply keyboard markup JSON object") from None
        raise bad_request(f"can't parse {field.name} JSON object") from None


# ------------------------------------------------------------------------------- validation


def visible_text(text: str, parse_mode: object) -> str:
    """The text as displayed, i.e. after entities parsing (an approximation)."""
    mode = parse_mode.lower() if isinstance(parse_mode, str) else ""
    if mode == "html":
        return html.unescape(_HTML_TAG.sub("", text))
    if mode in ("markdown", "markdownv2"):
        text = _MARKUP_LINK.sub(r"\1", text)
        pattern = _MARKDOWN_V2 if mode == "markdownv2" else _MARKDOWN
        return pattern.sub(lambda m: m.group(1) or "", text)
    return text


def text_length(text: str) -> int:
    """Telegram counts lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def missing(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value)


def validate(spec: MethodSpec, params: dict[str, Any]) -> None:
    """Checks that need nothing but the request; raise ApiError like the real API."""
    for field in spec.fields.values():
        if field.required and missing(params.get(field.name)):
            if spec.name == "setWebhook" and field.name == "url":
                continue  # an empty url removes the webhook
            raise bad_request(_missing_description(spec.name, field.name))
    if spec.name in ("sendMessage", "editMessageText") and "text" in params:
        text = visible_text(str(params["text"]), params.get("parse_mode"))
        if not text.strip():
            raise bad_request("message text is empty")
        if text_length(text) > TEXT_MAX:
            raise bad_request("message is too long")
    if isinstance(params.get("caption"), str):
        caption = visible_text(params["caption"], params.get("parse_mode"))
        if text_length(caption) > CAPTION_MAX:
            raise bad_request("message caption is too long")
    if "reply_markup" in params and params["reply_markup"] is not None:
        check_reply_markup(params["reply_markup"])
    answer = params.get("text") if spec.name == "answerCallbackQuery" else None
    if isinstance(answer, str) and text_length(answer) > CALLBACK_ANSWER_MAX:
        raise bad_request("MESSAGE_TOO_LONG")


def _missing_description(method: str, field: str) -> str:
    if field == "chat_id":
        return "chat_id is empty"
    if field == "text" and method in ("sendMessage", "editMessageText"):
        return "message text is empty"
    if MEDIA_FIELDS.get(method) == field:
        return f"there is no {field.replace('_', ' ')} in the request"
    return f'parameter "{field}" is required'


def check_reply_markup(markup: object) -> None:
    if not isinstance(markup, dict):
        raise bad_request("object expected as reply markup")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                _check_inline_button(button)
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise bad_request(
                'field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays'
            )


def _check_inline_button(button: object) -> None:
    prefix = "can't parse inline keyboard button: "
    if not isinstance(button, dict):
        raise bad_request(prefix + "InlineKeyboardButton should be an Object")
    if "text" not in button:
        raise bad_request(prefix + 'Can\'t find field "text"')
    if not isinstance(button["text"], str):
        raise bad_request(prefix + 'Field "text" must be of type String')
    # The real API treats an empty string like an absent field.
    actions = [name for name in BUTTON_ACTIONS if button.get(name) not in (None, "")]
    if not actions:
        raise bad_request(prefix + "Text buttons are unallowed in the inline keyboard")
    if len(actions) > 1:
        # The documentation requires exactly one; the fake refuses rather than pick one.
        raise bad_request(prefix + "exactly one of the optional fields must be used")
    if "callback_data" in actions:
        data = button["callback_data"]
        if not isinstance(data, str):
            raise bad_request(prefix + 'Field "callback_data" must be of type String')
        if len(data.encode("utf-8")) > CALLBACK_DATA_MAX_BYTES:
            raise bad_request("BUTTON_DATA_INVALID")


def inline_markup(markup: object) -> dict[str, Any] | None:
    """The inline keyboard a message carries; other markups are not part of a Message."""
    if isinstance(markup, dict) and markup.get("inline_keyboard"):
        return {"inline_keyboard": markup["inline_keyboard"]}
    return None
