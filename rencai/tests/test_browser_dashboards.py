"""On the demo data, a leader opens the leader view and every figure matches the list it
links to; the office generates the year's 人才工作总结 and gets a Word file whose numbers
are the platform's."""

import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from rencai.accounts.demo import DEMO_PASSWORD
from rencai.projects.models import ProjectTask, TalentProject
from rencai.talents.models import Talent
from rencai.tests.test_browser import SCREENSHOTS, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_talents import _new_page


def _log_in_demo(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")


def test_leader_view_on_the_demo_and_the_years_summary(transactional_db, live_server, browser, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo", stdout=StringIO())
    base = live_server.url

    leader = _new_page(browser)
    _log_in_demo(leader, base, "leader")
    leader.click("#nav-leader")
    expect(leader.locator("h1")).to_contain_text("领导驾驶舱")
    leader.screenshot(path=str(SCREENSHOTS / "leader-view.png"), full_page=True)
    figures = leader.locator("a.figure")
    links = [
        (figures.nth(i).get_attribute("href"), figures.nth(i).get_attribute("data-value"))
        for i in range(figures.count())
    ]
    listed = [(href, value) for href, value in links if href.startswith("/o/")]
    assert len(listed) >= 20
    check = _new_page(browser)
    _log_in_demo(check, base, "leader")
    for href, value in listed:
        check.goto(f"{base}{href}")
        count = re.search(r"共 (\d+) 条", check.locator("main, body").first.inner_text())
        assert count and count.group(1) == value, (href, value)
    total = leader.locator("#figure-total .figure-value").inner_text()
    assert total == str(Talent.objects.filter(is_active=True).count())

    office = _new_page(browser)
    _log_in_demo(office, base, "office")
    office.goto(f"{base}/o/document-templates/")
    # A row links by the template's title (its kind is the first column).
    office.locator("tr", has_text="年度人才工作总结").get_by_role("link").first.click()
    office.get_by_role("link", name="生成文稿").click()
    office.fill("#id_year", str(timezone.localdate().year))
    office.click("#generate-form button[type=submit]")
    expect(office.locator(".alert-success")).to_contain_text("文稿已生成")
    with office.expect_download() as download:
        office.get_by_role("link", name="下载Word").click()
    with open(download.value.path(), "rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"在库金融人才{total}人" in text and "数据缺失" not in text
    # The mechanisms built after the leader view speak through the same summary.
    assert "全年安排人才专项资金260万元，118名人才享受津贴，发放评选奖励6万元" in text
    assert "设立人才工作联络员72名" in text
    projects = re.search(r"实施人才工程(\d+)项，分解任务(\d+)项", text)
    assert projects and (int(projects.group(1)), int(projects.group(2))) == (
        TalentProject.objects.count(),
        ProjectTask.objects.count(),
    )
    assert re.search(r"联盟成员单位\d+家，开展联合活动\d+次", text)
    assert document.sections[0].page_width.mm == pytest.approx(210, abs=0.5)
