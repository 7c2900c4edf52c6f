"""A liaison uploads their institution's messy roster in a real browser, sees the preview
with errors by row, commits the good rows when the importer chooses to leave the bad ones out and downloads the copy with the errors marked."""

import openpyxl
from playwright.sync_api import expect

from rencai.conftest import make_user
from rencai.core.roles import Role
from rencai.core.tests.test_imports import good_row, write_roster
from rencai.orgs.models import Organization
from rencai.talents.models import Talent
from rencai.tests.test_browser import SCREENSHOTS, _log_in, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_talents import _dictionary, _new_page


def test_liaison_imports_a_messy_roster(transactional_db, live_server, browser, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _dictionary()
    bank = Organization.objects.create(name="甲银行济南分行", kind="bank")
    make_user("liaison_i", Role.LIAISON, bank)
    rows = [
        good_row(1),
        good_row(3, name="李 娜", **{"人才类别": "金融商務人才", "联系电话": "+86 138 0013 8000"}),
        good_row(5, **{"公民身份号码": "110105198503071231"}),
        good_row(7, **{"电子邮箱": "not-an-email"}),
        ["合计", "", "", "", "", "", "", "", "", "", "", ""],
    ]
    roster = write_roster(tmp_path / "花名册.xlsx", rows)

    page = _new_page(browser)
    _log_in(page, live_server.url, "liaison_i")
    page.click("a[data-nav=talents]")
    page.click("#import-link")
    page.set_input_files("#id_file", roster)
    page.click("#upload-form button[type=submit]")
    expect(page.locator("#job-status")).to_have_text("待确认导入")
    expect(page.locator("#count-valid")).to_have_text("2")
    expect(page.locator("#count-rejected")).to_have_text("2")
    errors = page.locator("#error-table")
    expect(errors).to_contain_text("身份证号码校验位错误")
    expect(errors).to_contain_text("电子邮箱格式不正确")
    assert errors.locator("tbody tr td:first-child").all_inner_texts() == ["6", "7"]
    page.screenshot(path=str(SCREENSHOTS / "import-preview.png"), full_page=True)
    assert Talent.objects.count() == 0

    with page.expect_download() as download:
        page.click("#error-copy-link")
    with open(download.value.path(), "rb") as handle:
        copy = openpyxl.load_workbook(handle)
    sheet = copy.active
    error_column = [c.column for c in sheet[3] if c.value == "错误说明"][0]
    assert "校验位" in sheet.cell(row=6, column=error_column).value
    assert not sheet.cell(row=4, column=error_column).value

    expect(page.locator("#all-or-nothing-note")).to_contain_text("默认整份文件不导入")
    expect(page.locator("#commit-valid-button")).to_contain_text("略过 2 行")
    page.click("#commit-valid-button")
    expect(page.locator("#job-status")).to_have_text("已导入")
    expect(page.locator("#job-message")).to_contain_text("新增 2 条")
    page.screenshot(path=str(SCREENSHOTS / "import-done.png"), full_page=True)
    assert set(Talent.objects.values_list("name", flat=True)) == {"张志强", "李娜"}
    assert Talent.objects.get(name="李娜").mobile == "13800138000"
