"""Talent projects: the supervision flow, progress reports, three-colour warnings walked
through time, supervision notices, the board and the figures that flow on."""

import io
import re
from datetime import date, timedelta

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from rencai.core.models import AuditEntry
from rencai.core.todos import todos_for
from rencai.projects import services
from rencai.projects.models import (
    Colour,
    ColourChange,
    Instruction,
    Milestone,
    NoticeState,
    ProgressReport,
    ProjectTask,
    SupervisionNotice,
    TalentProject,
    TaskState,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def project(users, office_org):
    return TalentProject.objects.create(
        name="领军人才“高峰计划”", starts_year=2026, ends_year=2028, lead_unit=office_org, lead_leader=users["leader"]
    )


def make_task(project, organization, title="建立联系服务制度", state=TaskState.DRAFT, **extra) -> ProjectTask:
    today = timezone.localdate()
    values = {"starts_on": today - timedelta(days=10), "due_on": today + timedelta(days=90), **extra}
    return ProjectTask.objects.create(
        project=project, title=title, organization=organization, owner="张三", state=state, **values
    )


def do(client, slug, pk, action, **data):
    return client.post(f"/o/{slug}/{pk}/do/{action}/", data)


def report(client, task, percent, content="按计划推进", **extra):
    return client.post("/o/progress-reports/new/", {"task": task.pk, "percent": percent, "content": content, **extra})


# --- the flow ------------------------------------------------------------------------------


def test_the_supervision_flow_from_assignment_to_closure(users, client_for, project, bank):
    office, liaison = client_for("office"), client_for("liaison")
    response = office.post(
        "/o/project-tasks/new/",
        {
            "project": project.pk,
            "title": "领军人才遴选",
            "organization": bank.pk,
            "owner": "李四",
            "starts_on": "2026-01-10",
            "due_on": "2026-01-01",
        },
    )
    assert response.status_code == 200 and "完成时限不能早于开始日期。" in response.content.decode()
    task = make_task(project, bank)
    assert do(office, "project-tasks", task.pk, "assign").status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.ASSIGNED and task.sign_deadline and task.assigned_at
    assert any("待签收" in t.title for t in todos_for(users["liaison"]))

    # Reporting before signing is refused; another unit's liaison cannot sign.
    early = report(liaison, task, 10)
    assert early.status_code == 409 and "任务尚未签收" in early.content.decode()
    assert client_for("other_liaison").post(f"/o/project-tasks/{task.pk}/do/sign/").status_code == 404
    assert do(liaison, "project-tasks", task.pk, "sign").status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.SIGNED and task.signed_by == users["liaison"]

    # Progress: outside 0–100, lower than the last without a reason, with a disguised attachment.
    beyond = report(liaison, task, 120)
    assert beyond.status_code == 200 and not ProgressReport.objects.exists()
    assert report(liaison, task, 40).status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS and task.progress == 40
    lower = report(liaison, task, 30)
    assert lower.status_code == 400 and "低于上次报告的40%" in lower.content.decode()
    assert report(liaison, task, 30, reason="重新核定工作量").status_code == 302
    fake = SimpleUploadedFile("进展.pdf", b"MZ\x90\x00not a pdf", "application/pdf")
    refused = report(liaison, task, 50, attachment=fake)
    assert refused.status_code == 400 and "不是可接受的格式" in refused.content.decode()
    real = SimpleUploadedFile("进展.pdf", PDF, "application/pdf")
    assert report(liaison, task, 60, attachment=real).status_code == 302
    stored = ProgressReport.objects.get(percent=60)
    assert stored.file_type == "pdf" and stored.reported_by == users["liaison"]

    # Feedback, sent back by the office with reasons, fed back again, then closed.
    assert do(liaison, "project-tasks", task.pk, "feedback", completion_note="").status_code == 200
    assert do(liaison, "project-tasks", task.pk, "feedback", completion_note="已建立制度").status_code == 302
    assert do(liaison, "project-tasks", task.pk, "close").status_code == 403  # a liaison never closes
    assert do(office, "project-tasks", task.pk, "send_back", return_reason="").status_code == 200
    assert do(office, "project-tasks", task.pk, "send_back", return_reason="缺少制度文件").status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.IN_PROGRESS and task.returned_count == 1 and task.return_reason == "缺少制度文件"
    assert do(liaison, "project-tasks", task.pk, "feedback", completion_note="已补充制度文件").status_code == 302
    api = client_for("liaison").post(f"/api/project-tasks/{task.pk}/do/close/")
    assert api.status_code == 403
    assert do(office, "project-tasks", task.pk, "close").status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.CLOSED and task.closed_on == timezone.localdate() and task.progress == 100
    closed = report(office, task, 100)
    assert closed.status_code == 409 and "任务已办结，不能再报告进展。" in closed.content.decode()
    states = [
        e.changes.get("state")
        for e in AuditEntry.objects.filter(object_type="projects.projecttask", object_id=str(task.pk)).order_by("seq")
        if "state" in e.changes
    ]
    assert len(states) >= 7  # every transition audited


def test_a_report_needs_a_percentage_within_range(users, client_for, project, bank):
    task = make_task(project, bank, state=TaskState.SIGNED)
    response = report(client_for("liaison"), task, 101)
    assert response.status_code == 200 and "100" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_leaders_mark_attention_and_instruct_and_the_unit_answers(users, client_for, project, bank):
    task = make_task(project, bank, state=TaskState.SIGNED)
    leader, liaison = client_for("leader"), client_for("liaison")
    assert do(client_for("office"), "project-tasks", task.pk, "instruct", content="抓紧").status_code == 403
    assert do(leader, "project-tasks", task.pk, "instruct", content="请加快进度，月底前见成效。").status_code == 302
    task.refresh_from_db()
    assert task.leader_attention
    instruction = Instruction.objects.get()
    assert instruction.given_by == users["leader"]
    assert any("批示待答复" in t.title for t in todos_for(users["liaison"]))
    assert client_for("other_liaison").post(f"/o/task-instructions/{instruction.pk}/do/answer/").status_code == 404
    assert do(liaison, "task-instructions", instruction.pk, "answer", answer="已落实，月底完成").status_code == 302
    instruction.refresh_from_db()
    assert instruction.state == "answered" and instruction.answered_by == users["liaison"]
    assert do(leader, "project-tasks", task.pk, "attention").status_code == 302
    task.refresh_from_db()
    assert not task.leader_attention


# --- colours through time ------------------------------------------------------------------


@override_settings(RENCAI_PROJECTS_BLUE_DAYS=5, RENCAI_PROJECTS_YELLOW_GRACE_DAYS=3)
def test_colours_walk_through_time_with_the_catch_up_rule(users, project, bank):
    start = date(2026, 3, 1)
    task = make_task(project, bank, state=TaskState.IN_PROGRESS, starts_on=start, due_on=date(2026, 4, 30))
    Milestone.objects.create(task=task, name="方案", planned_on=date(2026, 3, 11), planned_percent=50)

    def on(day: date, progress: int | None = None) -> str:
        if progress is not None:
            ProjectTask.objects.filter(pk=task.pk).update(progress=progress)
        task.refresh_from_db()
        services.recompute(task, day)
        task.refresh_from_db()
        return task.colour

    assert services.planned_percent(task, None, date(2026, 3, 6)) == 25  # halfway to 50% on 3-11
    assert on(start, 0) == Colour.NONE
    assert on(date(2026, 3, 6), 30) == Colour.NONE  # ahead of 25%
    assert on(date(2026, 3, 10), 30) == Colour.YELLOW  # planned 45%
    assert task.behind_since == date(2026, 3, 10)
    assert on(date(2026, 3, 13), 40) == Colour.YELLOW  # 3 days: within grace
    assert on(date(2026, 3, 14), 45) == Colour.RED  # yellow longer than the grace period
    notice = SupervisionNotice.objects.get(task=task)
    assert notice.year == 2026 and notice.number == 1 and notice.state == NoticeState.SENT
    # A new report that does not make up the shortfall keeps it red (planned ≈ 52.4%).
    assert on(date(2026, 3, 15), 52) == Colour.RED
    # Made up: red steps down to yellow, not straight to normal...
    assert on(date(2026, 3, 16), 60) == Colour.YELLOW
    assert on(date(2026, 3, 16), 60) == Colour.YELLOW  # the same day again changes nothing
    # ... and to normal on a later day when still on plan.
    assert on(date(2026, 3, 17), 60) == Colour.NONE
    # Blue when the due date is within 5 days and the plan is met.
    assert on(date(2026, 4, 25), 98) == Colour.BLUE
    # Overdue is red, and stays red until closed.
    assert on(date(2026, 5, 1), 99) == Colour.RED
    assert SupervisionNotice.objects.filter(task=task).count() == 1  # the first is still unsigned
    ProjectTask.objects.filter(pk=task.pk).update(state=TaskState.CLOSED)
    assert on(date(2026, 5, 2)) == Colour.NONE
    history = list(ColourChange.objects.filter(task=task).values_list("changed_on", "colour_from", "colour_to"))
    assert history == [
        (date(2026, 3, 10), "none", "yellow"),
        (date(2026, 3, 14), "yellow", "red"),
        (date(2026, 3, 16), "red", "yellow"),
        (date(2026, 3, 17), "yellow", "none"),
        (date(2026, 4, 25), "none", "blue"),
        (date(2026, 5, 1), "blue", "red"),
        (date(2026, 5, 2), "red", "none"),
    ]


def test_recompute_command_and_notice_numbers_per_year(users, project, bank):
    from django.core.management import call_command

    late = make_task(project, bank, state=TaskState.SIGNED, starts_on=date(2025, 1, 1), due_on=date(2025, 6, 30))
    out = io.StringIO()
    call_command("recompute_task_colours", "--date", "2025-12-30", stdout=out)
    assert "1" in out.getvalue()
    late.refresh_from_db()
    assert late.colour == Colour.RED
    other = make_task(
        project, bank, "第二项", state=TaskState.SIGNED, starts_on=date(2025, 1, 1), due_on=date(2025, 2, 1)
    )
    services.recompute(other, date(2026, 1, 2))
    numbers = sorted(SupervisionNotice.objects.values_list("year", "number"))
    assert numbers == [(2025, 1), (2026, 1)]


def test_a_red_task_gives_a_notice_to_sign_as_docx(users, client_for, project, bank):
    task = make_task(project, bank, state=TaskState.SIGNED, due_on=timezone.localdate() - timedelta(days=1))
    services.recompute(task)
    notice = SupervisionNotice.objects.get(task=task)
    assert any("督办单待签收" in t.title for t in todos_for(users["liaison"]))
    response = client_for("liaison").get(f"/projects/notices/{notice.pk}/notice.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)
    assert "督办通知单" in text and notice.code in text and bank.name in text
    assert users["office"].organization.name in text  # 落款: the office's name in full, not the placeholder
    assert client_for("other_liaison").get(f"/projects/notices/{notice.pk}/notice.docx").status_code == 404
    assert client_for("office").post(f"/o/supervision-notices/{notice.pk}/do/sign/").status_code == 403
    assert do(client_for("liaison"), "supervision-notices", notice.pk, "sign", sign_note="收到").status_code == 302
    notice.refresh_from_db()
    assert notice.state == NoticeState.SIGNED and notice.signed_by == users["liaison"]
    # The office may also issue one by hand; numbers run on.
    assert do(client_for("office"), "project-tasks", task.pk, "notice", reason="请说明逾期原因").status_code == 302
    assert SupervisionNotice.objects.filter(year=notice.year).order_by("number").last().number == notice.number + 1


# --- views and figures -------------------------------------------------------------------


def _figure(page: str, colour: str) -> int:
    pattern = rf'data-colour="{colour}">\s*<div class="card-body[^"]*"><div[^>]*>[^<]+</div><div[^>]*data-value="(\d+)"'
    found = re.search(pattern, page)
    assert found, colour
    return int(found.group(1))


def test_board_and_leader_view_counts_equal_their_lists(users, client_for, project, bank, other_bank):
    today = timezone.localdate()
    make_task(project, bank, "红", state=TaskState.SIGNED, due_on=today - timedelta(days=1))
    make_task(
        project,
        bank,
        "蓝",
        state=TaskState.SIGNED,
        starts_on=today - timedelta(days=1),
        due_on=today + timedelta(days=2),
        progress=80,
    )
    make_task(project, other_bank, "乙行红", state=TaskState.SIGNED, due_on=today - timedelta(days=3))
    make_task(
        project, other_bank, "乙行按期", state=TaskState.CLOSED, closed_on=today - timedelta(days=1), returned_count=1
    )
    services.recompute_all()
    office = client_for("office")
    page = office.get("/projects/board/").content.decode()
    assert _figure(page, "red") == 2 and _figure(page, "blue") == 1
    for colour in ("red", "blue", "yellow"):
        listed = office.get("/o/project-tasks/", {"colour": colour}).content.decode()
        assert listed.count("/o/project-tasks/") >= _figure(page, colour)
    units = re.search(r'id="board-units">.*?</table>', page, re.S).group(0)
    assert "乙银行济南分行" in units and "甲银行济南分行" in units
    liaison_page = client_for("liaison").get("/projects/board/").content.decode()
    assert _figure(liaison_page, "red") == 1 and "乙行红" not in liaison_page
    assert "乙银行济南分行" not in liaison_page  # not even among the filter's units
    assert "乙银行济南分行" not in client_for("liaison").get("/o/project-tasks/").content.decode()
    timeline = client_for("liaison").get(f"/projects/{project.pk}/timeline/").content.decode()
    assert "蓝" in timeline and "乙行红" not in timeline and "乙行按期" not in timeline

    leader = client_for("leader")
    page = leader.get("/dashboards/").content.decode()
    block = re.search(r"人才工程任务预警.*?</table>", page, re.S).group(0)
    links = re.findall(r'<a href="([^"]+)" class="figure" data-value="(\d*)">', block)
    assert len(links) == 7 and ("/o/project-tasks/?colour=red", "2") in links
    for url, value in links:
        listed = leader.get(url.replace("&amp;", "&")).content.decode()
        count = re.search(r"共 (\d+) 条", listed)
        assert count and count.group(1) == value, (url, value)


def test_data_items_count_projects_tasks_on_time_and_overdue(users, project, bank):
    from rencai.core.figures import Period, data_items

    today = timezone.localdate()
    make_task(project, bank, "逾期", state=TaskState.SIGNED, due_on=today - timedelta(days=1))
    make_task(
        project,
        bank,
        "按期",
        state=TaskState.CLOSED,
        closed_on=today - timedelta(days=20),
        due_on=today - timedelta(days=10),
    )
    make_task(project, bank, "逾期办结", state=TaskState.CLOSED, closed_on=today, due_on=today - timedelta(days=5))

    class Scope:
        user = users["office"]
        period = Period(2026)
        organization = None

    items = data_items()
    assert items["人才工程项目数"].compute(Scope()) == 1
    assert items["人才工程任务数"].compute(Scope()) == 3
    assert items["人才工程按期办结数"].compute(Scope()) == 1
    assert items["人才工程逾期数"].compute(Scope()) == 2


def test_timeline_draws_tasks_and_milestones(users, client_for, project, bank):
    task = make_task(project, bank, state=TaskState.SIGNED)
    Milestone.objects.create(
        task=task, name="中期评估", planned_on=task.starts_on + timedelta(days=30), planned_percent=40
    )
    page = client_for("office").get(f"/projects/{project.pk}/timeline/").content.decode()
    assert "中期评估" in page and "echarts.min.js" in page and task.title in page


# --- import and export -------------------------------------------------------------------


@pytest.fixture
def import_storage(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.CACHES = {
        **settings.CACHES,
        "imports": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "state"),
        },
    }


def test_tasks_import_from_and_export_to_excel(users, client_for, project, bank, import_storage):
    from django.urls import reverse

    from rencai.core.models import ImportJob, ImportStatus

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["工程名称", "任务名称", "责任单位", "责任人", "开始日期", "完成时限", "成果形式"])
    sheet.append([project.name, "制定遴选办法", bank.name, "王五", "2026-03-01", "2026-06-30", "办法文件"])
    sheet.append([project.name, "组织申报", bank.name, "赵六", "2026/7/1", "2026年9月30日", ""])
    sheet.append([project.name, "倒排工期", bank.name, "钱七", "2026-09-01", "2026-08-01", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    content = buffer.getvalue()
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    client = client_for("office")
    url = reverse("imports:upload", kwargs={"slug": "project-tasks"})
    assert client.get(reverse("imports:template", kwargs={"slug": "project-tasks"})).status_code == 200
    response = client.post(url, {"file": SimpleUploadedFile("任务清单.xlsx", content, content_type=xlsx)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportStatus.PREVIEW, job.message
    assert job.summary["valid_rows"] == 2
    assert "完成时限不能早于开始日期" in str(job.errors)
    client.post(reverse("imports:commit", kwargs={"pk": job.pk}), {"valid_rows_only": "1"})
    job.refresh_from_db()
    assert job.status == ImportStatus.DONE, job.message
    assert set(ProjectTask.objects.values_list("title", flat=True)) == {"制定遴选办法", "组织申报"}
    assert ProjectTask.objects.get(title="组织申报").due_on == date(2026, 9, 30)
    assert client_for("liaison").get(url).status_code == 403

    response = client.get("/o/project-tasks/export/")
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "制定遴选办法" in values and "组织申报" in values


def test_a_task_not_signed_by_its_deadline_is_the_offices_to_do(users, client_for, project, bank):
    today = timezone.localdate()
    task = make_task(project, bank, state=TaskState.ASSIGNED, sign_deadline=today - timedelta(days=1))
    make_task(project, bank, "按时", state=TaskState.ASSIGNED, sign_deadline=today + timedelta(days=1))
    todo = next(t for t in todos_for(users["office"]) if "超期未签收" in t.title)
    assert todo.count == 1
    listed = client_for("office").get(todo.url).content.decode()
    assert task.title in listed and "共 1 条" in listed
    assert do(client_for("liaison"), "project-tasks", task.pk, "sign").status_code == 302
    assert not any("超期未签收" in t.title for t in todos_for(users["office"]))


def test_the_api_refuses_alike_with_chinese_messages(users, client_for, project, bank):
    task = make_task(project, bank, state=TaskState.IN_PROGRESS, progress=50)
    liaison = client_for("liaison")
    lower = liaison.post(
        "/api/progress-reports/", {"task": task.pk, "percent": 20, "content": "调整"}, content_type="application/json"
    )
    assert lower.status_code == 400 and "低于上次报告的50%" in lower.json()["reason"][0]
    beyond = liaison.post(
        "/api/progress-reports/", {"task": task.pk, "percent": 150, "content": "超"}, content_type="application/json"
    )
    assert beyond.status_code == 400 and "percent" in beyond.json()
    assert client_for("other_liaison").post(f"/api/project-tasks/{task.pk}/do/feedback/").status_code == 404
    fed = liaison.post(
        f"/api/project-tasks/{task.pk}/do/feedback/", {"completion_note": "已完成"}, content_type="application/json"
    )
    assert fed.status_code == 200, fed.content
    assert liaison.post(f"/api/project-tasks/{task.pk}/do/close/").status_code == 403
    task.refresh_from_db()
    assert task.state == TaskState.REPORTED
    bad_dates = client_for("office").post(
        "/api/project-tasks/",
        {
            "project": project.pk,
            "title": "倒排",
            "organization": bank.pk,
            "owner": "甲",
            "starts_on": "2026-05-01",
            "due_on": "2026-04-01",
        },
        content_type="application/json",
    )
    assert bad_dates.status_code == 400 and bad_dates.json()["due_on"] == ["完成时限不能早于开始日期。"]


def test_per_unit_figures_count_on_time_late_and_returned(users, project, bank, other_bank):
    today = timezone.localdate()
    make_task(
        project,
        bank,
        "按期",
        state=TaskState.CLOSED,
        closed_on=today - timedelta(days=100),
        due_on=today - timedelta(days=90),
        starts_on=today - timedelta(days=200),
    )
    make_task(
        project,
        bank,
        "逾期办结",
        state=TaskState.CLOSED,
        closed_on=today,
        due_on=today - timedelta(days=1),
        returned_count=2,
    )
    make_task(project, bank, "逾期未办", state=TaskState.SIGNED, due_on=today - timedelta(days=1))
    make_task(project, other_bank, "乙行", state=TaskState.SIGNED)
    services.recompute_all()
    rows = {r["organization_id"]: r for r in services.unit_figures(ProjectTask.objects.all(), ["organization_id"])}
    mine = rows[bank.pk]
    assert (mine["total"], mine["on_time"], mine["late"], mine["returned"], mine["red"]) == (3, 1, 2, 1, 1)
    assert (rows[other_bank.pk]["total"], rows[other_bank.pk]["late"]) == (1, 0)
