"""Fault suite: real webhook bodies with random parts swapped for hostile values (huge
numbers, NUL characters, wrong types, long strings, deep nesting), correctly authenticated.
Never a 5xx; a 200 always means the body was stored. Seeded, so a failure replays."""

from __future__ import annotations

import copy
import json
import random
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from twilio.request_validator import RequestValidator

from bot.models import InboundMessage
from tests.conftest import HOOK_HEADERS
from tests.fixtures.courier import telegram_updates
from tests.test_webhook_twilio import PUBLIC, SID, TOKEN, message
from tests.test_webhook_twilio import client as client

pytestmark = pytest.mark.faults
Factory = sessionmaker[Session]
ROUNDS = 150


def hostile(rng: random.Random) -> Any:
    return rng.choice(
        [
            None,
            True,
            -1,
            0,
            2**63,
            10**40,
            1.5,
            "",
            "\x00",
            "a\x00b",
            "\ud800",
            "x" * 5000,
            "ɛɔɲŋ « » 🙂",
            [],
            [1, "a", None],
            {},
            {"id": 1},
            {"text": {"a": [1]}},
            ["nested"] * 3,
        ]
    )


def paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found: list[tuple[Any, ...]] = [prefix] if prefix else []
    items = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in items:
        found += paths(child, (*prefix, key))
    return found


def mutate(update: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    changed = copy.deepcopy(update)
    for _ in range(rng.randint(1, 3)):
        where = [path for path in paths(changed) if path != ("update_id",)]
        if not where:
            break
        *parents, last = rng.choice(where)
        node = changed
        for key in parents:
            node = node[key]
        node[last] = hostile(rng)
    return changed


def test_mutated_telegram_updates_never_get_a_5xx(
    telegram_app: TestClient, factory: Factory
) -> None:
    rng = random.Random(14)
    real = [update for _, update in telegram_updates()]
    answers = []
    for number in range(ROUNDS):
        update = mutate(rng.choice(real), rng)
        update["update_id"] = 10_000 + number
        body = json.dumps(update)  # ASCII: a lone surrogate travels as \ud800, as in JSON
        response = telegram_app.post("/webhooks/telegram", content=body, headers=HOOK_HEADERS)
        answers.append(response.status_code)
        assert response.status_code in (200, 400), (update, response.text)
    with factory() as session:
        stored = set(session.scalars(select(InboundMessage.platform_message_id)))
    assert stored == {str(10_000 + n) for n, code in enumerate(answers) if code == 200}
    assert answers.count(200) > ROUNDS // 2  # most are still updates, kept


TWILIO_FIELDS = ["Body", "ProfileName", "NumMedia", "MediaUrl0", "MediaContentType0",
                 "ButtonPayload", "ButtonText", "OriginalRepliedMessageSid", "From", "WaId",
                 "Latitude", "ReferralBody"]  # fmt: skip


def test_mutated_twilio_forms_never_get_a_5xx(client: TestClient, factory: Factory) -> None:
    rng = random.Random(15)
    answers = []
    sids = []
    for number in range(ROUNDS):
        form = message(f"whatsapp:+2237{number:07d}", rng.choice(["/start", "1", "kayes", ""]))
        for field in rng.sample(TWILIO_FIELDS, rng.randint(1, 3)):
            value = str(hostile(rng))
            # A form arrives as UTF-8 bytes: a lone surrogate cannot be in one.
            form[field] = value.encode("utf-8", "replace").decode()
        url = PUBLIC + "/webhooks/twilio"
        signature = RequestValidator(TOKEN).compute_signature(url, form)
        response = client.post(
            "/webhooks/twilio", data=form, headers={"X-Twilio-Signature": signature}
        )
        answers.append(response.status_code)
        sids.append(form["MessageSid"])
        assert response.status_code in (200, 400, 403), (form, response.text)
        assert form["AccountSid"] == SID
    with factory() as session:
        stored = set(session.scalars(select(InboundMessage.platform_message_id)))
    assert stored == {sid for sid, code in zip(sids, answers, strict=True) if code == 200}
    assert answers.count(200) > ROUNDS // 4
