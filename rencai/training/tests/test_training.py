"""Training: enrolment rules, the signed QR check-in, hours, completion and certificates,
real watch progress, imports, and figures that match the data."""

import io
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from docx import Document

from rencai.conftest import make_user, verified_client
from rencai.core.errors import Refused
from rencai.core.imports.pipeline import run_import
from rencai.core.imports.schema import context_for
from rencai.core.models import AuditAction, AuditEntry
from rencai.core.roles import Role
from rencai.training import figures, services
from rencai.training.imports import AttendanceSchema, OwnTrainingSchema
from rencai.training.models import (
    Attendance,
    Enrollment,
    EnrolmentState,
    OwnTraining,
    Video,
)

SAMPLE_VIDEO = Path(__file__).resolve().parents[1] / "media" / "lecture-sample.webm"


def confirmed(klass, talent, user):
    enrollment = services.enrol(klass, talent, user, "nominated")
    services.confirm(enrollment)
    enrollment.save()
    return enrollment


def test_capacity_fills_then_the_waiting_list_moves_up(users, klass, make_talent, bank, other_bank):
    liaison = users["liaison"]
    first = services.enrol(klass, make_talent("甲一", bank), liaison, "nominated")
    second = services.enrol(klass, make_talent("甲二", bank), liaison, "nominated")
    with pytest.raises(Refused, match="每个单位可推荐2人，本单位已推荐2人"):
        services.enrol(klass, make_talent("甲三", bank), liaison, "nominated")
    waiting = services.enrol(klass, make_talent("乙一", other_bank), users["other_liaison"], "nominated")
    assert (first.state, second.state, waiting.state) == ("pending", "pending", "waitlisted")
    assert services.waiting_position(waiting) == 1
    for enrollment in (first, second):
        services.confirm(enrollment)
        enrollment.save()
    with pytest.raises(Refused, match="名额2人已满"):
        services.confirm(waiting)
    moved = services.withdraw(first)
    first.save()
    assert moved == waiting
    waiting.refresh_from_db()
    assert waiting.state == EnrolmentState.PENDING


def test_audience_rules_refuse_with_the_rule(users, klass, make_talent, bank, other_bank, dicts):
    klass.audience_organizations.set([bank])
    klass.tiers.set([dicts["LJ"]])
    with pytest.raises(Refused) as refused:
        services.enrol(klass, make_talent("乙员工", other_bank), users["other_liaison"], "nominated")
    assert "只招收甲银行济南分行" in str(refused.value) and "人才层级不在本班招收范围（领军人才）" in str(refused.value)


def test_the_qr_link_checks_in_only_the_enrolled_and_only_while_fresh(
    client_for, users, klass, trainee, make_talent, bank
):
    session = klass.sessions.order_by("starts_at").first()
    client = client_for("talent")
    path = services.qr_path(session)
    not_enrolled = client.get(path)
    assert not_enrolled.status_code == 400 and "未报名或报名未确认" in not_enrolled.content.decode()
    confirmed(klass, trainee, users["office"])
    forged = path.rsplit("/", 2)[0] + "/0123456789abcdef0123/"
    assert "签到码无效" in client.get(forged).content.decode()
    old_step = services.qr_step() - 2
    expired = f"/training/checkin/{session.pk}/{old_step}/{services.qr_token(session.pk, old_step)}/"
    assert "签到码已过期" in client.get(expired).content.decode()
    assert not Attendance.objects.exists()
    done = client.get(path)
    assert done.status_code == 200 and "签到成功" in done.content.decode()
    attendance = Attendance.objects.get()
    assert (attendance.method, attendance.hours) == ("qr", Decimal("3.0"))
    assert "已于" in client.get(path).content.decode()
    enrollment = Enrollment.objects.get(talent=trainee)
    assert (enrollment.hours, enrollment.completed) == (Decimal("3.0"), True)  # 1 of 2 sessions, 50% required
    other = make_talent("代签者", bank)
    proxy = make_user("proxy", Role.TALENT, bank)
    other.user = proxy
    other.save()
    assert "未报名或报名未确认" in verified_client(proxy).get(path).content.decode()


def test_the_qr_page_shows_a_code_that_changes_each_minute(client_for, klass):
    session = klass.sessions.first()
    page = client_for("office").get(f"/training/sessions/{session.pk}/qr/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    now = timezone.now()
    assert services.qr_path(session, now) != services.qr_path(session, now + timedelta(minutes=1))
    assert client_for("liaison").get(f"/training/sessions/{session.pk}/qr/").status_code == 403


def test_the_organising_or_delegated_institutions_liaison_shows_the_code(client_for, klass, bank, other_bank):
    session = klass.sessions.first()
    url = f"/training/sessions/{session.pk}/qr/"
    liaison, other = client_for("liaison"), client_for("other_liaison")
    assert liaison.get(url).status_code == 403  # the office's own class
    klass.organization = bank  # 甲银行's own training
    klass.save()
    page = liaison.get(url)
    assert page.status_code == 200 and "<svg" in page.content.decode()
    assert url in liaison.get(f"/o/training-sessions/{session.pk}/").content.decode()
    assert other.get(url).status_code == 403
    assert url not in other.get(f"/o/training-sessions/{session.pk}/").content.decode()
    klass.organization = other_bank
    klass.delegated_to = bank  # 乙银行's class, delegated to 甲银行
    klass.save()
    assert liaison.get(url).status_code == 200 and other.get(url).status_code == 200
    klass.delegated_to = None
    klass.save()
    assert liaison.get(url).status_code == 403


def test_finishing_issues_certificates_that_anyone_can_verify(client_for, users, klass, trainee, make_talent, bank):
    enrollment = confirmed(klass, trainee, users["office"])
    absent = confirmed(klass, make_talent("缺勤者", bank), users["office"])
    services.check_in(klass.sessions.first(), trainee, "manual")
    response = client_for("office").post(f"/o/training-classes/{klass.pk}/do/finish/")
    assert response.status_code == 302
    enrollment.refresh_from_db()
    absent.refresh_from_db()
    assert enrollment.certificate_number.startswith("PX") and not absent.certificate_number
    certificate = client_for("talent").get(f"/training/enrollments/{enrollment.pk}/certificate.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(certificate.content)).paragraphs)
    assert "学员甲同志" in text and enrollment.certificate_number in text and "3.0学时" in text
    public = client_for("other_liaison").get(f"/training/certificates/{enrollment.certificate_number}/")
    anonymous = Client().get(f"/training/certificates/{enrollment.certificate_number}/")
    assert (
        anonymous.status_code == 200
        and "证书有效" in anonymous.content.decode()
        and "学*甲" in anonymous.content.decode()
    )
    assert public.status_code == 200
    assert Client().get("/training/certificates/PX000000/").status_code == 404
    assert client_for("other_liaison").get(f"/training/enrollments/{enrollment.pk}/certificate.docx").status_code == 404


def test_only_videos_are_accepted_and_they_stream_with_ranges(client_for, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    office = client_for("office")
    data = {
        "title": "人才管理讲堂第一讲",
        "topic": "人才管理",
        "duration_seconds": 12,
        "hours": "1",
        "is_published": "on",
    }
    fake = office.post("/o/videos/new/", {**data, "file": SimpleUploadedFile("讲座.mp4", b"MZ" + b"\0" * 100)})
    assert "不是视频" in fake.content.decode() and not Video.objects.exists()
    settings.RENCAI_VIDEO_MAX_BYTES = 1000
    large = office.post("/o/videos/new/", {**data, "file": SimpleUploadedFile("讲座.webm", SAMPLE_VIDEO.read_bytes())})
    assert "超过0MB" in large.content.decode() and not Video.objects.exists()
    settings.RENCAI_VIDEO_MAX_BYTES = 10 * 1024 * 1024
    real = office.post("/o/videos/new/", {**data, "file": SimpleUploadedFile("讲座.webm", SAMPLE_VIDEO.read_bytes())})
    assert real.status_code == 302
    video = Video.objects.get()
    assert (video.content_type, video.file_size) == ("video/webm", SAMPLE_VIDEO.stat().st_size)
    part = client_for("talent").get(f"/training/videos/{video.pk}/stream/", HTTP_RANGE="bytes=0-99")
    assert part.status_code == 206 and b"".join(part.streaming_content) == SAMPLE_VIDEO.read_bytes()[:100]


CLIPS = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize("name", ["clip-3s.mp4", "clip-3s.webm"])
def test_the_length_is_read_from_the_file_and_a_wrong_declared_length_is_refused(client_for, settings, tmp_path, name):
    """Chromium's 3-second recordings: the length comes from the container (mvhd / Matroska
    Duration), so the 90 % rule is measured against the file, not the uploader's figure."""
    settings.MEDIA_ROOT = str(tmp_path)
    office = client_for("office")
    data = {"title": "讲堂", "topic": "人才管理", "hours": "1", "is_published": "on"}
    clip = (CLIPS / name).read_bytes()
    wrong = office.post("/o/videos/new/", {**data, "duration_seconds": 600, "file": SimpleUploadedFile(name, clip)})
    assert "填写的时长为600秒，视频文件的实际时长为3秒" in wrong.content.decode()
    assert not Video.objects.exists()
    blank = office.post("/o/videos/new/", {**data, "duration_seconds": "", "file": SimpleUploadedFile(name, clip)})
    assert blank.status_code == 302
    video = Video.objects.get()
    assert video.duration_seconds == 3
    # the API goes the same way
    api = office.post(
        "/api/videos/", {**data, "is_published": True, "duration_seconds": 60, "file": SimpleUploadedFile(name, clip)}
    )
    assert api.status_code == 400 and "实际时长为3秒" in api.content.decode()
    # editing the declared length of a stored file is checked against the file
    edit = office.post(f"/o/videos/{video.pk}/edit/", {**data, "duration_seconds": 300, "_version": video.version})
    assert "实际时长为3秒" in edit.content.decode()
    video.refresh_from_db()
    assert video.duration_seconds == 3
    # a stored file gone from the storage is said so, on the page and through the API
    Path(video.file.path).unlink()
    gone = office.post(f"/o/videos/{video.pk}/edit/", {**data, "duration_seconds": 5, "_version": video.version})
    assert gone.status_code == 400 and "文件已不在存储中" in gone.content.decode()
    patched = office.patch(
        f"/api/videos/{video.pk}/", {"duration_seconds": 5, "version": video.version}, content_type="application/json"
    )
    assert patched.status_code in (400, 409) and "文件已不在存储中" in patched.content.decode()
    video.refresh_from_db()
    assert video.duration_seconds == 3


def test_a_video_whose_container_states_no_length_is_refused(client_for, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    clip = bytearray((CLIPS / "clip-3s.mp4").read_bytes())
    at = clip.find(b"mvhd")
    clip[at : at + 4] = b"xxxx"  # the movie header gone: no length stated
    response = client_for("office").post(
        "/o/videos/new/",
        {
            "title": "讲堂",
            "topic": "人才管理",
            "hours": "1",
            "duration_seconds": 3,
            "file": SimpleUploadedFile("v.mp4", bytes(clip)),
        },
    )
    assert not Video.objects.exists()
    assert "无法从视频文件中读取时长" in response.content.decode() or "不是视频" in response.content.decode()


def make_video(tmp_path, settings, duration=100) -> Video:
    settings.MEDIA_ROOT = str(tmp_path)
    return Video.objects.create(
        title="讲堂", topic="人才管理", file=ContentFile(b"\x1a\x45\xdf\xa3", name="v.webm"), duration_seconds=duration
    )


def test_progress_that_jumps_ahead_is_refused_and_nothing_is_credited(users, trainee, klass, tmp_path, settings):
    video = make_video(tmp_path, settings)
    progress = services.progress_for(video, trainee)
    start = timezone.now()
    services.report_progress(progress, 0, 0, at=start)
    with pytest.raises(Refused, match="超过了实际观看时间"):
        services.report_progress(progress, 0, 100, at=start + timedelta(seconds=10))
    progress.refresh_from_db()
    assert (progress.seen_seconds, progress.credited_on) == (0, None)


def test_real_watching_is_credited_once_at_ninety_percent(users, trainee, klass, tmp_path, settings):
    video = make_video(tmp_path, settings)
    progress = services.progress_for(video, trainee)
    at = timezone.now()
    services.report_progress(progress, 0, 0, at=at)
    credited = []
    for second in range(10, 90, 10):  # 0–80 watched in real time
        at += timedelta(seconds=10)
        credited.append(services.report_progress(progress, second - 10, second, at=at))
    assert progress.seen_seconds == 80 and not any(credited)
    at += timedelta(seconds=10)
    services.report_progress(progress, 80, 80, at=at)  # a seek back and forth adds nothing
    assert progress.seen_seconds == 80 and progress.credited_on is None
    at += timedelta(seconds=10)
    assert services.report_progress(progress, 80, 90, at=at) is True
    assert progress.hours == Decimal("0.5")  # 1 hour of video × the video rule 0.5
    at += timedelta(seconds=10)
    assert services.report_progress(progress, 90, 100, at=at) is False
    assert progress.position == 100
    credit = AuditEntry.objects.get(object_type="training.watchprogress", action=AuditAction.UPDATE)
    assert credit.object_id == str(progress.pk) and set(credit.changes) == {"credited_on", "hours"}


def test_an_unpublished_video_is_seen_by_the_office_and_leaders_only(client_for, tmp_path, settings):
    video = make_video(tmp_path, settings)
    video.is_published = False
    video.save()
    for role, status in (("office", 200), ("leader", 200), ("liaison", 404), ("talent", 404)):
        client = client_for(role)
        assert client.get(f"/o/videos/{video.pk}/").status_code == status, role
        assert client.get(f"/training/videos/{video.pk}/watch/").status_code == status, role
        assert client.get(f"/api/videos/{video.pk}/").status_code == status, role


def test_the_progress_endpoint_speaks_for_the_talent_only(client_for, users, trainee, tmp_path, settings):
    video = make_video(tmp_path, settings)
    url = f"/training/videos/{video.pk}/progress/"
    client = client_for("talent")
    assert client.post(url, {"from": 0, "to": 0}, content_type="application/json").status_code == 200
    jump = client.post(url, {"from": 0, "to": 95}, content_type="application/json")
    assert jump.status_code == 409 and "超过了实际观看时间" in jump.json()["error"]
    assert client_for("liaison").post(url, {"from": 0, "to": 0}, content_type="application/json").status_code == 403
    page = client.get(f"/training/videos/{video.pk}/watch/")
    assert page.status_code == 200 and 'id="player"' in page.content.decode()


def write_sheet(path, headers, rows) -> str:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return str(path)


def test_institutions_report_their_own_training_by_import(users, bank, tmp_path):
    path = write_sheet(
        tmp_path / "自办培训.xlsx",
        ["培训名称", "培训类别", "开始日期", "结束日期", "期数", "参训人次", "人均学时"],
        [
            ["客户经理业务培训", "业务培训", "2026-03-02", "2026-03-04", 2, 86, 16],
            ["中层管理人员培训", "管理培训", "2026-04-10", "2026-04-09", 1, 30, 8],
        ],
    )
    schema = OwnTrainingSchema()
    report = run_import(schema, path, context_for(users["liaison"], bank, schema), commit=True, all_or_nothing=False)
    assert report.summary()["valid_rows"] == 1
    assert report.errors[0].row == 3 and "结束日期不能早于开始日期" in report.errors[0].message
    own = OwnTraining.objects.get()
    assert (own.organization, own.sessions, own.participants, own.hours) == (bank, 2, 86, Decimal(16))
    again = run_import(schema, path, context_for(users["liaison"], bank, schema), commit=True, all_or_nothing=False)
    assert again.summary()["unchanged"] == 1 and OwnTraining.objects.count() == 1


def test_an_attendance_sheet_checks_in_the_enrolled(users, klass, trainee, make_talent, bank, tmp_path):
    confirmed(klass, trainee, users["office"])
    stranger = make_talent("未报名者", bank)
    session = klass.sessions.first()
    path = write_sheet(
        tmp_path / "签到表.xlsx",
        ["课程编号", "身份证号码"],
        [
            [str(session.pk), trainee.id_number],
            [str(session.pk), stranger.id_number],
            [str(session.pk), "370102199001011230"],
        ],
    )
    schema = AttendanceSchema()
    report = run_import(schema, path, context_for(users["office"], None, schema), commit=True, all_or_nothing=False)
    messages = [e.message for e in report.errors]
    assert report.summary()["valid_rows"] == 1 and any("未报名本班" in m for m in messages)
    assert any("校验位" in m for m in messages)
    attendance = Attendance.objects.get()
    assert (attendance.talent, attendance.method) == (trainee, "import")
    assert Enrollment.objects.get(talent=trainee).hours == Decimal("3.0")


def test_figures_match_the_data_and_the_sentence(
    client_for, users, klass, trainee, bank, other_bank, tmp_path, settings
):
    confirmed(klass, trainee, users["office"])
    for session in klass.sessions.all():
        services.check_in(session, trainee, "manual")
    year = timezone.localdate().year
    OwnTraining.objects.create(
        organization=bank,
        title="业务培训",
        topic_kind="business",
        starts_on=date(year, 1, 5),
        ends_on=date(year, 1, 6),
        sessions=3,
        participants=120,
        hours=Decimal(8),
    )
    OwnTraining.objects.create(
        organization=other_bank,
        title="管理培训",
        topic_kind="management",
        starts_on=date(year, 2, 5),
        ends_on=date(year, 2, 6),
        sessions=1,
        participants=40,
        hours=Decimal(4),
    )
    OwnTraining.objects.create(
        organization=other_bank,
        title="去年的培训",
        topic_kind="management",
        starts_on=date(year - 1, 2, 5),
        ends_on=date(year - 1, 2, 6),
        sessions=9,
        participants=900,
        hours=Decimal(4),
    )
    table = figures.by_institution(users["office"], figures.Period(date(year, 1, 1), date(year, 12, 31)))
    by_name = {r.organization.name: r for r in table.rows}
    bank_row = by_name["甲银行济南分行"]
    assert (bank_row.registered, bank_row.office_participants, bank_row.own_classes, bank_row.own_participants) == (
        1,
        1,
        3,
        120,
    )
    assert bank_row.hours == Decimal("966.0")  # 6 hours in class + 120 × 8
    assert bank_row.coverage == Decimal("100.0")
    assert table.total.own_participants == 160 and table.total.own_classes == 4
    sentence = figures.city_sentence(table)
    assert "2家金融机构组织各类人才工作培训共计4期，培训人员160人次" in sentence
    assert "举办培训班1期，参训1人次" in sentence
    liaison_page = client_for("liaison").get("/training/figures/")
    assert "乙银行" not in liaison_page.content.decode() and "甲银行济南分行" in liaison_page.content.decode()
    export = client_for("office").get("/training/figures/", {"year": year, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "单位" and rows[-1][0] == "合计" and rows[-1][5] == "160"


def test_the_talents_profile_shows_their_training(client_for, users, klass, trainee):
    confirmed(klass, trainee, users["office"])
    services.check_in(klass.sessions.first(), trainee, "manual")
    page = client_for("talent").get(f"/o/talents/{trainee.pk}/").content.decode()
    assert "培训经历" in page and "金融人才素质提升专题培训班 第一期" in page and "累计学时：3.0" in page


def test_feedback_once_per_participant_with_averages(client_for, users, klass, trainee):
    confirmed(klass, trainee, users["office"])
    client = client_for("talent")
    data = {"training_class": klass.pk, "content_rating": 5, "lecturer_rating": 4, "organisation_rating": 3}
    assert client.post("/o/training-feedback/new/", data).status_code == 302
    assert "已评价过本班" in client.post("/o/training-feedback/new/", data).content.decode()
    assert figures.class_ratings(klass) == {"content": 5.0, "lecturer": 4.0, "organisation": 3.0, "n": 1}


def test_the_office_marks_attendance_by_hand_for_the_enrolled_only(
    client_for, users, klass, trainee, make_talent, bank
):
    session = klass.sessions.first()
    office = client_for("office")
    stranger = make_talent("未报名者", bank)
    refused = office.post("/o/attendances/new/", {"session": session.pk, "talent": stranger.pk})
    assert "未报名或报名未确认" in refused.content.decode() and not Attendance.objects.exists()
    confirmed(klass, trainee, users["office"])
    assert office.post("/o/attendances/new/", {"session": session.pk, "talent": trainee.pk}).status_code == 302
    attendance = Attendance.objects.get()
    assert (attendance.method, attendance.note, attendance.hours) == ("manual", "人工补签", Decimal("3.0"))
    assert (
        client_for("liaison").post("/o/attendances/new/", {"session": session.pk, "talent": trainee.pk}).status_code
        == 403
    )


def test_an_over_capacity_confirmation_is_refused_on_the_page(client_for, users, klass, make_talent, bank, other_bank):
    klass.capacity = 1
    klass.save()
    office = client_for("office")
    for name, org in (("甲一", bank), ("乙一", other_bank)):
        response = office.post("/o/enrollments/new/", {"training_class": klass.pk, "talent": make_talent(name, org).pk})
        assert response.status_code == 302
    first, second = Enrollment.objects.order_by("pk")
    assert second.state == EnrolmentState.WAITLISTED
    office.post(f"/o/enrollments/{first.pk}/do/confirm/")
    refused = office.post(f"/o/enrollments/{second.pk}/do/confirm/")
    assert "名额1人已满" in refused.content.decode()
    second.refresh_from_db()
    assert second.state == EnrolmentState.WAITLISTED


@pytest.mark.parametrize(
    ("url", "data", "missing"),
    [
        ("/api/enrollments/", {"talent": "trainee"}, "training_class"),
        ("/api/enrollments/", {"training_class": "klass"}, "talent"),
        ("/api/attendances/", {"talent": "trainee"}, "session"),
        ("/api/attendances/", {"session": "session"}, "talent"),
    ],
)
def test_a_write_without_its_parent_is_a_400_naming_it(client_for, klass, trainee, url, data, missing):
    ids = {"trainee": trainee.pk, "klass": klass.pk, "session": klass.sessions.first().pk}
    response = client_for("office").post(url, {k: ids[v] for k, v in data.items()}, content_type="application/json")
    assert response.status_code == 400 and missing in response.json()
    assert not Enrollment.objects.exists() and not Attendance.objects.exists()
    page = client_for("office").post(url.replace("/api/", "/o/") + "new/", {k: ids[v] for k, v in data.items()})
    assert page.status_code == 200 and missing in page.context["form"].errors


def test_the_totals_are_by_institutions_total_without_the_per_institution_join(
    users, klass, make_talent, bank, bank_branch, other_bank, office_org, tmp_path, settings
):
    """The leader view's training totals (all attendance less the others', or only the
    institutions' own) are the per-institution table's total, for the city and a liaison;
    a talent of a government unit is in neither."""
    from rencai.dashboards.data import Scope
    from rencai.dashboards.figures import Period as YearPeriod
    from rencai.training.models import Video, WatchProgress

    settings.MEDIA_ROOT = str(tmp_path)
    year = timezone.localdate().year
    people = [
        make_talent("学员一", bank),
        make_talent("学员二", bank_branch),
        make_talent("学员三", other_bank),
        make_talent("学员四", office_org),  # a government unit: not in the figures
        make_talent("学员五", other_bank, is_active=False),  # trained, not registered
    ]
    for talent, hours in zip(people, ("3.0", "6.0", "1.5", "4.0", "2.0"), strict=True):
        Enrollment.objects.create(
            training_class=klass,
            talent=talent,
            route="self",
            state="confirmed",
            requested_by=users["office"],
            hours=Decimal(hours),
        )
    video = Video.objects.create(title="讲堂", topic="管理", file=ContentFile(b"x", name="v.mp4"), duration_seconds=60)
    for talent in (people[0], people[2], people[3]):
        WatchProgress.objects.create(video=video, talent=talent, credited_on=date(year, 3, 1), hours=Decimal("0.5"))
    OwnTraining.objects.create(
        organization=bank_branch,
        title="业务培训",
        topic_kind="business",
        starts_on=date(year, 1, 5),
        ends_on=date(year, 1, 6),
        sessions=2,
        participants=30,
        hours=Decimal(8),
    )
    period = figures.Period(date(year, 1, 1), date(year, 12, 31))

    def figures_of(row):
        return (
            row.registered,
            row.office_participants,
            row.video_credits,
            row.own_classes,
            row.own_participants,
            row.hours,
            row.trained_number,
            row.coverage,
        )

    for role in ("office", "liaison"):
        full, quick = figures.by_institution(users[role], period), figures.totals(users[role], period)
        assert figures_of(quick.total) == figures_of(full.total)
        assert quick.office_classes == full.office_classes
        assert not quick.attendance_by_row
        scope = Scope(users[role], YearPeriod(year))
        assert figures_of(scope.training().total) == figures_of(full.total)
    city = figures.totals(users["office"], period).total
    assert (city.office_participants, city.video_credits, city.trained_number) == (4, 2, 4)
    assert city.hours == Decimal("12.5") + Decimal("1.0") + 30 * 8
    WatchProgress.objects.all().delete()  # office classes only: the trainees without a union
    for role in ("office", "liaison"):
        full, quick = figures.by_institution(users[role], period), figures.totals(users[role], period)
        assert figures_of(quick.total) == figures_of(full.total)
    city = figures.totals(users["office"], period).total
    assert (city.office_participants, city.video_credits, city.trained_number) == (4, 0, 4)
