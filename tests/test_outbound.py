"""The outbound message: typed values, and the delivery row's JSON read and written in
one place, including the shapes rows already in a database have."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.outbox import enqueue
from bot.models import Delivery, DeliveryStatus
from bot.outbound import (
    ButtonAck,
    MediaRef,
    Message,
    Nudge,
    Option,
    Outbound,
    PayloadError,
    Subject,
    Template,
    TemplateMessage,
    from_json,
    is_message,
    sent_template,
    to_json,
)
from scheduler import claims
from tests.factories import make_relay

TEMPLATE = Template("HX" + "3" * 32, {"1": "Kayes"})

VALUES: list[Outbound] = [
    Message("Bonjour"),
    Message(
        "Sugandi",
        language="bm",
        options=(Option("Faransi", "lang:fr"), Option("Bamanankan", "lang:bm")),
        media=MediaRef("photo", path="engageonsnous/media/j02.png"),
        sms_text="Sugandi",
        prompt="language",
        template=TEMPLATE,
        subject=Subject("post", "j02"),
    ),
    Message("Ecoutez", media=MediaRef("voice", url="telegram-file:AwAD")),
    ButtonAck("cq-1", 42),
    ButtonAck("cq-2"),
    Nudge(Template("HX" + "1" * 32), "fr"),
    TemplateMessage(TEMPLATE, "bm"),
]


@pytest.mark.parametrize("value", VALUES, ids=lambda value: type(value).__name__)
def test_every_value_comes_back_from_its_json(value: Outbound) -> None:
    stored = to_json(value)
    assert from_json(stored) == value
    assert to_json(from_json(stored)) == stored


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        # What rows queued before the typed message hold.
        ({"text": "t"}, Message("t")),
        (
            {"language": "fr", "post": "j01", "text": "t", "options": [], "media": None},
            Message("t", "fr", subject=Subject("post", "j01")),
        ),
        (
            {"ack": {"callback_query_id": "cq", "message_id": 7}},
            ButtonAck("cq", 7),
        ),
        (
            {"text": "", "nudge": True, "language": "bm", "template": {"sid": "HX1"}},
            Nudge(Template("HX1"), "bm"),
        ),
    ],
)
def test_rows_already_stored_are_read(stored: dict[str, Any], expected: Outbound) -> None:
    assert from_json(stored) == expected


@pytest.mark.parametrize(
    "stored",
    [
        {"ack": {}},
        {"nudge": True, "text": ""},
        {"text": "t", "options": [{"label": "no data"}]},
        {"text": "t", "template": {"variables": {}}},
    ],
)
def test_a_payload_that_is_no_message_is_refused(stored: dict[str, Any]) -> None:
    with pytest.raises(PayloadError):
        from_json(stored)


def test_what_counts_as_a_message_and_a_template() -> None:
    assert not is_message(ButtonAck("cq"))
    assert all(is_message(value) for value in VALUES if not isinstance(value, ButtonAck))
    assert sent_template(TemplateMessage(TEMPLATE)) == TEMPLATE
    assert sent_template(Message("t", template=TEMPLATE)) is None  # not what was sent


def test_a_row_with_no_readable_message_fails_instead_of_blocking_the_queue(
    factory: sessionmaker[Session],
) -> None:
    with unit_of_work(factory) as session:
        relay = make_relay(session)
        enqueue(
            session=session, source_kind="post", source_ref="ok", message=Message("ok"), relay=relay
        )
        broken = enqueue(
            session=session, source_kind="post", source_ref="bad", message=Message("x"), relay=relay
        )
        session.get_one(Delivery, broken).payload = {"ack": {}}
    with unit_of_work(factory) as session:
        claimed = claims.claim(session=session, now=datetime.now(UTC), limit=10)
    assert [item.message for item in claimed] == [Message("ok")]
    with factory() as session:
        row = session.get_one(Delivery, broken)
        assert row.status is DeliveryStatus.FAILED
        assert "unreadable payload" in str(row.error)
