"""A broadcast's state follows its deliveries: scheduled, sending while any is on its way,
then done (or cancelled), the same in the domain, the API and the CLI."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli.main import app
from bot.db import unit_of_work
from bot.domain import broadcasts
from bot.domain.broadcasts import Audience
from bot.models import Broadcast, BroadcastState, Delivery, DeliveryStatus, Language
from scheduler import jobs
from tests.conftest import AUTH
from tests.factories import new_relay

Factory = sessionmaker[Session]
BAMAKO = ZoneInfo("Africa/Bamako")
TEXTS = {"fr": "Venez samedi !", "bm": "Aw ka na sibiridon!"}


def create(factory: Factory, *, send_at: datetime | None = None, **audience: object) -> int:
    now = datetime.now(UTC)
    with unit_of_work(factory) as session:
        broadcast = broadcasts.create(
            session=session,
            audience=Audience(**audience),  # type: ignore[arg-type]
            texts=TEXTS,
            created_by="cli",
            now=now,
            send_at=send_at or now,
        )
        if broadcast.send_at <= now:
            broadcasts.start(session=session, broadcast=broadcast, now=now, zone=BAMAKO)
        return broadcast.id


def mark(factory: Factory, status: DeliveryStatus, *, count: int | None = None) -> None:
    """The worker's part: the first `count` waiting deliveries (all by default) end so."""
    with unit_of_work(factory) as session:
        waiting = select(Delivery.id).where(Delivery.status == DeliveryStatus.QUEUED)
        ids = list(session.scalars(waiting.order_by(Delivery.id)))[:count]
        session.execute(update(Delivery).where(Delivery.id.in_(ids)).values(status=status))


def seen(factory: Factory, broadcast_id: int) -> tuple[BroadcastState, BroadcastState]:
    """(what status() says, what is stored)."""
    with factory() as session:
        broadcast = session.get_one(Broadcast, broadcast_id)
        found = broadcasts.status(session=session, broadcast=broadcast, zone=BAMAKO)
        return found.state, broadcast.state


def test_sending_until_every_delivery_has_ended_then_done(factory: Factory) -> None:
    for _ in range(3):
        new_relay(factory)
    number = create(factory)
    assert seen(factory, number) == (BroadcastState.SENDING, BroadcastState.SENDING)
    mark(factory, DeliveryStatus.SENT, count=1)
    mark(factory, DeliveryStatus.HELD, count=1)  # waits for its relay: ended for now
    assert seen(factory, number)[0] is BroadcastState.SENDING  # one is still queued
    with unit_of_work(factory) as session:
        session.execute(
            update(Delivery)
            .values(status=DeliveryStatus.SENDING)
            .where(Delivery.status == DeliveryStatus.QUEUED)
        )
    assert seen(factory, number)[0] is BroadcastState.SENDING  # claimed by a worker
    with unit_of_work(factory) as session:
        session.execute(
            update(Delivery)
            .values(status=DeliveryStatus.FAILED)
            .where(Delivery.status == DeliveryStatus.SENDING)
        )
    # Read from the deliveries at once; written down by the clock's next run.
    assert seen(factory, number) == (BroadcastState.DONE, BroadcastState.SENDING)
    jobs.start_due_broadcasts(factory)
    assert seen(factory, number) == (BroadcastState.DONE, BroadcastState.DONE)
    with factory() as session:
        assert session.get_one(Broadcast, number).finished_at is not None


def test_scheduled_then_sending_when_its_time_comes(factory: Factory) -> None:
    new_relay(factory)
    number = create(factory, send_at=datetime.now(UTC) + timedelta(hours=1))
    assert seen(factory, number) == (BroadcastState.SCHEDULED, BroadcastState.SCHEDULED)
    jobs.start_due_broadcasts(factory)  # not yet
    assert seen(factory, number)[1] is BroadcastState.SCHEDULED
    with unit_of_work(factory) as session:
        session.get_one(Broadcast, number).send_at = datetime.now(UTC) - timedelta(seconds=1)
    jobs.start_due_broadcasts(factory)
    assert seen(factory, number) == (BroadcastState.SENDING, BroadcastState.SENDING)


def test_an_empty_audience_is_done_at_once(factory: Factory) -> None:
    new_relay(factory, language=Language.FR)
    number = create(factory, places=("nowhere",))
    assert seen(factory, number) == (BroadcastState.DONE, BroadcastState.DONE)


def test_cancelled_stays_cancelled(factory: Factory) -> None:
    new_relay(factory)
    number = create(factory)
    with unit_of_work(factory) as session:
        broadcasts.cancel(
            session=session, broadcast=session.get_one(Broadcast, number), now=datetime.now(UTC)
        )
    jobs.start_due_broadcasts(factory)
    assert seen(factory, number) == (BroadcastState.CANCELLED, BroadcastState.CANCELLED)


def test_the_api_tells_sending_then_done(api: TestClient, factory: Factory) -> None:
    new_relay(factory, language=Language.FR)
    body = api.post("/api/broadcasts", headers=AUTH, json={"texts": TEXTS}).json()
    assert body["state"] == "sending"
    mark(factory, DeliveryStatus.SENT)
    followed = api.get(f"/api/broadcasts/{body['id']}", headers=AUTH).json()
    assert (followed["state"], followed["deliveries"]) == ("done", {"sent": 1})
    [listed] = api.get("/api/broadcasts", headers=AUTH).json()
    assert listed["state"] == "done"


@pytest.fixture
def cli_database(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAIS_DATABASE_URL", database_url)


def test_the_cli_tells_sending_then_done(factory: Factory, cli_database: None) -> None:
    new_relay(factory)
    number = create(factory)
    runner = CliRunner()
    shown = runner.invoke(app, ["broadcast", "status", str(number)])
    assert shown.exit_code == 0, shown.output
    assert "sending" in shown.output
    mark(factory, DeliveryStatus.SENT)
    shown = runner.invoke(app, ["broadcast", "status", str(number)])
    assert "done" in shown.output
    assert "sending" not in shown.output
