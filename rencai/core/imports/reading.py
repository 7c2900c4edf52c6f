"""The READ stage of an import: the table out of an uploaded file, judged by content, never by name.

xlsx, xls and ods go through python-calamine; csv is decoded as UTF-8 (with or without BOM) or
GB18030 (a superset of GBK), whichever fits the whole file. A file that is not a spreadsheet, has
an opening password, unpacks to absurd sizes or exceeds the configured limits is refused with an
:class:`ImportFileError` whose Chinese message tells the clerk what to do.

Cell values are handed on as read (calamine's types for workbooks, strings for csv); a later
stage normalises them.
"""

from __future__ import annotations

import codecs
import csv
import io
import mmap
import os
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, TypeAlias

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from python_calamine import (
    CalamineError,
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * MIB
DEFAULT_MAX_ROWS = 200_000

#: A zip may unpack to this many times the upload limit, and never past the absolute cap.
ZIP_EXPANSION_FACTOR = 20
ZIP_ABSOLUTE_LIMIT = 1024 * MIB
#: A member that unpacks to more than ``ZIP_RATIO_MIN_SIZE`` at more than this ratio is a bomb.
ZIP_RATIO_LIMIT = 200
ZIP_RATIO_MIN_SIZE = 10 * MIB

HEAD_SIZE = 8192
CSV_SAMPLE_SIZE = 16 * 1024
CHUNK_SIZE = 1024 * 1024

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*", b"Rar!", b"7z\xbc\xaf")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
#: Control bytes that do not occur in text (tab, newlines, form feed and escape do).
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b")
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
#: What a csv holds besides its data: delimiters, quotes and blanks.
_CSV_BLANK = b" \t\r\n,;\"'"

ENCRYPTED_MESSAGE = gettext_lazy("文件设有打开密码，请取消密码后重新上传")
CORRUPT_MESSAGE = gettext_lazy("文件已损坏或格式不完整，请在 Excel 中打开后另存为 .xlsx 再上传")
ENCODING_MESSAGE = gettext_lazy("无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV，或直接上传 Excel 文件")
EMPTY_MESSAGE = gettext_lazy("文件中没有任何数据，请在第一个工作表中填写后保存，再重新上传（隐藏的工作表不会被读取）")
NOT_SPREADSHEET_MESSAGE = gettext_lazy("文件不是电子表格，请上传 Excel（.xlsx、.xls）、WPS 表格、.ods 或 CSV 文件")

#: What an import reads: a path or the file's bytes.
PathOrBytes: TypeAlias = str | os.PathLike[str] | bytes
#: One row of cells as read (calamine's types for workbooks, strings for csv).
Row: TypeAlias = list[Any]


class ImportFileError(Exception):
    """A file that cannot be read as a table."""

    def __init__(self, code: str, message: str | Promise) -> None:
        # A lazy text (the module's constants) is made a str in the active language here.
        message = str(message)
        super().__init__(message)
        self.code = code
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass
class Table:
    """One sheet of an uploaded file.

    ``first_row`` and ``first_column`` are the 1-based spreadsheet row and column of the first
    yielded cell: rows always start at row 1 (calamine pads leading blank rows), but a sheet whose
    data starts in column C yields rows that start with column C.
    """

    kind: str
    sheet_name: str
    total_rows: int
    first_row: int = 1
    first_column: int = 1
    _rows: Iterator[Row] | None = field(default=None, repr=False)

    def rows(self) -> Iterator[Row]:
        """Each row a list of cell values, empty cells as ``""``; may be called once."""
        if self._rows is None:
            raise RuntimeError("Table.rows() may be called only once")
        rows, self._rows = self._rows, None
        return rows


def sniff(head: bytes) -> str:
    """What the first bytes of a file say it is.

    ``"xlsx"``/``"ods"`` when the zip's first entries tell, else ``"zip"``; ``"xls"`` when the
    workbook stream's directory entry is in ``head``, else ``"ole"``; ``"csv"`` for text;
    ``"unknown"`` for anything else (empty, binary, PDF, images, HTML/XML).
    """
    if head.startswith(ZIP_MAGICS):
        return _sniff_zip(head)
    if head.startswith(OLE_MAGIC):
        return "xls" if {"Workbook", "Book"} & _ole_entries(head) else "ole"
    if head.startswith(_UTF16_BOMS):
        return "csv"
    if not head or head.startswith(_BINARY_MAGICS) or _looks_binary(head) or _looks_like_markup(head):
        return "unknown"
    return "csv"


def open_table(source: PathOrBytes, *, max_bytes: int | None = None, max_rows: int | None = None) -> Table:
    """The first visible sheet with data in ``source`` (a path or the file's bytes).

    Raises :class:`ImportFileError` for anything that cannot be read as a table. Workbook errors
    are all raised here; a csv's row limit is enforced while its rows are read.
    """
    if max_bytes is None:
        max_bytes = getattr(settings, "RENCAI_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES)
    if max_rows is None:
        max_rows = getattr(settings, "RENCAI_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS)
    file = _Source.of(source)
    size = file.size()
    if size > max_bytes:
        raise ImportFileError(
            "file_too_large",
            _("文件超过 %(limit)s 的上限，请删去无关的工作表和图片，或拆分成几个文件分批上传")
            % {"limit": _size_text(max_bytes)},
        )
    if size == 0:
        raise ImportFileError("not_spreadsheet", _("文件是空的（0 字节），请检查后重新上传"))
    head = file.head(HEAD_SIZE)
    kind = sniff(head)
    if kind in ("xlsx", "ods", "zip"):
        return _workbook_table(file, _zip_kind(file, max_bytes), max_rows)
    if kind in ("xls", "ole"):
        _check_ole(file)
        return _workbook_table(file, "xls", max_rows)
    if kind == "csv":
        return _csv_table(file, max_rows)
    raise _not_spreadsheet(head)


# --- the source -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    """A path or bytes, opened the same way."""

    path: str | None = None
    data: bytes | None = None

    @classmethod
    def of(cls, source: PathOrBytes) -> _Source:
        if isinstance(source, bytes | bytearray):
            return cls(data=bytes(source))
        return cls(path=os.fspath(source))

    def local_path(self) -> str:
        """The path of a source that holds no bytes."""
        assert self.path is not None  # a source holds either bytes or a path
        return self.path

    def size(self) -> int:
        return len(self.data) if self.data is not None else os.path.getsize(self.local_path())

    def open(self) -> BinaryIO:
        return io.BytesIO(self.data) if self.data is not None else open(self.local_path(), "rb")  # noqa: SIM115

    def head(self, size: int) -> bytes:
        with self.open() as handle:
            return handle.read(size)

    @contextmanager
    def buffer(self) -> Iterator[bytes | mmap.mmap]:
        """The whole content to search in, mapped rather than read for a path."""
        if self.data is not None:
            yield self.data
            return
        with open(self.local_path(), "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            yield mapped


def _size_text(size: int) -> str:
    if size >= MIB:
        return f"{size / MIB:.1f}".removesuffix(".0") + " MB"
    if size >= 1024:
        return f"{size / 1024:.1f}".removesuffix(".0") + " KB"
    return _("%(n)s 字节") % {"n": size}


# --- sniffing ---------------------------------------------------------------------------


def _sniff_zip(head: bytes) -> str:
    names = _zip_local_names(head)
    if names[:1] == [b"mimetype"]:
        return "ods" if ODS_MIMETYPE in head[: HEAD_SIZE // 8] else "zip"
    if any(name.startswith(b"xl/") for name in names):
        return "xlsx"
    return "zip"


def _zip_local_names(head: bytes) -> list[bytes]:
    """Names of the zip entries whose local headers lie within ``head``."""
    names, at = [], 0
    while at >= 0 and at + 30 <= len(head) and head.startswith(b"PK\x03\x04", at):
        name_length = int.from_bytes(head[at + 26 : at + 28], "little")
        names.append(head[at + 30 : at + 30 + name_length])
        at = head.find(b"PK\x03\x04", at + 30 + name_length)
    return names


def _ole_entries(content: bytes | mmap.mmap) -> set[str]:
    """Which of the interesting stream names an OLE compound file's directory holds.

    Directory entries are 128-byte records at 128-byte aligned offsets: a UTF-16 name padded
    to 64 bytes, its length in bytes (with the terminator) at 64 and the object type at 66.
    Checking all three tells a real entry from the same text inside a stream."""
    found = set()
    for name in ("EncryptedPackage", "EncryptionInfo", "Workbook", "Book", "WordDocument", "PowerPoint Document"):
        needle = name.encode("utf-16-le") + b"\x00\x00"
        at = content.find(needle)
        while at != -1:
            if at % 128 == 0 and _is_directory_entry(content[at : at + 128], len(needle)):
                found.add(name)
                break
            at = content.find(needle, at + 1)
    return found


def _is_directory_entry(entry: bytes, name_length: int) -> bool:
    return len(entry) == 128 and int.from_bytes(entry[64:66], "little") == name_length and entry[66] in (1, 2, 5)


def _looks_binary(head: bytes) -> bool:
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return b"\x00" in head or controls * 100 > len(head)


def _looks_like_markup(head: bytes) -> bool:
    """HTML or XML, such as the "xls" files many systems export that are really web pages."""
    return head.removeprefix(codecs.BOM_UTF8).lstrip()[:1] == b"<"


def _not_spreadsheet(head: bytes) -> ImportFileError:
    if _looks_like_markup(head) and not _looks_binary(head):
        return ImportFileError(
            "not_spreadsheet",
            _("文件是网页（HTML/XML）格式，并不是真正的 Excel 文件，请在 Excel 中打开后另存为 .xlsx 再上传"),
        )
    return ImportFileError("not_spreadsheet", NOT_SPREADSHEET_MESSAGE)


# --- workbooks --------------------------------------------------------------------------


def _zip_kind(file: _Source, max_bytes: int) -> str:
    """``"xlsx"`` or ``"ods"``, after checking from the central directory that the archive does
    not unpack to absurd sizes (before calamine unpacks anything)."""
    try:
        with file.open() as handle, zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
            _check_expansion(infos, max_bytes)
            names = {info.filename.lower() for info in infos}
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "xl/workbook.bin" in names:
                raise ImportFileError(
                    "not_spreadsheet", _("不支持 Excel 二进制工作簿（.xlsb），请在 Excel 中另存为 .xlsx 后再上传")
                )
            if "mimetype" in names and archive.read("mimetype").strip().startswith(ODS_MIMETYPE):
                return "ods"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, KeyError, NotImplementedError) as exc:
        raise ImportFileError("corrupt", CORRUPT_MESSAGE) from exc
    raise ImportFileError(
        "not_spreadsheet", _("文件是压缩包或 Word 等其他文档，不是电子表格，请上传 Excel 或 CSV 文件")
    )


def _check_expansion(infos: list[zipfile.ZipInfo], max_bytes: int) -> None:
    limit = min(ZIP_EXPANSION_FACTOR * max_bytes, ZIP_ABSOLUTE_LIMIT)
    bomb = sum(info.file_size for info in infos) > limit or any(
        info.file_size > ZIP_RATIO_MIN_SIZE and info.file_size > ZIP_RATIO_LIMIT * max(info.compress_size, 1)
        for info in infos
    )
    if bomb:
        raise ImportFileError(
            "zip_bomb", _("文件解压后的体积异常巨大，已拒绝导入；请在 Excel 中打开后另存为新的 .xlsx 文件再上传")
        )


def _check_ole(file: _Source) -> None:
    """An OLE compound file is a legacy .xls, an OOXML workbook with an opening password, or
    another Office document."""
    with file.buffer() as content:
        entries = _ole_entries(content)
    if {"EncryptedPackage", "EncryptionInfo"} & entries:
        raise ImportFileError("encrypted", ENCRYPTED_MESSAGE)
    if not {"Workbook", "Book"} & entries:
        raise ImportFileError(
            "not_spreadsheet", _("文件是 Word、PowerPoint 等其他 Office 文档，不是电子表格，请上传 Excel 文件")
        )


def _workbook_table(file: _Source, kind: str, max_rows: int) -> Table:
    if kind == "xlsx":
        streamed = _streamed_table(file, max_rows)
        if streamed is not None:
            return streamed
    try:
        with _open_workbook(file) as workbook:
            sheet = _first_sheet_with_data(workbook, max_rows)
    except PasswordError as exc:
        raise ImportFileError("encrypted", ENCRYPTED_MESSAGE) from exc
    except (CalamineError, OSError, ValueError, UnicodeError) as exc:
        raise ImportFileError("corrupt", CORRUPT_MESSAGE) from exc
    except BaseException as exc:
        # A Rust panic inside calamine surfaces as pyo3's PanicException, a BaseException.
        if type(exc).__name__ != "PanicException":
            raise
        raise ImportFileError("corrupt", CORRUPT_MESSAGE) from exc
    if sheet is None:
        raise ImportFileError("empty", EMPTY_MESSAGE)
    start, end = sheet.start, sheet.end
    if start is None or end is None:  # never for a sheet with data
        raise ImportFileError("empty", EMPTY_MESSAGE)
    return Table(
        kind,
        sheet.name,
        total_rows=end[0] + 1,
        first_column=start[1] + 1,
        _rows=_sheet_rows(sheet),
    )


def _streamed_table(file: _Source, max_rows: int) -> Table | None:
    """A large xlsx sheet read row by row (:mod:`rencai.core.imports.xlsx_stream`), or None."""
    from rencai.core.imports import xlsx_stream

    threshold = getattr(settings, "RENCAI_IMPORT_STREAM_BYTES", xlsx_stream.STREAM_BYTES)
    sheet = xlsx_stream.open_stream(file.open(), threshold)
    if sheet is None:
        return None
    if sheet.total_rows > max_rows:
        raise _too_many_rows(max_rows, sheet.total_rows)
    return Table(
        "xlsx", sheet.name, total_rows=sheet.total_rows, first_column=sheet.first_col + 1, _rows=_guarded(sheet.rows())
    )


def _guarded(rows: Iterator[Row]) -> Iterator[Row]:
    """A streamed sheet's rows, a damaged part mid-way reported as a corrupt file."""
    import zlib

    try:
        yield from rows
    except (zipfile.BadZipFile, zlib.error, EOFError, UnicodeDecodeError, ValueError, IndexError) as exc:
        raise ImportFileError("corrupt", CORRUPT_MESSAGE) from exc


def _open_workbook(file: _Source) -> CalamineWorkbook:
    if file.data is not None:
        return CalamineWorkbook.from_filelike(io.BytesIO(file.data))
    return CalamineWorkbook.from_path(file.local_path())


def _first_sheet_with_data(workbook: CalamineWorkbook, max_rows: int) -> CalamineSheet | None:
    """The first visible worksheet with a non-blank cell, checked against the row limit."""
    for index, meta in enumerate(workbook.sheets_metadata):
        if meta.typ != SheetTypeEnum.WorkSheet or meta.visible != SheetVisibleEnum.Visible:
            continue
        sheet = workbook.get_sheet_by_index(index)
        end = sheet.end
        if sheet.height == 0 or end is None:
            continue
        rows = end[0] + 1
        if rows > max_rows:
            raise _too_many_rows(max_rows, rows)
        if _has_data(sheet.iter_rows()):
            return sheet
    return None


def _has_data(rows: Iterator[Row]) -> bool:
    return any(not (cell is None or (isinstance(cell, str) and not cell.strip())) for row in rows for cell in row)


def _sheet_rows(sheet: CalamineSheet) -> Iterator[Row]:
    for row in sheet.iter_rows():
        yield row if None not in row else ["" if cell is None else cell for cell in row]


def _too_many_rows(max_rows: int, rows: int | None = None) -> ImportFileError:
    if rows:
        message = _(
            "表格超过 %(limit)s 行的上限（本表有 %(rows)s 行），请拆分成几个不超过 %(limit)s 行的文件后分批上传"
        ) % {"limit": max_rows, "rows": rows}
    else:
        message = _("表格超过 %(limit)s 行的上限，请拆分成几个不超过 %(limit)s 行的文件后分批上传") % {
            "limit": max_rows
        }
    return ImportFileError("too_many_rows", message)


# --- csv --------------------------------------------------------------------------------


@dataclass
class _TextScan:
    lines: int = 1
    has_data: bool = False
    utf8: bool = True


def _csv_table(file: _Source, max_rows: int) -> Table:
    if file.head(2).startswith(_UTF16_BOMS):
        raise ImportFileError("encoding", ENCODING_MESSAGE)
    scan = _scan_text(file)
    encoding = "utf-8-sig" if scan.utf8 else _gb18030_or_fail(file)
    if not scan.has_data:
        raise ImportFileError("empty", EMPTY_MESSAGE)
    delimiter = _sniff_delimiter(file, encoding)
    return Table("csv", "", scan.lines, _rows=_csv_rows(file, encoding, delimiter, max_rows))


def _scan_text(file: _Source) -> _TextScan:
    """One pass over the bytes: an upper bound on the rows, whether any cell has data, whether
    it is all UTF-8; and a refusal of binary content past the sniffed head."""
    scan = _TextScan()
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    with file.open() as handle:
        first = True
        while chunk := handle.read(CHUNK_SIZE):
            if b"\x00" in chunk:
                raise ImportFileError("not_spreadsheet", NOT_SPREADSHEET_MESSAGE)
            scan.lines += max(chunk.count(b"\n"), chunk.count(b"\r"))
            data = chunk.removeprefix(codecs.BOM_UTF8) if first else chunk
            scan.has_data = scan.has_data or bool(data.translate(None, _CSV_BLANK))
            scan.utf8 = scan.utf8 and _decodes(decoder, chunk)
            first = False
    scan.utf8 = scan.utf8 and _decodes(decoder, b"", final=True)
    return scan


def _decodes(decoder: codecs.IncrementalDecoder, chunk: bytes, final: bool = False) -> bool:
    try:
        decoder.decode(chunk, final)
    except UnicodeDecodeError:
        return False
    return True


def _gb18030_or_fail(file: _Source) -> str:
    decoder = codecs.getincrementaldecoder("gb18030")()
    with file.open() as handle:
        while chunk := handle.read(CHUNK_SIZE):
            if not _decodes(decoder, chunk):
                raise ImportFileError("encoding", ENCODING_MESSAGE)
    if not _decodes(decoder, b"", final=True):
        raise ImportFileError("encoding", ENCODING_MESSAGE)
    return "gb18030"


def _sniff_delimiter(file: _Source, encoding: str) -> str:
    """Comma, unless the first lines are plainly separated by tabs or semicolons."""
    head = file.head(CSV_SAMPLE_SIZE)
    sample = codecs.getincrementaldecoder(encoding)().decode(head)
    if len(head) == CSV_SAMPLE_SIZE and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;").delimiter
    except csv.Error:
        return ","


def _csv_rows(file: _Source, encoding: str, delimiter: str, max_rows: int) -> Iterator[Row]:
    """The records of a csv, decoded as they are read; the file is opened on the first row."""
    with file.open() as handle, io.TextIOWrapper(handle, encoding=encoding, newline="") as text:
        reader = csv.reader(text, delimiter=delimiter)
        try:
            for count, row in enumerate(reader, start=1):
                if count > max_rows:
                    raise _too_many_rows(max_rows)
                yield row
        except csv.Error as exc:
            raise ImportFileError(
                "corrupt",
                _(
                    "CSV 文件第 %(line)s 行无法解析（引号不配对或单元格内容过长），"
                    "请在 Excel 中打开后另存为 .xlsx 再上传"
                )
                % {"line": reader.line_num},
            ) from exc
