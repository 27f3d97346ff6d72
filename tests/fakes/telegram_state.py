"""What the fake Bot API remembers: sent messages, files, the webhook, rate limits.

Used by ``telegram.py``; the methods run under the FakeTelegram lock.
"""

from __future__ import annotations

import copy
import itertools
import math
import secrets
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tests.fakes import telegram_protocol as proto
from tests.fakes.telegram_files import FileStore
from tests.fakes.telegram_protocol import ApiError, MethodSpec, UploadedFile

EDITS = ("editMessageText", "editMessageCaption", "editMessageReplyMarkup")


@dataclass
class Bucket:
    """Token bucket: bursts up to max(1, rate) calls, then ``rate`` calls per second."""

    rate: float
    tokens: float = field(init=False)
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    @property
    def capacity(self) -> float:
        return max(1.0, self.rate)

    def wait(self, now: float) -> int:
        """Seconds to wait before a call is allowed (0: allowed now), after refilling."""
        elapsed = max(0.0, now - self.stamp)
        self.tokens = min(self.capacity, self.tokens + elapsed * self.rate)
        self.stamp = max(self.stamp, now)
        return 0 if self.tokens >= 1 else max(1, math.ceil((1 - self.tokens) / self.rate))


class BotState:
    """Chats as seen by the bot, and the results of the calls that change them."""

    def __init__(self, bot_user: dict[str, Any]) -> None:
        self.bot_user = bot_user
        self.messages: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
        self._last_message_id: dict[int, int] = defaultdict(int)
        self._files: dict[str, dict[str, Any]] = {}
        self._file_numbers = itertools.count(1)
        self._webhook: dict[str, Any] = {}
        self.files = FileStore()

    def user_file(self, kind: str, data: bytes, mime_type: str | None = None) -> dict[str, Any]:
        """A file a user sends the bot (a voice note, a photo size): the dict an update
        carries for it, its bytes kept for getFile and the download route."""
        number = next(self._file_numbers)
        file_id = f"fake-user-{kind}-{number}-{secrets.token_hex(4)}"  # unique, as Telegram's
        base: dict[str, Any] = {
            "file_id": file_id,
            "file_unique_id": f"fake-unique-{number}",
            "file_size": len(data),
        }
        self._files[file_id] = base
        self.files.keep(file_id, kind, data)
        extra: dict[str, Any] = {"mime_type": mime_type} if mime_type else {}
        if kind in ("voice", "audio", "video"):
            extra["duration"] = 1
        if kind in ("photo", "video"):
            extra.update(width=640, height=480)
        return {**base, **extra}

    def dispatch(self, spec: MethodSpec, params: dict[str, Any]) -> tuple[Any, str | None]:
        """The result of an accepted call, and the description the real API adds, if any."""
        name = spec.name
        if name == "getMe":
            return copy.deepcopy(self.bot_user), None
        if name == "getFile":
            known = self._files.get(str(params["file_id"]))
            if known is None:
                raise proto.bad_request("invalid file_id")
            return self.files.get_file(known), None
        if name in EDITS:
            return self._edit(name, params), None
        if name == "deleteMessage":
            if self.messages[params["chat_id"]].pop(params["message_id"], None) is None:
                raise proto.bad_request("message to delete not found")
            return True, None
        if name in ("setWebhook", "deleteWebhook"):
            return self._set_webhook(str(params.get("url") or ""), params)
        if name == "getWebhookInfo":
            info = {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
            return {**info, **self._webhook}, None
        if name == "getUpdates":
            if self._webhook:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            return [], None
        if name == "sendMediaGroup":
            items = params["media"] if isinstance(params["media"], list) else []
            items = [item for item in items if isinstance(item, dict)]
            return [self._send(params, item.get("type"), item, params) for item in items], None
        if spec.returns == ("Message",) and isinstance(params.get("chat_id"), int):
            return self._send(params, proto.MEDIA_FIELDS.get(name), params, params), None
        return True, None

    def _send(
        self, params: dict[str, Any], kind: object, item: dict[str, Any], files: dict[str, Any]
    ) -> dict[str, Any]:
        chat_id: int = params["chat_id"]
        self._last_message_id[chat_id] += 1
        message: dict[str, Any] = {
            "message_id": self._last_message_id[chat_id],
            "date": int(time.time()),
            "chat": _chat(chat_id),
            "from": copy.deepcopy(self.bot_user),
        }
        if isinstance(kind, str) and (source := item.get(kind, item.get("media"))) is not None:
            message[kind] = self._media(kind, source, item, files)
        for key in ("text", "entities", "caption", "caption_entities"):
            if key in item:
                message[key] = item[key]
        if markup := proto.inline_markup(params.get("reply_markup")):
            message["reply_markup"] = markup
        self.messages[chat_id][message["message_id"]] = message
        return copy.deepcopy(message)

    def _media(self, kind: str, source: object, item: dict[str, Any], files: dict[str, Any]) -> Any:
        if isinstance(source, str) and source.startswith("attach://"):
            source = files.get(source.removeprefix("attach://"), source)
        if isinstance(source, str) and source in self._files:
            base = self._files[source]
        else:
            number = next(self._file_numbers)
            base = {"file_id": f"fake-{kind}-{number}", "file_unique_id": f"fake-unique-{number}"}
            if isinstance(source, UploadedFile):
                base["file_size"] = len(source.data)
                self.files.keep(base["file_id"], kind, source.data)
            self._files[base["file_id"]] = base
        duration = item.get("duration") if isinstance(item.get("duration"), int) else 1
        shapes: dict[str, dict[str, Any]] = {
            "photo": {"width": 800, "height": 600},
            "video": {"width": 640, "height": 360, "duration": duration},
            "animation": {"width": 320, "height": 240, "duration": duration},
            "voice": {"duration": duration, "mime_type": "audio/ogg"},
            "audio": {"duration": duration},
            "video_note": {"length": 240, "duration": duration},
            "sticker": {
                "type": "regular",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
            },
        }
        media = {**base, **shapes.get(kind, {})}
        if isinstance(source, UploadedFile) and kind in ("document", "audio", "video"):
            media.update(file_name=source.filename, mime_type=source.content_type)
        return [media] if kind == "photo" else media

    def _edit(self, name: str, params: dict[str, Any]) -> Any:
        if params.get("inline_message_id"):
            return True
        if proto.missing(params.get("message_id")):
            raise proto.bad_request("message identifier is not specified")
        if proto.missing(params.get("chat_id")):
            raise proto.bad_request("chat_id is empty")
        message = self.messages[params["chat_id"]].get(params["message_id"])
        if message is None:
            raise proto.bad_request("message to edit not found")
        updated = dict(message)
        if name == "editMessageText":
            if "text" not in message:
                raise proto.bad_request("there is no text in the message to edit")
            updated["text"] = params["text"]
            updated.pop("entities", None)
            if params.get("entities"):
                updated["entities"] = params["entities"]
        elif name == "editMessageCaption":
            updated.pop("caption", None)
            updated.pop("caption_entities", None)
            for key in ("caption", "caption_entities"):
                if params.get(key):
                    updated[key] = params[key]
        updated.pop("reply_markup", None)
        if markup := proto.inline_markup(params.get("reply_markup")):
            updated["reply_markup"] = markup
        if updated == message:
            raise proto.bad_request(proto.NOT_MODIFIED)
        updated["edit_date"] = int(time.time())
        self.messages[params["chat_id"]][params["message_id"]] = updated
        return copy.deepcopy(updated)

    def _set_webhook(self, url: str, params: dict[str, Any]) -> tuple[bool, str]:
        if not url:
            had = bool(self._webhook)
            self._webhook = {}
            return True, "Webhook was deleted" if had else "Webhook is already deleted"
        if not url.startswith("https://"):
            raise proto.bad_request("bad webhook: HTTPS url must be provided for webhook")
        webhook: dict[str, Any] = {"url": url, "max_connections": 40}
        for key in ("max_connections", "allowed_updates", "ip_address"):
            if params.get(key) is not None:
                webhook[key] = params[key]
        same = self._webhook == webhook
        self._webhook = webhook
        return True, "Webhook is already set" if same else "Webhook was set"


def _chat(chat_id: int) -> dict[str, Any]:
    if chat_id > 0:
        return {"id": chat_id, "type": "private", "first_name": f"User {chat_id}"}
    kind = "supergroup" if str(chat_id).startswith("-100") else "group"
    return {"id": chat_id, "type": kind, "title": f"Chat {chat_id}"}
