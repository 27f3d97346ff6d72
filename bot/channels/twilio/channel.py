"""What the WhatsApp and SMS channels share: one client, options as numbered lines, and
status callbacks that overtook the send applied once its SID is known."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.channels.base import Channel, Rejected, Resources
from bot.channels.twilio import status
from bot.channels.twilio.client import TwilioClient
from bot.domain.outbox import Claimed
from bot.models import Delivery
from bot.outbound import Message, Option, Outbound


def numbered(text: str, options: tuple[Option, ...]) -> str:
    """Options as a phone without buttons shows them: one numbered line each."""
    if not options:
        return text
    lines = [f"{number} {option.label}" for number, option in enumerate(options, start=1)]
    return text + "\n\n" + "\n".join(lines)


def shared_client(resources: Resources) -> TwilioClient:
    """The process's one Twilio client, made by the first channel that needs it."""
    return resources.shared("twilio", lambda: TwilioClient(resources.settings))


class TwilioChannel(Channel):
    """A channel that sends through Twilio's Messages API; subclasses build the request."""

    def __init__(
        self,
        *,
        client: TwilioClient,
        sender: str,
        public_url: str,
        nudge_templates: Mapping[str, str],
    ) -> None:
        self._client = client
        self._from = sender
        self._public_url = public_url
        self._nudge_templates = nudge_templates

    def request(self, identifier: str, message: Outbound) -> dict[str, Any]:
        """The Messages create parameters for one message."""
        raise NotImplementedError

    def _params(self, to: str, **values: Any) -> dict[str, Any]:
        params = {"to": to, "from_": self._from, "status_callback": self._client.status_callback}
        return params | {key: value for key, value in values.items() if value}

    def _media_urls(self, message: Message) -> list[str] | None:
        """Where Twilio fetches the message's media: campaign files from /media, or a URL."""
        media = message.media
        if media is not None and media.path:
            return [f"{self._public_url}/media/{media.path}"]
        if media is not None and (media.url or "").startswith(("http://", "https://")):
            return [str(media.url)]
        return None

    async def send(self, identifier: str, message: Outbound) -> str | None:
        params = self.request(identifier, message)
        if not params:
            raise Rejected(f"{self.name} cannot send a {type(message).__name__}")
        return await self._client.create(params)

    def after_sent(self, *, session: Session, item: Claimed, now: datetime) -> None:
        status.apply_early_callbacks(
            session=session,
            delivery=session.get_one(Delivery, item.id),
            now=now,
            nudge_templates=self._nudge_templates,
        )

    async def close(self) -> None:
        self._client.close()
