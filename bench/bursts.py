"""The requests of bench/inbound.py's burst, built before timing: Telegram updates and
Twilio's signed WhatsApp form posts, each from a distinct relay (a third contest taps, a
third typed answers, a third text)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlencode

from twilio.request_validator import RequestValidator

from bench.load import request_bytes

FIRST_CHAT = 500_000
SECRET = "bench-secret"  # noqa: S105 - the benchmark's own webhook secret
ACCOUNT_SID = "AC" + "be" * 16
AUTH_TOKEN = "bench-auth-token"  # noqa: S105 - the benchmark's own Twilio token
WHATSAPP_FROM = "whatsapp:+22370000000"
PUBLIC_URL = "https://relais.example.org"  # what Twilio signs; never reached


def update(n: int, question: int) -> dict[str, object]:
    """The n-th update of the burst, from the n-th relay."""
    chat = FIRST_CHAT + n
    user = {"id": chat, "is_bot": False, "first_name": "Awa", "language_code": "fr"}
    when = int(datetime.now(UTC).timestamp())
    if n % 3 == 0:
        return {
            "update_id": 10_000_000 + n,
            "callback_query": {
                "id": str(90_000_000 + n),
                "from": user,
                "chat_instance": "1",
                "data": f"quiz:{question}.{n % 3}",
                "message": {
                    "message_id": 7,
                    "date": when,
                    "chat": {"id": chat, "type": "private"},
                    "from": {"id": 1, "is_bot": True, "first_name": "Relais"},
                    "text": "Qui élit le maire ?",
                },
            },
        }
    text = "2" if n % 3 == 1 else "Merci, on en parle au grin ce soir avec les jeunes"
    message = {
        "message_id": 1000 + n,
        "date": when,
        "chat": {"id": chat, "type": "private", "first_name": "Awa"},
        "from": user,
        "text": text,
    }
    return {"update_id": 10_000_000 + n, "message": message}


def burst(first: int, count: int, question: int) -> list[bytes]:
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    return [
        request_bytes("/webhooks/telegram", json.dumps(update(n, question)).encode(), headers)
        for n in range(first, first + count)
    ]


def whatsapp_address(n: int) -> str:
    return f"whatsapp:+2236{n:07d}"


def form(n: int, question: int) -> dict[str, str]:
    """The n-th WhatsApp message of the burst, as Twilio posts it, from the n-th relay: a
    third quick-reply taps on the contest's question, a third typed answers, a third text."""
    sid = f"SM{n:032x}"
    fields = {
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ProfileName": "Awa",
        "MessageType": "text",
        "SmsSid": sid,
        "WaId": whatsapp_address(n).removeprefix("whatsapp:+"),
        "SmsStatus": "received",
        "Body": "2" if n % 3 == 1 else "Merci, on en parle au grin ce soir avec les jeunes",
        "To": WHATSAPP_FROM,
        "NumSegments": "1",
        "ReferralNumMedia": "0",
        "MessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": whatsapp_address(n),
        "ApiVersion": "2010-04-01",
    }
    if n % 3 == 0:
        fields.update(
            MessageType="button",
            Body="Le conseil",
            ButtonText="Le conseil",
            ButtonPayload=f"quiz:{question}.{n % 3}",
        )
    return fields


def twilio_burst(first: int, count: int, question: int) -> list[bytes]:
    """Signed as Twilio signs them: RequestValidator over the public URL and the form."""
    validator = RequestValidator(AUTH_TOKEN)
    url = PUBLIC_URL + "/webhooks/twilio"
    requests = []
    for n in range(first, first + count):
        fields = form(n, question)
        signature = validator.compute_signature(url, fields)
        requests.append(
            request_bytes(
                "/webhooks/twilio",
                urlencode(fields).encode(),
                {"X-Twilio-Signature": signature},
                content_type="application/x-www-form-urlencoded",
            )
        )
    return requests
