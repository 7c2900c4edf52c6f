"""A statistical return in a real browser: the liaison downloads the Excel template, fills
it (as a spreadsheet program would, with openpyxl), uploads it, fixes a broken rule and
submits; the office returns it once and then approves; the board and the aggregate show it."""

import io
from datetime import date, timedelta

import openpyxl
from django.utils import timezone
from playwright.sync_api import expect

from rencai.conftest import make_user
from rencai.core.roles import Role
from rencai.orgs.models import Organization
from rencai.returns import services
from rencai.returns.models import Indicator, ReturnForm, ReturnPeriod, Submission, ValidationRule
from rencai.tests.test_browser import SCREENSHOTS, _log_in, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_talents import _new_page

INDICATORS = [
    ("一、总量", "D01", "员工总数", "integer", ""),
    ("二、学历", "E01", "硕士及以上", "integer", "学历"),
    ("二、学历", "E02", "本科及以下", "integer", "学历"),
    ("三、人才工作", "R01", "培训经费支出", "decimal", ""),
]


def _world():
    office_org = Organization.objects.create(name="报表测试金融办", kind="government")
    bank = Organization.objects.create(name="报表测试甲银行", kind="bank")
    Organization.objects.create(name="报表测试乙银行", kind="bank")
    make_user("office_r", Role.OFFICE, office_org)
    make_user("liaison_r", Role.LIAISON, bank)
    form = ReturnForm.objects.create(code="JR-HR-01", name="金融人力资源统计表", period_type="annual")
    for order, (section, code, name, kind, group) in enumerate(INDICATORS, start=1):
        Indicator.objects.create(form=form, section=section, order=order, code=code, name=name, kind=kind, group=group)
    ValidationRule.objects.create(form=form, expression="sum(学历) == 员工总数", message="按学历合计应等于员工总数。")
    year = timezone.localdate().year
    period = ReturnPeriod.objects.create(
        form=form,
        label=f"{year}年",
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        due_on=timezone.localdate() + timedelta(days=10),
    )
    services.ensure_submissions(period)
    return bank, period


def _set(sheet, code: str, value) -> None:
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == code)
    sheet.cell(row, 5).value = value


def test_liaison_round_trips_the_template_and_the_office_reviews(transactional_db, live_server, browser, tmp_path):  # noqa: F811
    bank, period = _world()
    submission = Submission.objects.get(organization=bank)
    base = live_server.url

    liaison = _new_page(browser)
    _log_in(liaison, base, "liaison_r")
    expect(liaison.locator("#todos")).to_contain_text("待报送的统计报表")
    liaison.goto(f"{base}/returns/submissions/{submission.pk}/")
    with liaison.expect_download() as download:
        liaison.click("#template-link")
    with open(download.value.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    sheet = book.active
    _set(sheet, "D01", 120)
    _set(sheet, "E01", 30)
    _set(sheet, "E02", 80)  # 30 + 80 ≠ 120
    _set(sheet, "R01", "45.5")
    filled = tmp_path / "填报.xlsx"
    book.save(filled)
    liaison.set_input_files("#upload", str(filled))
    liaison.click("#upload-form button[type=submit]")
    expect(liaison.locator(".alert-success")).to_contain_text("已从Excel导入")
    expect(liaison.locator("#findings")).to_contain_text("按学历合计应等于员工总数")
    liaison.goto(f"{base}/o/submissions/{submission.pk}/")
    liaison.get_by_role("link", name="报送", exact=True).click()
    liaison.click("#action-form button[type=submit]")
    expect(liaison.locator("#form-errors")).to_contain_text("未通过校验，不能报送")
    liaison.goto(f"{base}/returns/submissions/{submission.pk}/")
    liaison.fill("input[name=v_E02]", "90")
    liaison.click("#save-values")
    expect(liaison.locator(".alert-success")).to_contain_text("已保存")
    liaison.goto(f"{base}/o/submissions/{submission.pk}/")
    liaison.get_by_role("link", name="报送", exact=True).click()
    liaison.click("#action-form button[type=submit]")
    expect(liaison.locator("#detail-table")).to_contain_text("已报送")

    office = _new_page(browser)
    _log_in(office, base, "office_r")
    office.goto(f"{base}/o/submissions/{submission.pk}/")
    office.get_by_role("link", name="退回修改").click()
    office.fill("#id_reason", "培训经费请按财务决算数填报")
    office.click("#action-form button[type=submit]")
    expect(office.locator("#detail-table")).to_contain_text("已退回")

    liaison.goto(f"{base}/returns/submissions/{submission.pk}/")
    expect(liaison.locator("body")).to_contain_text("培训经费请按财务决算数填报")
    liaison.fill("input[name=v_R01]", "52.3")
    liaison.click("#save-values")
    liaison.goto(f"{base}/o/submissions/{submission.pk}/")
    liaison.get_by_role("link", name="报送", exact=True).click()
    liaison.click("#action-form button[type=submit]")
    expect(liaison.locator("#detail-table")).to_contain_text("已报送")

    office.goto(f"{base}/o/submissions/{submission.pk}/")
    office.get_by_role("link", name="审核通过").click()
    office.click("#action-form button[type=submit]")
    expect(office.locator("#detail-table")).to_contain_text("审核通过")

    office.goto(f"{base}/returns/periods/{period.pk}/board/")
    expect(office.locator("#board-counts")).to_contain_text("应报 2 家，已报送 1 家（其中审核通过 1 家）")
    expect(office.locator(f"#board tr[data-org='{bank.pk}'] .state")).to_have_text("审核通过")
    office.screenshot(path=str(SCREENSHOTS / "returns-board.png"), full_page=True)
    office.goto(f"{base}/returns/periods/{period.pk}/aggregate/")
    expect(office.locator("#aggregate tr[data-code=D01] .total")).to_have_text("120")
    expect(office.locator("#aggregate tr[data-code=R01] .total")).to_have_text("52.3")
    office.screenshot(path=str(SCREENSHOTS / "returns-aggregate.png"), full_page=True)
    with office.expect_download() as export:
        office.click("#aggregate-export")
    with open(export.value.path(), "rb") as handle:
        rows = list(openpyxl.load_workbook(io.BytesIO(handle.read())).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("D01", "员工总数", None, "120")
