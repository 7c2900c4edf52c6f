"""Issue 23 (part A): on the demo data, each role logs in at desktop (1366) and phone (390)
width, finds exactly its own menu (no placeholder page), opens every entry, and no page
scrolls sideways. A talent's own page and the message centre are looked at on a phone.

Screenshots go to ``RENCAI_SHOTS`` (default ``test-results/menus``)."""

import os
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

from django.core.management import call_command
from playwright.sync_api import expect

from rencai.accounts.demo import DEMO_PASSWORD
from rencai.accounts.models import User
from rencai.core.menus import menu_for
from rencai.core.todos import todos_for
from rencai.tests.test_browser import SCREENSHOTS, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_friction import _problems

SHOTS = Path(os.environ.get("RENCAI_SHOTS", str(SCREENSHOTS / "menus")))

TALENT = {
    "portal",
    "messages",
    "talents",
    "honours",
    "change-requests",
    "training-classes",
    "enrollments",
    "videos",
    "service-duties",
    "service-requests",
    "campaigns",
    "applications",
}
EXPERT = {"home", "messages", "reviews", "score-sheets"}
#: 目标考核与示范点: the units' liaisons take part, leaders and the office follow it.
ASSESSMENT = {
    "assessment-schemes",
    "assessment-rounds",
    "unit-assessments",
    "assessment-appeals",
    "site-programmes",
    "demonstration-sites",
    "site-acceptances",
}
LIAISON = ASSESSMENT | {
    "home",
    "messages",
    "leader",
    "talents",
    "honours",
    "change-requests",
    "pools",
    "pool-memberships",
    "service-duties",
    "visits",
    "service-requests",
    "campaigns",
    "applications",
    "objections",
    "unit-awards",
    "training-programmes",
    "training-classes",
    "enrollments",
    "videos",
    "own-trainings",
    "submissions",
    "liaisons",
    "info-items",
    "commissions",
    "periodical-issues",
    "instructions",
    "payments",
    "allowance-holders",
    "alliances",
    "chair-terms",
    "joint-activities",
    "outreach-lectures",
    "secondments",
    "agreements",
    "internships",
    "research-topics",
    "talent-projects",
    "project-tasks",
    "supervision-notices",
    "organizations",
}
LEADER = ASSESSMENT | {
    "pool-memberships",
    "home",
    "messages",
    "leader",
    "talents",
    "honours",
    "pools",
    "contact-leaders",
    "service-duties",
    "visits",
    "service-requests",
    "reviews",
    "campaigns",
    "unit-awards",
    "training-programmes",
    "training-classes",
    "own-trainings",
    "return-forms",
    "submissions",
    "info-items",
    "periodical-issues",
    "instructions",
    "funds",
    "payments",
    "allowance-schemes",
    "alliances",
    "joint-activities",
    "secondments",
    "agreements",
    "research-topics",
    "talent-projects",
    "project-tasks",
    "supervision-notices",
    "targets",
    "generated-documents",
    "organizations",
}
OFFICE = (
    LEADER
    | LIAISON
    | {
        "pool-batches",
        "draws",
        "score-sheets",
        "declarations",
        "historic-results",
        "lecturers",
        "return-periods",
        "periodicals",
        "budget-lines",
        "budget-adjustments",
        "payment-batches",
        "alliance-members",
        "departments",
        "users",
        "dictionary",
        "service-rules",
        "rubrics",
        "hours-rules",
        "score-rules",
        "allowance-rules",
        "award-rules",
        "document-templates",
        "api-docs",
    }
)
ROLES = {"office": OFFICE, "leader": LEADER, "liaison_icbc": LIAISON, "expert": EXPERT, "talent": TALENT}
#: Pages whose own content is wider than a phone by design (none so far).
WIDE_BY_DESIGN: set[str] = set()

OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def _log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()


def test_each_role_walks_its_menu_at_desktop_and_phone_width(
    transactional_db,
    live_server,
    browser,  # noqa: F811 - the fixture's value
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo", stdout=StringIO())
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    overflowing: list[str] = []
    unreadable: list[str] = []  # ISO timestamps, Python values, pk columns
    # Whatever waits for a user is reachable from their menu (its count shows there).
    for username in ROLES:
        user = User.objects.get(username=username)
        paths = {urlsplit(e.url).path for g in menu_for(user, []) for e in g.entries}
        for todo in todos_for(user):
            assert urlsplit(todo.url).path in paths, (username, todo.title, todo.url)
    for username, expected in ROLES.items():
        for width, height in ((1366, 900), (390, 844)):
            context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height})
            page = context.new_page()
            page.set_default_timeout(20_000)
            _log_in(page, base, username)
            tag = f"{username}-{width}"
            keys = page.eval_on_selector_all("#menu a[data-nav]", "links => links.map(a => a.dataset.nav)")
            assert len(keys) == len(set(keys)), (tag, keys)
            assert set(keys) == expected, (tag, sorted(set(keys) - expected), sorted(expected - set(keys)))
            menu_text = page.inner_text("#side-nav") if width > 400 else page.text_content("#side-nav")
            assert "业务模块" not in menu_text and "/m/" not in page.content()
            if width < 768:
                expect(page.locator("#side-nav")).to_be_hidden()
                page.click("#menu-toggle")
                page.wait_for_selector("#side-nav.collapse.show")
                expect(page.locator("#side-nav")).to_be_visible()
            page.screenshot(path=str(SHOTS / f"{tag}-menu.png"), full_page=True)
            hrefs = page.eval_on_selector_all(
                "#menu a[data-nav]", "links => links.map(a => [a.dataset.nav, a.getAttribute('href')])"
            )
            for key, href in hrefs:
                response = page.goto(f"{base}{href}")
                assert response is not None and response.status == 200, (tag, key, response and response.status)
                assert "该业务模块正在建设中" not in page.content(), (tag, key)
                if width > 400:
                    unreadable += [f"{tag} {key} {href}: {problem}" for problem in _problems(page)]
                excess = page.evaluate(OVERFLOW)
                if excess > 0 and key not in WIDE_BY_DESIGN:
                    overflowing.append(f"{tag} {key} {href} +{excess}px")
                    page.screenshot(path=str(SHOTS / f"{tag}-{key}-overflow.png"), full_page=True)
                elif width < 768 or key in ("portal", "messages", "leader", "talents"):
                    page.screenshot(path=str(SHOTS / f"{tag}-{key}.png"), full_page=False)
            context.close()
    assert not overflowing, "pages wider than the screen:\n" + "\n".join(overflowing)
    assert not unreadable, "pages a person cannot read plainly:\n" + "\n".join(unreadable)


def test_talent_on_a_phone_reads_messages_and_finds_password_help(
    transactional_db,
    live_server,
    browser,  # noqa: F811 - the fixture's value
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo", stdout=StringIO())
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{base}/accounts/login/")
    page.click("#forgot-password-link")
    expect(page.locator("#forgot-password")).to_contain_text("系统管理员")
    assert page.evaluate(OVERFLOW) <= 0
    page.screenshot(path=str(SHOTS / "anonymous-390-forgot-password.png"), full_page=True)

    _log_in(page, base, "talent")
    expect(page.locator("#card-training")).to_contain_text("结业证书")
    unread = int(page.inner_text("#unread-count"))
    assert unread >= 1
    page.click("#header-messages")
    expect(page.locator("#message-list")).to_contain_text("欢迎使用消息中心")
    assert page.evaluate(OVERFLOW) <= 0
    page.screenshot(path=str(SHOTS / "talent-390-message-centre.png"), full_page=True)
    page.locator("#message-list li", has_text="欢迎使用消息中心").locator("button").click()
    expect(page.locator("#notice-settings-form")).to_be_visible()
    assert (
        int(page.inner_text("#unread-count") or 0) == unread - 1
        if unread > 1
        else not page.query_selector("#unread-count")
    )
    page.screenshot(path=str(SHOTS / "talent-390-notice-settings.png"), full_page=True)
    context.close()
