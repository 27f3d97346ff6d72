"""/admin/relays: counts by channel, language, place and status; the pseudonymised list
and its filters and pages; the CSV without addresses; tags and the organiser role changed
as the CLI changes them; a full address shown only on request, and that look logged."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.db import unit_of_work
from bot.domain.contests.pseudonyms import pseudonym
from bot.domain.relay_directory import PAGE_SIZE
from bot.models import AddressAccess, Language, Relay, RelayStatus, Role
from tests.dashboard import Dashboard
from tests.factories import make_relay

Factory = sessionmaker[Session]
LISTED = re.compile(r'<a href="/admin/relays/(\d+)">')


def community(factory: Factory) -> dict[str, int]:
    """Six in Kayes on WhatsApp in French, two in Kita on Telegram in Bambara (one
    stopped, one an ambassador), one with no place yet."""
    with unit_of_work(factory) as session:
        ids = {}
        for n in range(6):
            relay = make_relay(
                session,
                address=f"whatsapp:+2237600{n:04d}",
                channel="whatsapp",
                display_name=f"Awa Traoré {n}",
            )
            ids[f"kayes-{n}"] = relay.id
        ids["kita-ambassador"] = make_relay(
            session,
            address="telegram:777001",
            channel="telegram",
            language=Language.BM,
            place="kita",
            display_name="Moussa Keïta",
            tags=["ambassadeur"],
        ).id
        ids["kita-stopped"] = make_relay(
            session,
            address="telegram:777002",
            channel="telegram",
            language=Language.BM,
            place="kita",
            status=RelayStatus.STOPPED,
        ).id
        ids["newcomer"] = make_relay(
            session, address="telegram:777003", channel="telegram", place=None
        ).id
    return ids


def cell(html: str, dimension: str, value: str) -> str:
    block = html.split(f'data-dimension="{dimension}"', 1)[1].split("</table>", 1)[0]
    found = re.search(rf'data-cell="{value}">([^<]+)<', block)
    assert found, f"no {dimension} {value}"
    return found.group(1).replace("&lt;", "<")


def listed(html: str) -> list[int]:
    return [int(found) for found in LISTED.findall(html)]


def test_counts_by_channel_language_place_and_status(
    dashboard: Dashboard, factory: Factory
) -> None:
    community(factory)
    page = dashboard.client.get("/admin/relays").text
    assert cell(page, "channel", "whatsapp") == "6"
    assert cell(page, "channel", "telegram") == "<5"  # three: a small group's figure is hidden
    assert cell(page, "language", "fr") == "7"
    assert cell(page, "place", "kayes") == "6"
    assert cell(page, "place", "kita") == "<5"
    assert cell(page, "status", "active") == "8"
    assert cell(page, "status", "stopped") == "<5"
    totals = re.findall(r"data-total>(\d+)<", page)
    assert totals == ["9", "9", "9", "9"]


def test_the_list_is_pseudonymised_filtered_and_paged(
    dashboard: Dashboard, factory: Factory
) -> None:
    ids = community(factory)
    whole = dashboard.client.get("/admin/relays").text
    assert sorted(listed(whole)) == sorted(ids.values())
    with factory() as session:
        relays = list(session.scalars(select(Relay)))
        for relay in relays:
            assert pseudonym(relay) in whole
            assert relay.address not in whole
            if relay.display_name:
                assert relay.display_name not in whole

    def only(**query: str) -> list[int]:
        response = dashboard.client.get("/admin/relays", params=query)
        assert response.status_code == 200
        return sorted(listed(response.text))

    assert only(channel="telegram", status="stopped") == [ids["kita-stopped"]]
    assert only(language="bm") == sorted([ids["kita-ambassador"], ids["kita-stopped"]])
    assert only(place="kita", tag="Ambassadeur") == [ids["kita-ambassador"]]
    assert only(role="organiser") == []
    assert len(only(place="kayes")) == 6
    assert only(status="nonsense") == sorted(ids.values())  # a value naming nothing: no filter

    with unit_of_work(factory) as session:
        for n in range(PAGE_SIZE):
            make_relay(session, address=f"sms:+2236500{n:04d}", channel="sms")
    first = dashboard.client.get("/admin/relays", params={"channel": "sms"}).text
    beyond = dashboard.client.get("/admin/relays", params={"channel": "sms", "page": "2"}).text
    assert len(listed(first)) == PAGE_SIZE
    assert listed(beyond) == listed(first)  # past the last page: the last page
    assert 'rel="next"' not in first  # exactly one page of sms relays
    everyone = dashboard.client.get("/admin/relays", params={"page": "2"}).text
    assert len(listed(everyone)) == 9
    assert 'rel="prev" href="?page=1"' in everyone


def test_the_csv_has_the_lists_columns_and_no_address(
    dashboard: Dashboard, factory: Factory
) -> None:
    ids = community(factory)
    response = dashboard.client.get("/admin/relays.csv", params={"channel": "telegram"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == [
        "pseudonym", "channel", "language", "place", "status", "tags", "role", "joined"
    ]  # fmt: skip
    with factory() as session:
        relays = list(session.scalars(select(Relay)))
        ambassador = session.get_one(Relay, ids["kita-ambassador"])
        expected = pseudonym(ambassador)
    assert len(rows) == 3
    by_name = {row["pseudonym"]: row for row in rows}
    assert by_name[expected]["tags"] == "ambassadeur"
    assert by_name[expected]["language"] == "bm"
    for relay in relays:
        assert relay.address not in text
        assert relay.address.partition(":")[2] not in text
        if relay.display_name:
            assert relay.display_name not in text


def test_tags_and_the_organiser_role_change_the_relay(
    dashboard: Dashboard, factory: Factory
) -> None:
    relay_id = community(factory)["kayes-0"]
    base = f"/admin/relays/{relay_id}"

    def relay() -> Relay:
        with factory() as session:
            return session.get_one(Relay, relay_id)

    added = dashboard.post(f"{base}/tags", {"tag": " Élu "}, follow_redirects=False)
    assert added.status_code == 303
    dashboard.post(f"{base}/tags", {"tag": "association"})
    assert relay().tags == ["association", "élu"]
    refused = dashboard.post(f"{base}/tags", {"tag": 'a"b'})
    assert refused.status_code == 422
    assert relay().tags == ["association", "élu"]
    dashboard.post(f"{base}/tags/remove", {"tag": "élu"})
    assert relay().tags == ["association"]

    dashboard.post(f"{base}/role", {"role": "organiser"})
    assert relay().role is Role.ORGANISER
    page = dashboard.client.get(base).text
    assert "Retirer le rôle d’organisateur" in page
    dashboard.post(f"{base}/role", {"role": "relay"})
    assert relay().role is Role.RELAY


def test_every_change_needs_its_csrf_token(dashboard: Dashboard, factory: Factory) -> None:
    relay_id = community(factory)["kayes-0"]
    base = f"/admin/relays/{relay_id}"
    for path, form in [
        (f"{base}/tags", {"tag": "élu"}),
        (f"{base}/role", {"role": "organiser"}),
        (f"{base}/address", {}),
        (f"{base}/tags/remove", {"tag": "ambassadeur"}),
    ]:
        assert dashboard.client.post(path, data=form).status_code == 403
        assert dashboard.client.post(path, data={**form, "csrf": "forged"}).status_code == 403
    with factory() as session:
        relay = session.get_one(Relay, relay_id)
        assert (relay.tags, relay.role) == ([], Role.RELAY)
        assert session.scalars(select(AddressAccess)).all() == []


def test_an_address_is_shown_only_on_request_and_that_look_is_logged(
    dashboard: Dashboard, factory: Factory
) -> None:
    relay_id = community(factory)["kita-ambassador"]
    page = dashboard.client.get(f"/admin/relays/{relay_id}")
    assert "telegram:777001" not in page.text
    assert "777001" not in page.text
    assert "consigné" in page.text  # the page says the look is logged
    with factory() as session:
        assert session.scalars(select(AddressAccess)).all() == []

    shown = dashboard.post(f"/admin/relays/{relay_id}/address")
    assert shown.status_code == 200
    assert '<p class="ok" data-address>telegram:777001</p>' in shown.text
    assert shown.headers["cache-control"] == "no-store"
    with factory() as session:
        looks = session.scalars(select(AddressAccess)).all()
        assert [(look.login, look.relay_id) for look in looks] == [("awa", relay_id)]
    assert "777001" not in dashboard.client.get("/admin/relays").text
    assert "777001" not in dashboard.client.get(f"/admin/relays/{relay_id}").text
