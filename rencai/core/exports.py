"""Excel exports: formula-looking cells stay text, personal data stays masked."""

import io
from collections.abc import Iterable, Sequence

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def needs_neutralising(text: str) -> bool:
    return text.startswith(FORMULA_PREFIXES)


def write_xlsx(sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """An xlsx file whose every cell is written as a string; cells that start like a
    formula carry Excel's quote prefix so that no spreadsheet evaluates them."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    sheet = workbook.add_worksheet(sheet_name[:31])
    header_format = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    quoted = workbook.add_format({"quote_prefix": True})
    widths = [max(8, len(h) * 2 + 2) for h in headers]
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, header_format)
    row_index = 0
    for row_index, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            text = "" if value is None else str(value)
            sheet.write_string(row_index, col, text, quoted if needs_neutralising(text) else None)
            widths[col] = min(60, max(widths[col], len(text) + 2))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(row_index, 1), max(len(headers) - 1, 0))
    workbook.close()
    return buffer.getvalue()


def xlsx_response(content: bytes, name: str) -> HttpResponse:
    """A download of ``content`` named ``<name>-<timestamp>.xlsx``."""
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.xlsx"'
    return response
