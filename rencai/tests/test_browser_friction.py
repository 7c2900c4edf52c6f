"""A clerk's working day without friction (issue 23, items 4 to 7), in a real browser.

On the demo data: every page the office and a liaison reach from the menu (and the first
record of every list) reads in plain Chinese — no ISO timestamp, no Python list or dict,
no "pk" column — and fits a phone; the language menu says "English"; forms fit the data;
the office confirms enrolments in a batch from the to-do's filtered list; a signed draw
offers no 删除 and its public check opens without log-in once the review is closed. On a
small return of its own: the fill page's findings follow the cells as they are corrected,
and 报送 names the warning."""

import re
from io import StringIO

from django.core.management import call_command
from playwright.sync_api import expect

from rencai.accounts.demo import DEMO_PASSWORD
from rencai.evaluation.models import Draw, DrawState, Review, ReviewState
from rencai.returns.models import Submission
from rencai.selections.models import Campaign
from rencai.tests.test_browser import SCREENSHOTS, _log_in, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_returns import _world
from rencai.tests.test_browser_talents import _new_page
from rencai.training.models import Enrollment, EnrolmentState

ISO_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")
PYTHON_REPR = re.compile(r"\{'|\['|'\]|\[\]|\{\}|\bNone\b")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}


def _log_in_demo(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_load_state()


def _page(browser, viewport):  # noqa: F811 - the fixture's value
    page = browser.new_page(locale="zh-CN", viewport=viewport, accept_downloads=True)
    page.set_default_timeout(15_000)
    return page


def _problems(page) -> list[str]:
    """What a person should not have to read on this page."""
    text = page.inner_text("body")
    found = []
    if match := ISO_TIME.search(text):
        found.append(f"ISO time {match.group()}")
    if match := PYTHON_REPR.search(text):
        found.append(f"Python value …{text[max(0, match.start() - 30) : match.end() + 30]}…")
    headers = page.eval_on_selector_all("th", "els => els.map(e => e.innerText.trim().toLowerCase())")
    if {"pk", "id"} & set(headers):
        found.append("a pk column")
    return found


def _overflows(page) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1"))


def _menu_links(page) -> list[str]:
    links = page.eval_on_selector_all("#side-nav a", "els => els.map(e => e.getAttribute('href'))")
    return [u for u in links if u and u.startswith("/") and not u.startswith("/api/")]


def _walk(page, base: str, who: str) -> tuple[int, list[str]]:
    """Every menu page and the first record of every list: (pages seen, problems)."""
    seen: list[str] = []
    problems: list[str] = []
    queue = _menu_links(page)
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.append(url)
        response = page.goto(f"{base}{url}")
        assert response is not None and response.status < 500, (who, url)
        if "text/html" not in (response.headers.get("content-type") or ""):
            continue
        problems += [f"{who} {url}: {p}" for p in _problems(page)]
        if url.startswith("/o/") and url.count("/") == 3:
            first = page.eval_on_selector_all("#object-table tbody a", "els => els.map(e => e.getAttribute('href'))")
            if first:
                queue.insert(0, first[0])
    return len(seen), problems


def test_the_demo_reads_plainly_and_works_in_batches(transactional_db, live_server, browser, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo", stdout=StringIO())
    base = live_server.url
    SCREENSHOTS.mkdir(exist_ok=True)

    # --- item 6: plain Chinese on every page the office and a liaison reach ---------------
    office = _page(browser, DESKTOP)
    _log_in_demo(office, base, "office")
    languages = office.eval_on_selector_all("select[name=language] option", "els => els.map(e => e.innerText)")
    assert languages == ["简体中文", "English"]
    count, problems = _walk(office, base, "office")
    liaison = _page(browser, DESKTOP)
    _log_in_demo(liaison, base, "liaison_icbc")
    liaison_count, liaison_problems = _walk(liaison, base, "liaison")
    assert count > 100 and liaison_count > 20
    assert not problems + liaison_problems, "\n".join(problems + liaison_problems)

    # --- item 7: a liaison's leader view is their institution's ---------------------------
    liaison.goto(f"{base}/dashboards/")
    expect(liaison.locator("#scope-label")).to_have_text("中国工商银行股份有限公司济南分行")
    office.goto(f"{base}/dashboards/")
    expect(office.locator("#matrix thead")).to_contain_text("未定层级")
    for row in office.locator("#matrix tbody tr").all():
        values = [int(v) for v in row.locator("a.figure").evaluate_all("els => els.map(e => e.dataset.value)")]
        assert sum(values[:-1]) == values[-1], values

    # --- item 7: a campaign links by its name --------------------------------------------
    campaign = Campaign.objects.order_by("pk").first()
    office.goto(f"{base}/o/campaigns/")
    expect(office.locator(f"#object-table a[href='/o/campaigns/{campaign.pk}/']")).to_have_text(campaign.name)

    # --- item 5: forms fit the data --------------------------------------------------------
    office.goto(f"{base}/o/talents/new/")
    for name in ("id_number", "mobile", "email"):
        assert office.locator(f"[name={name}]").evaluate("e => e.tagName") == "INPUT", name
    assert office.locator("[name=birth_date]").get_attribute("type") == "date"
    organization = office.locator("select[name=organization]")
    total = organization.locator("option").count()
    assert total > 12
    box = organization.locator("xpath=preceding-sibling::input[contains(@class, 'choice-filter')][1]")
    box.fill("齐鲁银行")
    visible = organization.evaluate("s => Array.from(s.options).filter(o => !o.hidden).map(o => o.text)")
    assert visible and len(visible) < total and all("齐鲁银行" in text for text in visible if text.strip("-"))
    office.screenshot(path=str(SCREENSHOTS / "friction-talent-form.png"), full_page=True)

    # --- item 4 and 7: the to-do opens the filtered list; confirm in a batch --------------
    pending = Enrollment.objects.filter(state=EnrolmentState.PENDING).count()
    assert pending >= 1
    office.goto(f"{base}/")
    office.get_by_role("link", name=re.compile("待确认的培训报名")).click()
    assert "state=pending" in office.url
    expect(office.locator("#list-count")).to_have_text(f"共 {pending} 条")
    office.select_option("#per-page", "50")
    office.wait_for_url(re.compile(r"per_page=50"))
    assert "state=pending" in office.url and "per_page=50" in office.url  # the filter survives
    office.check("#select-all")
    expect(office.locator("#selected-count")).to_have_text(f"已选 {pending} 条")
    office.select_option("#batch-action", "confirm")
    office.click("#batch-run")
    expect(office.locator("h1")).to_contain_text(f"已选 {pending} 条")
    office.click("#batch-confirm")
    expect(office.locator(".alert-success")).to_contain_text("确认报名")
    assert "state=pending" in office.url and "per_page=50" in office.url  # back to the same list
    assert Enrollment.objects.filter(state=EnrolmentState.PENDING).count() < pending

    # --- item 7: a signed draw offers no 删除; its public check ---------------------------
    draw = Draw.objects.filter(state=DrawState.SIGNED).select_related("review").first()
    assert draw is not None
    office.goto(f"{base}/o/draws/{draw.pk}/")
    expect(office.locator("a[href='delete/']")).to_have_count(0)
    expect(office.locator("#history")).to_contain_text("抽取条件：评审“")
    Review.objects.filter(pk=draw.review_id).update(state=ReviewState.CLOSED)
    for viewport, name in ((DESKTOP, "1366"), (PHONE, "390")):
        visitor = _page(browser, viewport)  # nobody logged in
        visitor.goto(f"{base}/evaluation/draws/{draw.pk}/verify/")
        expect(visitor.locator("h1")).to_contain_text("专家抽取公开验证")
        expect(visitor.locator("#checks")).not_to_contain_text("不一致")
        expect(visitor.locator("#parameters-text")).to_contain_text("抽取")
        assert not _overflows(visitor), f"the public check overflows at {name}px"
        visitor.screenshot(path=str(SCREENSHOTS / f"friction-draw-verify-{name}.png"), full_page=True)
        visitor.close()

    # --- phone width: the pages a clerk uses most fit the screen -----------------------------
    phone = _page(browser, PHONE)
    _log_in_demo(phone, base, "office")
    submission = Submission.objects.order_by("pk").first()
    for url in (
        "/",
        "/o/enrollments/?state=pending",
        "/o/talents/",
        "/o/talents/new/",
        f"/o/draws/{draw.pk}/",
        f"/returns/submissions/{submission.pk}/",
        f"/returns/periods/{submission.period_id}/board/",
        "/dashboards/",
    ):
        phone.goto(f"{base}{url}")
        assert not _overflows(phone), f"{url} overflows at 390px"
    phone.goto(f"{base}/o/enrollments/")
    phone.screenshot(path=str(SCREENSHOTS / "friction-list-390.png"), full_page=True)


def test_the_fill_page_follows_the_cells_and_submit_names_the_warning(transactional_db, live_server, browser):  # noqa: F811
    bank, period = _world()
    submission = Submission.objects.get(organization=bank)
    base = live_server.url
    liaison = _new_page(browser)
    _log_in(liaison, base, "liaison_r")
    liaison.goto(f"{base}/returns/submissions/{submission.pk}/")
    liaison.fill("[name=v_D01]", "120")
    liaison.fill("[name=v_E01]", "30")
    liaison.fill("[name=v_E02]", "80")  # 30 + 80 ≠ 120
    expect(liaison.locator("#findings")).to_contain_text("按学历合计应等于员工总数")  # before saving
    liaison.fill("[name=v_E02]", "90")
    expect(liaison.locator("#findings")).not_to_contain_text("按学历合计应等于员工总数")
    liaison.fill("[name=v_D01]", "一百二")
    expect(liaison.locator("#findings")).to_contain_text("应为整数")
    liaison.fill("[name=v_D01]", "120")
    expect(liaison.locator("#findings")).not_to_contain_text("应为整数")
    liaison.click("#save-values")
    expect(liaison.locator(".alert-success")).to_contain_text("已保存")
    liaison.click("#submit-link")
    expect(liaison.locator("h1")).to_contain_text("报送")
    # the 报送 page names what still stands in the way, before anything is sent
    expect(liaison.locator("#action-notes")).to_contain_text("未通过校验（须先修改）")
    expect(liaison.locator("#action-notes")).to_contain_text("培训经费支出")
    liaison.go_back()
    liaison.fill("[name=v_R01]", "45.5")
    expect(liaison.locator("#findings")).to_be_hidden()  # nothing left to correct
    liaison.click("#save-values")
    liaison.click("#submit-link")
    expect(liaison.locator("#action-notes")).to_have_count(0)
    liaison.click("#action-form button[type=submit]")
    expect(liaison.locator("#detail-table")).to_contain_text("已报送")
    submission.refresh_from_db()
    assert submission.state == "submitted"
    office = _new_page(browser)
    _log_in(office, base, "office_r")
    office.goto(f"{base}/returns/periods/{period.pk}/board/")
    office.on("dialog", lambda dialog: dialog.accept())
    office.click("#remind-button")
    expect(office.locator(".alert-success")).to_contain_text("发出催报")
