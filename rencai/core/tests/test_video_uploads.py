"""Issue 16: a lecture video is judged by its container's structure, not its first bytes."""

import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from rencai.core.uploads import sniff_video
from rencai.training.models import Video

SAMPLE_WEBM = Path(__file__).resolve().parents[2] / "training" / "media" / "lecture-sample.webm"
#: A 3-second MP4 recorded by Chromium (its length is read from the file since issue 24).
RECORDED_MP4 = Path(__file__).resolve().parents[2] / "training" / "tests" / "data" / "clip-3s.mp4"


def _box(kind: bytes, body: bytes) -> bytes:
    return (8 + len(body)).to_bytes(4, "big") + kind + body


def _mp4() -> bytes:
    return (
        _box(b"ftyp", b"isom\x00\x00\x02\x00isomiso2avc1mp41")
        + _box(b"moov", _box(b"mvhd", b"\x00" * 100) + _box(b"trak", b"\x00" * 40))
        + _box(b"mdat", b"\x00" * 2000)
    )


def _sniff(data: bytes):
    return sniff_video(io.BytesIO(data), len(data))


def test_real_containers_pass():
    assert _sniff(SAMPLE_WEBM.read_bytes()) == "webm"
    assert _sniff(_mp4()) == "mp4"


def test_twelve_right_bytes_are_not_a_video():
    executable = b"MZ\x90\x00" + b"\x00" * 4000
    assert _sniff(b"\x00\x00\x00\x18ftypmp42" + executable) is None
    assert _sniff(b"\x1a\x45\xdf\xa3" + executable) is None
    assert _sniff(SAMPLE_WEBM.read_bytes()[:200]) is None  # truncated: the segment overruns the file
    assert _sniff(_mp4()[:-10]) is None  # the last box overruns the file
    assert _sniff(_box(b"ftyp", b"isom\x00\x00\x02\x00") + _box(b"mdat", b"\x00" * 100)) is None  # no movie header
    assert _sniff(_mp4() + b"trailing junk") is None


def test_the_video_form_refuses_a_disguised_file(users, client_for, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    data = {"title": "伪装视频", "topic": "人才管理", "duration_seconds": 60, "hours": "1.0"}
    fake = SimpleUploadedFile("讲座.mp4", b"\x00\x00\x00\x18ftypmp42" + b"MZ" * 2000, content_type="video/mp4")
    response = client_for("office").post("/o/videos/new/", {**data, "file": fake})
    assert response.status_code == 400 and "不是视频" in response.content.decode()
    assert not Video.objects.filter(title="伪装视频").exists()
    real = SimpleUploadedFile("讲座.mp4", RECORDED_MP4.read_bytes(), content_type="video/mp4")
    response = client_for("office").post("/o/videos/new/", {**data, "duration_seconds": 3, "file": real})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Video.objects.get(title="伪装视频").content_type == "video/mp4"
