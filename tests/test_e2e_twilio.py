"""End to end: `relais serve` as a subprocess, the fake Twilio as the platform.

A WhatsApp relay joins in Bambara through signed webhooks; Relais's replies go to the
fake, whose signed status callbacks move each delivery sent → delivered → read.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fakes.twilio import FakeTwilio, Sent, inbound_params
from tests.serving import (
    WHATSAPP_FROM,
    Served,
    fake_settings,
    post_whatsapp,
    query,
    relais_serve,
)
from tests.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

RELAY = "whatsapp:+22376543210"


@pytest.fixture
def served(tmp_path: Path, twilio: FakeTwilio) -> Iterator[Served]:
    with relais_serve(tmp_path, **fake_settings(twilio=twilio)) as served:
        yield served
    log = served.log.read_text()
    assert twilio.auth_token not in log
    assert "76543210" not in log  # never a full phone number


def say(served: Served, twilio: FakeTwilio, body: str) -> None:
    params = inbound_params(
        from_=RELAY, to=WHATSAPP_FROM, body=body, account_sid=twilio.account_sid, profile_name="Awa"
    )
    assert "<Response" in post_whatsapp(served.url, twilio, params).text


def reply(twilio: FakeTwilio, count: int) -> Sent:
    return twilio.wait_for(to=RELAY, count=count, timeout=15)[-1]


def test_a_whatsapp_relay_joins_in_bambara_and_sees_its_messages_read(
    served: Served, twilio: FakeTwilio
) -> None:
    twilio.auto_callbacks = ["sent", "delivered", "read"]
    say(served, twilio, "/start")
    welcome = reply(twilio, 1)
    assert welcome.body.endswith("1 Bamanankan\n2 Français")
    say(served, twilio, "1")
    assert reply(twilio, 2).body.startswith("I sigilen bɛ min?")
    say(served, twilio, "Kayes")
    assert reply(twilio, 3).body.startswith("I bisimila kampaɲi ka relaw cɛma")

    forged = httpx.post(
        f"{served.url}/webhooks/twilio",
        data=inbound_params(
            from_=RELAY, to=WHATSAPP_FROM, body="STOP", account_sid="AC" + "1" * 32
        ),
        headers={"X-Twilio-Signature": "Zm9yZ2Vk"},
    )
    assert forged.status_code == 403

    sids = [sent.sid for sent in twilio.sent_to(RELAY)]
    twilio.wait_for_callbacks(status="read", count=3, timeout=15)
    # The last callback's commit may trail its HTTP answer by a moment.
    found = eventually(
        lambda: query(
            served.database, "SELECT platform_message_id, status FROM delivery ORDER BY id"
        ),
        until=lambda rows: [status for _, status in rows] == ["read"] * 3,
        awaiting="the three deliveries read",
    )
    assert [sid for sid, _ in found] == sids
    [relay] = query(
        served.database, "SELECT language, place, status FROM relay WHERE address = :a", a=RELAY
    )
    assert relay == ("bm", "kayes", "active")
