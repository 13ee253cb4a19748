"""The export's tables written as an Excel workbook (openpyxl) or as CSV files.

Both keep every cell inert: text that a spreadsheet would run as a formula (it begins with "=",
"+", "-", "@", a tab or a carriage return; OWASP's "CSV injection") stays text. In the workbook
such a cell is stored as a string; in CSV it gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from functools import cache

from babel.dates import get_date_format
from babel.numbers import get_decimal_symbol
from openpyxl import Workbook
from openpyxl.cell import Cell as SheetCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from bot.answer_cells import Cell
from bot.export_sheets import Table

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# How dates look in the workbook where a language writes its dates month first (English's
# M/d/yy) or year first: ISO, which no reader can misread (they stay real dates either way:
# sortable, filterable).
ISO_DATE_FORMAT = "YYYY-MM-DD"
# Column widths in characters: enough for a date, at most a readable paragraph's line.
NARROWEST, WIDEST = 10, 60
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel refuses these characters in a sheet's name.
_TAB_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


@cache
def date_format(language: str) -> str:
    """The workbook's date format for readers of the language: day first as they write it
    (Babel's short date pattern: DD.MM.YYYY in German, DD/MM/YYYY in French, Spanish and
    Portuguese), else ISO."""
    pattern = get_date_format("short", locale=language).pattern
    day_first = re.fullmatch(r"d+([./-])M+\1y+", pattern)
    if day_first is None:
        return ISO_DATE_FORMAT
    separator = day_first.group(1)
    return f"DD{separator}MM{separator}YYYY"


def default_delimiter(language: str) -> str:
    """The delimiter the language's Excel expects when it opens a CSV file: ";" where the
    decimal separator is the comma (German, French, Spanish, Portuguese), "," elsewhere."""
    return ";" if get_decimal_symbol(language) == "," else ","


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_cell(value: Cell) -> str:
    """A value as CSV text; text a spreadsheet would run as a formula gets an apostrophe."""
    text = _text(value)
    if isinstance(value, str) and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def csv_text(table: Table, delimiter: str = ",") -> str:
    """The table as CSV: a header row of labels, then one row per record."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow([csv_cell(header) for header in table.headers])
    writer.writerows([csv_cell(value) for value in row] for row in table.rows)
    return buffer.getvalue()


def csv_bytes(table: Table, delimiter: str = ",") -> bytes:
    """The CSV in UTF-8 with a byte order mark, so that spreadsheet programs read umlauts."""
    return csv_text(table, delimiter).encode("utf-8-sig")


def _put(cell: SheetCell, value: Cell, language: str) -> None:
    cell.value = value
    if isinstance(value, str):
        # openpyxl takes a string starting with "=" for a formula: keep it a string.
        cell.data_type = "s"
        if "\n" in value:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    elif isinstance(value, datetime):
        cell.number_format = f"{date_format(language)} HH:MM"
    elif isinstance(value, date):
        cell.number_format = date_format(language)


def _width(header: str, values: list[Cell]) -> float:
    longest = max(
        [len(header), *(len(line) for v in values for line in _text(v).splitlines() or [""])]
    )
    return float(min(max(longest + 2, NARROWEST), WIDEST))


def tab_title(title: str, used: set[str]) -> str:
    """A sheet's tab name Excel accepts: no []:*?/\\, at most 31 characters, unique."""
    name = title.translate(_TAB_FORBIDDEN).strip()[:31] or "Sheet"
    candidate, number = name, 2
    while candidate.casefold() in used:
        suffix = f" ({number})"
        candidate, number = name[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.casefold())
    return candidate


def workbook(tables: Sequence[Table], language: str) -> Workbook:
    """One sheet per table: bold frozen header row, a filter over all columns, widths that fit,
    dates as real dates in the language's format."""
    book = Workbook()
    for empty in book.worksheets:  # the one a new workbook starts with
        book.remove(empty)
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(tab_title(table.title, used))
        for number, header in enumerate(table.headers, start=1):
            cell = sheet.cell(row=1, column=number)
            _put(cell, header, language)
            cell.font = Font(bold=True)
        for row_number, row in enumerate(table.rows, start=2):
            for number, value in enumerate(row, start=1):
                _put(sheet.cell(row=row_number, column=number), value, language)
        last = get_column_letter(max(len(table.headers), 1))
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
        for number, header in enumerate(table.headers, start=1):
            values = [row[number - 1] for row in table.rows]
            sheet.column_dimensions[get_column_letter(number)].width = _width(header, values)
    return book


def xlsx_bytes(tables: Sequence[Table], language: str) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    workbook(tables, language).save(buffer)
    return buffer.getvalue()
