"""An organiser's week, end to end: a spreadsheet checked, fixed, loaded, and its posts
reaching a Bambara relay in the simulator and a French one on Telegram at their hour.

Time travels through the clock's injected `now`; nothing sleeps.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.channels.console.channel import ConsoleChannel
from bot.channels.telegram.channel import TelegramChannel
from bot.cli.main import app
from bot.db import unit_of_work
from bot.domain.media_library import MediaLibrary
from bot.models import Language
from bot.web.app import create_app
from scheduler.calendar import materialise_due
from scheduler.worker import DeliveryWorker
from tests.conftest import SettingsFactory
from tests.factories import make_relay
from tests.fakes.telegram import FakeTelegram

Factory = sessionmaker[Session]
runner = CliRunner()
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
OGG = b"OggS" + b"\0" * 60
BOTH = ("fr", "bm")
CAMPAIGN: dict[str, Any] = {
    "campaign": {
        "slug": "semaine",
        "name": "#EngageonsNous",
        "hashtags": ["#EngageonsNous"],
        "start": date(2026, 11, 2),  # a Monday, in the past: the worker sends what is due
        "end": date(2026, 11, 8),
        "channels": ["telegram"],
        "objectives": {"fr": ["Faire participer les jeunes"], "bm": ["Kamalenw ka sen don"]},
        "audiences": {"fr": ["Jeunes de Kayes"], "bm": ["Kayes kamalenw"]},
        "phases": [
            {"id": "informer", "name": {"fr": "Informer", "bm": "Kunnafoni"}},
            {"id": "action", "name": {"fr": "Agir", "bm": "Ka ko kɛ"}},
        ],
        "posts_from": "calendar.xlsx",
    },
    "kit": {
        **{
            part: {"fr": f"{part} (fr)", "bm": f"{part} (bm)"}
            for part in ("what", "who", "when", "why")
        },
        "hashtags": ["#EngageonsNous"],
        "messages": {
            name: {"fr": f"À partager sur {name}", "bm": f"A jɛnsɛn {name} kan"}
            for name in ("whatsapp", "facebook", "twitter")
        },
    },
}


def row(post_id: str, day: int, phase: str, **values: object) -> dict[str, object]:
    return {
        "id": post_id,
        "date": date(2026, 11, day),
        "time": "08:00",
        "phase": phase,
        "text_fr": f"Publication {post_id} : venez à la session du conseil communal.",
        "text_bm": f"Cikan {post_id}: aw ka na komini ladilikɛlaw ka lajɛ la.",
        "hashtags": "#EngageonsNous",
        "status": "ready",
        **values,
    }


def write_sheet(folder: Path, rows: list[dict[str, object]]) -> None:
    columns = list(dict.fromkeys(key for values in rows for key in values))
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(columns)
    for values in rows:
        sheet.append([values.get(column) for column in columns])
    book.save(folder / "calendar.xlsx")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "semaine"
    (folder / "media").mkdir(parents=True)
    (folder / "media" / "j02.png").write_bytes(PNG)
    (folder / "media" / "j02-bm.ogg").write_bytes(OGG)
    (folder / "campaign.yaml").write_text(yaml.safe_dump(CAMPAIGN, allow_unicode=True))
    return folder


@pytest.fixture
def cli_database(database_url: str, factory: Factory, monkeypatch: pytest.MonkeyPatch) -> Factory:
    monkeypatch.setenv("RELAIS_DATABASE_URL", database_url)
    return factory


def check(folder: Path) -> tuple[int, dict[str, Any]]:
    result = runner.invoke(
        app, ["campaign", "check", str(folder), "--json", "--today", "2026-11-01"]
    )
    return result.exit_code, json.loads(result.output)


def test_a_spreadsheet_checked_fixed_loaded_and_received(
    folder: Path, cli_database: Factory, make_settings: SettingsFactory
) -> None:
    voice_note = {"media_fr": "media/j02.png", "media_bm": "media/j02-bm.ogg", "time": "18:00"}
    broken = row(
        "j01", 2, "informer", hashtags="#EngageonsNous #Kayes #Jeunes #Femmes", text_bm=None
    )
    others = [
        row("j02", 4, "informer", **voice_note),
        row("j03", 6, "action"),
        row("j04", 8, "action"),
    ]
    write_sheet(folder, [broken, *others])

    code, report = check(folder)
    assert (code, report["valid"]) == (1, False)
    found = {
        (p["file"], p["where"], p["field"]) for p in report["problems"] if p["severity"] == "error"
    }
    assert found == {("calendar.xlsx", "row 2", "hashtags"), ("calendar.xlsx", "row 2", "text_bm")}
    refused = runner.invoke(app, ["campaign", "load", str(folder)])
    assert refused.exit_code == 1
    assert "Rien n'a été chargé" in refused.output

    fixed = row("j01", 2, "informer", hashtags="#EngageonsNous #Kayes #Jeunes")
    write_sheet(folder, [fixed, *others])
    code, report = check(folder)
    assert (code, report["valid"], report["ready"]) == (0, True, True)
    loaded = runner.invoke(app, ["campaign", "load", str(folder)])
    assert loaded.exit_code == 0, loaded.output
    assert "4 publication(s) nouvelles" in loaded.output
    again = runner.invoke(app, ["campaign", "load", str(folder)])
    assert "4 publication(s) inchangées" in again.output

    with FakeTelegram() as telegram:
        with unit_of_work(cli_database) as session:
            make_relay(session, address="console:awa", language=Language.BM, place="kayes")
            make_relay(session, address="telegram:777", channel="telegram", language=Language.FR)

        def at(day: int, hour: int, minute: int = 0) -> None:
            with unit_of_work(cli_database) as session:
                materialise_due(
                    session=session, now=datetime(2026, 11, day, hour, minute, tzinfo=UTC)
                )
            sender = TelegramChannel(
                token=telegram.token,
                api_url=telegram.api_url,
                rate=50,
                media=MediaLibrary(cli_database),
            )
            worker = DeliveryWorker(
                factory=cli_database, channels={"console": ConsoleChannel(), "telegram": sender}
            )

            async def run() -> None:
                await worker.run_once()
                await sender.close()

            asyncio.run(run())

        at(2, 7, 59)
        assert telegram.calls_to("sendMessage") == []
        at(2, 8, 0)
        [monday] = telegram.calls_to("sendMessage")
        assert monday.params["text"].startswith("Publication j01 : venez")
        assert monday.params["text"].endswith("#EngageonsNous #Kayes #Jeunes")
        at(4, 18, 0)
        [evening] = telegram.calls_to("sendPhoto")
        assert evening.params["caption"].startswith("Publication j02")

    with TestClient(create_app(make_settings()), client=("127.0.0.1", 4000)) as client:
        shown = client.get("/simulator/api/phones/awa/messages", params={"after": 0}).json()[
            "messages"
        ]
        assert [m["text"].split(":")[0] for m in shown] == ["Cikan j01", "Cikan j02"]
        assert shown[1]["media"] == {"kind": "voice", "url": "/media/semaine/media/j02-bm.ogg"}
        assert client.get(shown[1]["media"]["url"]).content == OGG
