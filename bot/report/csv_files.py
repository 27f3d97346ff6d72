"""The CSV files of bot/domain/indicators/DEFINITIONS.md: UTF-8 with a BOM (so spreadsheets open the
accents right), comma-separated, a header row, ISO dates, rates as fractions, and an
empty cell where a figure has no value."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.report.tables import Cell, Table


def cell_text(value: Cell, zone: ZoneInfo) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # Rates come rounded to 4 decimals; a fixed format keeps 1e-05 out of the file.
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def write_csv(table: Table, folder: Path, zone: ZoneInfo) -> Path:
    path = folder / f"{table.name}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(table.columns)
        writer.writerows([cell_text(value, zone) for value in row] for row in table.rows)
    return path
