"""Reading a large xlsx sheet row by row, so that memory does not grow with the rows.

python-calamine loads a whole sheet before it yields the first row (about 280 MB for a
200,000-row roster); the platform accepts 200,000 rows. A sheet whose XML unpacks to more
than :data:`STREAM_BYTES` is therefore read here instead: the sheet's XML is unpacked in
chunks, cut at row ends, and each chunk's cells are matched by one regular expression
(a chunk the fast expression does not account for cell by cell is read again by a slower,
general one). Values come out as calamine gives them — text, ``float`` numbers, ``bool``,
``date`` / ``datetime`` for numbers in a date format, ``""`` for blank cells — with every
row as wide as the sheet's dimension and starting at its first column.

Anything unusual (no ``<dimension>``, namespace prefixes, a strict-OOXML workbook) makes
:func:`open_stream` return None and the caller reads the sheet with calamine as before.
"""

from __future__ import annotations

import html
import posixpath
import re
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import IO, Any
from xml.etree import ElementTree

#: A sheet whose XML unpacks to more than this is streamed (about 60,000 roster rows).
STREAM_BYTES = 24 * 1024 * 1024
CHUNK = 1 << 18

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

#: Cells as Excel, WPS, LibreOffice and xlsxwriter write them: r, s, t in that order.
_FAST = re.compile(
    r'<row\b(?:[^>]*?\br="(\d+)")?[^>]*?/?>'
    r'|<c r="([A-Z]{1,3})\d+"(?: s="(\d+)")?(?: t="(\w+)")?'
    r"(?:/>|>(?:<f\b[^>]*?(?:/>|>[^<]*</f>))?(?:<v>([^<]*)</v>|<is><t\b[^>]*>([^<]*)</t></is>)?</c>)"
)
#: Any cell, attributes in any order, whitespace and rich text inside.
_ROW_OR_CELL = re.compile(r"<row\b([^>]*?)/?>|<c\b([^>]*?)(?:/>|>(.*?)</c>)", re.S)
_ATTR = re.compile(r'\b([rst])="([^"]*)"')
_V = re.compile(r"<v>([^<]*)</v>")
_T = re.compile(r"<t\b[^>]*>([^<]*)</t>")
_DIMENSION = re.compile(rb'<dimension ref="([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?"')
_DATE_CODE = re.compile(r"[dmyhs]")
_TIME_CODE = re.compile(r"[hs]")
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')
_BUILTIN_DATES = {14, 15, 16, 17, 22, 27, 30, 36, 45, 46, 47, 50, 57}
_BUILTIN_TIMES = {18, 19, 20, 21, 22, 45, 46, 47}
_EPOCH = datetime(1899, 12, 30)


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number - 1


class StreamedSheet:
    """The first visible worksheet of an xlsx, read in chunks."""

    def __init__(self, archive: zipfile.ZipFile, name: str, path: str, dimension: tuple[int, int, int, int]) -> None:
        self.archive, self.name, self.path = archive, name, path
        self.first_row, self.first_col, self.last_row, self.last_col = dimension
        self.width = self.last_col - self.first_col + 1
        self.strings = _shared_strings(archive)
        self.dates = _date_styles(archive)
        self.date_styles = {str(index) for index in self.dates}
        self._columns: dict[str, int] = {}

    @property
    def total_rows(self) -> int:
        return self.last_row + 1

    def rows(self) -> Iterator[list[Any]]:
        """Every row from the sheet's first row (row 1) on, blank rows included."""
        expected = 0
        with self.archive.open(self.path) as handle:
            for number, row in self._numbered_rows(handle):
                while expected < number:
                    yield [""] * self.width
                    expected += 1
                yield row
                expected = number + 1

    def _numbered_rows(self, handle: IO[bytes]) -> Iterator[tuple[int, list[Any]]]:
        tail = b""
        row_number = -1
        while True:
            chunk = handle.read(CHUNK)
            if not chunk:
                break
            buffer = tail + chunk
            cut = buffer.rfind(b"</row>")
            if cut < 0:
                tail = buffer
                continue
            cut += len(b"</row>")
            part, tail = buffer[:cut].decode("utf-8"), buffer[cut:]
            rows = self._fast(part, row_number)
            if rows is None:
                rows = self._general(part, row_number)
            if rows:
                row_number = rows[-1][0]
            yield from rows
        if tail:
            end = tail.find(b"</sheetData>")
            part = (tail if end < 0 else tail[:end]).decode("utf-8")
            if "<row" in part:
                yield from self._general(part, row_number)

    def _fast(self, part: str, previous: int) -> list[tuple[int, list[Any]]] | None:
        """The chunk's rows, or None when the fast expression missed any cell or row."""
        tokens = _FAST.findall(part)
        if len(tokens) != part.count("<c ") + part.count("<c>") + part.count("<row ") + part.count("<row>"):
            return None
        rows: list[tuple[int, list[Any]]] = []
        row: list[Any] = []
        first, width, value_of, columns = self.first_col, self.width, self._value, self._columns
        strings, dates, unescape = self.strings, self.date_styles, html.unescape
        for number, letters, style, kind, value, inline in tokens:
            if not letters:
                previous = int(number) - 1 if number else previous + 1
                row = [""] * width
                rows.append((previous, row))
                continue
            at = columns.get(letters)
            if at is None:
                at = columns[letters] = column_index(letters) - first
            if not 0 <= at < width:
                continue
            if kind == "inlineStr":
                row[at] = unescape(inline) if "&" in inline else inline
            elif kind == "s" and value:
                row[at] = strings[int(value)]
            elif not kind and value and style not in dates:
                row[at] = float(value)
            else:
                row[at] = value_of(kind, style, value)
        return rows

    def _general(self, part: str, previous: int) -> list[tuple[int, list[Any]]]:
        rows: list[tuple[int, list[Any]]] = []
        row: list[Any] | None = None
        column = -1
        for match in _ROW_OR_CELL.finditer(part):
            row_attrs, cell_attrs, inner = match.groups()
            if match.group(0).startswith("<row"):
                found = dict(_ATTR.findall(row_attrs or ""))
                previous = int(found["r"]) - 1 if "r" in found else previous + 1
                row = [""] * self.width
                rows.append((previous, row))
                column = -1
                continue
            attrs = dict(_ATTR.findall(cell_attrs or ""))
            letters = attrs.get("r", "").rstrip("0123456789")
            column = column_index(letters) if letters else column + 1
            kind = attrs.get("t")
            if kind == "inlineStr":
                raw: str | None = "".join(_T.findall(inner or ""))
            else:
                found_value = _V.search(inner or "")
                raw = found_value.group(1) if found_value else None
            at = column - self.first_col
            if row is not None and 0 <= at < self.width:
                row[at] = self._value(kind, attrs.get("s"), raw)
        return rows

    def _value(self, kind: str | None, style: str | None, raw: str | None) -> Any:
        if raw is None or raw == "":
            return ""
        if kind == "s":
            return self.strings[int(raw)]
        if kind in ("inlineStr", "str"):
            return html.unescape(raw) if "&" in raw else raw
        if kind == "b":
            return raw == "1"
        if kind == "e":
            return html.unescape(raw) if "&" in raw else raw
        if kind == "d":
            return datetime.fromisoformat(raw)
        number = float(raw)
        if style and (date_kind := self.dates.get(int(style))):
            return _as_date(number, date_kind == "datetime")
        return number


def _as_date(serial: float, with_time: bool) -> date | datetime | float:
    if not 0 <= serial < 2958466:
        return serial
    moment = _EPOCH + timedelta(days=serial)
    if not with_time and serial.is_integer():
        return moment.date()
    return moment


class UnsafePart(ValueError):
    """A part of the workbook that declares a DTD (entities): not read here."""


def _no_dtd(archive: zipfile.ZipFile, path: str, root: bytes) -> None:
    """Parts of a real workbook never declare a DTD; one that does (entity expansion
    attacks) is left to calamine, which does not expand entities."""
    with archive.open(path) as handle:
        head = handle.read(4096)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head or (root not in head and head.strip()):
        raise UnsafePart(path)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    path = _part_path(archive, "sharedStrings") or "xl/sharedStrings.xml"
    if path not in archive.NameToInfo:
        return []
    _no_dtd(archive, path, b"<sst")
    strings: list[str] = []
    si, t, rph = f"{_MAIN}si", f"{_MAIN}t", f"{_MAIN}rPh"
    with archive.open(path) as handle:
        # A part with a DTD (entities) is refused before parsing: see _no_dtd.
        for _event, element in ElementTree.iterparse(handle, events=("end",)):  # noqa: S314
            if element.tag == si:
                phonetic = {id(node) for ph in element.iter(rph) for node in ph.iter(t)}
                strings.append("".join(node.text or "" for node in element.iter(t) if id(node) not in phonetic))
                element.clear()
    return strings


def _date_styles(archive: zipfile.ZipFile) -> dict[int, str]:
    """Cell style index → "date" or "datetime" for the styles whose number format is one."""
    path = _part_path(archive, "styles") or "xl/styles.xml"
    if path not in archive.NameToInfo:
        return {}
    _no_dtd(archive, path, b"<styleSheet")
    root = ElementTree.fromstring(archive.read(path))  # noqa: S314 - checked by _no_dtd
    codes = {int(f.get("numFmtId", "0")): f.get("formatCode", "") for f in root.iter(f"{_MAIN}numFmt")}
    found: dict[int, str] = {}
    cell_xfs = root.find(f"{_MAIN}cellXfs")
    for index, xf in enumerate(cell_xfs if cell_xfs is not None else []):
        number_format = int(xf.get("numFmtId", "0"))
        if number_format in codes:
            code = _QUOTED.sub("", codes[number_format]).lower()
            if _DATE_CODE.search(code) and "general" not in code:
                found[index] = "datetime" if _TIME_CODE.search(code) else "date"
        elif number_format in _BUILTIN_DATES:
            found[index] = "datetime" if number_format in _BUILTIN_TIMES else "date"
    return found


def _part_path(archive: zipfile.ZipFile, kind: str) -> str | None:
    """The path of the workbook's shared strings or styles part, from its relationships."""
    for target, rel_type in _workbook_relationships(archive).values():
        if rel_type.endswith("/" + kind):
            return target
    return None


def _workbook_relationships(archive: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    rels_path = "xl/_rels/workbook.xml.rels"
    if rels_path not in archive.NameToInfo:
        return {}
    _no_dtd(archive, rels_path, b"<Relationships")
    root = ElementTree.fromstring(archive.read(rels_path))  # noqa: S314 - checked by _no_dtd
    found = {}
    for rel in root.iter(f"{_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        found[rel.get("Id", "")] = (path, rel.get("Type", ""))
    return found


def open_stream(handle: IO[bytes], threshold: int = STREAM_BYTES) -> StreamedSheet | None:
    """The first visible worksheet of the xlsx in ``handle`` when it is large enough to
    stream and written in the usual form; None otherwise (calamine reads it)."""
    try:
        archive = zipfile.ZipFile(handle)
        if "xl/workbook.xml" not in archive.NameToInfo:
            return None
        _no_dtd(archive, "xl/workbook.xml", b"<workbook")
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314 - checked by _no_dtd
        relationships = _workbook_relationships(archive)
        for sheet in workbook.iter(f"{_MAIN}sheet"):
            if sheet.get("state", "visible") != "visible":
                continue
            target = relationships.get(sheet.get(f"{_REL}id", ""))
            if target is None or not target[1].endswith("/worksheet") or target[0] not in archive.NameToInfo:
                return None
            info = archive.getinfo(target[0])
            if info.file_size <= threshold:
                return None
            dimension = _dimension(archive, target[0])
            if dimension is None:
                return None
            return StreamedSheet(archive, sheet.get("name", ""), target[0], dimension)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        return None
    return None


def _dimension(archive: zipfile.ZipFile, path: str) -> tuple[int, int, int, int] | None:
    """(first row, first column, last row, last column), 0-based, from ``<dimension>``;
    rows are yielded from row 0, as calamine does. None for a sheet written another way."""
    with archive.open(path) as handle:
        head = handle.read(8192)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head or (b"<sheetData" not in head and b"<dimension" not in head):
        return None
    found = _DIMENSION.search(head)
    if found is None or found.group(3) is None:
        return None
    first_col, last_col = column_index(found.group(1).decode()), column_index(found.group(3).decode())
    last_row = int(found.group(4)) - 1
    if last_col < first_col or last_row < 0:
        return None
    return 0, first_col, last_row, last_col
