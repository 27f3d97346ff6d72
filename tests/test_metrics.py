"""GET /metrics: the outbox's state read from the database at scrape time, the delivery
worker's own metrics from this process, in the format the scraper asks for, guarded."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.models import Delivery, DeliveryStatus, InboundMessage
from bot.outbound import Message
from bot.web.app import create_app
from scheduler.telemetry import observe_pause, observe_send
from tests.conftest import SettingsFactory
from tests.factories import make_delivery, make_relay

Factory = sessionmaker[Session]
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]
LOCAL = ("127.0.0.1", 40000)


@pytest.fixture
def client(make_settings: SettingsFactory, factory: Factory) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings()), client=LOCAL) as client:
        yield client


def scrape(client: TestClient) -> Samples:
    response = client.get("/metrics")
    assert response.status_code == 200, response.text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def queue(factory: Factory, *rows: tuple[DeliveryStatus, timedelta]) -> None:
    """One delivery per (status, due in), for relays of their own."""
    now = datetime.now(UTC)
    with unit_of_work(factory) as session:
        for index, (status, due_in) in enumerate(rows):
            hello = Message("Bonjour", "fr")
            delivery_id = make_delivery(
                session, make_relay(session), hello, kind="reply", ref=f"metrics-{index}"
            )
            delivery = session.get_one(Delivery, delivery_id)
            delivery.status = status
            delivery.next_attempt_at = now + due_in


def test_the_outbox_depth_and_the_oldest_due_delivery(client: TestClient, factory: Factory) -> None:
    queue(
        factory,
        (DeliveryStatus.QUEUED, -timedelta(minutes=2)),
        (DeliveryStatus.QUEUED, -timedelta(seconds=30)),
        (DeliveryStatus.QUEUED, timedelta(hours=1)),  # a retry later: not due yet
        (DeliveryStatus.SENDING, -timedelta(hours=3)),
        (DeliveryStatus.HELD, -timedelta(hours=2)),
        (DeliveryStatus.SENT, -timedelta(hours=4)),
    )
    samples = scrape(client)
    assert value(samples, "relais_outbox_depth", status="queued") == 3
    assert value(samples, "relais_outbox_depth", status="sending") == 1
    assert value(samples, "relais_outbox_depth", status="held") == 1
    assert ("relais_outbox_depth", frozenset({("status", "sent")})) not in samples
    assert 120 <= value(samples, "relais_outbox_oldest_age_seconds") < 120 + 60
    assert value(samples, "relais_deliveries", source="reply", status="queued") == 3


def test_an_empty_outbox_reads_zero(client: TestClient, factory: Factory) -> None:
    queue(factory, (DeliveryStatus.QUEUED, timedelta(minutes=5)))
    samples = scrape(client)
    assert value(samples, "relais_outbox_depth", status="queued") == 1
    assert ("relais_outbox_depth", frozenset({("status", "held")})) in samples
    assert value(samples, "relais_outbox_depth", status="held") == 0
    assert ("relais_outbox_oldest_age_seconds", frozenset()) in samples
    assert value(samples, "relais_outbox_oldest_age_seconds") == 0


def test_messages_waiting_for_their_conversation(client: TestClient, factory: Factory) -> None:
    assert value(scrape(client), "relais_inbound_waiting") == 0
    assert value(scrape(client), "relais_inbound_waiting_oldest_age_seconds") == 0
    now = datetime.now(UTC)
    with factory() as session, session.begin():
        for index, age in enumerate((timedelta(seconds=90), timedelta(seconds=5))):
            session.add(
                InboundMessage(
                    channel="telegram",
                    platform_message_id=f"metrics-waiting-{index}",
                    kind="message",
                    payload={},
                    received_at=now - age,
                    waiting=True,
                )
            )
    samples = scrape(client)
    assert value(samples, "relais_inbound_waiting") == 2
    assert 90 <= value(samples, "relais_inbound_waiting_oldest_age_seconds") < 90 + 60


def test_the_workers_sends_and_pauses_show_at_metrics(client: TestClient) -> None:
    before = scrape(client)
    observe_send("telegram", "sent", 0.2)
    observe_send("telegram", "sent", 0.04)
    observe_send("telegram", "rate_limited", 12.0)
    observe_pause("telegram", 3.5)
    after = scrape(client)

    def grew(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert grew("relais_sends_total", channel="telegram", outcome="sent") == 2
    assert grew("relais_sends_total", channel="telegram", outcome="rate_limited") == 1
    assert grew("relais_sends_total", channel="telegram", outcome="held") == 0
    assert grew("relais_send_seconds_count", channel="telegram") == 3
    assert grew("relais_send_seconds_sum", channel="telegram") == pytest.approx(12.24)
    assert grew("relais_send_seconds_bucket", channel="telegram", le="0.01") == 0
    assert grew("relais_send_seconds_bucket", channel="telegram", le="0.05") == 1
    assert grew("relais_send_seconds_bucket", channel="telegram", le="0.25") == 2
    assert grew("relais_send_seconds_bucket", channel="telegram", le="10.0") == 2
    assert grew("relais_send_seconds_bucket", channel="telegram", le="30.0") == 3
    assert grew("relais_channel_pauses_total", channel="telegram") == 1
    assert grew("relais_channel_paused_seconds_total", channel="telegram") == pytest.approx(3.5)


def test_an_unknown_outcome_is_logged_not_counted(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    before = scrape(client)
    observe_send("whatsapp", "exploded", 1.0)
    after = scrape(client)
    assert not [key for key in after if "exploded" in str(key)]
    assert value(after, "relais_send_seconds_count", channel="whatsapp") == value(
        before, "relais_send_seconds_count", channel="whatsapp"
    )
    assert [r.levelno for r in caplog.records if "exploded" in r.getMessage()] == [logging.ERROR]


def test_prometheus_text_by_default_and_openmetrics_when_asked(client: TestClient) -> None:
    plain = client.get("/metrics")
    assert plain.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    assert "# TYPE relais_outbox_depth gauge" in plain.text
    asked = client.get("/metrics", headers={"Accept": "application/openmetrics-text"})
    assert asked.headers["content-type"].startswith("application/openmetrics-text;")
    assert asked.text.endswith("# EOF\n")


def test_metrics_keep_the_api_access_rule(make_settings: SettingsFactory, factory: Factory) -> None:
    with TestClient(create_app(make_settings()), client=("203.0.113.7", 4000)) as remote:
        assert remote.get("/metrics").status_code == 403
    app = create_app(make_settings(admin_token="metrics-token-for-tests"))
    with TestClient(app, client=("203.0.113.7", 4000)) as remote:
        assert remote.get("/metrics").status_code == 401
        bearer = {"Authorization": "Bearer metrics-token-for-tests"}
        assert remote.get("/metrics", headers=bearer).status_code == 200
