"""Media of incoming messages as Twilio serves them to the account.

A MediaUrl in an incoming webhook is
``/2010-04-01/Accounts/<AC…>/Messages/<MM…>/Media/<ME…>``. Fetching it needs the
account's basic auth (media authentication, on for new accounts) and answers
307 Temporary Redirect to a short-lived address on another host that serves the bytes
with no credentials; here that address is ``/media-content/<secret>`` on the fake itself.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from tests.fakes.twilio_message import new_sid

MEDIA = re.compile(r"/2010-04-01/Accounts/(?P<account>[^/]+)/Messages/[^/]+/Media/(?P<sid>ME\w+)")
CONTENT = re.compile(r"/media-content/(?P<secret>\w+)")


@dataclass(frozen=True)
class StoredMedia:
    data: bytes
    content_type: str
    secret: str


class MediaStore:
    def __init__(self) -> None:
        self._by_sid: dict[str, StoredMedia] = {}
        self._by_secret: dict[str, StoredMedia] = {}

    def add(self, account_sid: str, data: bytes, content_type: str) -> str:
        """Keep a relay's media; the path of its MediaUrl."""
        sid = new_sid("ME")
        stored = StoredMedia(data, content_type, secrets.token_hex(16))
        self._by_sid[sid] = stored
        self._by_secret[stored.secret] = stored
        return f"/2010-04-01/Accounts/{account_sid}/Messages/{new_sid('MM')}/Media/{sid}"

    def redirect(self, sid: str) -> str | None:
        """Where a fetch of the MediaUrl is sent (307), or None for an unknown media."""
        stored = self._by_sid.get(sid)
        return f"/media-content/{stored.secret}" if stored is not None else None

    def content(self, secret: str) -> StoredMedia | None:
        return self._by_secret.get(secret)
