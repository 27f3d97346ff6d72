"""How many SMS a body takes, as the fake Twilio counts it (GSM-7 and UCS-2), and
WhatsApp bodies, which are not segmented."""

from __future__ import annotations

from typing import Any

import pytest

from tests.fakes.twilio_message import sms_segments
from tests.twilio_clients import GSM_161, SMS_BOT, SMS_USER, WA_BOT, WA_USER

BAMBARA = ("Aw ni sɔgɔma! Kalata bɛ kɛ sini dugujɛ la. " * 3)[:71]


@pytest.mark.parametrize(
    ("body", "segments"),
    [
        pytest.param(GSM_161[:160], "1", id="GSM 160"),
        pytest.param(GSM_161, "2", id="GSM 161"),
        pytest.param("a" * 306, "2", id="GSM 306"),
        pytest.param("a" * 307, "3", id="GSM 307"),
        pytest.param("€" * 80, "1", id="extension chars count 2"),
        pytest.param("€" * 81, "2", id="extension chars 81"),
        pytest.param(BAMBARA[:70], "1", id="Bambara 70"),
        pytest.param(BAMBARA, "2", id="Bambara 71"),
        pytest.param("ɛ" * 134, "2", id="UCS-2 134"),
        pytest.param("ɛ" * 135, "3", id="UCS-2 135"),
        pytest.param("😀" * 35, "1", id="surrogate pairs count 2"),
        pytest.param("😀" * 36, "2", id="36 emoji"),
    ],
)
def test_num_segments_counts_gsm7_and_ucs2(twilio_client: Any, body: str, segments: str) -> None:
    message = twilio_client.messages.create(to=SMS_USER, from_=SMS_BOT, body=body)
    assert message.num_segments == segments


def test_segment_test_texts_are_what_they_claim() -> None:
    assert len(GSM_161) == 161
    assert "é" in GSM_161
    assert "à" in GSM_161
    assert len(BAMBARA) == 71
    assert "ɛ" in BAMBARA[:70]
    assert sms_segments("a" * 152 + "€") == 1  # 154 septets fit one SMS
    assert sms_segments("a" * 152 + "€" + "a" * 7) == 2  # an escape pair is not split


def test_whatsapp_bodies_are_not_segmented(twilio_client: Any) -> None:
    message = twilio_client.messages.create(to=WA_USER, from_=WA_BOT, body="ɛ" * 500)
    assert message.num_segments == "1"
