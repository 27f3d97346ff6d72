"""End to end: `relais serve` with no account anywhere, as the README's first command.

The sample campaigns start today; a phone in the simulator joins in Bambara and asks for
the campaign kits (one message each), through the outbox and the delivery worker. (Which
posts are due depends on the hour; tests/test_calendar.py covers that with an injected clock.)
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.domain.campaign_dates import LongDay
from bot.models import Language
from tests.serving import query, relais_serve
from tests.waiting import eventually

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
POSTS = "SELECT id FROM delivery WHERE source_kind = 'post'"


def say(url: str, phone: str, message_id: str, **body: str) -> None:
    response = httpx.post(
        f"{url}/simulator/api/phones/{phone}/send", json={"id": message_id, **body}, timeout=10
    )
    assert response.status_code == 202, response.text


def bot_messages(url: str, phone: str, count: int, *, until: str = "") -> list[dict[str, Any]]:
    """The bot's messages once there are `count` of them (and one starting with `until`)."""

    def shown() -> list[dict[str, Any]]:
        page = httpx.get(f"{url}/simulator/api/phones/{phone}/messages", timeout=10).json()
        return [m for m in page["messages"] if m["direction"] == "out"]

    def arrived(out: list[dict[str, Any]]) -> bool:
        return len(out) >= count and (not until or any(m["text"].startswith(until) for m in out))

    awaiting = f"{count} messages from the bot" + (f", one starting {until!r}" if until else "")
    return eventually(shown, until=arrived, awaiting=awaiting, timeout=20, interval=0.2)


def test_the_simulator_joins_in_bambara_and_gets_the_sample_kit(tmp_path: Path) -> None:
    with relais_serve(tmp_path) as served:
        say(served.url, "sim-e2e", "1", text="/start")
        say(served.url, "sim-e2e", "2", choice="lang:bm", label="Bamanankan")
        say(served.url, "sim-e2e", "3", choice="place:kayes", label="Kayes")
        joined = bot_messages(served.url, "sim-e2e", 3)
        say(served.url, "sim-e2e", "4", text="kit")
        last_kit = "Kampaɲi ka minɛnw (kit): #PaixauMali"
        out = bot_messages(served.url, "sim-e2e", len(joined) + 2, until=last_kit)
        page = httpx.get(f"{served.url}/simulator", timeout=10)
    assert page.status_code == 200
    assert joined[2]["text"].startswith("I bisimila kampaɲi ka relaw cɛma")
    # A post of the calendar due at this hour may reach the new relay meanwhile: not a kit.
    posts = {f"out-{key}" for (key,) in query(served.database, POSTS)}
    kits = [message for message in out[len(joined) :] if message["id"] not in posts]
    assert len(kits) == 2  # one message per campaign, its parts laid out, its picture with it
    assert kits[0]["text"].startswith("Kampaɲi ka minɛnw (kit): #EngageonsNous")
    assert kits[1]["text"].startswith(last_kit)
    assert [kit["media"]["url"] for kit in kits] == [
        "/media/engageonsnous/media/j05-quota-bm.png",
        "/media/paixaumali/media/p01-valeurs-bm.png",
    ]
    campaigns = query(served.database, "SELECT slug, starts_on FROM campaign")
    day = datetime.now(ZoneInfo("Africa/Bamako")).date()
    today = day.isoformat()
    # The samples start today, and their kits say so (not the calendar's original days).
    assert f"Ka bɔ {LongDay(day).render(Language.BM)} la" in kits[1]["text"]
    assert sorted(slug for slug, _ in campaigns) == ["engageonsnous", "paixaumali"]
    assert {str(start) for _, start in campaigns} == {today}
