"""The information desk in a real browser, on the demo: a liaison submits an item, an
editor edits and adopts it into an issue and publishes it, the issue is downloaded as a
.docx 简报, the unit's score rises by the rule's points, a leader instructs and the unit
answers; the demo's 72 liaisons and the year's issues are on the leader view and in a
generated document."""

import io
from io import StringIO

from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from rencai.accounts.demo import DEMO_PASSWORD
from rencai.bulletins.models import InfoItem, Instruction, InstructionState, IssueState, Periodical, PeriodicalIssue
from rencai.bulletins.scores import yearly_score
from rencai.orgs.models import Organization
from rencai.tests.test_browser import SCREENSHOTS, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_talents import _new_page


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")


def _act(page, label: str) -> None:
    page.get_by_role("link", name=label, exact=True).click()
    page.click("#action-form button[type=submit]")


def test_submit_edit_adopt_publish_score_and_instruct(transactional_db, live_server, browser, tmp_path, settings):  # noqa: F811
    from rencai.accounts import demo as accounts_demo
    from rencai.bulletins import demo as bulletins_demo
    from rencai.dashboards.generation import generate
    from rencai.dashboards.models import DocumentKind, DocumentTemplate, GeneratedDocument
    from rencai.orgs import demo as orgs_demo

    settings.MEDIA_ROOT = str(tmp_path / "media")
    for module in (orgs_demo, accounts_demo, bulletins_demo):
        module.load(StringIO())
    year = timezone.localdate().year
    dynamics = Periodical.objects.get(name="金融动态")
    issue = PeriodicalIssue.objects.create(
        periodical=dynamics, year=year, number=90, serial=990, issued_on=timezone.localdate(), copies=60
    )
    icbc = Organization.objects.get(name="中国工商银行股份有限公司济南分行")
    before = yearly_score(icbc, year)
    base = live_server.url

    liaison = _new_page(browser)
    _log_in(liaison, base, "liaison_icbc")
    liaison.goto(f"{base}/o/info-items/new/")
    liaison.select_option("#id_organization", str(icbc.pk))
    liaison.select_option("#id_category", "practice")
    liaison.fill("#id_title", "工行济南分行“导师带徒”培养青年金融人才")
    liaison.fill("#id_body", "工行济南分行建立导师带徒机制，一年来培养青年骨干四十人。")
    liaison.fill("#id_signed_by", "王行长")
    liaison.click("#object-form button[type=submit]")
    expect(liaison.locator("#object-form")).to_contain_text("须经单位负责人审核签发")
    liaison.check("#id_head_signoff")
    liaison.click("#object-form button[type=submit]")
    expect(liaison.locator(".alert-info")).to_contain_text("信息已报送")
    item = InfoItem.objects.get(title__startswith="工行济南分行“导师带徒”")

    office = _new_page(browser)
    _log_in(office, base, "office")
    office.goto(f"{base}/o/info-items/{item.pk}/")
    _act(office, "受理")
    expect(office.locator("#detail-table")).to_contain_text("已受理")
    office.goto(f"{base}/o/info-items/{item.pk}/edit/")
    office.fill("#id_body", "工行济南分行建立“导师带徒”机制，一年来培养青年骨干四十人，经验值得推广。")
    office.click("#object-form button[type=submit]")
    expect(office.locator(".alert-info")).to_contain_text("形成第2版")
    office.get_by_role("link", name="采用（编入期刊）", exact=True).click()
    office.select_option("#id_issue", str(issue.pk))
    office.click("#action-form button[type=submit]")
    expect(office.locator(".alert-success")).to_contain_text("第1篇")
    office.goto(f"{base}/o/periodical-issues/{issue.pk}/")
    _act(office, "印发")
    expect(office.locator("#detail-table")).to_contain_text("已印发")
    with office.expect_download() as download:
        office.get_by_role("link", name="生成简报（Word）").click()
    with open(download.value.path(), "rb") as file:
        document = Document(io.BytesIO(file.read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.splitlines()[0] == "金融动态" and f"{year}年第90期（总第990期）" in text
    assert "经验值得推广" in text and "（工行济南分行）" in text and "（共印60份）" in text
    issue.refresh_from_db()
    assert issue.state == IssueState.PUBLISHED

    points = dynamics.points_for("practice")
    assert yearly_score(icbc, year) == before + points
    office.goto(f"{base}/bulletins/ranking/?year={year}")
    expect(office.locator(f'#ranking tr[data-unit="{icbc.pk}"] .total')).to_contain_text(str(before + points))
    office.screenshot(path=str(SCREENSHOTS / "bulletins-ranking.png"), full_page=True)

    # The author sees the edited text.
    liaison.goto(f"{base}/o/info-items/{item.pk}/")
    expect(liaison.locator("#detail-table")).to_contain_text("经验值得推广")
    expect(liaison.locator("#section-info-versions")).to_contain_text("办公室编辑")

    leader = _new_page(browser)
    _log_in(leader, base, "leader")
    leader.goto(f"{base}/o/info-items/{item.pk}/")
    leader.get_by_role("link", name="批示", exact=True).click()
    leader.fill("#id_text", "此做法很好，请在全市金融系统推广。")
    leader.click("#action-form button[type=submit]")
    expect(leader.locator(".alert-success")).to_contain_text("批示已送")
    instruction = Instruction.objects.get(item=item)
    assert yearly_score(icbc, year) == before + points + 20  # the default rule's bonus (demo rule)

    liaison.goto(f"{base}/o/instructions/{instruction.pk}/")
    liaison.get_by_role("link", name="反馈落实情况", exact=True).click()
    liaison.fill("#id_response", "已制定推广方案，全行推开。")
    liaison.click("#action-form button[type=submit]")
    expect(liaison.locator("#detail-table")).to_contain_text("已反馈")
    leader.goto(f"{base}/o/instructions/{instruction.pk}/")
    _act(leader, "办结")
    expect(leader.locator("#detail-table")).to_contain_text("已办结")
    instruction.refresh_from_db()
    assert instruction.state == InstructionState.CLOSED

    published = PeriodicalIssue.objects.filter(year=year, state=IssueState.PUBLISHED).count()
    leader.goto(f"{base}/dashboards/")
    expect(leader.locator("body")).to_contain_text("联络员72名")
    expect(leader.locator("body")).to_contain_text(f"{year}年印发刊物期数")
    expect(leader.get_by_role("row", name=f"{year}年印发刊物期数")).to_contain_text(str(published))
    leader.screenshot(path=str(SCREENSHOTS / "bulletins-leader.png"), full_page=True)

    template = DocumentTemplate.objects.create(
        kind=DocumentKind.WORK_REPORT,
        title="信息工作",
        body="全市设立人才工作联络员{{联络员人数}}名，本年印发刊物{{刊物期数}}期。",
    )
    generated = GeneratedDocument.objects.create(template=template, year=year, requested_by=instruction.leader)
    generate(generated)
    body = "\n".join(p.text for p in Document(generated.file.open("rb")).paragraphs)
    assert f"全市设立人才工作联络员72名，本年印发刊物{published}期。" in body
