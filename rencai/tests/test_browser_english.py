"""The interface in English (issue 23, item 6): an office user logs in, switches the
language to English and opens pages of the apps added last (projects, funds, bulletins,
cooperation, assessment): no Chinese is left in the menu, the page headings, the table headers or the
action buttons. Records' own names (an institution, a task title) are data and stay as
entered, so the checks look only at what the interface itself writes."""

import re
from datetime import date, timedelta

from django.utils import timezone

from rencai.assessment.models import AssessmentRound, AssessmentScheme
from rencai.conftest import make_user
from rencai.cooperation.models import Alliance, AllianceMember
from rencai.core.roles import Role
from rencai.orgs.models import Organization
from rencai.projects.models import ProjectTask, TalentProject
from rencai.tests.test_browser import SCREENSHOTS, _log_in, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_talents import _new_page

HAN = re.compile(r"[\u3400-\u9fff]+")
#: The names of the records this test creates (data, not interface text) all begin so.
DATA = re.compile(r"英文测试[\u3400-\u9fff]*")

#: List pages of the new apps and their own pages.
PAGES = [
    "/o/talent-projects/",
    "/o/project-tasks/",
    "/o/supervision-notices/",
    "/projects/board/",
    "/o/funds/",
    "/o/payments/",
    "/o/allowance-schemes/",
    "/funds/report/",
    "/o/info-items/",
    "/o/periodical-issues/",
    "/o/liaisons/",
    "/bulletins/ranking/",
    "/bulletins/coverage/",
    "/o/alliances/",
    "/o/secondments/",
    "/o/agreements/",
    "/o/research-topics/",
    "/cooperation/calendar/",
    "/cooperation/participation/",
    "/o/assessment-schemes/",
    "/o/assessment-rounds/",
    "/o/demonstration-sites/",
]


def _chinese_in(page, selector: str) -> list[str]:
    """Texts of ``selector`` with Chinese in them, not counting this test's own records
    (their names all begin with 英文测试)."""
    texts = page.locator(selector).all_inner_texts()
    return [text.strip() for text in texts if HAN.search(DATA.sub("", text))]


def test_office_reads_the_new_apps_in_english(transactional_db, live_server, browser):  # noqa: F811
    office_org = Organization.objects.create(name="英文测试金融办", kind="government")
    bank = Organization.objects.create(name="英文测试银行", kind="bank")
    make_user("office_en", Role.OFFICE, office_org)
    today = timezone.localdate()
    project = TalentProject.objects.create(
        name="英文测试人才工程", starts_year=today.year, ends_year=today.year + 1, lead_unit=office_org
    )
    task = ProjectTask.objects.create(
        project=project,
        title="英文测试任务",
        organization=bank,
        owner="张三",
        starts_on=today,
        due_on=today + timedelta(days=60),
    )
    alliance = Alliance.objects.create(name="英文测试联盟", founded_on=date(today.year - 1, 1, 1), term_months=12)
    AllianceMember.objects.create(
        alliance=alliance, organization=bank, rotation_order=1, joined_on=date(today.year - 1, 1, 1)
    )
    scheme = AssessmentScheme.objects.create(name="英文测试考核方案", year=today.year, unit_class="bank")
    round_ = AssessmentRound.objects.create(
        scheme=scheme, title="英文测试考核批次", self_due_on=today + timedelta(days=30)
    )
    base = live_server.url

    page = _new_page(browser)
    _log_in(page, base, "office_en")
    page.goto(f"{base}/o/talent-projects/")
    # The selectors do find the interface's text: in Chinese they hold Chinese.
    assert _chinese_in(page, "#side-nav .nav-link") and _chinese_in(page, "main h1")
    page.select_option("select[name=language]", "en")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.lang") == "en"

    menu = _chinese_in(page, "#side-nav .nav-link, #side-nav .nav-heading")
    assert not menu, f"menu entries still in Chinese: {menu}"

    problems: dict[str, list[str]] = {}
    for path in PAGES:
        response = page.goto(base + path)
        assert response is not None and response.status == 200, path
        found = _chinese_in(page, "main h1, main h2, main h3, main th, main .btn, main label")
        if found:
            problems[path] = found
    page.screenshot(path=str(SCREENSHOTS / "english-cooperation-participation.png"), full_page=True)

    # A detail page: field labels, related sections and the actions (declared at import,
    # translated when shown) are English; the task's own title stays as entered.
    page.goto(f"{base}/o/project-tasks/{task.pk}/")
    found = _chinese_in(page, "main th, main .btn, main h2, main h3")
    if found:
        problems["task detail"] = found
    assert page.locator("a[data-action=assign]").inner_text().strip() == "Assign"
    page.screenshot(path=str(SCREENSHOTS / "english-project-task.png"), full_page=True)

    page.goto(f"{base}/o/alliances/{alliance.pk}/")
    found = _chinese_in(page, "main th, main .btn, main h2, main h3")
    if found:
        problems["alliance detail"] = found
    assert page.locator("a[data-action=start_rotation]").inner_text().strip() == "Start rotation"

    # An assessment round: its actions (declared at import) and its ranking page.
    page.goto(f"{base}/o/assessment-rounds/{round_.pk}/")
    found = _chinese_in(page, "main th, main .btn, main h2, main h3")
    if found:
        problems["assessment round detail"] = found
    launch = page.locator("a[data-action=launch]").inner_text().strip()
    assert launch == "Open self-assessment for all organisations of this class"
    page.goto(f"{base}/assessment/rounds/{round_.pk}/ranking/")
    found = _chinese_in(page, "main h1, main th, main .btn")
    if found:
        problems["assessment ranking"] = found

    assert not problems, f"Chinese left in the English interface: {problems}"
