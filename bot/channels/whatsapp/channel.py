"""The WhatsApp channel: Twilio's Messages API from a WhatsApp sender, within the window.

Just before each send it asks the window (window.py) what may go: the message itself,
its template, or nothing yet (held, and the relay nudged). Questions the bot asks with
buttons go as the approved interactive template configured for them, if any.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.channels.base import Channel, Decision, Pacing, Resources
from bot.channels.twilio.channel import TwilioChannel, numbered, shared_client
from bot.channels.twilio.client import TwilioClient
from bot.channels.whatsapp import window
from bot.domain.outbox import Claimed
from bot.models import Relay
from bot.outbound import Message, Nudge, Outbound, TemplateMessage

CHANNEL = "whatsapp"


class WhatsAppChannel(TwilioChannel):
    name = CHANNEL
    checks_before_send = True

    def __init__(
        self,
        *,
        client: TwilioClient,
        sender: str,
        rate: float,
        public_url: str,
        policy: window.WhatsAppPolicy,
        prompt_templates: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        super().__init__(
            client=client,
            sender=sender,
            public_url=public_url,
            nudge_templates=policy.nudge_templates,
        )
        self.pacing = Pacing(rate=rate)
        self._policy = policy
        self._prompt_templates = prompt_templates or {}

    def before_send(self, *, session: Session, item: Claimed, now: datetime) -> Decision:
        return window.decide(session=session, item=item, now=now, policy=self._policy)

    def hold(self, *, session: Session, item: Claimed, code: str | None, now: datetime) -> None:
        window.hold(
            session=session,
            delivery_id=item.id,
            relay=session.get(Relay, item.relay_id) if item.relay_id is not None else None,
            now=now,
            nudge_templates=self._policy.nudge_templates,
            code=code or window.HOLD_CODE,
        )

    def request(self, identifier: str, message: Outbound) -> dict[str, Any]:
        to = f"whatsapp:{identifier}"
        if isinstance(message, TemplateMessage | Nudge):
            variables = message.template.variables
            return self._params(
                to,
                content_sid=message.template.sid,
                content_variables=json.dumps(dict(variables)) if variables else None,
            )
        if not isinstance(message, Message):
            return {}
        prompt = self._prompt_templates.get(message.prompt or "", {})
        if prompt_sid := prompt.get(message.language or ""):
            return self._params(to, content_sid=prompt_sid)
        body = numbered(message.text, message.options)
        return self._params(to, body=body, media_url=self._media_urls(message))


def build(resources: Resources) -> Channel | None:
    settings = resources.settings
    if not settings.twilio_enabled or not settings.twilio_whatsapp_from:
        return None
    return WhatsAppChannel(
        client=shared_client(resources),
        sender=settings.twilio_whatsapp_from,
        rate=settings.whatsapp_rate,
        public_url=settings.public_url,
        policy=window.WhatsAppPolicy(settings.whatsapp_daily_limit, settings.nudge_templates),
        prompt_templates=settings.whatsapp_prompt_templates,
    )
