"""Issue 16, item 5: uploaded files are readable by the service account only, and an
import's file is deleted once its job ends (committed, cancelled, failed or expired)."""

import os
import stat
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from rencai.core.imports import jobs
from rencai.core.models import ImportJob, ImportStatus
from rencai.core.tests.test_imports import good_row, write_roster


@pytest.fixture(autouse=True)
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _upload(client, tmp_path, rows, name="roster.xlsx"):
    path = write_roster(tmp_path / name, rows)
    with open(path, "rb") as upload:
        client.post(reverse("imports:upload", kwargs={"slug": "talents"}), {"file": upload})
    return ImportJob.objects.latest("pk")


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_import_files_are_private_and_removed_when_committed(tmp_path, users, client_for, dicts, bank, media):
    client = client_for("liaison")
    job = _upload(client, tmp_path, [good_row(1)])
    assert job.status == ImportStatus.PREVIEW
    path = Path(job.file.path)
    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700 and _mode(media / "imports") == 0o700
    client.post(reverse("imports:commit", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and not job.file and not path.exists()


def test_a_rejected_or_cancelled_import_leaves_no_file(tmp_path, users, client_for, dicts, bank):
    client = client_for("liaison")
    bad = _upload(client, tmp_path, [good_row(1), good_row(3, **{"人才类别": "外星人才"})], name="bad.xlsx")
    path = Path(bad.file.path)
    client.post(reverse("imports:cancel", kwargs={"pk": bad.pk}))
    bad.refresh_from_db()
    assert bad.status == ImportStatus.CANCELLED and not bad.file and not path.exists()
    not_a_sheet = tmp_path / "x.xlsx"
    not_a_sheet.write_bytes(b"%PDF-1.7 not a spreadsheet")
    with open(not_a_sheet, "rb") as upload:
        client.post(reverse("imports:upload", kwargs={"slug": "talents"}), {"file": upload})
    failed = ImportJob.objects.latest("pk")
    assert failed.status == ImportStatus.FAILED and not failed.file


def test_purge_expires_old_previews_and_deletes_orphans(tmp_path, users, client_for, dicts, bank, media, settings):
    settings.RENCAI_IMPORT_RETENTION_HOURS = 24
    client = client_for("liaison")
    old = _upload(client, tmp_path, [good_row(1)], name="old.xlsx")
    fresh = _upload(client, tmp_path, [good_row(3)], name="fresh.xlsx")
    assert (old.status, fresh.status) == (ImportStatus.PREVIEW, ImportStatus.PREVIEW), (old.message, fresh.message)
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))
    orphan = media / "imports" / "2020" / "01" / "left-behind.xlsx"
    orphan.parent.mkdir(parents=True)
    orphan.write_bytes(b"x")
    past = (timezone.now() - timedelta(days=3)).timestamp()
    os.utime(orphan, (past, past))
    out = StringIO()
    call_command("purge_import_files", stdout=out)
    assert "过期的预览 1 个" in out.getvalue() and "无主文件 1 个" in out.getvalue()
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.status == ImportStatus.CANCELLED and not old.file and "过期" in old.message
    assert fresh.status == ImportStatus.PREVIEW and Path(fresh.file.path).exists()
    assert not orphan.exists()
    assert jobs.purge_import_files.call() == {"expired": 0, "removed": 0, "orphans": 0}


def test_other_uploads_are_private_too(settings, media):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("materials/2026/a.pdf", ContentFile(b"%PDF-1.7"))
    assert _mode(default_storage.path(name)) == 0o600
    assert _mode(Path(default_storage.path(name)).parent) == 0o700
