"""A copy of an uploaded file with one more column, 错误说明, saying what is wrong with
each rejected row, so that a clerk corrects the rows in place and uploads the file again.

Row N of the copy is row N of the original (title rows included), the numbering that
``report.errors`` uses. The copy is written row by row in xlsxwriter's constant-memory
mode to a temporary file, so a 100,000-row upload does not build a workbook in memory;
every cell keeps the value that was read and text is always written as text, so a cell
such as ``=1+1`` is never turned into a formula.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from itertools import chain
from typing import TYPE_CHECKING

import xlsxwriter
from django.utils.translation import gettext_lazy
from xlsxwriter.workbook import Format, Workbook
from xlsxwriter.worksheet import Worksheet

from rencai.core.imports import cells
from rencai.core.imports.reading import PathOrBytes, Row, Table, open_table
from rencai.core.imports.schema import RowError

if TYPE_CHECKING:
    from rencai.core.imports.pipeline import ImportReport

#: The header of the added column (the messages below it are the stored ones of the job).
ERROR_HEADER = gettext_lazy("错误说明")
ERROR_FILL = "#FFC7CE"
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")
_VALUE_FORMATS = {
    "datetime": "yyyy-mm-dd hh:mm:ss",
    "date": "yyyy-mm-dd",
    "time": "hh:mm:ss",
    "duration": "[h]:mm:ss",
}


def write_error_copy(source: PathOrBytes, report: ImportReport) -> bytes:
    """The xlsx copy of ``source`` (a path or the file's bytes) annotated with the errors
    of ``report``, the pipeline's report on that same file."""
    table = open_table(source)
    with tempfile.TemporaryDirectory(prefix="rencai-errors-") as folder:
        path = os.path.join(folder, "errors.xlsx")
        workbook = xlsxwriter.Workbook(
            path,
            {"constant_memory": True, "strings_to_formulas": False, "strings_to_numbers": False, "tmpdir": folder},
        )
        _CopyWriter(workbook, table, report, _column_count(source, table)).write()
        workbook.close()
        with open(path, "rb") as handle:
            return handle.read()


def messages_by_row(errors: list[RowError]) -> dict[int, list[RowError]]:
    by_row: dict[int, list[RowError]] = defaultdict(list)
    for error in errors:
        by_row[error.row].append(error)
    return by_row


def error_text(errors: list[RowError]) -> str:
    """``【列名】消息；【列名】消息`` (an error of the whole row has no column)."""
    return "；".join(f"【{e.column}】{e.message}" if e.column else e.message for e in errors)


def _column_count(source: PathOrBytes, table: Table) -> tuple[int, Iterator[Row]]:
    """How many columns the table has, and its rows. A spreadsheet's rows all have the
    sheet's width, so the first row tells; CSV rows vary, so a first pass over the file
    finds the widest (the error column must come after every used column)."""
    rows = table.rows()
    if table.kind == "csv":
        return max((len(row) for row in open_table(source).rows()), default=0), rows
    first = next(rows, None)
    if first is None:
        return 0, iter(())
    return len(first), chain([first], rows)


class _CopyWriter:
    """Writes the rows of one table, in order, with the error column after them."""

    def __init__(
        self, workbook: Workbook, table: Table, report: ImportReport, columns: tuple[int, Iterator[Row]]
    ) -> None:
        self.workbook = workbook
        self.report = report
        self.width, self.rows = columns
        self.first_row = getattr(table, "first_row", 1)
        self.first_column = getattr(table, "first_column", 1) - 1
        self.error_column = self.first_column + self.width
        self.errors = messages_by_row(report.errors)
        self.header_index: dict[str, int] = {}
        self.sheet: Worksheet = workbook.add_worksheet(_sheet_name(table.sheet_name))
        self.formats: dict[tuple[str, bool], Format | None] = {}
        self.header_format = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        self.error_format = workbook.add_format({"bg_color": ERROR_FILL, "font_color": "#9C0006"})

    def write(self) -> None:
        self.sheet.set_column(self.error_column, self.error_column, 60)
        if self.report.header_row:
            self.sheet.freeze_panes(self.report.header_row, 0)
        for offset, row in enumerate(self.rows):
            self.write_row(self.first_row + offset, row)

    def write_row(self, number: int, row: Row) -> None:
        line = number - 1
        errors = self.errors.get(number, [])
        flagged = {self.header_index[e.column] for e in errors if e.column in self.header_index}
        for index, value in enumerate(row):
            self.write_cell(line, self.first_column + index, value, index in flagged)
        if number == self.report.header_row:
            self.header_index = {cells.clean_text(cell): i for i, cell in enumerate(row) if not cells.is_blank(cell)}
            self.sheet.write_string(line, self.error_column, str(ERROR_HEADER), self.header_format)
        elif errors:
            self.sheet.write_string(line, self.error_column, error_text(errors), self.error_format)

    def write_cell(self, line: int, col: int, value: object, flagged: bool) -> None:
        """One cell as it was read: text as text, numbers as numbers, dates as dates."""
        sheet = self.sheet
        if isinstance(value, bool):
            sheet.write_boolean(line, col, value, self.format("plain", flagged))
        elif isinstance(value, int | float):
            if math.isfinite(value):
                sheet.write_number(line, col, value, self.format("plain", flagged))
            else:
                sheet.write_string(line, col, str(value), self.format("plain", flagged))
        elif isinstance(value, datetime | date | time | timedelta):
            self.write_temporal(line, col, value, flagged)
        elif value is None or value == "":
            if flagged:
                sheet.write_blank(line, col, None, self.format("plain", True))
        else:
            sheet.write_string(line, col, str(value), self.format("plain", flagged))

    def write_temporal(self, line: int, col: int, value: datetime | date | time | timedelta, flagged: bool) -> None:
        if isinstance(value, datetime):
            kind, value = "datetime", value.replace(tzinfo=None)
        elif isinstance(value, date):
            kind = "date"
        elif isinstance(value, time):
            kind, value = "time", value.replace(tzinfo=None)
        else:
            kind = "duration"
        if isinstance(value, date) and value.year < 1900:
            self.sheet.write_string(line, col, value.isoformat(), self.format("plain", flagged))
            return
        self.sheet.write_datetime(line, col, value, self.format(kind, flagged))

    def format(self, kind: str, flagged: bool) -> Format | None:
        key = (kind, flagged)
        if key not in self.formats:
            properties: dict[str, str] = {}
            if kind in _VALUE_FORMATS:
                properties["num_format"] = _VALUE_FORMATS[kind]
            if flagged:
                properties["bg_color"] = ERROR_FILL
            self.formats[key] = self.workbook.add_format(properties) if properties else None
        return self.formats[key]


def _sheet_name(name: str) -> str:
    return _SHEET_NAME_FORBIDDEN.sub("", name or "")[:31] or "Sheet1"
