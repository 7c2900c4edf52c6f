"""One real browser walk: log in, list institutions, filter, create one, find it in the
audit viewer as the security auditor (after enrolling a real TOTP second factor with a one-time enrolment code)."""

import base64
import os
import shutil
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import sync_playwright

from rencai.accounts.services import issue_enrolment_code
from rencai.conftest import PASSWORD, make_user
from rencai.core.roles import Role
from rencai.orgs.models import Organization

# Playwright's sync API runs an event loop in this thread; the ORM calls here are plain
# synchronous test set-up.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser():
    executable = shutil.which("chromium")
    assert executable, "chromium is required: apt-get install -y chromium"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")


def test_office_creates_institution_and_auditor_sees_it(transactional_db, live_server, browser):
    office_org = Organization.objects.create(name="浏览器测试金融办", kind="government")
    Organization.objects.create(name="浏览器测试证券公司", kind="securities")
    Organization.objects.create(name="浏览器测试保险公司", kind="insurance")
    make_user("office_b", Role.OFFICE, office_org)
    auditor_user = make_user("auditor_b", Role.AUDITOR, office_org)
    code = issue_enrolment_code(auditor_user)
    SCREENSHOTS.mkdir(exist_ok=True)
    base = live_server.url

    page = browser.new_page(locale="zh-CN")
    _log_in(page, base, "office_b")
    page.click("a[data-nav=organizations]")
    page.select_option("#id_kind", "securities")
    page.click("#filter-form button[type=submit]")
    table = page.locator("#object-table")
    assert "浏览器测试证券公司" in table.inner_text()
    assert "浏览器测试保险公司" not in table.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "organizations-filtered.png"), full_page=True)

    page.click("#create-link")
    page.fill("#id_name", "浏览器新建期货公司")
    page.select_option("#id_kind", "futures")
    page.fill("#id_credit_code", "91350100M000100Y44")
    page.click("#object-form button[type=submit]")
    assert "统一社会信用代码校验位错误" in page.locator(".field-error").inner_text()
    page.fill("#id_credit_code", "91350100M000100Y43")
    page.click("#object-form button[type=submit]")
    assert "已保存" in page.inner_text("main")
    page.screenshot(path=str(SCREENSHOTS / "organization-created.png"), full_page=True)
    assert Organization.objects.filter(name="浏览器新建期货公司", credit_code="91350100M000100Y43").exists()

    auditor = browser.new_page(locale="zh-CN")
    _log_in(auditor, base, "auditor_b")
    auditor.fill("#id_code", code)
    auditor.click("form button[type=submit]")
    secret = auditor.locator("#otp-secret").inner_text()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    auditor.fill("#id_token", f"{TOTP(key).token():06d}")
    auditor.click("form button[type=submit]")
    auditor.goto(f"{base}/audit/")
    auditor.fill("#id_object_repr", "浏览器新建期货公司")
    auditor.select_option("#id_action", "create")
    auditor.click("form.filter-form button")
    rows = auditor.locator("#audit-table tbody").inner_text()
    assert "浏览器新建期货公司" in rows and "office_b" in rows
    auditor.screenshot(path=str(SCREENSHOTS / "audit-viewer.png"), full_page=True)
