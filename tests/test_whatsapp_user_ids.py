"""WhatsApp users known by a business-scoped user ID (whatsapp:US.1234), not a number:
they join and converse like any relay, and are written back at the address Twilio gave."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.addresses import Address, AddressError
from bot.models import Delivery, DeliveryStatus, Language, Relay
from bot.settings import Settings
from bot.web.app import create_app
from tests.conftest import SettingsFactory
from tests.fakes.twilio import FakeTwilio
from tests.fakes.twilio_webhooks import inbound_params, signed_form
from tests.fixtures.courier import twilio_form
from tests.test_worker_twilio import run_worker

pytestmark = pytest.mark.faults
Factory = sessionmaker[Session]
PUBLIC = "http://127.0.0.1:8999"
WHATSAPP_FROM = "whatsapp:+22370000000"
USER = "whatsapp:US.1234"


@pytest.fixture
def settings(make_settings: SettingsFactory, twilio: FakeTwilio) -> Settings:
    return make_settings(
        public_url=PUBLIC,
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token,
        twilio_whatsapp_from=WHATSAPP_FROM,
        twilio_api_url=twilio.api_url,
    )


@pytest.fixture
def client(settings: Settings, factory: Factory) -> Iterator[TestClient]:
    with TestClient(create_app(settings), client=("127.0.0.1", 40000)) as client:
        yield client


def write(client: TestClient, twilio: FakeTwilio, body: str, sender: str = USER) -> int:
    params = inbound_params(
        from_=sender, to=WHATSAPP_FROM, body=body, account_sid=twilio.account_sid
    )
    headers, form = signed_form(PUBLIC + "/webhooks/twilio", params, twilio.auth_token)
    return client.post("/webhooks/twilio", data=form, headers=headers).status_code


def test_a_user_id_joins_converses_and_is_written_back_at_it(
    client: TestClient, factory: Factory, settings: Settings, twilio: FakeTwilio
) -> None:
    assert write(client, twilio, "/start") == 200
    assert write(client, twilio, "1") == 200  # Bamanankan
    assert write(client, twilio, "kayes") == 200
    with factory() as session:
        relay = session.scalars(select(Relay)).one()
        assert (relay.address, relay.channel) == (USER, "whatsapp")
        assert (relay.language, relay.place) == (Language.BM, "kayes")
        queued = session.scalars(select(Delivery).where(Delivery.relay_id == relay.id)).all()
        assert len(queued) >= 3
    assert run_worker(factory, settings) >= 3
    assert {sent.to for sent in twilio.sent} == {USER}
    with factory() as session:
        statuses = set(session.scalars(select(Delivery.status)))
        assert statuses == {DeliveryStatus.SENT}


def test_courier_form_from_a_user_id_with_no_phone_is_taken(
    client: TestClient, factory: Factory, twilio: FakeTwilio
) -> None:
    form = twilio_form("current", "waReceiveFromBSUID", twilio.account_sid, WHATSAPP_FROM)
    assert form["From"] == USER
    headers, signed = signed_form(PUBLIC + "/webhooks/twilio", form, twilio.auth_token)
    assert client.post("/webhooks/twilio", data=signed, headers=headers).status_code == 200
    with factory() as session:
        assert session.scalars(select(Delivery.address)).all() == [USER]  # not joined yet


def test_a_phone_number_stays_the_address_when_a_user_id_comes_along(
    client: TestClient, factory: Factory, twilio: FakeTwilio
) -> None:
    form = twilio_form("current", "waReceiveBSUIDValid", twilio.account_sid, WHATSAPP_FROM)
    headers, signed = signed_form(PUBLIC + "/webhooks/twilio", form, twilio.auth_token)
    assert client.post("/webhooks/twilio", data=signed, headers=headers).status_code == 200
    with factory() as session:
        assert session.scalars(select(Delivery.address)).all() == ["whatsapp:+14133881111"]


@pytest.mark.parametrize("address", [USER, "whatsapp:ML.13491208655302741918", "whatsapp:+2237012"])
def test_addresses_take_user_ids_and_numbers(address: str) -> None:
    assert str(Address.parse(address)) == address


# The last one would not fit the 128 characters addresses are stored in.
NOT_USER_IDS = ["foo_bar", "us.1234", "US.", "US.12 34", "+2237", "US.1" + "2" * 116]


@pytest.mark.parametrize("identifier", NOT_USER_IDS)
def test_what_is_neither_a_number_nor_a_user_id_is_refused(identifier: str) -> None:
    with pytest.raises(AddressError):
        Address.parse("whatsapp:" + identifier)
