"""`relais report --out DIR`: the CSV files, indicators.xlsx and report.html, written
from one Indicators value so that every file shows the same figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.domain.indicators.figures import Indicators
from bot.enums import Language
from bot.report.csv_files import write_csv
from bot.report.page import render_page
from bot.report.summary import summary
from bot.report.tables import file_tables
from bot.report.workbook import write_workbook

WORKBOOK, PAGE = "indicators.xlsx", "report.html"
FILES = 9  # seven CSV files, the workbook and the page: one progress step each


def _nothing(_name: str) -> None:
    return None


def write_report(
    indicators: Indicators,
    *,
    out: Path,
    zone: ZoneInfo,
    language: Language,
    generated: datetime,
    done: Callable[[str], None] = _nothing,
) -> list[Path]:
    """Write every file into `out` (created if needed); `done` hears each file's name."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for table in file_tables(indicators):
        written.append(write_csv(table, out, zone))
        done(written[-1].name)
    lines = [line.render(language) for line in summary(indicators, language)]
    written.append(write_workbook(indicators, out / WORKBOOK, zone, lines))
    done(WORKBOOK)
    page = render_page(indicators, language=language, zone=zone, generated=generated)
    (out / PAGE).write_text(page, encoding="utf-8")
    written.append(out / PAGE)
    done(PAGE)
    return written
