"""Serving files with HTTP Range support: whole file, one range, suffix, clipping, 416,
malformed and multiple ranges, HEAD, If-Range, chunked streaming and Django File objects."""

import os
from collections.abc import Iterator

import pytest
from django.core.files import File
from django.http import StreamingHttpResponse
from django.test import RequestFactory

from rencai.core.ranges import RangeNotSatisfiable, parse_range_header, ranged_file_response

#: Closing a response sends ``request_finished``, whose handler checks any database connection
#: an earlier test left open in this thread.
pytestmark = pytest.mark.django_db

SIZE = 1_000_000
CONTENT = (bytes(range(256)) * (SIZE // 256 + 1))[:SIZE]
VIDEO = "video/mp4"

rf = RequestFactory()


@pytest.fixture
def path(tmp_path):
    file_path = tmp_path / "clip.mp4"
    file_path.write_bytes(CONTENT)
    return file_path


def get(path, range_header=None, method="get", chunk_size=64 * 1024, if_range=None):
    headers = {}
    if range_header is not None:
        headers["Range"] = range_header
    if if_range is not None:
        headers["If-Range"] = if_range
    request = getattr(rf, method)("/media/clip.mp4", headers=headers)
    return ranged_file_response(request, path, VIDEO, filename="clip.mp4", chunk_size=chunk_size)


def body(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    data = b"".join(streamed(response))
    response.close()
    return data


def assert_common_headers(response, length: int):
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == str(length)
    assert response["Content-Type"] == VIDEO
    assert response["Content-Disposition"] == 'inline; filename="clip.mp4"'
    assert response["ETag"].startswith('"')


def test_no_range_sends_the_whole_file(path):
    response = get(path)
    assert response.status_code == 200
    assert_common_headers(response, SIZE)
    assert "Content-Range" not in response
    assert body(response) == CONTENT


def test_first_hundred_bytes(path):
    response = get(path, "bytes=0-99")
    assert response.status_code == 206
    assert_common_headers(response, 100)
    assert response["Content-Range"] == f"bytes 0-99/{SIZE}"
    assert body(response) == CONTENT[0:100]


def test_open_ended_range(path):
    response = get(path, "bytes=999990-")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 999990-999999/{SIZE}"
    assert body(response) == CONTENT[-10:]


def test_range_in_the_middle(path):
    response = get(path, "bytes=123456-234567")
    assert response["Content-Range"] == f"bytes 123456-234567/{SIZE}"
    assert body(response) == CONTENT[123456:234568]


def test_suffix_range(path):
    response = get(path, "bytes=-5")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 999995-999999/{SIZE}"
    assert response["Content-Length"] == "5"
    assert body(response) == CONTENT[-5:]


def test_suffix_longer_than_the_file_is_the_whole_file(path):
    response = get(path, "bytes=-2000000")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-999999/{SIZE}"
    assert body(response) == CONTENT


def test_end_beyond_the_file_is_clipped(path):
    response = get(path, "bytes=999990-2000000")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 999990-999999/{SIZE}"
    assert response["Content-Length"] == "10"
    assert body(response) == CONTENT[-10:]


@pytest.mark.parametrize("header", [f"bytes={SIZE}-", "bytes=2000000-3000000", "bytes=-0"])
def test_unsatisfiable_range(path, header):
    response = get(path, header)
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{SIZE}"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Length"] == "0"
    assert response.content == b""


@pytest.mark.parametrize(
    "header", ["bytes=abc", "items=0-1", "bytes=", "bytes=-", "bytes=5-1", "bytes 0-1", "bytes=0-1,x"]
)
def test_malformed_range_is_ignored(path, header):
    response = get(path, header)
    assert response.status_code == 200
    assert_common_headers(response, SIZE)
    assert body(response) == CONTENT


def test_multiple_ranges_get_the_first(path):
    response = get(path, "bytes=0-1,5-6")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 0-1/{SIZE}"
    assert body(response) == CONTENT[0:2]


def test_multiple_ranges_skip_unsatisfiable_ones(path):
    response = get(path, f"bytes={SIZE + 5}-, 10-19")
    assert response["Content-Range"] == f"bytes 10-19/{SIZE}"
    assert body(response) == CONTENT[10:20]


def test_unit_is_case_insensitive(path):
    assert get(path, "Bytes=0-0").status_code == 206


def test_head_sends_headers_without_body(path):
    response = get(path, method="head")
    assert response.status_code == 200
    assert_common_headers(response, SIZE)
    assert not response.streaming
    assert response.content == b""


def test_head_ignores_range(path):
    response = get(path, "bytes=0-99", method="head")
    assert response.status_code == 200
    assert response["Content-Length"] == str(SIZE)
    assert response.content == b""


def test_if_range_mismatch_sends_the_whole_file(path):
    response = get(path, "bytes=0-99", if_range='"stale"')
    assert response.status_code == 200
    assert response["Content-Length"] == str(SIZE)
    assert body(response) == CONTENT


def test_if_range_matching_the_etag_sends_the_range(path):
    etag = get(path, method="head")["ETag"]
    response = get(path, "bytes=0-99", if_range=etag)
    assert response.status_code == 206
    assert body(response) == CONTENT[:100]


def test_etag_changes_with_the_file(path):
    before = get(path, method="head")["ETag"]
    os.utime(path, ns=(0, 1_000_000_000))
    assert get(path, method="head")["ETag"] != before


def test_range_is_streamed_in_chunks(path):
    response = get(path, "bytes=100000-399999", chunk_size=64 * 1024)
    chunks = list(response.streaming_content)
    assert len(chunks) > 1
    assert all(len(chunk) <= 64 * 1024 for chunk in chunks)
    assert b"".join(chunks) == CONTENT[100000:400000]


def test_django_file_is_served_and_closed(path):
    file = File(open(path, "rb"))  # noqa: SIM115 - closed by the response
    request = rf.get("/media/clip.mp4", headers={"Range": "bytes=500000-500099"})
    response = ranged_file_response(request, file, VIDEO)
    assert response.status_code == 206
    assert "Content-Disposition" not in response
    assert response["ETag"] == get(path, method="head")["ETag"]  # stat of the same path
    assert b"".join(streamed(response)) == CONTENT[500000:500100]
    assert file.closed


def test_django_file_is_closed_when_the_response_is_never_sent(path):
    file = File(open(path, "rb"))  # noqa: SIM115 - closed by the response
    response = ranged_file_response(rf.get("/"), file, VIDEO)
    response.close()
    assert file.closed


@pytest.mark.parametrize("header", [None, "bytes=2000000-"])
def test_django_file_is_closed_when_there_is_no_body(path, header):
    file = File(open(path, "rb"))  # noqa: SIM115 - closed by the response
    headers = {"Range": header} if header else {}
    method = "head" if header is None else "get"
    ranged_file_response(getattr(rf, method)("/", headers=headers), file, VIDEO)
    assert file.closed


def test_closed_django_file_is_reopened(path):
    file = File(open(path, "rb"))  # noqa: SIM115 - closed by the response
    file.close()
    response = ranged_file_response(rf.get("/", headers={"Range": "bytes=-3"}), file, VIDEO)
    assert b"".join(streamed(response)) == CONTENT[-3:]
    assert file.closed


def test_in_memory_file_gets_a_size_etag(tmp_path):
    from django.core.files.base import ContentFile

    response = ranged_file_response(rf.get("/", headers={"Range": "bytes=1-2"}), ContentFile(b"abcdef"), "text/plain")
    assert response["ETag"] == '"6"'
    assert response["Content-Range"] == "bytes 1-2/6"
    assert b"".join(streamed(response)) == b"bc"


def test_non_ascii_filename(path):
    request = rf.get("/")
    response = ranged_file_response(request, str(path), VIDEO, filename="培训 视频.mp4")
    assert response["Content-Disposition"] == "inline; filename*=utf-8''%E5%9F%B9%E8%AE%AD%20%E8%A7%86%E9%A2%91.mp4"
    response.close()


def test_empty_file_ignores_range(tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    response = ranged_file_response(rf.get("/", headers={"Range": "bytes=0-"}), empty, VIDEO)
    assert response.status_code == 200
    assert response["Content-Length"] == "0"
    assert body(response) == b""


def test_parse_range_header():
    assert parse_range_header("bytes=0-99", 1000) == (0, 99)
    assert parse_range_header("bytes= 5-, 0-1", 1000) == (5, 999)
    assert parse_range_header("bytes=-1000000", 1000) == (0, 999)
    assert parse_range_header("bytes=٠-٩", 1000) is None  # non-ASCII digits
    with pytest.raises(RangeNotSatisfiable):
        parse_range_header("bytes=1000-", 1000)


def streamed(response) -> Iterator[bytes]:
    """The body of a streaming response (a synchronous one: the test client's)."""
    return iter(response.streaming_content)
