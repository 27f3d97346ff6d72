"""The report's machine files as bot/domain/indicators/DEFINITIONS.md fixes them: CSV
names, columns and conventions (BOM, ISO dates, rates as fractions, empty for None,
small_group marked), and indicators.xlsx with the same tables and a summary sheet."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from bot.enums import Language
from bot.report.files import write_report
from tests.indicator_values import empty, indicators

ZONE = ZoneInfo("Africa/Bamako")
MADE = datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
CONTRACT = {
    "community_daily": "date, channel, language, place, joined, rejoined, stopped, "
    "unreachable, erased, active_end, small_group",
    "posts": "campaign, post_id, date, phase, format, hashtags, audience, reached, delivered, "
    "read, failed, held, interactions, reactions, replies, shares, engaged, engagement_rate, "
    "onward_reach",
    "broadcasts": "broadcast_id, created_at, audience, reached, delivered, read, failed, held, "
    "cancelled, time_to_reach",
    "hashtags": "hashtag, posts, reached, interactions, engagement_rate, relay_uses",
    "ambassadors": "pseudonym, recruits, second_generation",
    "contests": "contest_id, question, sent, answered_in_time, correct, participation_rate, "
    "correct_rate",
    "polls": "poll_id, sent, voters, participation_rate",
}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "report"
    write_report(indicators(), out=folder, zone=ZONE, language=Language.FR, generated=MADE)
    return folder


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        text = handle.read()
    assert text.startswith("\ufeff"), "a BOM, so spreadsheets read UTF-8"
    return list(csv.DictReader(text.removeprefix("\ufeff").splitlines()))


def test_every_file_is_written(out: Path) -> None:
    names = sorted(path.name for path in out.iterdir())
    assert names == sorted(
        [f"{name}.csv" for name in CONTRACT] + ["indicators.xlsx", "report.html"]
    )


@pytest.mark.parametrize("name", CONTRACT)
def test_each_csv_has_the_contract_columns_in_order(out: Path, name: str) -> None:
    with (out / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == CONTRACT[name].split(", ")


def test_community_rows_keep_small_groups_and_mark_them(out: Path) -> None:
    found = rows(out, "community_daily")
    assert len(found) == 5 * 7  # five cells, seven days
    kita = [row for row in found if row["place"] == "kita"]
    assert [row["active_end"] for row in kita] == ["1", "2", "2", "3", "3", "3", "3"]
    assert {row["small_group"] for row in kita} == {"true"}
    first = next(row for row in found if (row["channel"], row["language"]) == ("telegram", "fr"))
    assert (first["date"], first["active_end"], first["small_group"]) == (
        "2026-12-01",
        "40",
        "false",
    )
    assert [row["date"] for row in found] == sorted(row["date"] for row in found)


def test_posts_write_rates_as_fractions_and_hashtags_with_spaces(out: Path) -> None:
    post = {row["post_id"]: row for row in rows(out, "posts")}
    assert post["j02-etude"]["engagement_rate"] == "0.3727"
    assert post["j06-test"]["engagement_rate"] == "1"
    assert post["j04-leviers"]["hashtags"] == "#EngageonsNous #JeunesseMali"
    assert (post["j02-etude"]["date"], post["j02-etude"]["format"]) == ("2026-12-02", "photo")
    assert post["j02-etude"]["onward_reach"] == "48"


def test_a_missing_value_is_an_empty_cell(out: Path) -> None:
    second = rows(out, "broadcasts")[1]
    assert (second["broadcast_id"], second["time_to_reach"]) == ("4", "")
    first = rows(out, "broadcasts")[0]
    assert (first["created_at"], first["time_to_reach"]) == ("2026-12-04T17:30:00+00:00", "754.5")


def test_contests_have_one_row_per_question_and_polls_one_per_poll(out: Path) -> None:
    assert [(row["question"], row["participation_rate"]) for row in rows(out, "contests")] == [
        ("1", "0.4167"),
        ("2", "0.3729"),
    ]
    assert rows(out, "polls") == [
        {
            "poll_id": "sondage-femmes-conseil",
            "sent": "130",
            "voters": "61",
            "participation_rate": "0.4692",
        }
    ]
    assert rows(out, "ambassadors")[0] == {
        "pseudonym": "A.T. #4F2A",
        "recruits": "7",
        "second_generation": "3",
    }
    assert rows(out, "hashtags")[2]["relay_uses"] == "0"


def test_a_rate_without_a_denominator_stays_empty(tmp_path: Path) -> None:
    figures = indicators()
    silent = replace(figures.posts[0], reached=0, engaged=0, engagement_rate=None)
    write_report(
        replace(figures, posts=(silent,)),
        out=tmp_path,
        zone=ZONE,
        language=Language.FR,
        generated=MADE,
    )
    [post] = rows(tmp_path, "posts")
    assert (post["reached"], post["engagement_rate"]) == ("0", "")


def test_the_workbook_has_a_summary_then_the_same_tables(out: Path) -> None:
    book = load_workbook(out / "indicators.xlsx")
    assert book.sheetnames == ["summary", *CONTRACT, "hashtags_weekly"]
    summary = {row[0]: row[1] for row in book["summary"].iter_rows(values_only=True) if row}
    assert summary["active_end"] == 134
    assert summary["growth_rate"] == pytest.approx(0.5056)
    assert summary["channel_share:sms"] == pytest.approx(0.0224)
    assert summary["contest:quiz-nos-droits:participation_rate"] == pytest.approx(0.45)
    sentences = [row[0] for row in book["summary"].iter_rows(values_only=True) if row[0]]
    assert any(str(line).startswith("La communauté a grandi de 50,6") for line in sentences)
    posts = book["posts"]
    header = [cell.value for cell in posts[1]]
    assert header == CONTRACT["posts"].split(", ")
    rate = posts.cell(row=3, column=header.index("engagement_rate") + 1)
    assert rate.value == pytest.approx(0.3727)
    assert rate.number_format == "0.0%"
    weekly = list(book["hashtags_weekly"].iter_rows(values_only=True))
    assert weekly[1:] == [
        ("#EngageonsNous", "2026-W49", 7),
        ("#EngageonsNous", "2026-W50", 2),
        ("#Kayes", "2026-W49", 3),
    ]
    kita = [row for row in book["community_daily"].iter_rows(values_only=True) if row[3] == "kita"]
    assert {row[10] for row in kita} == {True}


def test_a_period_with_nothing_still_writes_every_file(tmp_path: Path) -> None:
    written = write_report(empty(), out=tmp_path, zone=ZONE, language=Language.BM, generated=MADE)
    assert len(written) == 9
    assert rows(tmp_path, "posts") == []
    with (tmp_path / "posts.csv").open(encoding="utf-8-sig") as handle:
        assert handle.read().startswith("campaign,post_id,date")
