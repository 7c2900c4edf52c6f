"""Attendance sheets and the institutions' own training reports imported through the one
import pipeline, as the upload page, the API and ``manage.py import_rows`` run it: the
declarations hand the pipeline their schema class, and real xlsx files become rows."""

import io
import json
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from rencai.core.imports import jobs
from rencai.core.models import AuditAction, AuditEntry, ImportJob, ImportStatus
from rencai.core.objects import registered
from rencai.training import services
from rencai.training.imports import AttendanceSchema, OwnTrainingSchema
from rencai.training.models import Attendance, CheckMethod, Enrollment, OwnTraining

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OWN_HEADERS = ["培训名称", "培训类别", "开始日期", "结束日期", "期数", "参训人次", "人均学时"]


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


def xlsx_bytes(headers: list[str], rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


@pytest.fixture
def confirmed_trainee(users, klass, trainee):
    enrollment = services.enrol(klass, trainee, users["office"], "nominated")
    services.confirm(enrollment)
    enrollment.save()
    return trainee


def attendance_sheet(klass, trainee) -> bytes:
    first, second = klass.sessions.order_by("starts_at")
    return xlsx_bytes(
        ["课程编号", "身份证号码", "备注"],
        [[str(first.pk), trainee.id_number, "现场签到表"], [str(second.pk), trainee.id_number, ""]],
    )


def test_the_declarations_hand_the_pipeline_their_schema_class():
    assert registered()["attendances"].import_schema is AttendanceSchema
    assert registered()["own-trainings"].import_schema is OwnTrainingSchema


def test_the_office_imports_an_attendance_sheet_on_the_upload_page(client_for, klass, confirmed_trainee):
    client = client_for("office")
    assert client.get(reverse("imports:upload", kwargs={"slug": "attendances"})).status_code == 200
    template = client.get(reverse("imports:template", kwargs={"slug": "attendances"}))
    assert template.status_code == 200 and openpyxl.load_workbook(io.BytesIO(template.content))
    response = client.post(
        reverse("imports:upload", kwargs={"slug": "attendances"}),
        {"file": upload("签到表.xlsx", attendance_sheet(klass, confirmed_trainee))},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportStatus.PREVIEW, job.message
    assert job.summary["valid_rows"] == 2 and not Attendance.objects.exists()
    client.post(reverse("imports:commit", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.message
    rows = Attendance.objects.filter(talent=confirmed_trainee)
    assert rows.count() == 2 and {a.method for a in rows} == {CheckMethod.IMPORT}
    assert rows.get(session=klass.sessions.order_by("starts_at").first()).note == "现场签到表"
    assert Enrollment.objects.get(talent=confirmed_trainee).hours == Decimal("6.0")
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT, object_id=str(job.pk)).exists()
    assert AuditEntry.objects.filter(action=AuditAction.CREATE, object_type="training.attendance").count() == 2


def test_a_liaison_imports_their_own_training_on_the_upload_page(client_for, users, bank):
    client = client_for("liaison")
    assert client.get(reverse("imports:template", kwargs={"slug": "own-trainings"})).status_code == 200
    content = xlsx_bytes(OWN_HEADERS, [["客户经理业务培训", "业务培训", "2026-03-02", "2026-03-04", 2, 86, 16]])
    response = client.post(
        reverse("imports:upload", kwargs={"slug": "own-trainings"}),
        {"file": upload("自办培训.xlsx", content), "organization": bank.pk},
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportStatus.PREVIEW, job.message
    client.post(reverse("imports:commit", kwargs={"pk": job.pk}))
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.message
    own = OwnTraining.objects.get()
    assert (own.organization, own.title, own.sessions, own.participants) == (bank, "客户经理业务培训", 2, 86)


def test_the_same_jobs_run_from_the_import_module(users, bank, klass, confirmed_trainee):
    """``jobs.create_job`` then ``jobs.start(commit=True)``: what the upload and commit
    pages call."""
    job = jobs.create_job(
        users["office"], "attendances", upload("签到表.xlsx", attendance_sheet(klass, confirmed_trainee))
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEW and job.summary["valid_rows"] == 2, job.message
    jobs.start(job, commit=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.message
    assert Attendance.objects.filter(talent=confirmed_trainee).count() == 2
    content = xlsx_bytes(OWN_HEADERS, [["中层管理人员培训", "管理培训", "2026-04-08", "2026-04-09", 1, 30, 8]])
    own_job = jobs.create_job(users["liaison"], "own-trainings", upload("自办培训.xlsx", content), bank)
    own_job.refresh_from_db()
    assert own_job.status == ImportStatus.PREVIEW and own_job.summary["valid_rows"] == 1, own_job.message
    jobs.start(own_job, commit=True)
    own_job.refresh_from_db()
    assert own_job.status == ImportStatus.DONE, own_job.message
    assert OwnTraining.objects.filter(organization=bank, title="中层管理人员培训").exists()


def test_the_api_imports_an_own_training_report(client_for, bank):
    client = client_for("liaison")
    content = xlsx_bytes(OWN_HEADERS, [["合规培训", "合规风控培训", "2026-05-06", "2026-05-06", 1, 40, 4]])
    created = client.post(
        "/api/imports/", {"object": "own-trainings", "file": upload("自办.xlsx", content), "organization": bank.pk}
    )
    assert created.status_code == 201, created.content
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.PREVIEW and job.summary["valid_rows"] == 1, job.message
    committed = client.post(f"/api/imports/{job.pk}/commit/")
    assert committed.status_code in (200, 202), committed.content
    assert OwnTraining.objects.filter(organization=bank, title="合规培训").exists()


def test_import_rows_imports_both_sheets(tmp_path, bank, klass, confirmed_trainee):
    sheet = tmp_path / "签到表.xlsx"
    sheet.write_bytes(attendance_sheet(klass, confirmed_trainee))
    out = io.StringIO()
    call_command("import_rows", "attendances", str(sheet), "--commit", "--json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 2
    assert Attendance.objects.filter(talent=confirmed_trainee).count() == 2
    own = tmp_path / "自办培训.xlsx"
    own.write_bytes(xlsx_bytes(OWN_HEADERS, [["党建培训", "党建培训", "2026-06-01", "2026-06-01", 1, 25, 3]]))
    out = io.StringIO()
    call_command("import_rows", "own-trainings", str(own), "--org", str(bank.pk), "--commit", "--json", stdout=out)
    assert json.loads(out.getvalue())["created"] == 1
    assert OwnTraining.objects.get(title="党建培训").organization == bank
