"""Large exports as background tasks: the threshold, the progress page, the file read back,
the owner-only download, the audit, the message, and no file left on any path."""

import io
import os
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from rencai.accounts.models import Message
from rencai.conftest import many_talents
from rencai.core.figures import list_count
from rencai.core.models import AuditEntry, ExportJob, ExportStatus
from rencai.core.objects import export_jobs, registered
from rencai.talents.models import Talent

EXPORT_URL = "/o/talents/export/"


@pytest.fixture(autouse=True)
def export_storage(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RENCAI_EXPORT_BACKGROUND_ROWS = 1
    settings.CACHES = {
        **settings.CACHES,
        "imports": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "state"),
        },
    }


@pytest.fixture
def roster(make_talent, bank, bank_branch, other_bank):
    return {
        "zhang": make_talent("张志强", bank),
        "wang": make_talent("王芳", bank_branch),
        "other": make_talent("李娜", other_bank),
    }


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def export_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT) / "exports"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def workbook(response) -> openpyxl.worksheet.worksheet.Worksheet:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="talents-')
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


def column(sheet, label: str) -> list:
    headers = [c.value for c in sheet[1]]
    index = headers.index(label)
    return [row[index].value for row in sheet.iter_rows(min_row=2)]


def test_below_the_threshold_the_export_still_streams(settings, users, client_for, roster):
    settings.RENCAI_EXPORT_BACKGROUND_ROWS = 3
    response = client_for("office").get(EXPORT_URL)
    assert isinstance(response, StreamingHttpResponse) and response.status_code == 200
    assert not ExportJob.objects.exists()
    settings.RENCAI_EXPORT_BACKGROUND_ROWS = 2
    response = client_for("office").get(EXPORT_URL)
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("exports:job", kwargs={"pk": job.pk})
    assert job.status == ExportStatus.QUEUED and job.total == 3 and job.user == users["office"]


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after each task
def test_a_liaisons_background_export_holds_only_their_institution(settings, users, client_for, roster):
    client = client_for("liaison")
    response = client.get(EXPORT_URL, {"unmask": "1"})  # a liaison may not unmask: ignored
    job = ExportJob.objects.get()
    assert response.url == reverse("exports:job", kwargs={"pk": job.pk})
    page = client.get(response.url).content.decode()
    assert 'id="export-progress"' in page and "等待后台任务处理" in page and 'id="download-link"' not in page
    progress = client.get(reverse("exports:progress", kwargs={"pk": job.pk}))
    assert "HX-Refresh" not in progress and 'hx-trigger="every 1s"' in progress.content.decode()
    assert not AuditEntry.objects.filter(action="export").exists(), "nothing disclosed before the download"

    run_worker()
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE, job.message
    assert job.rows == job.total == 2 and job.query == []
    assert client.get(reverse("exports:progress", kwargs={"pk": job.pk}))["HX-Refresh"] == "true"
    page = client.get(reverse("exports:job", kwargs={"pk": job.pk})).content.decode()
    assert 'id="download-link"' in page and "导出已完成，共 2 行" in page
    files = export_files(settings)
    assert len(files) == 1 and files[0].suffix == ".xlsx" and oct(files[0].stat().st_mode & 0o777) == "0o600"

    message = Message.objects.get(recipient=users["liaison"])
    assert message.title == "导出已完成" and message.url == reverse("exports:job", kwargs={"pk": job.pk})

    sheet = workbook(client.get(reverse("exports:download", kwargs={"pk": job.pk})))
    names = column(sheet, "姓名")
    assert sorted(names) == ["张志强", "王芳"]
    assert len(names) == list_count("talents", users["liaison"]).value
    ids = column(sheet, "身份证号码")
    assert roster["zhang"].id_number not in ids and all("*" in i for i in ids)
    entry = AuditEntry.objects.filter(action="export", object_type="talents.talent").latest("seq")
    assert entry.username == "liaison" and entry.object_repr == "人才信息库"
    assert entry.changes["rows"] == 2 and entry.changes["unmasked"] is False
    assert entry.changes["background_job"] == job.pk and entry.changes["filters"] == {"unmask": "1"}


def test_the_office_gets_the_streamed_exports_rows_unmasked_and_filtered(settings, users, client_for, roster):
    settings.RENCAI_EXPORT_BACKGROUND_ROWS = 0
    client = client_for("office")
    client.get(EXPORT_URL, {"unmask": "1", "q": "张志强"})
    job = ExportJob.objects.get()
    export_jobs.process_job(job.pk)
    job.refresh_from_db()
    assert job.status == ExportStatus.DONE and job.unmasked and job.rows == 1
    sheet = workbook(client.get(reverse("exports:download", kwargs={"pk": job.pk})))
    settings.RENCAI_EXPORT_BACKGROUND_ROWS = 1000
    streamed = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(EXPORT_URL, {"unmask": "1", "q": "张志强"}).streaming_content))
    ).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        [c.value for c in row] for row in streamed.iter_rows()
    ]
    assert column(sheet, "身份证号码") == [roster["zhang"].id_number]
    assert len(column(sheet, "姓名")) == list_count("talents", users["office"], q="张志强").value
    background, plain = AuditEntry.objects.filter(action="export").order_by("seq")
    assert background.changes.pop("background_job") == job.pk
    assert (
        background.changes
        == plain.changes
        == {"rows": 1, "filters": {"unmask": "1", "q": "张志强"}, "unmasked": True, "selected": 0}
    )
    assert background.object_repr == plain.object_repr and background.object_type == plain.object_type


def test_another_user_gets_404_on_every_page_of_the_job(settings, users, client_for, roster):
    client_for("liaison").get(EXPORT_URL)
    job = ExportJob.objects.get()
    export_jobs.process_job(job.pk)
    for name in ("office", "other_liaison", "talent"):
        for route in ("job", "progress", "download"):
            assert client_for(name).get(reverse(f"exports:{route}", kwargs={"pk": job.pk})).status_code == 404
        assert str(job.pk) not in client_for(name).get(reverse("exports:list")).content.decode().split("<tbody>")[1]
    assert client_for("liaison").get(reverse("exports:download", kwargs={"pk": job.pk})).status_code == 200
    assert AuditEntry.objects.filter(action="export").count() == 1, "only the owner's download was a disclosure"


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after each task
def test_an_export_failing_midway_leaves_no_file_and_says_so_in_chinese(settings, users, client_for, dicts, bank):
    settings.RENCAI_EXPORT_BACKGROUND_ROWS = 10
    many_talents(2300, bank, dicts["JR"])
    config = registered()["talents"]
    # A row whose stored ID number cannot be decrypted (written under another key): it fails
    # as its cells are made, in the second batch, after the 2,100 rows before it went into the file.
    broken = config.visible(users["office"]).order_by(*config.ordering)[2100]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {Talent._meta.db_table} SET id_number = %s WHERE id = %s", ["garbage", broken.pk])
    client = client_for("office")
    job_url = client.get(EXPORT_URL).url
    job = ExportJob.objects.get()
    run_worker()
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED
    assert job.rows == 2100, "it failed midway, at the row that cannot be read"
    assert job.message.startswith("导出失败：写到第 2101 行时出错，未生成文件")
    assert export_files(settings) == [] and list((Path(settings.MEDIA_ROOT) / "exports").iterdir()) == []
    page = client.get(job_url).content.decode()
    assert "导出失败" in page and 'id="download-link"' not in page
    assert client.get(reverse("exports:progress", kwargs={"pk": job.pk}))["HX-Refresh"] == "true"
    assert client.get(reverse("exports:download", kwargs={"pk": job.pk})).status_code == 404
    assert not Message.objects.filter(recipient=users["office"], title="导出已完成").exists()
    assert not AuditEntry.objects.filter(action="export").exists()


def test_an_expired_file_is_purged_and_so_is_an_orphan_folder(settings, users, client_for, roster):
    client = client_for("office")
    client.get(EXPORT_URL)
    job = ExportJob.objects.get()
    export_jobs.process_job(job.pk)
    orphan = Path(settings.MEDIA_ROOT) / "exports" / "999-deadbeef"
    orphan.mkdir()
    (orphan / "talents.xlsx.part").write_bytes(b"PK")
    call_command("purge_export_files", stdout=io.StringIO())
    assert len(export_files(settings)) == 1, "a file within its retention period stays; the orphan goes"
    assert client.get(reverse("exports:download", kwargs={"pk": job.pk})).status_code == 200
    ExportJob.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - timedelta(hours=settings.RENCAI_EXPORT_RETENTION_HOURS, minutes=1)
    )
    assert client.get(reverse("exports:download", kwargs={"pk": job.pk})).status_code == 404
    out = io.StringIO()
    call_command("purge_export_files", stdout=out)
    assert "过期的导出文件 1 个" in out.getvalue()
    job.refresh_from_db()
    assert job.status == ExportStatus.EXPIRED and not job.file and export_files(settings) == []
    assert "已超过保留期限" in client.get(reverse("exports:job", kwargs={"pk": job.pk})).content.decode()


def test_a_new_export_purges_expired_files(settings, users, client_for, roster):
    client = client_for("office")
    client.get(EXPORT_URL)
    first = ExportJob.objects.get()
    export_jobs.process_job(first.pk)
    ExportJob.objects.filter(pk=first.pk).update(finished_at=timezone.now() - timedelta(days=2))
    client.get(EXPORT_URL)
    first.refresh_from_db()
    assert first.status == ExportStatus.EXPIRED and export_files(settings) == []


def test_a_running_export_whose_worker_died_is_failed_and_cleaned(settings, users, client_for, roster):
    client = client_for("office")
    client.get(EXPORT_URL)
    job = ExportJob.objects.get()
    folder = Path(settings.MEDIA_ROOT) / "exports" / f"{job.pk}-0123456789abcdef"
    folder.mkdir(parents=True)
    (folder / "talents.xlsx.part").write_bytes(b"PK")
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportStatus.RUNNING,
        started_at=timezone.now() - timedelta(seconds=settings.RENCAI_IMPORT_STALE_SECONDS + 5),
    )
    page = client.get(reverse("exports:job", kwargs={"pk": job.pk})).content.decode()
    assert "后台导出任务中断" in page
    assert not os.path.exists(folder)
    job.refresh_from_db()
    assert job.status == ExportStatus.FAILED


def test_the_progress_page_shows_rows_written_of_the_total(settings, users, client_for, roster):
    client = client_for("office")
    client.get(EXPORT_URL)
    job = ExportJob.objects.get()
    ExportJob.objects.filter(pk=job.pk).update(status=ExportStatus.RUNNING, started_at=timezone.now())
    export_jobs.report_progress(job.pk, 2, 3)
    response = client.get(reverse("exports:progress", kwargs={"pk": job.pk}))
    text = response.content.decode()
    assert "已写入 2 / 3 行" in text and 'aria-valuenow="67"' in text and 'hx-trigger="every 1s"' in text
    assert "HX-Refresh" not in response
    page = client.get(reverse("exports:job", kwargs={"pk": job.pk})).content.decode()
    assert 'id="export-progress"' in page and 'id="download-link"' not in page
