"""Excel exports: formula-looking cells stay text, personal data stays masked.

An export of a large filtered set must not hold it in memory: rows are written one by
one in xlsxwriter's constant-memory mode to a temporary file, which the response then
streams. Column widths are judged from the header and the first rows only.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from typing import BinaryIO, cast

import xlsxwriter
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
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


# --- a streamed xlsx: rows leave as they are written ------------------------------------

#: Rows written between two hand-overs of compressed bytes to the response.
STREAM_BATCH_ROWS = 500
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_CONTENT_TYPES = (
    f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    f'{_HEAD}<Relationships xmlns="{_PKG_REL}">'
    f'<Relationship Id="rId1" Type="{_REL_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'
)
#: Style 0 plain, 1 the header (bold, filled, bordered), 2 text with Excel's quote prefix.
_STYLES = (
    f'{_HEAD}<styleSheet xmlns="{_NS}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
    '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border>'
    "</borders>"
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


class _Sink:
    """The zip's output: bytes collect here until the stream takes them."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def _escape(text: str) -> str:
    if _NEEDS_ESCAPE.search(text):
        text = _ILLEGAL_XML.sub("", text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(count):
        name, number = "", index + 1
        while number:
            number, rest = divmod(number - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


_SPECIAL_FIRST = frozenset(FORMULA_PREFIXES) | frozenset(" \n\u3000")


def _cell(reference: str, text: str, style: str) -> str:
    """A cell that needs a look: quoted, spaced or escaped."""
    if not style and text.startswith(FORMULA_PREFIXES):
        style = ' s="2"'
    space = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    return f'<c r="{reference}" t="inlineStr"{style}><is><t{space}>{_escape(text)}</t></is></c>'


def _row_xml(number: int, texts: Sequence[str], letters: Sequence[str], style: str = "") -> str:
    """A row's XML. Whether anything must be escaped is asked once of the whole row (the
    characters looked for are single ones, so the row has one if and only if a cell has):
    almost every row has none, and its cells then only need their ends looked at."""
    row = str(number)
    if style or _NEEDS_ESCAPE.search("".join(texts)):
        cells = [_cell(letter + row, text, style) for letter, text in zip(letters, texts, strict=False) if text]
    else:
        cells = [
            f'<c r="{letter}{row}" t="inlineStr"><is><t>{text}</t></is></c>'
            if text[0] not in _SPECIAL_FIRST and not text[-1].isspace()
            else _cell(letter + row, text, style)
            for letter, text in zip(letters, texts, strict=False)
            if text
        ]
    return f'<row r="{row}">{"".join(cells)}</row>'


def stream_xlsx(sheet_name: str, headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """The same workbook as :func:`write_xlsx_file` (every cell a string, formula-looking
    cells quoted, the header row frozen and filtered), produced as it is written: a zip
    written to no file, its parts handed over every ``STREAM_BATCH_ROWS`` rows, so the first
    bytes leave at once and nothing is left on disk whatever happens to the stream."""
    sink = _Sink()
    letters = _column_letters(len(headers))
    rows = iter(rows)
    sample = [_texts(row) for row in islice(rows, WIDTH_SAMPLE_ROWS)]
    widths = column_widths(headers, sample)
    name = _escape(sheet_name[:31]).replace('"', "&quot;")
    with zipfile.ZipFile(cast(BinaryIO, sink), "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr(
            "xl/workbook.xml",
            f'{_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>'
            f'<sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, 1))
            sheet.write(
                (
                    f'{_HEAD}<worksheet xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    '<selection pane="bottomLeft"/></sheetView></sheetViews>'
                    f'<sheetFormatPr defaultRowHeight="15"/>{"<cols>" + cols + "</cols>" if cols else ""}<sheetData>'
                    + _row_xml(1, [str(h) for h in headers], letters, ' s="1"')
                ).encode()
            )
            yield sink.take()
            number = 1
            batch: list[str] = []
            for texts in _chain_texts(sample, rows):
                number += 1
                batch.append(_row_xml(number, texts, letters))
                if len(batch) >= STREAM_BATCH_ROWS:
                    sheet.write("".join(batch).encode())
                    batch.clear()
                    chunk = sink.take()
                    if chunk:
                        yield chunk
            last = letters[-1] if letters else "A"
            sheet.write(
                f'{"".join(batch)}</sheetData><autoFilter ref="A1:{last}{max(number, 2)}"/></worksheet>'.encode()
            )
    yield sink.take()


def xlsx_stream_response(chunks: Iterable[bytes], name: str) -> StreamingHttpResponse:
    """A download of a streamed workbook named ``<name>-<timestamp>.xlsx``."""
    response = StreamingHttpResponse(chunks, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(name)}"'
    response["X-Accel-Buffering"] = "no"  # nginx: pass the rows on as they come
    return response
