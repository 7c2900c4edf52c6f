"""Talent projects in a real browser (issue 17, "Done means"): the office creates a
programme and assigns three tasks to two institutions; a liaison signs for one, reports on
it and feeds back; the office sends it back; an overdue task goes red and produces a
supervision notice (.docx); the leader view's colour counts equal their lists."""

import io
import re
from datetime import timedelta

import docx
from django.utils import timezone
from playwright.sync_api import expect

from rencai.conftest import make_user
from rencai.core.roles import Role
from rencai.orgs.models import Organization
from rencai.projects.models import ProjectTask, SupervisionNotice, TaskState
from rencai.tests.test_browser import SCREENSHOTS, _log_in, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_talents import _new_page


def _create_task(page, base: str, project: str, title: str, unit: str, starts, due) -> None:
    page.goto(f"{base}/o/project-tasks/new/")
    page.select_option("#id_project", label=project)
    page.fill("#id_title", title)
    page.select_option("#id_organization", label=unit)
    page.fill("#id_owner", "张三")
    page.fill("#id_starts_on", starts.isoformat())
    page.fill("#id_due_on", due.isoformat())
    page.click("#object-form button[type=submit]")
    expect(page.locator("#detail-table")).to_contain_text(title)
    page.locator("a[data-action=assign]").click()
    page.click("#action-form button[type=submit]")
    expect(page.locator("#detail-table")).to_contain_text("已交办")


def test_office_assigns_liaison_signs_and_reports_a_task_goes_red(transactional_db, live_server, browser):  # noqa: F811
    office_org = Organization.objects.create(name="工程测试金融办", kind="government")
    bank = Organization.objects.create(name="工程测试甲银行", kind="bank")
    Organization.objects.create(name="工程测试乙保险", kind="insurance")
    make_user("office_p", Role.OFFICE, office_org)
    make_user("leader_p", Role.LEADER, office_org, full_name_override="赵领导")
    make_user("liaison_p", Role.LIAISON, bank)
    today = timezone.localdate()
    base = live_server.url

    office = _new_page(browser)
    _log_in(office, base, "office_p")
    office.goto(f"{base}/o/talent-projects/new/")
    office.fill("#id_name", "领军人才高峰计划")
    office.fill("#id_starts_year", str(today.year))
    office.fill("#id_ends_year", str(today.year + 2))
    office.select_option("#id_lead_leader", label="赵领导（leader_p）")
    office.select_option("#id_lead_unit", label="工程测试金融办")
    office.click("#object-form button[type=submit]")
    expect(office.locator("#detail-table")).to_contain_text("领军人才高峰计划")

    start = today - timedelta(days=30)
    _create_task(
        office, base, "领军人才高峰计划", "建立联系服务制度", "工程测试甲银行", start, today + timedelta(days=90)
    )
    _create_task(office, base, "领军人才高峰计划", "开展首批申报", "工程测试甲银行", today, today + timedelta(days=120))
    _create_task(office, base, "领军人才高峰计划", "人才休假疗养", "工程测试乙保险", start, today - timedelta(days=1))

    liaison = _new_page(browser)
    _log_in(liaison, base, "liaison_p")
    expect(liaison.locator("#todos")).to_contain_text("2 项人才工程任务待签收")
    first = ProjectTask.objects.get(title="建立联系服务制度")
    liaison.goto(f"{base}/o/project-tasks/{first.pk}/")
    liaison.locator("a[data-action=sign]").click()
    liaison.click("#action-form button[type=submit]")
    expect(liaison.locator("#detail-table")).to_contain_text("已签收")
    liaison.get_by_role("link", name="报告进展").click()
    liaison.fill("#id_percent", "40")
    liaison.fill("#id_content", "已起草联系服务制度")
    liaison.click("#object-form button[type=submit]")
    liaison.goto(f"{base}/o/project-tasks/{first.pk}/")
    expect(liaison.locator("#detail-table")).to_contain_text("办理中")
    liaison.locator("a[data-action=feedback]").click()
    liaison.fill("#id_completion_note", "制度已印发")
    liaison.click("#action-form button[type=submit]")
    expect(liaison.locator("#detail-table")).to_contain_text("已反馈待复核")
    expect(liaison.locator("a[data-action=close]")).to_have_count(0)  # a liaison never closes

    office.goto(f"{base}/o/project-tasks/{first.pk}/")
    office.locator("a[data-action=send_back]").click()
    office.fill("#id_return_reason", "请附印发文件")
    office.click("#action-form button[type=submit]")
    expect(office.locator("#detail-table")).to_contain_text("请附印发文件")
    first.refresh_from_db()
    assert first.state == TaskState.IN_PROGRESS and first.returned_count == 1

    red = ProjectTask.objects.get(title="人才休假疗养")
    assert red.colour == "red"
    notice = SupervisionNotice.objects.get(task=red)
    office.goto(f"{base}/o/supervision-notices/{notice.pk}/")
    with office.expect_download() as download:
        office.get_by_role("link", name="下载督办单（Word）").click()
    with open(download.value.path(), "rb") as handle:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(handle.read())).paragraphs)
    assert "督办通知单" in text and notice.code in text and "工程测试乙保险" in text

    office.goto(f"{base}/projects/board/")
    expect(office.locator("#board-colours a[data-colour=red] .figure")).to_have_text("1")
    office.screenshot(path=str(SCREENSHOTS / "projects-board.png"), full_page=True)

    leader = _new_page(browser)
    _log_in(leader, base, "leader_p")
    leader.goto(f"{base}/dashboards/")
    block = leader.locator("table.block", has_text="红色预警")
    links = block.locator("a.figure")
    figures = [(links.nth(i).get_attribute("href"), links.nth(i).inner_text()) for i in range(links.count())]
    assert len(figures) == 7 and ("/o/project-tasks/?colour=red", "1") in figures
    for url, value in figures:
        leader.goto(f"{base}{url}")
        count = re.search(r"共 (\d+) 条", leader.locator("body").inner_text())
        assert count and count.group(1) == value, (url, value)
