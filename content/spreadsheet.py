"""Posts planned in a spreadsheet (XLSX or CSV), read as raw rows with their row numbers,
and the empty template organisers start from."""

from __future__ import annotations

import csv
import difflib
import io
import warnings
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from bot.enums import Language
from bot.i18n import Text, _
from content.problems import Problem

# Column → (explanation for the "aide" sheet, width in the template).
COLUMNS: dict[str, tuple[Text, int]] = {
    "id": (
        _("Required. A unique identifier: lowercase letters, digits, hyphens (e.g. j01-droits)."),
        16,
    ),
    "date": (_("Required. Day of publication YYYY-MM-DD, within the campaign's dates."), 12),
    "time": (_("Optional. Local time HH:MM; otherwise the default time (post_time)."), 8),
    "phase": (_("Required. A phase declared in campaign.yaml (e.g. informer)."), 12),
    "languages": (_("Optional. Target languages, separated by commas: fr, bm."), 12),
    "places": (_("Optional. Target places (e.g. kayes, kita). Empty: everywhere."), 16),
    "roles": (_("Optional. relay, organiser. Empty: everyone."), 12),
    "text_fr": (_("The text in French."), 60),
    "text_bm": (_("The text in Bambara."), 60),
    "sms_fr": (_("Optional. A short version for SMS (160 characters per SMS)."), 40),
    "sms_bm": (_("Optional. A short SMS version in Bambara (70 characters per SMS)."), 40),
    "media_fr": (_("Optional. A file in the campaign folder (e.g. media/j01.png)."), 22),
    "media_bm": (_("Optional. Picture, voice note, video or PDF for the Bambara version."), 22),
    "hashtags": (_("Optional. Three at most, each starting with #."), 24),
    "template_fr": (_("Optional. Content SID of the approved WhatsApp template (HX…)."), 36),
    "template_bm": (_("Optional. Content SID of the WhatsApp template in Bambara (HX…)."), 36),
    "single_language": (_("Optional. fr or bm: the post exists in one language only."), 10),
    "status": (_("draft or ready. Empty: draft."), 10),
}
NOTES = (
    _("One row per post; row 2 is an example to replace."),
    _("Bambara texts: have them reread by a speaker before “ready”."),
)
REQUIRED = ("id", "date", "phase")
SAMPLE: dict[str, object] = {
    "id": "j01-droits",
    "date": date(2026, 12, 1),
    "time": time(8, 0),
    "phase": "informer",
    "languages": "fr, bm",
    "places": "kayes, kita",
    "text_fr": "Saviez-vous que chaque citoyen peut demander à sa mairie comment le budget de"
    " la commune est dépensé ? Cette semaine, posez la question à vos élus et partagez"
    " leur réponse.",
    "text_bm": "Yala i b'a dɔn ko faso den bɛɛ bɛ se ka komini ɲininka a ka wari kɛcogo la wa?"
    " Nin dɔgɔkun in na, aw ka aw ka mɔgɔ sugandilenw ɲininka, ka u ka jaabi jɛnsɛn.",
    "sms_fr": "Chaque citoyen peut demander à sa mairie comment le budget est dépensé."
    " Posez la question à vos élus !",
    "sms_bm": "Faso den bɛɛ bɛ se ka komini ɲininka a ka wari kɛcogo la.",
    "hashtags": "#EngageonsNous #Kayes",
    "status": "draft",
}


@dataclass(frozen=True)
class RawRow:
    row: int  # as the spreadsheet shows it: the header is row 1, the first post row 2
    values: dict[str, object]  # column → cell: str, date, time, number; blanks left out


def _cell(value: object) -> object:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, datetime) and value.time() == time(0, 0):
        return value.date()  # a date cell
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _header(cells: Iterable[object], file: str) -> tuple[list[str | None], list[Problem]]:
    names: list[str | None] = []
    problems: list[Problem] = []
    for cell in cells:
        name = str(cell).strip().lower() if cell is not None else ""
        if not name:
            names.append(None)  # an unnamed column holds notes, not post fields
            continue
        if name not in COLUMNS:
            close = difflib.get_close_matches(name, COLUMNS, n=1)
            message = (
                _("unknown column (did you mean “{close}”?)", close=close[0])
                if close
                else _("unknown column")
            )
            problems.append(Problem(file, "row 1", name, message))
        elif name in names:
            problems.append(Problem(file, "row 1", name, _("column appears twice")))
        names.append(name)
    for name in REQUIRED:
        if name not in names:
            problems.append(Problem(file, "row 1", name, _("required column missing")))
    return names, problems


def _rows(table: Iterable[Sequence[object]], file: str) -> tuple[list[RawRow], list[Problem]]:
    lines = iter(table)
    header = next(lines, None)
    if header is None:
        message = _("the spreadsheet is empty: it needs a header row")
        return [], [Problem(file, "", "", message)]
    names, problems = _header(header, file)
    if problems:
        return [], problems
    rows = []
    for number, cells in enumerate(lines, start=2):
        values = {
            name: value
            for name, value in zip(names, map(_cell, cells), strict=False)
            if name is not None and value is not None
        }
        if values:  # blank rows separate weeks or phases; they are not posts
            rows.append(RawRow(number, values))
    return rows, []


def _read_csv(path: Path, file: str) -> tuple[list[RawRow], list[Problem]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        message = _("the file is not in UTF-8: save it as “CSV UTF-8”")
        return [], [Problem(file, "", "", message)]
    first = text.split("\n", 1)[0]
    # French Excel writes ";" (the comma is the decimal mark); column names hold neither.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return _rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), file)


def _read_xlsx(path: Path, file: str) -> tuple[list[RawRow], list[Problem]]:
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it skips (data validation, slicers):
            # nothing a post's cells depend on.
            warnings.simplefilter("ignore", UserWarning)
            import openpyxl  # imported here: 0.13 s that most starts never use

            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        return [], [Problem(file, "", "", _("unreadable workbook ({reason})", reason=str(exc)))]
    try:
        return _rows(book.worksheets[0].iter_rows(values_only=True), file)
    finally:
        book.close()


def read_rows(path: Path, file: str) -> tuple[list[RawRow], list[Problem]]:
    """The post rows of a .xlsx or .csv file; `file` names it in problems. The template's
    sample row, left as it was, is refused: it must not become a post unnoticed."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        rows, problems = _read_csv(path, file)
    elif suffix == ".xlsx":
        rows, problems = _read_xlsx(path, file)
    else:
        return [], [Problem(file, "", "", _("unsupported format: use .xlsx or .csv"))]
    samples = [row for row in rows if is_sample(row)]
    problems += [Problem(file, f"row {row.row}", "id", SAMPLE_LEFT) for row in samples]
    return [row for row in rows if row not in samples], problems


SAMPLE_LEFT = _("this is the template's sample row: write your own post over it, or delete the row")


def is_sample(row: RawRow) -> bool:
    """The template's sample row as written, id and text: not yet someone's post."""
    return row.values.get("id") == SAMPLE["id"] and row.values.get("text_fr") == SAMPLE["text_fr"]


def _csv_cell(value: object) -> str:
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return "" if value is None else str(value)


def write_template(path: Path, language: Language = Language.FR) -> None:
    """An empty calendar with a sample row: XLSX (with an "aide" sheet explaining each
    column in `language`), or CSV when the name ends in .csv."""
    import openpyxl  # only when writing a template
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    sample = [SAMPLE.get(name) for name in COLUMNS]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:  # Excel needs the BOM
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            writer.writerow([_csv_cell(value) for value in sample])
        return
    book = openpyxl.Workbook()
    sheet = book.worksheets[0]
    sheet.title = _("calendar").render(language)
    sheet.append(list(COLUMNS))
    sheet.append(sample)
    for index, (name, (_help, width)) in enumerate(COLUMNS.items(), start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = width
        sheet.cell(1, index).font = Font(bold=True)
        sample_cell = sheet.cell(2, index)
        sample_cell.alignment = Alignment(wrap_text=True, vertical="top")
        if name == "date":
            sample_cell.number_format = "yyyy-mm-dd"
        elif name == "time":
            sample_cell.number_format = "hh:mm"
    sheet.freeze_panes = "A2"
    help_sheet = book.create_sheet(_("help").render(language))
    help_sheet.append([_("column").render(language), _("explanation").render(language)])
    for name, (explanation, _width) in COLUMNS.items():
        help_sheet.append([name, explanation.render(language)])
    help_sheet.append([])
    for note in NOTES:
        help_sheet.append(["", note.render(language)])
    help_sheet.column_dimensions["A"].width = 16
    help_sheet.column_dimensions["B"].width = 90
    help_sheet.cell(1, 1).font = help_sheet.cell(1, 2).font = Font(bold=True)
    help_sheet.freeze_panes = "A2"
    book.save(path)
