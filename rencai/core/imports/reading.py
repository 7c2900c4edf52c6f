"""Reading the table out of an uploaded file, judged by its content, never by its name.

xlsx, xls and ods go through python-calamine; csv is decoded as UTF-8 (with or without
BOM) or GB18030 (a superset of GBK), whichever fits. Files that are not spreadsheets,
are protected by a password, unpack to absurd sizes or exceed the configured limits are
refused with a Chinese message that says what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from python_calamine import CalamineWorkbook

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTED_STREAMS = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))
_BINARY_MAGICS = (b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"Rar!", b"7z\xbc\xaf", b"\x1f\x8b", b"MZ")
ZIP_ABSOLUTE_LIMIT = 1024 * 1024 * 1024
ZIP_RATIO_LIMIT = 200


class ImportFileError(Exception):
    """A file that cannot be read as a table."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Table:
    kind: str
    sheet_name: str
    total_rows: int
    first_row: int = 1
    _rows: Any = field(default=None, repr=False)

    def rows(self) -> Iterator[list]:
        """Each row a list of cell values (empty cells as ``""``); may be called once."""
        return self._rows


def sniff(head: bytes) -> str:
    """What the first bytes say the file is."""
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(OLE_MAGIC):
        return "ole"
    if not head or any(head.startswith(m) for m in _BINARY_MAGICS) or b"\x00" in head[:4096]:
        return "unknown"
    return "csv"


def open_table(
    source: str | os.PathLike | bytes, *, max_bytes: int | None = None, max_rows: int | None = None
) -> Table:
    """The first sheet with data of ``source`` (a path or the file's bytes)."""
    max_bytes = max_bytes or getattr(settings, "RENCAI_IMPORT_MAX_BYTES", 50 * 1024 * 1024)
    max_rows = max_rows or getattr(settings, "RENCAI_IMPORT_MAX_ROWS", 200_000)
    data = source if isinstance(source, bytes) else None
    size = len(data) if data is not None else os.path.getsize(source)
    if size > max_bytes:
        raise ImportFileError("file_too_large", f"文件超过 {max_bytes // (1024 * 1024)} MB 的上限，请拆分后分批导入")
    head = data[:8192] if data is not None else _head(source)
    kind = sniff(head)
    if kind == "zip":
        return _workbook(source, _zip_kind(source, max_bytes), max_rows)
    if kind == "ole":
        return _ole(source, max_rows)
    if kind == "csv":
        return _csv(source, max_rows)
    raise ImportFileError("not_spreadsheet", "文件不是电子表格：请上传 Excel（.xlsx、.xls）、.ods 或 CSV 文件")


def _head(path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(8192)


def _open_bytes(source) -> io.BufferedIOBase:
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115


def _zip_kind(source, max_bytes: int) -> str:
    """xlsx or ods, after checking that the archive does not unpack to absurd sizes."""
    try:
        with _open_bytes(source) as handle, zipfile.ZipFile(handle) as archive:
            names = set(archive.namelist())
            total = 0
            for info in archive.infolist():
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if ratio > ZIP_RATIO_LIMIT and info.file_size > 10 * 1024 * 1024:
                    raise _zip_bomb()
            if total > min(20 * max_bytes, ZIP_ABSOLUTE_LIMIT):
                raise _zip_bomb()
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and archive.read("mimetype").startswith(
                b"application/vnd.oasis.opendocument.spreadsheet"
            ):
                return "ods"
    except zipfile.BadZipFile as exc:
        raise _corrupt() from exc
    raise ImportFileError("not_spreadsheet", "文件不是电子表格（可能是 Word 或其他压缩文件），请上传 Excel 文件")


def _zip_bomb() -> ImportFileError:
    return ImportFileError("zip_bomb", "文件解压后体积异常巨大，已拒绝；请在 Excel 中另存为普通的 .xlsx 后重新上传")


def _corrupt() -> ImportFileError:
    return ImportFileError("corrupt", "文件已损坏或格式不完整，请在 Excel 中打开后另存为 .xlsx 再上传")


def _ole(source, max_rows: int) -> Table:
    """An OLE compound file: a legacy .xls, or an xlsx protected with a password."""
    with _open_bytes(source) as handle:
        content = handle.read()
    if any(stream in content for stream in _ENCRYPTED_STREAMS):
        raise ImportFileError("encrypted", "文件设有打开密码，请取消密码后重新上传")
    return _workbook(source, "xls", max_rows)


def _workbook(source, kind: str, max_rows: int) -> Table:
    try:
        workbook = (
            CalamineWorkbook.from_filelike(io.BytesIO(source))
            if isinstance(source, bytes)
            else CalamineWorkbook.from_path(str(source))
        )
        for index, name in enumerate(workbook.sheet_names):
            sheet = workbook.get_sheet_by_index(index)
            if sheet.height == 0:
                continue
            if sheet.height > max_rows:
                raise ImportFileError(
                    "too_many_rows", f"表格有 {sheet.height} 行，超过 {max_rows} 行的上限，请拆分后分批导入"
                )
            start = sheet.start[0] if sheet.start else 0
            return Table(kind, name, start + sheet.height, start + 1, _blank_to_empty(sheet.iter_rows()))
    except ImportFileError:
        raise
    except Exception as exc:  # noqa: BLE001 - calamine raises its own error types
        text = str(exc).lower()
        if "password" in text or "encrypt" in text:
            raise ImportFileError("encrypted", "文件设有打开密码，请取消密码后重新上传") from exc
        raise _corrupt() from exc
    raise ImportFileError("empty", "文件中没有任何数据")


def _blank_to_empty(rows) -> Iterator[list]:
    for row in rows:
        yield ["" if cell is None else cell for cell in row]


def _csv(source, max_rows: int) -> Table:
    encoding = _csv_encoding(source)
    handle = _open_bytes(source)
    text = codecs.getreader(encoding)(handle)
    sample = text.read(8192)
    if not sample.strip():
        handle.close()
        raise ImportFileError("empty", "文件中没有任何数据")
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    handle.seek(0)
    text = codecs.getreader(encoding)(handle)
    return Table("csv", "", 0, 1, _csv_rows(text, dialect, max_rows, handle))


def _csv_encoding(source) -> str:
    """UTF-8 (BOM or not) when every byte decodes as such, else GB18030 (covers GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with _open_bytes(source) as handle:
                while chunk := handle.read(1024 * 1024):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise ImportFileError("encoding", "无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV，或直接上传 Excel 文件")


def _csv_rows(text, dialect, max_rows: int, handle) -> Iterator[list]:
    try:
        for count, row in enumerate(csv.reader(text, dialect), start=1):
            if count > max_rows:
                raise ImportFileError("too_many_rows", f"表格超过 {max_rows} 行的上限，请拆分后分批导入")
            yield row
    finally:
        handle.close()
