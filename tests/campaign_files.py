"""Small campaign folders written to disk (campaign.yaml, media, spreadsheets), and the
problems found in them as an organiser reads them, for the campaign tests."""

from __future__ import annotations

import copy
import csv
import re
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml

from bot.models import Language
from content.loaders import load_campaign
from content.problems import CampaignInvalid, Problem

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
SID = "HX0123456789abcdef0123456789abcdef"
BASE: dict[str, Any] = {
    "campaign": {
        "slug": "engageonsnous",
        "name": "#EngageonsNous",
        "hashtags": ["#EngageonsNous"],
        "start": date(2026, 12, 7),  # a Monday: one whole ISO week
        "end": date(2026, 12, 13),
        "channels": ["telegram", "whatsapp"],
        "objectives": {"fr": ["Faire voter les jeunes"], "bm": ["Kamalenw ka kalata kɛ"]},
        "audiences": {"fr": ["Jeunes de Kayes"], "bm": ["Kayes kamalenw"]},
        "phases": [
            {"id": "informer", "name": {"fr": "Informer", "bm": "Kunnafoni"}},
            {"id": "action", "name": {"fr": "Agir", "bm": "Baara"}},
        ],
    },
    "kit": {
        **{
            part: {"fr": f"{part} fr", "bm": f"{part} bm"}
            for part in ("what", "who", "when", "why")
        },
        "hashtags": ["#EngageonsNous", "#Kayes"],
        "accounts_to_follow": ["@SaheLink"],
        "messages": {
            platform: {"fr": f"Partagez sur {platform}", "bm": f"A jɛnsɛn {platform} kan"}
            for platform in ("whatsapp", "facebook", "twitter")
        },
        "links": [{"label": {"fr": "L'étude", "bm": "Sɛgɛsɛgɛli"}, "url": "https://example.org"}],
    },
    "posts": [
        {
            "id": f"j0{number}",
            "date": date(2026, 12, day),
            "phase": phase,
            "text": {"fr": f"Message {number}", "bm": f"Cikan {number} ɛ"},
            "hashtags": ["#EngageonsNous"],
            "status": "ready",
        }
        for number, (day, phase) in enumerate(
            [(7, "informer"), (9, "informer"), (11, "action"), (13, "action")], start=1
        )
    ],
}
BASE["posts"][0]["media"] = {"fr": "media/j01.png", "bm": "media/j01.png"}


def french(text: str) -> str:
    """`text` as the French catalogue spells it: a no-break space before : ; ! ? » % and
    after «."""
    return re.sub(r" (?=[:;!?»%])", "\u00a0", text).replace("« ", "«\u00a0")


def said(problem: Problem, language: Language = Language.FR) -> str:
    """A problem's message as the organiser reads it."""
    return problem.message.render(language)


def document(**campaign: object) -> dict[str, Any]:
    """A valid campaign that is ready to launch, with these campaign fields changed."""
    data = copy.deepcopy(BASE)
    data["campaign"].update(campaign)
    return data


def write_campaign(
    folder: Path, data: dict[str, Any] | None = None, files: dict[str, bytes] | None = None
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in ({"media/j01.png": PNG} | (files or {})).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    text = yaml.safe_dump(document() if data is None else data, allow_unicode=True, sort_keys=False)
    (folder / "campaign.yaml").write_text(text, encoding="utf-8")
    return folder


def line_of(path: Path, needle: str, nth: int = 1) -> str:
    """ "line N" for the nth line of the file containing `needle`."""
    lines = [n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line]
    return f"line {lines[nth - 1]}"


def invalid(folder: Path) -> list[Problem]:
    with pytest.raises(CampaignInvalid) as caught:
        load_campaign(folder)
    return caught.value.problems


def write_rows(path: Path, rows: list[dict[str, object]], delimiter: str = ",") -> None:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    if path.suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, columns, delimiter=delimiter)
            writer.writeheader()
            writer.writerows(rows)
        return
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.append(columns)
    for row in rows:
        sheet.append([row.get(column) for column in columns])
    book.save(path)


def with_sheet(tmp_path: Path, name: str, rows: list[dict[str, object]]) -> Path:
    data = document(posts_from=name)
    data["posts"] = []
    folder = write_campaign(tmp_path / "c", data)
    write_rows(folder / name, rows)
    return folder


ROW: dict[str, object] = {
    "id": "s01",
    "date": "2026-12-08",
    "phase": "informer",
    "text_fr": "Bonjour",
    "text_bm": "I ni sɔgɔma",
    "status": "ready",
}

Change = Callable[[dict[str, Any]], None]


def setting(*path_and_value: Any) -> Change:
    *path, key, value = path_and_value

    def change(data: dict[str, Any]) -> None:
        target = data
        for step in path:
            target = target[step]
        if value is DELETE:
            del target[key]
        else:
            target[key] = value

    return change


DELETE = object()


def found(problems: list[Problem], field: str, fragment: str) -> Problem:
    """The problem on `field` whose French message holds `fragment` (spelt with plain
    spaces: the French no-break ones are put in here)."""
    matching = [p for p in problems if p.field == field and french(fragment) in said(p)]
    assert matching, f"no {field!r} with {fragment!r} in {[str(p) for p in problems]}"
    return matching[0]


def check(
    tmp_path: Path,
    change: Change,
    field: str,
    fragment: str,
    needle: str,
    *,
    nth: int = 1,
    offset: int = 0,
    base: dict[str, Any] | None = None,
    files: dict[str, bytes] | None = None,
    find: Callable[[list[Problem], str, str], Problem] = found,
) -> Problem:
    """`change` made to a valid campaign (`base`, or document()): the error `find` finds on
    `field` stands on the `nth` line holding `needle`, `offset` lines on."""
    data = base if base is not None else document()
    change(data)
    folder = write_campaign(tmp_path / "c", data, files)
    problem = find(invalid(folder), field, fragment)
    expected = int(line_of(folder / "campaign.yaml", needle, nth)[5:]) + offset
    assert (problem.file, problem.where, problem.severity) == (
        "campaign.yaml",
        f"line {expected}",
        "error",
    )
    return problem


# A failing case: its id, the change, the field, a fragment of the message, a needle on
# the line the problem is on, and the offset from that line.
Case = tuple[str, Change, str, str, str, int]


def problem_cases(cases: list[Case]) -> pytest.MarkDecorator:
    """Parametrize a test with (change, field, fragment, needle, offset), one id a case."""
    names = ("change", "field", "fragment", "needle", "offset")
    return pytest.mark.parametrize(names, [pytest.param(*case[1:], id=case[0]) for case in cases])
