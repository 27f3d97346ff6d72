"""The rules for posts in a spreadsheet: each problem named with its file, row and column."""

from __future__ import annotations

from pathlib import Path

import pytest

from content.loaders import load_campaign
from tests.campaign_files import (
    ROW,
    document,
    found,
    french,
    invalid,
    line_of,
    said,
    with_sheet,
    write_campaign,
    write_rows,
)

SHEET_CASES: list[tuple[str, dict[str, object], str, str]] = [
    ("date", {"date": "2026-13-01"}, "date", "date invalide"),
    ("date-range", {"date": "2027-01-01"}, "date", "hors de la campagne"),
    ("time", {"time": "8h"}, "time", "heure invalide"),
    ("id", {"id": "S 01"}, "id", "identifiant invalide"),
    ("id-empty", {"id": ""}, "id", "champ obligatoire"),
    ("id-twice", {"id": "s01"}, "id", "déjà utilisé (calendar"),
    ("phase", {"phase": "agir"}, "phase", "phase inconnue"),
    ("text-bm", {"text_bm": ""}, "text_bm", "texte bambara manquant (ou indiquez single_language)"),
    ("places", {"places": "kayes, tombouctou"}, "places", "lieu inconnu « tombouctou »"),
    ("roles", {"roles": "relay chef"}, "roles", "rôle inconnu « chef »"),
    ("languages", {"languages": "fr;en"}, "languages", "langue inconnue « en »"),
    ("hashtags", {"hashtags": "#A, #B #C #D"}, "hashtags", "4 hashtags"),
    ("template", {"template_fr": "HX12"}, "template_fr", "Content SID invalide « HX12 »"),
    ("media", {"media_bm": "../../etc/passwd"}, "media_bm", "« .. » refusé"),
    ("media-absolute", {"media_fr": "/etc/passwd"}, "media_fr", "chemin absolu refusé"),
    ("single", {"single_language": "en"}, "single_language", "langue inconnue"),
    ("status", {"status": "prête"}, "status", "statut inconnu « prête »"),
    ("long", {"text_fr": "x" * 1601}, "text_fr", "WhatsApp (Twilio) en accepte 1600"),
]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize(
    ("values", "field", "fragment"), [pytest.param(*case[1:], id=case[0]) for case in SHEET_CASES]
)
def test_spreadsheet_rules_name_row_and_column(
    tmp_path: Path, suffix: str, values: dict[str, object], field: str, fragment: str
) -> None:
    rows = [ROW, ROW | {"id": "s02"} | values]
    problem = found(invalid(with_sheet(tmp_path, f"calendar{suffix}", rows)), field, fragment)
    assert (problem.file, problem.where) == (f"calendar{suffix}", "row 3")


@pytest.mark.parametrize(
    ("columns", "field", "fragment"),
    [
        (["id", "date", "phase", "texte_fr"], "texte_fr", "(vouliez-vous dire « text_fr » ?)"),
        (["id", "date", "phase", "id"], "id", "colonne en double"),
        (["id", "date", "text_fr"], "phase", "colonne obligatoire absente"),
    ],
)
def test_spreadsheet_header_problems_are_on_row_one(
    tmp_path: Path, columns: list[str], field: str, fragment: str
) -> None:
    folder = with_sheet(tmp_path, "calendar.csv", [])
    (folder / "calendar.csv").write_text(",".join(columns) + "\n", encoding="utf-8")
    problem = found(invalid(folder), field, fragment)
    assert (problem.file, problem.where) == ("calendar.csv", "row 1")


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("calendar.csv", "id,date\nj,é".encode("latin-1"), "pas en UTF-8"),
        ("calendar.csv", b"", "le tableur est vide"),
        ("calendar.xlsx", b"not a zip", "classeur illisible"),
    ],
)
def test_unreadable_spreadsheets(tmp_path: Path, name: str, content: bytes, fragment: str) -> None:
    folder = with_sheet(tmp_path, name, [])
    (folder / name).write_bytes(content)
    [problem] = invalid(folder)
    assert problem.file == name
    assert fragment in said(problem)


def test_a_spreadsheet_row_may_be_single_language(tmp_path: Path) -> None:
    folder = with_sheet(tmp_path, "calendar.csv", [])
    write_rows(folder / "calendar.csv", [ROW | {"text_bm": "", "single_language": "fr"}])
    [post] = load_campaign(folder)[0].posts
    assert (post.text, post.single_language) == ({"fr": "Bonjour"}, "fr")


def test_an_id_used_in_campaign_yaml_and_the_spreadsheet(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path / "c", document(posts_from="calendar.xlsx"))
    write_rows(folder / "calendar.xlsx", [ROW | {"id": "j02"}])
    [problem] = invalid(folder)
    first = line_of(folder / "campaign.yaml", "id: j02").removeprefix("line ")
    assert (problem.file, problem.where, problem.field) == ("calendar.xlsx", "row 2", "id")
    expected = f"identifiant « j02 » déjà utilisé (campaign.yaml ligne {first})"
    assert said(problem) == french(expected)
