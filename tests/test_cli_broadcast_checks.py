"""`relais broadcast create` as an organiser types it: yes and no in their language, an
audience that names what nobody has, an audience of nobody, both languages or on purpose
one, a Bambara voice note, quiet hours and --urgent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from bot.cli.main import app
from bot.db import unit_of_work
from bot.domain.media_library import media_file
from bot.models import Broadcast, BroadcastState, Delivery, Language
from tests.factories import make_relay
from tests.quiet_campaign import add_campaign, quiet_now

Factory = sessionmaker[Session]
runner = CliRunner()
BOTH = ["--fr", "Venez !", "--bm", "Aw ka na!"]


@pytest.fixture
def relays(database_url: str, factory: Factory, monkeypatch: pytest.MonkeyPatch) -> Factory:
    monkeypatch.setenv("RELAIS_DATABASE_URL", database_url)
    with unit_of_work(factory) as session:
        make_relay(session, address="console:awa", language=Language.BM, place="kayes")
        make_relay(session, address="console:ali", language=Language.FR, place="kita")
        make_relay(
            session, address="console:ina", language=Language.FR, place="kayes", tags=["élu"]
        )
    return factory


def created(factory: Factory) -> list[Broadcast]:
    with factory() as session:
        return list(session.scalars(select(Broadcast).order_by(Broadcast.id)))


def create(*arguments: str, input: str | None = None) -> tuple[int, str]:
    result = runner.invoke(app, ["broadcast", "create", *arguments], input=input)
    return result.exit_code, result.output


@pytest.mark.parametrize("answer", ["oui", "o", "OUI", "y"])
def test_yes_in_french(relays: Factory, answer: str) -> None:
    code, output = create(*BOTH, input=f"{answer}\n")
    assert code == 0, output
    assert "[o/N]" in output
    assert len(created(relays)) == 1


@pytest.mark.parametrize("answer", ["non", "n", ""])
def test_no_in_french(relays: Factory, answer: str) -> None:
    code, _ = create(*BOTH, input=f"{answer}\n")
    assert code == 1
    assert created(relays) == []


def test_yes_and_no_in_bambara_and_a_wrong_answer_asked_again(relays: Factory) -> None:
    code, output = create(*BOTH, "--lang", "bm", input="ayi\n")
    assert (code, created(relays)) == (1, [])
    assert "[awɔ/AYI]" in output
    code, output = create(*BOTH, "--lang", "bm", input="peut-être\nawɔ\n")
    assert code == 0, output
    assert "awɔ/AYI" in output.split("[awɔ/AYI]", 1)[1]  # asked again, saying what to answer
    assert len(created(relays)) == 1


@pytest.mark.parametrize(
    ("audience", "named"),
    [
        ("place=kaye", ["kayes", "kita", "bamako"]),
        ("tag=elu", ["élu"]),
        ("language=en", ["bm", "fr"]),
        ("role=chef", ["organiser", "relay"]),
    ],
)
def test_an_audience_naming_what_nobody_has_is_refused(
    relays: Factory, audience: str, named: list[str]
) -> None:
    code, output = create("--audience", audience, *BOTH, "--yes")
    assert code == 2
    assert audience in output
    assert all(name in output for name in named), output
    assert created(relays) == []


def test_an_audience_of_nobody_asks_even_with_yes(relays: Factory) -> None:
    code, output = create("--audience", "place=bamako", *BOTH, "--yes", input="n\n")
    assert code == 1
    assert "0 relais" in output
    assert created(relays) == []
    code, output = create("--audience", "place=bamako", *BOTH, "--yes", input="oui\n")
    assert code == 0, output
    assert len(created(relays)) == 1


def test_without_bambara_it_is_asked_for(relays: Factory) -> None:
    code, output = create("--fr", "Venez !", input="Aw ka na!\noui\n")
    assert code == 0, output
    [broadcast] = created(relays)
    assert broadcast.texts == {"fr": "Venez !", "bm": "Aw ka na!"}


def test_left_empty_it_is_french_for_everyone_knowingly(relays: Factory) -> None:
    code, output = create("--fr", "Venez !", input="\noui\n")
    assert code == 0, output
    [broadcast] = created(relays)
    assert broadcast.texts == {"fr": "Venez !"}


def test_with_yes_a_missing_language_needs_single_language(relays: Factory) -> None:
    code, output = create("--fr", "Venez !", "--yes")
    assert code == 2
    assert "--single-language" in output
    assert created(relays) == []
    code, output = create("--fr", "Venez !", "--yes", "--single-language")
    assert code == 0, output
    assert len(created(relays)) == 1


def test_a_bambara_voice_note_from_a_file(
    relays: Factory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RELAIS_UPLOADS_DIR", str(tmp_path / "uploads"))
    voice = tmp_path / "appel.ogg"
    voice.write_bytes(b"OggS fake voice note")
    code, output = create("--fr", "Venez !", "--bm-voice", str(voice), "--yes")
    assert code == 0, output
    assert "appel.ogg" in output  # in the preview
    [broadcast] = created(relays)
    reference = broadcast.media["bm"]["path"]
    assert broadcast.media["bm"]["kind"] == "voice"
    with relays() as session:
        kept = media_file(session=session, reference=reference, uploads=tmp_path / "uploads")
        bm = session.scalars(
            select(Delivery.payload).where(Delivery.source_kind == "broadcast")
        ).all()
    assert kept.read_bytes() == voice.read_bytes()
    assert kept.is_relative_to(tmp_path / "uploads")
    assert any((p.get("media") or {}).get("path") == reference for p in bm)


def test_a_voice_note_must_be_audio(relays: Factory, tmp_path: Path) -> None:
    text = tmp_path / "appel.txt"
    text.write_text("not a voice note")
    code, _ = create("--fr", "Venez !", "--bm-voice", str(text), "--yes")
    assert code == 2


def test_quiet_hours_hold_it_unless_urgent(relays: Factory) -> None:
    add_campaign(relays, quiet=quiet_now())
    code, output = create(*BOTH, "--yes")
    assert code == 0, output
    assert "--urgent" in output  # the preview says it waits, and how not to
    code, output = create(*BOTH, "--yes", "--urgent")
    assert code == 0, output
    held, urgent = created(relays)
    assert (held.state, held.urgent) == (BroadcastState.SCHEDULED, False)
    assert urgent.urgent
    with relays() as session:
        refs = set(session.scalars(select(Delivery.source_ref)))
    assert refs == {str(urgent.id)}
    status = runner.invoke(app, ["broadcast", "status", str(held.id), "--follow"])
    assert status.exit_code == 0  # nothing to follow yet: it says when it leaves instead
    assert "programmée" in status.output
    assert "Elle part le " in status.output
