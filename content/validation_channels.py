"""Whether a post's text fits each channel the campaign uses: Telegram's message and
caption limits, WhatsApp's through Twilio, and the cost of a long SMS."""

from __future__ import annotations

from bot.i18n import Text, _
from content.sms import WARN_ABOVE, count_segments, fit_gsm

TELEGRAM_TEXT, TELEGRAM_CAPTION, WHATSAPP_TEXT = 4096, 1024, 1600


def channel_limit(channel: str, text: str, sms: str | None, with_media: bool) -> Text | None:
    """Why this text does not fit `channel`, or None; for SMS, only past WARN_ABOVE."""
    if channel == "telegram" and with_media and len(text) > TELEGRAM_CAPTION:
        return _(
            "{length} characters: under a picture, a voice note or a video, Telegram shows"
            " only {limit}",
            length=len(text),
            limit=TELEGRAM_CAPTION,
        )
    if channel == "telegram" and len(text) > TELEGRAM_TEXT:
        return _(
            "{length} characters: Telegram accepts {limit}", length=len(text), limit=TELEGRAM_TEXT
        )
    if channel == "whatsapp" and len(text) > WHATSAPP_TEXT:
        return _(
            "{length} characters: WhatsApp (Twilio) accepts {limit}",
            length=len(text),
            limit=WHATSAPP_TEXT,
        )
    if channel == "sms":
        # Counted as the SMS sender sends it: French gets its GSM stand-ins first.
        segments = count_segments(fit_gsm(sms or text))
        if segments.count > WARN_ABOVE:
            return _(
                "SMS of {count} segments ({encoding}): beyond {limit}, it costs a lot and often"
                " arrives cut up; give a shorter sms version",
                count=segments.count,
                encoding=segments.encoding,
                limit=WARN_ABOVE,
            )
    return None
