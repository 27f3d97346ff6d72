"""Fault suite: integers past what a database column holds, in /api paths and bodies,
get 404 or 422 on SQLite and PostgreSQL alike, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Broadcast, Contest
from tests.conftest import AUTH
from tests.test_api_contests import quiz

pytestmark = pytest.mark.faults
Factory = sessionmaker[Session]
HUGE = "1000000000000000000000000000000"


@pytest.mark.parametrize("broadcast_id", [HUGE, str(2**63), str(2**31), "0", "-1", "1e3"])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_ids_no_row_can_have_are_422(api: TestClient, broadcast_id: str, method: str) -> None:
    path = f"/api/broadcasts/{broadcast_id}" + ("/cancel" if method == "POST" else "")
    assert api.request(method, path, headers=AUTH).status_code == 422


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_the_largest_id_is_looked_for(api: TestClient, factory: Factory, method: str) -> None:
    path = f"/api/broadcasts/{2**31 - 1}" + ("/cancel" if method == "POST" else "")
    assert api.request(method, path, headers=AUTH).status_code == 404
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Broadcast)) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"points": 10**30},
        {"speed_bonus": {"points": 2**31, "minutes": 5}},
        {"speed_bonus": {"points": 1, "minutes": 10**20}},
    ],
)
def test_integers_past_a_column_in_a_contest_are_422(
    api: TestClient, factory: Factory, change: dict[str, object]
) -> None:
    assert api.post("/api/contests", json=quiz(**change), headers=AUTH).status_code == 422
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Contest)) == 0


@pytest.mark.parametrize("relay_id", [HUGE, str(2**31), "0"])
def test_admin_relay_pages_take_no_id_a_row_cannot_have(dashboard: Any, relay_id: str) -> None:
    base = f"/admin/relays/{relay_id}"
    assert dashboard.client.get(base).status_code == 422
    for path, form in ((f"{base}/tags", {"tag": "elu"}), (f"{base}/role", {"role": "relay"})):
        assert dashboard.post(path, form, follow_redirects=False).status_code == 422
    assert dashboard.client.get(f"/admin/relays/{2**31 - 1}").status_code == 404


ADMIN_GETS = ["/admin/broadcasts/{}", "/admin/broadcasts/{}/progress", "/admin/inbox/media/{}"]
ADMIN_POSTS = [
    ("/admin/broadcasts/{}/cancel", {}),
    ("/admin/broadcasts/{}/send", {"when": "now"}),
    ("/admin/inbox/{}/reply", {"text": "I ni ce"}),
    ("/admin/inbox/{}/share", {}),
]


@pytest.mark.parametrize("row_id", [HUGE, str(2**31)])
def test_admin_pages_take_no_id_a_row_cannot_have(dashboard: Any, row_id: str) -> None:
    for path in ADMIN_GETS:
        assert dashboard.client.get(path.format(row_id)).status_code == 422, path
    for path, form in ADMIN_POSTS:
        answer = dashboard.post(path.format(row_id), form, follow_redirects=False)
        assert answer.status_code == 422, path


@pytest.mark.parametrize("after", [HUGE, str(2**63), "-1"])
def test_the_simulators_cursor_past_any_row_is_422(api: TestClient, after: str) -> None:
    path = "/simulator/api/phones/sim-awa/messages?after="
    assert api.get(f"{path}{after}", headers=AUTH).status_code == 422
    assert api.get(f"{path}{2**63 - 1}", headers=AUTH).status_code == 200
