"""Uploaded files are judged by what they contain, not by their name or the browser's
word for them: a renamed executable is not a PDF."""

import hashlib
import zipfile
from dataclasses import dataclass

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
OOXML_PARTS = {"word/document.xml": "docx", "xl/workbook.xml": "xlsx", "ppt/presentation.xml": "pptx"}


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    size: int
    sha256: str


def sniff(head: bytes, file) -> str | None:
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
    upload: UploadedFile, allowed: frozenset = DOCUMENT_KINDS, max_bytes: int = 20 * 1024 * 1024
) -> CheckedUpload:
    """The upload's kind, size and digest, or Refused with a message in Chinese."""
    if upload.size > max_bytes:
        raise Refused(f"文件“{upload.name}”超过{max_bytes // (1024 * 1024)}MB，请压缩后再上传。")
    if upload.size == 0:
        raise Refused(f"文件“{upload.name}”是空文件。")
    upload.seek(0)
    head = upload.read(16)
    kind = sniff(head, upload)
    if kind not in allowed:
        accepted = "、".join(KIND_LABELS[k] for k in sorted(allowed))
        raise Refused(f"文件“{upload.name}”的内容不是可接受的格式（可上传：{accepted}）。")
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return CheckedUpload(kind=kind, size=upload.size, sha256=digest.hexdigest())
