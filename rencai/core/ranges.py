"""Serving a stored file with HTTP Range support, so that an HTML5 ``<video>`` can seek.

:func:`ranged_file_response` answers a request for a file (a path, or a Django
``File``/``FieldFile`` opened in binary mode) the way RFC 9110 section 14 describes:

* no ``Range`` header: 200 with the whole file;
* one satisfiable byte range (``bytes=START-END``, ``bytes=START-``, ``bytes=-N``): 206 Partial
  Content with ``Content-Range: bytes START-END/SIZE``; an END past the file is clipped to the
  last byte and a suffix longer than the file means the whole file;
* no satisfiable range (START at or past the end, ``bytes=-0``): 416 with ``Content-Range: bytes */SIZE``;
* several ranges (``bytes=0-1,5-6``): only the first satisfiable one is sent, as a plain 206
  rather than ``multipart/byteranges`` (browsers never ask media for several ranges);
* a malformed ``Range`` header (another unit, no digits, END before START) is ignored, as RFC 9110
  allows, and so is ``Range`` on an empty file (a zero-length range cannot be expressed in
  ``Content-Range``) and on any method but GET (section 14.2: HEAD gets the 200 headers);
* ``If-Range`` is honoured in the simple way: when present and not equal to the strong ETag sent
  (built from size and modification time, or from the size alone when the file has no local
  path), the whole file is sent with 200. HTTP dates in ``If-Range`` therefore never match.

The body is streamed: :class:`FileRange` seeks to START and reads at most ``chunk_size`` bytes at
a time, so memory use does not grow with the file. The function takes over the file: it is closed
once the body has been sent, when the response is closed without being sent, or at once when
there is no body to send (HEAD, 416).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import IO, TypeAlias, TypeVar

from django.core.files import File
from django.http import HttpRequest, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils.http import content_disposition_header, quote_etag

DEFAULT_CHUNK_SIZE = 64 * 1024

# One byte-range-spec: "first-last", "first-" or "-suffix" (ASCII digits only: \d would also
# accept other scripts' digits, which int() happily converts).
_RANGE_SPEC = re.compile(r"([0-9]*)-([0-9]*)")

# A string: Django's File is generic only in the stubs.
Source: TypeAlias = "File[bytes] | str | os.PathLike[str]"
Response = TypeVar("Response", bound=HttpResponseBase)


class RangeNotSatisfiable(ValueError):
    """The Range header is well formed but none of its ranges overlaps the file."""


def parse_range_header(header: str, size: int) -> tuple[int, int] | None:
    """The first satisfiable byte range of ``header`` as inclusive ``(start, end)`` for a file of
    ``size`` bytes, or None when the header is malformed and must be ignored.

    Raises :class:`RangeNotSatisfiable` when the header is well formed but no range overlaps.
    """
    unit, equals, range_set = header.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return None
    parsed = [_parse_spec(spec.strip()) for spec in range_set.split(",") if spec.strip()]
    specs = [spec for spec in parsed if spec is not None]
    if not specs or len(specs) != len(parsed):
        return None
    for first, last in specs:
        satisfiable = _clip(first, last, size)
        if satisfiable is not None:
            return satisfiable
    raise RangeNotSatisfiable(header)


def _parse_spec(spec: str) -> tuple[int | None, int | None] | None:
    """``(first, last)`` of one byte-range-spec, either may be None; None when it is malformed."""
    match = _RANGE_SPEC.fullmatch(spec)
    if match is None or match.group(0) == "-":
        return None
    first = int(match.group(1)) if match.group(1) else None
    last = int(match.group(2)) if match.group(2) else None
    if first is not None and last is not None and last < first:
        return None
    return first, last


def _clip(first: int | None, last: int | None, size: int) -> tuple[int, int] | None:
    """The inclusive range of a parsed spec within a file of ``size`` bytes, None if unsatisfiable."""
    if first is None:  # suffix range: the last `last` bytes
        if not last or not size:
            return None
        return max(size - last, 0), size - 1
    if first >= size:
        return None
    return first, size - 1 if last is None else min(last, size - 1)


def local_path(file: Source) -> str | None:
    """The file's path on this machine, or None (an in-memory file, a remote storage)."""
    if isinstance(file, str | os.PathLike):
        return os.fspath(file)
    try:
        path: str | None = getattr(file, "path", None)  # FieldFile on a FileSystemStorage
    except (NotImplementedError, ValueError):
        path = None
    if path is None:
        name = getattr(getattr(file, "file", None), "name", None)  # File(open(path, "rb"))
        path = name if isinstance(name, str) and os.path.isfile(name) else None
    return path


def size_and_etag(file: Source) -> tuple[int, str]:
    """The file's size and a strong ETag built from it and, when it has a path, its mtime."""
    path = local_path(file)
    if path is None:
        assert isinstance(file, File)  # a path always has a local path
        size = file.size
        return size, quote_etag(f"{size:x}")
    stat = os.stat(path)
    return stat.st_size, quote_etag(f"{stat.st_size:x}-{stat.st_mtime_ns:x}")


def requested_range(request: HttpRequest, size: int, etag: str) -> tuple[int, int] | None:
    """The inclusive byte range to send, or None for the whole file.

    Raises :class:`RangeNotSatisfiable` when the request asks only for bytes the file lacks.
    """
    header = request.headers.get("Range")
    if header is None or request.method != "GET" or size == 0:
        return None
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != etag:
        return None
    return parse_range_header(header, size)


def close_source(file: Source) -> None:
    """Close ``file`` unless it is a path (nothing is open then)."""
    if not isinstance(file, str | os.PathLike):
        file.close()


class FileRange:
    """``length`` bytes of a file from ``start``, read ``chunk_size`` bytes at a time.

    Iterable once. The file is closed when the bytes have all been read, and by :meth:`close`,
    which ``StreamingHttpResponse`` calls when the response is closed even if it was never sent.
    """

    def __init__(self, file: Source, start: int, length: int, chunk_size: int = DEFAULT_CHUNK_SIZE) -> None:
        if chunk_size <= 0:
            raise ValueError("chunk_size must be positive")
        self.file = file
        self.start = start
        self.length = length
        self.chunk_size = chunk_size
        self._handle: IO[bytes] | File[bytes] | None = None

    def __iter__(self) -> Iterator[bytes]:
        handle = self._open()
        try:
            handle.seek(self.start)
            remaining = self.length
            while remaining > 0:
                chunk = handle.read(min(self.chunk_size, remaining))
                if not chunk:  # the file shrank since its size was taken
                    break
                remaining -= len(chunk)
                yield chunk
        finally:
            self.close()

    def _open(self) -> IO[bytes] | File[bytes]:
        if isinstance(self.file, str | os.PathLike):
            self._handle = open(self.file, "rb")  # noqa: SIM115 - closed by close()
        else:
            if self.file.closed:
                self.file.open("rb")
            self._handle = self.file
        return self._handle

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
        elif not isinstance(self.file, str | os.PathLike):
            self.file.close()


def _set_headers(
    response: Response, length: int, etag: str, filename: str | None, content_range: str | None = None
) -> Response:
    response["Accept-Ranges"] = "bytes"
    response["Content-Length"] = str(length)
    response["ETag"] = etag
    if content_range is not None:
        response["Content-Range"] = content_range
    disposition = content_disposition_header(False, filename) if filename else None
    if disposition is not None:
        response["Content-Disposition"] = disposition
    return response


def ranged_file_response(
    request: HttpRequest,
    file: Source,
    content_type: str,
    filename: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> StreamingHttpResponse | HttpResponse:
    """200 with the whole file (streamed) when there is no Range header; 206 Partial Content with
    Content-Range for one satisfiable byte range (``bytes=START-END``, ``bytes=START-`` and the
    suffix form ``bytes=-N``); 416 Range Not Satisfiable with ``Content-Range: bytes */SIZE`` for
    an unsatisfiable one. Always sets Accept-Ranges, Content-Length, Content-Type, ETag and, when
    ``filename`` is given, an inline Content-Disposition.

    Several ranges are answered with the first satisfiable one; a malformed Range header is
    ignored; an If-Range that differs from the ETag gets the whole file. HEAD gets the headers
    of the 200 answer and an empty body. ``file`` is a path or a ``File``/``FieldFile`` opened
    in binary mode; it is closed once the response is done with it.
    """
    size, etag = size_and_etag(file)
    try:
        byte_range = requested_range(request, size, etag)
    except RangeNotSatisfiable:
        close_source(file)
        response = HttpResponse(status=416, content_type=content_type)
        return _set_headers(response, 0, etag, filename, f"bytes */{size}")
    if request.method == "HEAD":
        close_source(file)
        return _set_headers(HttpResponse(content_type=content_type), size, etag, filename)
    if byte_range is None:
        body = FileRange(file, 0, size, chunk_size)
        return _set_headers(StreamingHttpResponse(body, content_type=content_type), size, etag, filename)
    start, end = byte_range
    body = FileRange(file, start, end - start + 1, chunk_size)
    partial = StreamingHttpResponse(body, status=206, content_type=content_type)
    return _set_headers(partial, end - start + 1, etag, filename, f"bytes {start}-{end}/{size}")
