"""Uploaded files are judged by what they contain, not by their name or the browser's
word for them: a renamed executable is not a PDF."""

import hashlib
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.files.uploadedfile import UploadedFile

from rencai.core.errors import Refused

KIND_LABELS = {
    "pdf": "PDF",
    "docx": "Word（docx）",
    "xlsx": "Excel（xlsx）",
    "pptx": "PowerPoint（pptx）",
    "ole": "Word/Excel 97-2003",
    "jpeg": "JPEG图片",
    "png": "PNG图片",
}
DOCUMENT_KINDS = frozenset(KIND_LABELS)
#: What the sniffers read: an upload or any binary file object.
Readable = IO[bytes] | UploadedFile
OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    size: int
    sha256: str


def sniff(head: bytes, file: Readable) -> str | None:
    """The kind of file from its first bytes (and, for Office files, their zip directory)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"PK\x03\x04"):
        try:
            file.seek(0)
            names = set(zipfile.ZipFile(file).namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            file.seek(0)
        return next((kind for part, kind in OOXML_PARTS.items() if part in names), None)
    return None


def check_upload(
    upload: UploadedFile, allowed: frozenset[str] = DOCUMENT_KINDS, max_bytes: int = 20 * 1024 * 1024
) -> CheckedUpload:
    """The upload's kind, size and digest, or Refused with a message in Chinese."""
    size = upload.size
    assert size is not None  # Django sets the size of every uploaded file
    if size > max_bytes:
        raise Refused(f"文件“{upload.name}”超过{max_bytes // (1024 * 1024)}MB，请压缩后再上传。")
    if size == 0:
        raise Refused(f"文件“{upload.name}”是空文件。")
    upload.seek(0)
    head = upload.read(16)
    kind = sniff(head, upload)
    if kind is None or kind not in allowed:
        accepted = "、".join(KIND_LABELS[k] for k in sorted(allowed))
        raise Refused(f"文件“{upload.name}”的内容不是可接受的格式（可上传：{accepted}）。")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(kind=kind, size=size, sha256=digest.hexdigest())


def record_upload(instance: Any, checked: CheckedUpload, stored_name: str) -> None:
    """Write what the check found into a record's ``file_name``, ``file_type``,
    ``file_size`` and ``sha256`` fields (the columns every checked attachment keeps)."""
    instance.file_name = stored_name.rsplit("/", 1)[-1][:200]
    instance.file_type = checked.kind
    instance.file_size = checked.size
    instance.sha256 = checked.sha256


def check_and_record_upload(
    instance: Any, allowed: frozenset[str] = DOCUMENT_KINDS, max_bytes: int = 20 * 1024 * 1024
) -> CheckedUpload:
    """Check a record's uploaded ``file`` by its content (:func:`check_upload`) and record
    the result in the record (:func:`record_upload`)."""
    checked = check_upload(instance.file.file, allowed=allowed, max_bytes=max_bytes)
    record_upload(instance, checked, instance.file.name)
    return checked


# --- video containers ----------------------------------------------------------------------
#
# A video is judged by its container's structure, not by its first bytes: an MP4 is a
# sequence of boxes that tile the file exactly, starting with ``ftyp`` and holding a movie
# header (``moov``) and media (``mdat`` or fragments); a WebM is an EBML header naming the
# ``webm`` (or ``matroska``) document type followed by a Segment whose first children are
# Matroska's top-level elements, Tracks among them.

_MP4_MAX_BOXES = 100_000
_MKV_TOP_LEVEL = {
    0x114D9B74,  # SeekHead
    0x1549A966,  # Info
    0x1654AE6B,  # Tracks
    0x1F43B675,  # Cluster
    0x1C53BB6B,  # Cues
    0x1941A469,  # Attachments
    0x1043A770,  # Chapters
    0x1254C367,  # Tags
    0xEC,  # Void
    0xBF,  # CRC-32
}


def _printable(four: bytes) -> bool:
    return len(four) == 4 and all(32 <= b < 127 for b in four)


def _mp4_structure(file: Readable, size: int) -> bool:
    file.seek(0)
    offset, seen, boxes = 0, set(), 0
    while offset < size:
        file.seek(offset)
        header = file.read(8)
        if len(header) < 8:
            return False
        box_size, box_type = int.from_bytes(header[:4], "big"), header[4:8]
        header_size = 8
        if box_size == 1:
            large = file.read(8)
            if len(large) < 8:
                return False
            box_size, header_size = int.from_bytes(large, "big"), 16
        elif box_size == 0:
            box_size = size - offset
        if not _printable(box_type) or box_size < header_size or offset + box_size > size:
            return False
        if boxes == 0:
            brand = file.read(4)
            if box_type != b"ftyp" or not _printable(brand):
                return False
        seen.add(box_type)
        offset += box_size
        boxes += 1
        if boxes > _MP4_MAX_BOXES:
            return False
    return b"moov" in seen and (b"mdat" in seen or b"moof" in seen)


def _read_vint(file: Readable, is_id: bool) -> tuple[int | None, int]:
    """An EBML variable-length integer: (value, bytes read); None for "unknown size"."""
    first = file.read(1)
    if not first:
        raise ValueError("end of file")
    byte = first[0]
    length = 1
    mask = 0x80
    while length <= 8 and not byte & mask:
        mask >>= 1
        length += 1
    if length > (4 if is_id else 8):
        raise ValueError("bad vint")
    rest = file.read(length - 1)
    if len(rest) != length - 1:
        raise ValueError("end of file")
    if is_id:
        return int.from_bytes(first + rest, "big"), length
    value = byte & (mask - 1)
    for b in rest:
        value = (value << 8) | b
    if value == (1 << (7 * length)) - 1:
        return None, length
    return value, length


def _webm_structure(file: Readable, size: int) -> bool:
    file.seek(0)
    try:
        element, _n = _read_vint(file, is_id=True)
        if element != 0x1A45DFA3:
            return False
        header_size, _n = _read_vint(file, is_id=False)
        if header_size is None or header_size > 4096:
            return False
        header = file.read(header_size)
        doc_type = None
        import io

        inner = io.BytesIO(header)
        while inner.tell() < len(header):
            child, _n = _read_vint(inner, is_id=True)
            length, _n = _read_vint(inner, is_id=False)
            if length is None or inner.tell() + length > len(header):
                return False
            value = inner.read(length)
            if child == 0x4282:
                doc_type = value.rstrip(b"\0")
        if doc_type not in (b"webm", b"matroska"):
            return False
        segment, _n = _read_vint(file, is_id=True)
        if segment != 0x18538067:
            return False
        segment_size, _n = _read_vint(file, is_id=False)
        start = file.tell()
        end = size if segment_size is None else start + segment_size
        if end > size:
            return False
        found_tracks = False
        for _ in range(64):
            if file.tell() >= end:
                break
            child, _n = _read_vint(file, is_id=True)
            if child not in _MKV_TOP_LEVEL:
                return False
            length, _n = _read_vint(file, is_id=False)
            if child == 0x1654AE6B:
                found_tracks = True
            if child == 0x1F43B675 or length is None:
                break  # media starts (or a live stream of unknown length)
            if file.tell() + length > end:
                return False
            file.seek(file.tell() + length)
        return found_tracks
    except ValueError:
        return False


def sniff_video(file: Readable, size: int) -> str | None:
    """ "mp4" or "webm" when ``file`` has that container's structure, else None."""
    try:
        file.seek(0)
        head = file.read(8)
        if len(head) >= 8 and head[4:8] == b"ftyp":
            return "mp4" if _mp4_structure(file, size) else None
        if head.startswith(b"\x1a\x45\xdf\xa3"):
            return "webm" if _webm_structure(file, size) else None
        return None
    finally:
        file.seek(0)


class _Unclosable:
    """The upload as hachoir reads it: hachoir closes its stream, the upload stays open."""

    def __init__(self, file: Readable) -> None:
        self.file = file

    def read(self, size: int = -1) -> bytes:
        return self.file.read(size)

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.file.seek(offset, whence)

    def tell(self) -> int:
        return self.file.tell()

    def close(self) -> None:
        pass


def video_duration(file: Readable) -> Decimal | None:
    """The length in seconds that an MP4 or WebM file's container metadata gives (``mvhd`` /
    Matroska ``Duration``), read with hachoir; None when the file states none."""
    from hachoir.core import config as hachoir_config
    from hachoir.metadata import extractMetadata
    from hachoir.parser import guessParser
    from hachoir.stream import InputIOStream

    hachoir_config.quiet = True
    file.seek(0)
    try:
        stream = InputIOStream(_Unclosable(file), tags=[])
        parser = guessParser(stream)
        if parser is None:
            return None
        metadata = extractMetadata(parser)
        duration = metadata.get("duration", None) if metadata is not None else None
    except Exception:  # noqa: BLE001 - a malformed container is a file without a duration
        return None
    finally:
        file.seek(0)
    if duration is None:
        return None
    return Decimal(duration.total_seconds()).quantize(Decimal("0.001"))
