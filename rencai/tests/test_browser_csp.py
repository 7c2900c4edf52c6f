"""Issue 16: every page is served with a Content Security Policy (default-src 'self',
scripts only from the platform or with the request's nonce) and the pages still work
under it: a real browser reports no violation, the leader view's charts draw, the print
button and the language switch (once inline handlers) still act."""

import os

from playwright.sync_api import expect

from rencai.conftest import PASSWORD, make_user
from rencai.core.roles import Role
from rencai.orgs.models import Organization
from rencai.talents.models import DictionaryEntry, Talent
from rencai.tests.test_browser import browser  # noqa: F401 - ``browser`` is a fixture

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_pages_have_no_csp_violations(transactional_db, live_server, browser):  # noqa: F811
    office_org = Organization.objects.create(name="CSP测试金融办", kind="government")
    bank = Organization.objects.create(name="CSP测试银行", kind="bank")
    make_user("office_csp", Role.OFFICE, office_org)
    category = DictionaryEntry.objects.create(kind="category", code="JR", name="金融商务人才")
    DictionaryEntry.objects.create(kind="tier", code="LJ", name="领军人才")
    talent = Talent(name="张志强", organization=bank, category=category)
    talent.save()
    base = live_server.url

    page = browser.new_page(locale="zh-CN")
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text or message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: violations.append(f"{page.url}: {error}"))

    response = page.goto(f"{base}/accounts/login/")
    csp = response.headers["content-security-policy"]
    assert (
        "default-src 'self'" in csp
        and "script-src 'self' 'nonce-" in csp
        and "unsafe-inline" not in csp.split("style-src-attr")[0]
    )
    page.fill("#id_username", "office_csp")
    page.fill("#id_password", PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#current-user")).to_contain_text("office_csp")

    for path in (
        "/",
        "/o/talents/",
        f"/o/talents/{talent.pk}/",
        "/o/organizations/",
        "/imports/talents/new/",
        "/accounts/password/",
        "/api/docs/",
    ):
        response = page.goto(base + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")

    page.goto(f"{base}/dashboards/")
    page.wait_for_load_state("networkidle")
    expect(page.locator("#chart-tiers canvas, #chart-tiers svg").first).to_be_attached()

    page.goto(f"{base}/o/talents/")
    page.evaluate(
        "window.__printed = 0; window.__clicks = 0; window.print = () => { window.__printed += 1; };"
        "document.addEventListener('click', () => { window.__clicks += 1; });"
    )
    page.click("[data-print]")
    assert page.evaluate("window.__printed") == 1, page.evaluate("window.__clicks")
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "en"
    assert not violations, violations
