"""Reading a campaign folder: campaign.yaml with its lines, spreadsheets with their rows,
all or nothing."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time
from pathlib import Path

import openpyxl
import pytest
import yaml

from bot.i18n import _
from bot.models import Language
from content.loaders import load_campaign
from content.model import Campaign, PostAudience, QuietHours, Template
from content.problems import CampaignInvalid, Problem
from content.spreadsheet import COLUMNS, write_template
from tests.campaign_files import (
    ROW,
    SID,
    document,
    french,
    invalid,
    line_of,
    said,
    with_sheet,
    write_campaign,
    write_rows,
)


def test_a_folder_loads_into_the_model(tmp_path: Path) -> None:
    campaign, warnings = load_campaign(write_campaign(tmp_path / "c"))
    assert warnings == []
    assert isinstance(campaign, Campaign)
    assert (campaign.slug, campaign.start, campaign.timezone) == (
        "engageonsnous",
        date(2026, 12, 7),
        "Africa/Bamako",
    )
    assert [phase.id for phase in campaign.phases] == ["informer", "action"]
    assert campaign.objectives == {"fr": "Faire voter les jeunes", "bm": "Kamalenw ka kalata kɛ"}
    assert campaign.folder == (tmp_path / "c").resolve()
    assert campaign.quiet_hours == QuietHours()
    assert campaign.fallback_language == "fr"
    first = campaign.posts[0]
    assert (first.id, first.at, first.status, first.source) == (
        "j01",
        time(8, 0),
        "ready",
        "campaign.yaml:" + line_of(tmp_path / "c" / "campaign.yaml", "id: j01")[5:],
    )
    assert first.media == {"fr": "media/j01.png", "bm": "media/j01.png"}
    assert campaign.kit.messages["twitter"]["bm"] == "A jɛnsɛn twitter kan"
    assert campaign.kit.links[0].url == "https://example.org"


def test_the_campaign_yaml_itself_is_a_path_too(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path / "c")
    campaign, _ = load_campaign(folder / "campaign.yaml")
    assert campaign.folder == folder.resolve()


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("calendar.xlsx", "un tableur seul ne suffit pas"),
        ("calendar.csv", "un tableur seul ne suffit pas"),
        ("notes.txt", "donnez le dossier de la campagne"),
        ("absent", "introuvable"),
        ("empty-folder", "ce dossier n'a pas de campaign.yaml"),
    ],
)
def test_what_is_not_a_campaign_is_said_clearly(tmp_path: Path, name: str, message: str) -> None:
    if name == "empty-folder":
        (tmp_path / name).mkdir()
    elif name != "absent":
        write_template(tmp_path / name) if name.startswith("calendar") else (
            tmp_path / name
        ).write_text("x")
    [problem] = invalid(tmp_path / name)
    assert message in said(problem)
    assert problem.is_error


def test_full_options_and_their_yaml_spellings(tmp_path: Path) -> None:
    data = document()
    data["posts"][0].update(
        audience={"languages": ["fr"], "places": ["kayes", "autre"], "roles": ["relay"]},
        whatsapp_template={"fr": {"sid": SID, "variables": {"1": "Kayes"}}, "bm": {"sid": SID}},
        sms={"fr": "Court"},
    )
    folder = write_campaign(tmp_path / "c", data)
    text = (folder / "campaign.yaml").read_text()
    text = text.replace("campaign:\n", "campaign:\n  post_time: 9:30\n  quiet_hours: none\n", 1)
    text = text.replace("campaign:\n", "campaign:\n  fallback_language: none\n", 1)
    text = text.replace(
        "campaign:\n", "campaign:\n  max_gap_days: 0\n  posts_per_week: {min: 0, max: 5}\n", 1
    )
    text = text.replace("- id: j02\n", "- id: j02\n  time: 18:45\n  single_language: fr\n")
    (folder / "campaign.yaml").write_text(text)
    campaign, _ = load_campaign(folder)
    # 9:30 unquoted is a YAML 1.1 sexagesimal number (570): read as the time it means.
    assert campaign.post_time == time(9, 30)
    assert campaign.quiet_hours is None
    assert campaign.fallback_language is None
    assert (campaign.max_gap_days, campaign.posts_per_week) == (0, (0, 5))
    first, second = campaign.posts[:2]
    assert first.at == time(9, 30)
    assert second.at == time(18, 45)
    assert second.single_language == "fr"
    assert second.text == {"fr": "Message 2"}
    assert first.audience == PostAudience(("fr",), ("kayes", "autre"), ("relay",))
    assert first.templates == {"fr": Template(SID, {"1": "Kayes"}), "bm": Template(SID)}
    assert first.sms == {"fr": "Court"}


def test_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "campaign.yaml").write_text("campaign:\n  slug: x\n   name: y\n")
    [problem] = invalid(folder)
    assert (problem.file, problem.where) == ("campaign.yaml", "line 3")
    assert said(problem).startswith("un «\u00a0:\u00a0» là où il ne peut pas y en avoir")


@pytest.mark.parametrize(
    ("text", "line", "said_fr"),
    [
        ("a: 1\nb: [x, y\nc: 2\nd: 3\n", 2, "une liste ouverte par «\u00a0[\u00a0»"),
        ('a: 1\nb: "bonjour\nc: 2\n', 2, "un guillemet ouvert ici"),
        ("a:\n\tb: 1\n", 2, "une tabulation"),
        ("a: 1\nb: {x: 1\nc: 2\n", 2, "un tableau ouvert par «\u00a0{\u00a0»"),
    ],
)
def test_yaml_syntax_errors_in_french_on_the_line_to_fix(
    tmp_path: Path, text: str, line: int, said_fr: str
) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    (folder / "campaign.yaml").write_text(text)
    [problem] = invalid(folder)
    assert problem.where == f"line {line}"  # where it was opened, not where it ran out
    assert said(problem).startswith(said_fr)
    assert "expected" not in said(problem)
    assert "found" not in said(problem)
    assert problem.render(Language.BM).startswith(f"campaign.yaml sira {line}")


def test_line_numbers_follow_the_file_as_written(tmp_path: Path) -> None:
    folder = tmp_path / "c"
    folder.mkdir()
    text = yaml.safe_dump(document(), allow_unicode=True, sort_keys=False)
    text = text.replace("posts:\n", "posts:\n- id: Mauvais\n  date: 2026-12-32\n  phase: x\n", 1)
    (folder / "campaign.yaml").write_text(text)
    first = text.splitlines().index("posts:") + 2  # the bad post's first line
    found = {(problem.field, problem.where) for problem in invalid(folder)}
    assert ("posts[0].id", f"line {first}") in found
    assert ("posts[0].date", f"line {first + 1}") in found
    assert ("posts[0].phase", f"line {first + 2}") in found
    assert ("posts[0].text.fr", f"line {first}") in found  # missing: where the post starts


def test_a_duplicated_key_is_an_error_at_its_line(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path / "c")
    text = (folder / "campaign.yaml").read_text().replace("  slug:", "  name: Autre\n  slug:", 1)
    (folder / "campaign.yaml").write_text(text)
    [problem] = invalid(folder)
    assert (problem.field, said(problem)) == ("campaign.name", french("clé « name » en double"))
    assert said(problem, Language.BM) == "kile “name” bɛ yen siɲɛ fila"
    assert problem.where == line_of(folder / "campaign.yaml", "#EngageonsNous'")


def test_an_empty_file_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "campaign.yaml").write_text("# rien\n")
    assert "vide" in said(invalid(tmp_path)[0])


@pytest.mark.parametrize("name", ["calendar.csv", "calendar.xlsx"])
def test_posts_from_a_spreadsheet_merge_with_the_yaml_ones(tmp_path: Path, name: str) -> None:
    data = document(posts_from=name)
    folder = write_campaign(tmp_path / "c", data)
    write_rows(
        folder / name, [ROW | {"time": "18:00", "places": "kayes, kita", "hashtags": "#A #B"}]
    )
    campaign, _ = load_campaign(folder)
    assert [post.id for post in campaign.posts] == ["j01", "j02", "j03", "j04", "s01"]
    added = campaign.posts[-1]
    assert (added.day, added.at, added.source) == (date(2026, 12, 8), time(18, 0), f"{name} row 2")
    assert added.audience.places == ("kayes", "kita")
    assert added.hashtags == ("#A", "#B")


def test_csv_with_bom_and_semicolons_as_french_excel_writes_it(tmp_path: Path) -> None:
    folder = with_sheet(tmp_path, "calendar.csv", [])
    header, values = ";".join(ROW), ";".join(str(value) for value in ROW.values())
    blank = ";" * (len(ROW) - 1)
    body = f"{header}\r\n{blank}\r\n{values}\r\n".replace("2026-12-08", "08/12/2026")
    (folder / "calendar.csv").write_bytes(body.encode("utf-8-sig"))
    [post] = load_campaign(folder)[0].posts
    assert (post.day, post.text["bm"], post.source) == (
        date(2026, 12, 8),
        "I ni sɔgɔma",
        "calendar.csv row 3",  # the blank row still counts, as in Excel
    )


def test_xlsx_date_and_time_cells(tmp_path: Path) -> None:
    folder = with_sheet(tmp_path, "calendar.xlsx", [])
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(["ID ", *list(ROW)[1:], "time"])  # header case and spaces do not matter
    sheet.append([*ROW.values(), None])
    sheet.append([])
    midnight = datetime.combine(date(2026, 12, 9), time(0, 0))  # a date cell, as Excel stores it
    sheet.append(["s02", midnight, "action", "Salut", "I ni ce", "draft", time(7, 15)])
    sheet.cell(4, 7).number_format = "hh:mm"
    book.save(folder / "calendar.xlsx")
    posts = load_campaign(folder)[0].posts
    assert [(post.id, post.day, post.at, post.source) for post in posts] == [
        ("s01", date(2026, 12, 8), time(8, 0), "calendar.xlsx row 2"),
        ("s02", date(2026, 12, 9), time(7, 15), "calendar.xlsx row 4"),
    ]


@pytest.mark.parametrize("name", ["calendar.xlsx", "calendar.csv"])
def test_the_template_round_trips(tmp_path: Path, name: str) -> None:
    data = document(posts_from=name, start=date(2026, 12, 1))
    folder = write_campaign(tmp_path / "c", data)
    write_template(folder / name)
    # Left as it is, the sample row is refused: it must not become a post unnoticed.
    [left] = invalid(folder)
    assert (left.file, left.where, left.field) == (name, "row 2", "id")
    assert "ligne d’exemple" in said(left)
    rewrite_sample_text(folder / name, "Notre commune, notre voix : venez au conseil samedi.")
    campaign, warnings = load_campaign(folder)
    sample = campaign.posts[-1]
    assert (sample.id, sample.day, sample.at, sample.phase, sample.status) == (
        "j01-droits",
        date(2026, 12, 1),
        time(8, 0),
        "informer",
        "draft",
    )
    assert "#EngageonsNous" not in sample.text["fr"]  # the hashtags column adds it
    assert "#EngageonsNous" in sample.hashtags
    assert "ɲ" in sample.text["bm"]
    assert sample.audience.places == ("kayes", "kita")
    assert warnings == []


def rewrite_sample_text(path: Path, text: str) -> None:
    """The organiser writes their own French text over the sample's."""
    if path.suffix == ".csv":
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        rows[1][rows[0].index("text_fr")] = text
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            csv.writer(handle).writerows(rows)
        return
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    sheet.cell(2, header.index("text_fr") + 1).value = text
    book.save(path)


def test_the_xlsx_template_explains_each_column_in_french(tmp_path: Path) -> None:
    write_template(tmp_path / "t.xlsx")
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    calendar, help_sheet = book.worksheets
    assert calendar.title == "calendrier"
    assert calendar.freeze_panes == "A2"
    assert [cell.value for cell in calendar[1]] == list(COLUMNS)
    assert calendar.column_dimensions["H"].width == 60  # text_fr
    explained = {row[0]: row[1] for row in help_sheet.iter_rows(min_row=2, values_only=True)}
    assert help_sheet.title == "aide"
    assert set(COLUMNS) <= set(explained)
    assert "Obligatoire" in str(explained["id"])


def test_the_xlsx_template_can_explain_each_column_in_bambara(tmp_path: Path) -> None:
    write_template(tmp_path / "t.xlsx", Language.BM)
    book = openpyxl.load_workbook(tmp_path / "t.xlsx")
    calendar, help_sheet = book.worksheets
    assert (calendar.title, help_sheet.title) == ("kalandiriye", "dɛmɛ")
    assert [cell.value for cell in calendar[1]] == list(COLUMNS)  # column names stay
    rows = list(help_sheet.iter_rows(values_only=True))
    assert rows[0] == ("kolɔni", "ɲɛfɔli")
    explained = {row[0]: row[1] for row in rows[1:]}
    assert explained["text_bm"] == "Bamanankan sɛbɛn."
    assert str(explained["id"]).startswith("Wajibi.")
    assert any("ready" in str(row[1]) for row in rows if row[0] in ("", None))


def test_a_broken_file_never_half_loads_and_every_problem_comes_at_once(tmp_path: Path) -> None:
    data = document(posts_from="calendar.xlsx")
    data["posts"][3]["date"] = date(2027, 1, 1)
    folder = write_campaign(tmp_path / "c", data)
    write_rows(folder / "calendar.xlsx", [ROW, ROW | {"id": "s02", "phase": "nope"}])
    problems = invalid(folder)
    assert {(problem.file, problem.field) for problem in problems} == {
        ("campaign.yaml", "posts[3].date"),
        ("calendar.xlsx", "phase"),
    }
    assert [problem.where for problem in problems if problem.file == "calendar.xlsx"] == ["row 3"]


def test_warnings_do_not_stop_a_load(tmp_path: Path) -> None:
    data = document(channels=["telegram", "sms"])
    data["posts"][0]["text"]["bm"] = "ɛ" * 300
    campaign, warnings = load_campaign(write_campaign(tmp_path / "c", data))
    assert len(campaign.posts) == 4
    assert [(w.field, w.severity) for w in warnings] == [("posts[0].text.bm", "warning")]


def test_a_spreadsheet_nobody_names_is_pointed_out(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path / "c")
    write_template(folder / "calendar.xlsx")
    _, [warning] = load_campaign(folder)
    assert (warning.file, warning.severity) == ("calendar.xlsx", "warning")
    assert "posts_from" in said(warning)


def test_problem_reads_as_file_place_field_message() -> None:
    problem = Problem("calendar.xlsx", "row 7", "text_bm", _("missing Bambara text"))
    assert str(problem) == "calendar.xlsx ligne 7, text_bm: texte bambara manquant"
    assert problem.render(Language.BM) == "calendar.xlsx sira 7, text_bm: bamanankan sɛbɛn tɛ yen"
    assert str(Problem("x.yaml", "", "", _("the file is empty"))) == "x.yaml: le fichier est vide"
    assert problem.to_dict(Language.BM) == {
        "file": "calendar.xlsx",
        "where": "row 7",
        "field": "text_bm",
        "label": "text_bm",
        "message": "bamanankan sɛbɛn tɛ yen",
        "severity": "error",
    }
    assert str(CampaignInvalid([problem])).splitlines() == [
        french("campagne invalide : 1 erreur(s)"),
        "calendar.xlsx ligne 7, text_bm: texte bambara manquant",
    ]


def test_yaml_merges_override_without_being_duplicates(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path / "c")
    text = (folder / "campaign.yaml").read_text().replace("- id: j02\n", "- &j02\n  id: j02\n")
    text += "- <<: *j02\n  id: j05\n  date: 2026-12-10\n  status: draft\n"
    (folder / "campaign.yaml").write_text(text)
    merged = load_campaign(folder)[0].posts[-1]
    assert (merged.id, merged.day, merged.status, merged.text["fr"]) == (
        "j05",
        date(2026, 12, 10),
        "draft",
        "Message 2",
    )


def test_yaml_tags_that_build_objects_are_refused(tmp_path: Path) -> None:
    folder = write_campaign(tmp_path / "c")
    text = (folder / "campaign.yaml").read_text()
    text = text.replace("  slug: engageonsnous", "  slug: !!python/name:os.system ''")
    (folder / "campaign.yaml").write_text(text)
    problem = invalid(folder)[0]
    assert (problem.where, problem.field) == ("line 2", "campaign.slug")
    assert "valeur YAML non prise en charge" in said(problem)
