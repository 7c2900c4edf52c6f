"""Import jobs through the pages, the API and the background worker."""

import time

import pytest
from django.core.management import call_command
from django.urls import reverse

from rencai.core.imports import jobs
from rencai.core.models import AuditAction, AuditEntry, ImportJob, ImportStatus
from rencai.core.tests.test_imports import good_row, write_roster
from rencai.talents.models import Talent


@pytest.fixture(autouse=True)
def import_storage(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CACHES = {
        **settings.CACHES,
        "imports": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "state"),
        },
    }


def roster_file(tmp_path, rows, name="roster.xlsx"):
    path = write_roster(tmp_path / name, rows)
    return open(path, "rb")  # noqa: SIM115 - closed by the test client


def test_liaison_uploads_previews_and_commits(tmp_path, users, client_for, dicts, bank):
    client = client_for("liaison")
    page = client.get(reverse("objects:talents-list"))
    assert reverse("imports:upload", kwargs={"slug": "talents"}).encode() in page.content
    bad = good_row(3, **{"人才类别": "外星人才"})
    with roster_file(tmp_path, [good_row(1), bad, good_row(5)]) as upload:
        response = client.post(reverse("imports:upload", kwargs={"slug": "talents"}), {"file": upload})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("imports:job", kwargs={"pk": job.pk})
    assert job.status == ImportStatus.PREVIEW
    page = client.get(response.url).content.decode()
    assert 'id="count-valid">2<' in page and 'id="count-rejected">1<' in page
    assert "外星人才" in page and ">5<" in page, "the bad row is named by its Excel row number"
    assert Talent.objects.count() == 0
    # all or nothing by default: the whole file is refused, the preview offers the choice
    assert "只导入 2 行有效数据（略过 1 行有错误的行）" in page and 'id="commit-button"' not in page
    response = client.post(reverse("imports:commit", kwargs={"pk": job.pk}), follow=True)
    assert "整份文件不能导入" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW and Talent.objects.count() == 0
    client.post(reverse("imports:commit", kwargs={"pk": job.pk}), {"valid_rows_only": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.message
    assert Talent.objects.filter(organization=bank).count() == 2
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT, object_id=str(job.pk)).exists()


def test_same_file_twice_while_running_is_refused(tmp_path, users, client_for, dicts, bank):
    client = client_for("liaison")
    path = write_roster(tmp_path / "roster.xlsx", [good_row(1)])
    with open(path, "rb") as upload:
        client.post(reverse("imports:upload", kwargs={"slug": "talents"}), {"file": upload})
    first = ImportJob.objects.get()
    first.status = ImportStatus.CHECKING
    first.save()
    with open(path, "rb") as upload:
        response = client.post(reverse("imports:upload", kwargs={"slug": "talents"}), {"file": upload})
    assert response.status_code == 200
    assert "同一文件正在导入中" in response.content.decode()
    assert ImportJob.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after each task
def test_large_file_runs_on_the_database_worker(tmp_path, settings, users, client_for, dicts, bank):
    settings.RENCAI_IMPORT_INLINE_BYTES = 0
    client = client_for("liaison")
    with roster_file(tmp_path, [good_row(1), good_row(3)]) as upload:
        client.post(reverse("imports:upload", kwargs={"slug": "talents"}), {"file": upload})
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.QUEUED
    progress = client.get(reverse("imports:progress", kwargs={"pk": job.pk}))
    assert 'id="import-progress"' in progress.content.decode() and "HX-Refresh" not in progress
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW and job.summary["valid_rows"] == 2
    assert client.get(reverse("imports:progress", kwargs={"pk": job.pk}))["HX-Refresh"] == "true"
    client.post(reverse("imports:commit", kwargs={"pk": job.pk}))
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE and Talent.objects.count() == 2


@pytest.mark.django_db(transaction=True)  # the worker closes its connection after each task
def test_cancel_before_the_worker_runs_writes_nothing(tmp_path, settings, users, client_for, dicts, bank):
    settings.RENCAI_IMPORT_INLINE_BYTES = 0
    client = client_for("liaison")
    with roster_file(tmp_path, [good_row(1)]) as upload:
        client.post(reverse("imports:upload", kwargs={"slug": "talents"}), {"file": upload})
    job = ImportJob.objects.get()
    client.post(reverse("imports:cancel", kwargs={"pk": job.pk}))
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED and Talent.objects.count() == 0


def test_cancel_during_a_commit_rolls_it_back(tmp_path, users, dicts, bank, monkeypatch):
    """The cancel switch is read between batches; the commit's transaction is undone."""
    from rencai.core.imports import pipeline

    monkeypatch.setattr(pipeline, "BATCH_ROWS", 1)
    (tmp_path / "media").mkdir()
    write_roster(tmp_path / "media" / "r.xlsx", [good_row(1), good_row(3), good_row(5)])
    job = ImportJob.objects.create(
        object_slug="talents", user=users["liaison"], file_name="r.xlsx", file_sha256="1" * 64, file="r.xlsx"
    )
    calls = []

    def report(done, total):
        calls.append(done)
        if done == 2:
            jobs.request_cancel(job)

    monkeypatch.setattr(jobs, "report_progress", lambda job_id, done, total: report(done, total))
    job.status = ImportStatus.QUEUED
    job.save()
    jobs.process_job(job.pk, commit=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.CANCELLED
    assert Talent.objects.count() == 0 and calls[-1] == 2


def test_a_job_whose_worker_died_is_marked_failed(users, settings, bank):
    settings.RENCAI_IMPORT_STALE_SECONDS = 1
    job = ImportJob.objects.create(
        object_slug="talents", user=users["liaison"], file_name="r.xlsx", file_sha256="2" * 64, file="x.xlsx"
    )
    job.status = ImportStatus.COMMITTING
    job.save()
    jobs.report_progress(job.pk, 10, 100)
    assert jobs.mark_if_stale(job).status == ImportStatus.COMMITTING
    time.sleep(1.2)
    jobs.mark_if_stale(job)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "未写入任何数据" in job.message


def test_api_upload_poll_report_and_commit(tmp_path, users, client_for, dicts, bank):
    client = client_for("liaison")
    bad = good_row(3, **{"联系电话": "12"})
    with roster_file(tmp_path, [good_row(1), bad]) as upload:
        created = client.post("/api/imports/", {"object": "talents", "file": upload})
    assert created.status_code == 201, created.content
    job_id = created.json()["id"]
    status = client.get(f"/api/imports/{job_id}/").json()
    assert status["status"] == "preview" and status["summary"]["valid_rows"] == 1
    report = client.get(f"/api/imports/{job_id}/report/").json()
    assert report["errors"][0]["code"] == "mobile_invalid" and report["errors"][0]["row"] == 5
    whole = client.post(f"/api/imports/{job_id}/commit/")
    assert whole.status_code == 409 and "整份文件不能导入" in whole.json()["detail"]
    assert Talent.objects.count() == 0
    committed = client.post(
        f"/api/imports/{job_id}/commit/", {"valid_rows_only": True}, content_type="application/json"
    )
    assert committed.status_code == 202 and committed.json()["status"] == "done"
    assert Talent.objects.count() == 1
    with roster_file(tmp_path, [good_row(7)], name="o.xlsx") as upload:
        refused = client_for("other_liaison").post(
            "/api/imports/", {"object": "talents", "file": upload, "organization": bank.pk}
        )
    assert refused.status_code == 400 and "organization" in refused.json()
