"""The SMS channel: Twilio's Messages API from an SMS number, one message a second.

The shorter SMS text when a post has one, options as numbered lines, and French kept in
the GSM alphabet: one ç or no-break space would otherwise make a segment hold 70
characters instead of 160.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.channels.base import Channel, Pacing, Resources
from bot.channels.twilio.channel import TwilioChannel, numbered, shared_client
from bot.channels.twilio.client import TwilioClient
from bot.outbound import Message, Outbound
from content.sms import count_segments, fit_gsm

logger = logging.getLogger(__name__)
CHANNEL = "sms"


class SmsChannel(TwilioChannel):
    name = CHANNEL

    def __init__(
        self,
        *,
        client: TwilioClient,
        sender: str,
        public_url: str,
        rate: float = 1.0,
    ) -> None:
        super().__init__(client=client, sender=sender, public_url=public_url, nudge_templates={})
        self.pacing = Pacing(rate=rate)

    def request(self, identifier: str, message: Outbound) -> dict[str, Any]:
        if not isinstance(message, Message):
            return {}  # templates and button acknowledgements are not SMS
        body = fit_gsm(numbered(message.sms_text or message.text, message.options))
        if (segments := count_segments(body)).costly:
            logger.warning(
                "SMS of %d %s segments: consider a shorter sms_text",
                segments.count,
                segments.encoding,
            )
        return self._params(identifier, body=body, media_url=self._media_urls(message))


def build(resources: Resources) -> Channel | None:
    number, url = resources.settings.twilio_sms_from, resources.settings.public_url
    if not resources.settings.twilio_enabled or not number:
        return None
    return SmsChannel(client=shared_client(resources), sender=number, public_url=url)
