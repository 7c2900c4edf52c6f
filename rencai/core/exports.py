"""Excel exports: formula-looking cells stay text, personal data stays masked.

An export of a large filtered set must not hold it in memory: rows are written one by
one in xlsxwriter's constant-memory mode to a temporary file, which the response then
streams. Column widths are judged from the header and the first rows only.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import BinaryIO

import xlsxwriter
from django.http import FileResponse, HttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Rows whose contents set the column widths (the rest are streamed without a look).
WIDTH_SAMPLE_ROWS = 200
MAX_WIDTH = 60


def needs_neutralising(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


@dataclass
class XlsxFile:
    """A written export: the open file (already unlinked, so it vanishes when closed)
    and how many data rows it holds."""

    file: BinaryIO
    rows: int


def write_xlsx_file(sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> XlsxFile:
    """An xlsx file whose every cell is written as a string; cells that start like a
    formula carry Excel's quote prefix so that no spreadsheet evaluates them.

    ``rows`` is consumed once, in order, and never held: memory stays flat however many
    rows there are."""
    handle = tempfile.NamedTemporaryFile(prefix="rencai-export-", suffix=".xlsx", delete=False)  # noqa: SIM115
    handle.close()
    try:
        count = _write(handle.name, sheet_name, headers, rows)
        export = open(handle.name, "rb")  # noqa: SIM115 - closed by the response or the caller
    finally:
        os.unlink(handle.name)
    return XlsxFile(export, count)


def write_xlsx(sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """The same file as :func:`write_xlsx_file`, as bytes (for small exports)."""
    export = write_xlsx_file(sheet_name, headers, rows)
    with export.file:
        return export.file.read()


def _write(path: str, sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    folder = os.path.dirname(path)
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False, "tmpdir": folder})
    sheet = workbook.add_worksheet(sheet_name[:31])
    header_format = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    quoted = workbook.add_format({"quote_prefix": True})
    rows = iter(rows)
    sample = [_texts(row) for row in islice(rows, WIDTH_SAMPLE_ROWS)]
    for col, width in enumerate(column_widths(headers, sample)):
        sheet.set_column(col, col, width)
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, header_format)
    count = 0
    for count, texts in enumerate(_chain_texts(sample, rows), start=1):
        for col, text in enumerate(texts):
            if text:
                sheet.write_string(count, col, text, quoted if needs_neutralising(text) else None)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(count, 1), max(len(headers) - 1, 0))
    workbook.close()
    return count


def _texts(row: Sequence[object]) -> list[str]:
    return ["" if value is None else str(value) for value in row]


def _chain_texts(sample: list[list[str]], rows: Iterable[Sequence[object]]) -> Iterable[list[str]]:
    yield from sample
    for row in rows:
        yield _texts(row)


def column_widths(headers: Sequence[str], sample: list[list[str]]) -> list[int]:
    """Widths from the headers and the sampled rows (CJK characters count double)."""
    widths = [max(8, _display_width(h) + 2) for h in headers]
    for texts in sample:
        for col, text in enumerate(texts[: len(widths)]):
            widths[col] = min(MAX_WIDTH, max(widths[col], _display_width(text) + 2))
    return widths


def _display_width(text: str) -> int:
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _filename(name: str) -> str:
    return f"{name}-{timezone.localtime().strftime('%Y%m%d%H%M')}.xlsx"


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    """A download of ``content`` named ``<name>-<timestamp>.xlsx``."""
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(name)}"'
    return response


def xlsx_file_response(export: XlsxFile, name: str) -> FileResponse:
    """A streamed download of a written export; the file is closed (and so gone) once
    the response has been sent."""
    return FileResponse(export.file, as_attachment=True, filename=_filename(name), content_type=XLSX_CONTENT_TYPE)
