"""`relais campaign check` and `relais campaign template`."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from bot.cli.campaign import campaign_app
from tests.campaign_files import document, french, write_campaign

runner = CliRunner()
WIDE = {"COLUMNS": "200"}  # rich wraps table cells to the terminal's width
BEFORE = ["--today", "2026-11-21"]


def test_a_valid_ready_campaign_exits_zero(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path / "c")
    result = runner.invoke(campaign_app, ["check", str(folder), *BEFORE], env=WIDE)
    assert result.exit_code == 0, result.output
    assert french("Êtes-vous prêts à lancer votre campagne ?") in result.output
    assert result.output.count("✓") == 5
    assert "✗" not in result.output
    assert "Problèmes" not in result.output
    assert "Campagne valide et prête" in result.output


def test_json_document(tmp_path: Path) -> None:
    data = document(channels=["telegram", "sms"])
    data["posts"][1]["text"]["bm"] = "ɛ" * 300  # a warning only
    folder = write_campaign(tmp_path / "c", data)
    result = runner.invoke(campaign_app, ["check", str(folder / "campaign.yaml"), "--json"])
    report = json.loads(result.output)
    assert set(report) == {"valid", "ready", "problems", "readiness"}
    assert (report["valid"], report["ready"]) == (True, False)
    [warning] = report["problems"]
    assert set(warning) == {"file", "where", "field", "label", "message", "severity"}
    assert (warning["field"], warning["severity"]) == ("posts[1].text.bm", "warning")
    assert warning["label"] == "posts[j02].text.bm"  # the post by its id, for people
    assert [entry["key"] for entry in report["readiness"]] == [
        "objectives",
        "channels",
        "calendar",
        "content",
        "kit",
    ]
    assert set(report["readiness"][0]) == {"key", "title", "ok", "detail"}
    assert report["readiness"][0]["title"] == "Les objectifs et les publics cibles sont définis"
    assert warning["message"].startswith("SMS de 5 segments")
    assert report["readiness"][1]["ok"] is False  # 5 SMS segments for a ready post
    assert result.exit_code == 1


def test_an_invalid_campaign_lists_its_problems_and_exits_one(tmp_path: Path) -> None:
    data = document()
    data["posts"][1]["phase"] = "agir"
    del data["posts"][2]["text"]["bm"]
    folder = write_campaign(tmp_path / "c", data)
    result = runner.invoke(campaign_app, ["check", str(folder)], env=WIDE)
    assert result.exit_code == 1
    assert "posts[j02].phase" in result.output  # the post by its id, not its position
    assert french("phase inconnue « agir »") in result.output
    assert "posts[j03].text.bm" in result.output
    assert "ligne " in result.output
    assert "line " not in result.output
    assert "erreur" in result.output
    assert french("Campagne invalide : 2 erreur(s), 0 avertissement(s).") in result.output
    assert "✓" not in result.output

    result = runner.invoke(campaign_app, ["check", str(folder), "--json"])
    report = json.loads(result.output)
    assert (report["valid"], report["ready"], report["readiness"]) == (False, False, [])
    assert [problem["field"] for problem in report["problems"]] == [
        "posts[1].phase",
        "posts[2].text.bm",
    ]


def test_a_valid_campaign_not_yet_ready_exits_one(tmp_path: Path) -> None:
    data = document()
    data["kit"]["messages"].pop("twitter")
    folder = write_campaign(tmp_path / "c", data)
    result = runner.invoke(campaign_app, ["check", str(folder), *BEFORE], env=WIDE)
    assert result.exit_code == 1
    assert "✗" in result.output
    assert "message twitter (français, bambara)" in result.output
    assert french("pas encore prête : 1 point(s) à reprendre") in result.output


def test_today_defaults_to_the_campaign_day_and_can_be_set(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path / "c")
    result = runner.invoke(campaign_app, ["check", str(folder), "--today", "2027-01-01", "--json"])
    [calendar] = [item for item in json.loads(result.output)["readiness"] if not item["ok"]]
    assert "terminée" in calendar["detail"]


def test_a_path_that_does_not_exist_exits_two(tmp_path: Path) -> None:
    result = runner.invoke(campaign_app, ["check", str(tmp_path / "absent")])
    assert result.exit_code == 2
    assert "introuvable" in result.output


def test_a_spreadsheet_alone_is_refused(tmp_path: Path) -> None:
    runner.invoke(campaign_app, ["template", "--out", str(tmp_path / "calendar.xlsx")])
    result = runner.invoke(campaign_app, ["check", str(tmp_path / "calendar.xlsx"), "--json"])
    assert result.exit_code == 1
    [problem] = json.loads(result.output)["problems"]
    assert "un tableur seul ne suffit pas" in problem["message"]


def test_template_writes_a_spreadsheet_and_never_overwrites_silently(tmp_path: Path) -> None:
    out = tmp_path / "calendar.xlsx"
    result = runner.invoke(campaign_app, ["template", "--out", str(out)])
    assert result.exit_code == 0
    assert out.is_file()
    assert [sheet.title for sheet in openpyxl.load_workbook(out).worksheets] == [
        "calendrier",
        "aide",
    ]
    out.write_bytes(b"mes publications")
    result = runner.invoke(campaign_app, ["template", "--out", str(out)])
    assert result.exit_code == 1
    assert "--force" in result.output
    assert out.read_bytes() == b"mes publications"
    result = runner.invoke(campaign_app, ["template", "--out", str(out), "--force"])
    assert result.exit_code == 0
    assert out.read_bytes() != b"mes publications"


def test_template_as_csv(tmp_path: Path) -> None:
    out = tmp_path / "calendar.csv"
    assert runner.invoke(campaign_app, ["template", "--out", str(out)]).exit_code == 0
    header, sample = out.read_text(encoding="utf-8-sig").splitlines()[:2]
    assert header.startswith("id,date,time,phase")
    assert sample.startswith("j01-droits,2026-12-01")


def test_template_needs_a_spreadsheet_name(tmp_path: Path) -> None:
    result = runner.invoke(campaign_app, ["template", "--out", str(tmp_path / "calendar.ods")])
    assert result.exit_code == 2
    assert ".xlsx ou .csv" in result.output


def test_check_speaks_bambara_with_lang_bm(tmp_path: Path) -> None:
    data = document()
    data["posts"][1]["phase"] = "agir"
    folder = write_campaign(tmp_path / "c", data)
    result = runner.invoke(campaign_app, ["check", str(folder), "--lang", "bm"], env=WIDE)
    assert result.exit_code == 1
    assert "Gɛlɛyaw" in result.output
    assert "dakun “agir” ma dɔn (dakunw: informer, action)" in result.output
    assert "Kampaɲi man ɲi: fili 1, lasɔmini 0." in result.output
    assert "Filiw latilen walasa ka “Yala aw labɛnnen don wa?” lisi lajɛ." in result.output
    assert "inconnue" not in result.output

    result = runner.invoke(campaign_app, ["check", str(folder), "--json", "--lang", "bm"])
    [problem] = json.loads(result.output)["problems"]
    assert problem["message"] == "dakun “agir” ma dɔn (dakunw: informer, action)"
    assert problem["field"] == "posts[1].phase"


def test_readiness_speaks_bambara_with_lang_bm(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path / "c")
    args = ["check", str(folder), *BEFORE, "--lang", "bm"]
    result = runner.invoke(campaign_app, args, env=WIDE)
    assert result.exit_code == 0, result.output
    assert "Yala aw labɛnnen don ka aw ka kampaɲi daminɛ wa?" in result.output
    assert "Kampaɲi ka minɛnw (kit) dafalen don" in result.output
    assert result.output.count("✓") == 5
    result = runner.invoke(campaign_app, [*args, "--json"])
    readiness = json.loads(result.output)["readiness"]
    assert readiness[3] == {
        "key": "content",
        "title": "Cikanw tilancɛ walima a ka ca ni o ye labɛnnen don",
        "ok": True,
        "detail": "Cikan 4 labɛnnen don 4 cɛma (100 %).",
    }


def test_only_french_and_bambara_are_offered(tmp_path: Path) -> None:
    result = runner.invoke(campaign_app, ["check", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 2
    result = runner.invoke(campaign_app, ["check", str(tmp_path / "absent"), "--lang", "bm"])
    assert result.exit_code == 2
    assert "a ma sɔrɔ" in result.output


def test_template_in_bambara(tmp_path: Path) -> None:
    out = tmp_path / "calendar.xlsx"
    result = runner.invoke(campaign_app, ["template", "--out", str(out), "--lang", "bm"])
    assert result.exit_code == 0
    assert f"Kalandiriye lankolon sɛbɛnna {out} kɔnɔ" in result.output
    assert [sheet.title for sheet in openpyxl.load_workbook(out).worksheets] == [
        "kalandiriye",
        "dɛmɛ",
    ]
    result = runner.invoke(campaign_app, ["template", "--out", str(out), "--lang", "bm"])
    assert result.exit_code == 1
    assert "foyi tɛ sɛbɛn a kan ni --force tɛ" in result.output
