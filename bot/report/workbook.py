"""indicators.xlsx: a summary sheet, then the tables of the CSV files as sheets. Figures
keep their values (the small-group rule marks rows, as in the files); rates stay
fractions and only display as percentages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.domain.indicators.figures import Indicators
from bot.report.tables import Cell, Table, hashtags_weekly
from bot.report.tables import file_tables as tables_of

BOLD = Font(bold=True)


def key_figures(indicators: Indicators) -> list[tuple[str, Cell]]:
    """The period's totals by their contract names: always shown, whatever the groups."""
    community, ambassadors, filters = (
        indicators.community,
        indicators.ambassadors,
        indicators.filters,
    )
    figures: list[tuple[str, Cell]] = [
        ("period_start", indicators.period.start),
        ("period_end", indicators.period.end),
        ("campaign", filters.campaign),
        ("channel", filters.channel),
        ("language", filters.language),
        ("place", filters.place),
        ("min_group", indicators.min_group),
        ("active_end", community.active_end),
        ("active_end_before", community.active_end_before),
        ("joined", community.joined),
        ("rejoined", community.rejoined),
        ("stopped", community.stopped),
        ("unreachable", community.unreachable),
        ("erased", community.erased),
        ("growth_rate", community.growth_rate),
        ("opt_out_rate", community.opt_out_rate),
    ]
    figures += [
        (f"channel_share:{channel}", share)
        for channel, share in sorted(community.channel_share.items())
    ]
    figures += [
        ("interactions", indicators.interactions),
        ("interactions_before", indicators.interactions_before),
        ("interaction_growth", indicators.interaction_growth),
        ("ambassadors", ambassadors.ambassadors),
        ("recruits", ambassadors.recruits),
        ("ambassador_share", ambassadors.ambassador_share),
        ("recruits_per_ambassador", ambassadors.recruits_per_ambassador),
    ]
    for contest in indicators.contests:
        figures += [
            (f"contest:{contest.contest_id}:sent", contest.sent),
            (f"contest:{contest.contest_id}:participants", contest.participants),
            (f"contest:{contest.contest_id}:participation_rate", contest.participation_rate),
            (f"contest:{contest.contest_id}:correct_rate", contest.correct_rate),
        ]
    return figures


def _is_rate(name: str) -> bool:
    return name.endswith(("_rate", "_share", "_growth")) or name.startswith("channel_share")


def _excel(value: Cell, zone: ZoneInfo) -> Cell:
    # Excel has no time zones: a moment is written as the campaign's local time.
    if isinstance(value, datetime):
        return value.astimezone(zone).replace(tzinfo=None)
    return value


def _format(sheet: Worksheet, row: int, column: int, name: str, value: Cell) -> None:
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, float) and _is_rate(name):
        cell.number_format = "0.0%"


def _fit(sheet: Worksheet, widths: Sequence[int]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width, 8) + 2, 60)


def _table_sheet(book: Workbook, table: Table, zone: ZoneInfo) -> None:
    sheet = book.create_sheet(table.name)
    sheet.append(list(table.columns))
    for cell in sheet[1]:
        cell.font = BOLD
    widths = [len(name) for name in table.columns]
    for number, row in enumerate(table.rows, start=2):
        sheet.append([_excel(value, zone) for value in row])
        for column, (name, value) in enumerate(zip(table.columns, row, strict=True), start=1):
            _format(sheet, number, column, name, value)
            widths[column - 1] = max(widths[column - 1], len(str(value or "")))
    sheet.freeze_panes = "A2"
    _fit(sheet, widths)


def write_workbook(
    indicators: Indicators, path: Path, zone: ZoneInfo, summary: Sequence[str]
) -> Path:
    book = Workbook()
    book.remove(book.worksheets[0])
    sheet = book.create_sheet("summary")
    sheet.append(["figure", "value"])
    for cell in sheet[1]:
        cell.font = BOLD
    for number, (name, value) in enumerate(key_figures(indicators), start=2):
        sheet.append([name, _excel(value, zone)])
        _format(sheet, number, 2, name, value)
    sheet.append([])
    for sentence in summary:
        sheet.append([sentence])
    _fit(sheet, [32, 14])
    for table in (*tables_of(indicators), hashtags_weekly(indicators)):
        _table_sheet(book, table, zone)
    book.save(path)
    return path
