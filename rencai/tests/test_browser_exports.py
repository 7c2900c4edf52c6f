"""A liaison exports a list above the background threshold in a real browser: the page
shows the queued job, the worker writes the file, the page refreshes itself to the
download, the file holds the liaison's institution only, and the message centre says
导出已完成."""

import openpyxl
from django.core.management import call_command
from playwright.sync_api import expect

from rencai.conftest import make_user
from rencai.core.models import ExportJob, ExportStatus
from rencai.core.roles import Role
from rencai.orgs.models import Organization
from rencai.tests.test_browser import SCREENSHOTS, _log_in, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_talents import _dictionary, _new_page, _talent


def test_liaison_downloads_a_background_export(transactional_db, live_server, browser, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RENCAI_EXPORT_BACKGROUND_ROWS = 1
    settings.CACHES = {
        **settings.CACHES,
        "imports": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "state"),
        },
    }
    d = _dictionary()
    bank = Organization.objects.create(name="浏览器导出甲银行", kind="bank")
    other = Organization.objects.create(name="浏览器导出乙银行", kind="bank")
    make_user("liaison_x", Role.LIAISON, bank)
    _talent("王明", bank, 1, d["JR"])
    _talent("赵敏", bank, 3, d["JR"])
    _talent("李四", other, 5, d["JR"])

    page = _new_page(browser)
    _log_in(page, live_server.url, "liaison_x")
    page.click("a[data-nav=talents]")
    page.click("#export-link")
    expect(page.locator("#job-status")).to_have_text("排队中")
    expect(page.locator("#export-progress")).to_contain_text("等待后台任务处理")
    job = ExportJob.objects.get()
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert ExportJob.objects.get(pk=job.pk).status == ExportStatus.DONE
    # htmx polls the progress every second; the finished job reloads the page
    expect(page.locator("#job-status")).to_have_text("已完成")
    expect(page.locator("#job-message")).to_contain_text("共 2 行")
    page.screenshot(path=str(SCREENSHOTS / "export-ready.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#download-link")
    assert download.value.suggested_filename.startswith("talents-")
    with open(download.value.path(), "rb") as handle:
        sheet = openpyxl.load_workbook(handle).active
    headers = [c.value for c in sheet[1]]
    names = [row[headers.index("姓名")].value for row in sheet.iter_rows(min_row=2)]
    assert sorted(names) == ["王明", "赵敏"]
    page.goto(f"{live_server.url}/accounts/messages/")
    expect(page.locator("body")).to_contain_text("导出已完成")
