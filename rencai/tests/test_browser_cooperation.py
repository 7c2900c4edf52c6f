"""Cooperation in a real browser (issue 21's "Done means"): the office sets up an alliance of
five members and its rotation, the chair passes at the end of the term, a joint activity
is recorded with participants from three members, a secondment runs from its start to the
receiving unit's evaluation, and the figures appear on the leader view."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from rencai.conftest import make_user, valid_id_number
from rencai.cooperation.models import Alliance, ChairTerm, JointActivity, Secondment, SecondmentState
from rencai.core.roles import Role
from rencai.orgs.models import Organization
from rencai.talents.models import DictionaryEntry, Talent
from rencai.tests.test_browser import SCREENSHOTS, _log_in, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_talents import _new_page

UNITS = [
    ("联盟测试银行", "bank"),
    ("联盟测试证券", "securities"),
    ("联盟测试期货", "futures"),
    ("联盟测试保险", "insurance"),
    ("联盟测试金融科技", "fintech"),
]


def _world():
    category = DictionaryEntry.objects.create(kind="category", code="JR", name="金融商务人才")
    office_org = Organization.objects.create(name="联盟测试金融办", kind="government")
    units = [Organization.objects.create(name=name, kind=kind) for name, kind in UNITS]
    make_user("office_c", Role.OFFICE, office_org)
    make_user("leader_c", Role.LEADER, office_org)
    make_user("liaison_c", Role.LIAISON, units[0])
    account = make_user("talent_c", Role.TALENT, units[1], full_name_override="挂职人员甲")
    talents = []
    for n, unit in enumerate(units[:3]):
        talent = Talent(
            name=f"党员{n + 1}",
            organization=unit,
            id_number=valid_id_number("19900101", 2 * n + 1),
            category=category,
            user=account if n == 1 else None,
        )
        talent.full_clean()
        talent.save()
        talents.append(talent)
    return office_org, units, talents


def _submit(page) -> None:
    page.click("#object-form button[type=submit]")


def _act(page, base: str, url: str, label: str, fields: dict[str, str] | None = None) -> None:
    page.goto(f"{base}{url}")
    page.get_by_role("link", name=label).click()
    for selector, value in (fields or {}).items():
        if page.locator(selector).evaluate("e => e.tagName") == "SELECT":
            page.select_option(selector, value)
        else:
            page.fill(selector, value)
    page.click("#action-form button[type=submit]")


def test_alliance_rotation_activity_secondment_and_leader_figures(transactional_db, live_server, browser):  # noqa: F811
    office_org, units, talents = _world()
    base = live_server.url
    today = timezone.localdate()

    office = _new_page(browser)
    _log_in(office, base, "office_c")
    office.goto(f"{base}/o/alliances/new/")
    office.fill("#id_name", "测试金融港湾党建联盟")
    office.fill("#id_founded_on", (today - timedelta(days=800)).isoformat())
    office.fill("#id_term_months", "12")
    _submit(office)
    expect(office.locator("#detail-table")).to_contain_text("测试金融港湾党建联盟")
    alliance = Alliance.objects.get()
    for order, unit in enumerate(units, start=1):
        office.goto(f"{base}/o/alliance-members/new/?alliance={alliance.pk}")
        office.select_option("#id_alliance", str(alliance.pk))
        office.select_option("#id_organization", str(unit.pk))
        office.fill("#id_rotation_order", str(order))
        office.fill("#id_joined_on", (today - timedelta(days=800)).isoformat())
        _submit(office)
        expect(office.locator("#detail-table")).to_contain_text(unit.name)
    assert alliance.members.count() == 5

    # The rotation: the first term started more than a year ago, so it is due.
    start = today - timedelta(days=400)
    _act(office, base, f"/o/alliances/{alliance.pk}/", "开始轮值", {"#id_starts_on": start.isoformat()})
    expect(office.locator(".alert-success")).to_contain_text(f"第1届轮值主席单位为{units[0].name}")
    expect(office.locator("#section-alliance-members")).to_contain_text(f"下一届主席单位：{units[1].name}")
    first = ChairTerm.objects.get()
    _act(office, base, f"/o/chair-terms/{first.pk}/", "任期届满交接", {"#id_handover_note": "移交工作台账"})
    expect(office.locator(".alert-success")).to_contain_text(f"第2届轮值主席单位为{units[1].name}")
    office.goto(f"{base}/o/alliances/{alliance.pk}/")
    expect(office.locator("#section-alliance-members")).to_contain_text(f"当前轮值主席单位：{units[1].name}")
    expect(office.locator("#section-alliance-members")).to_contain_text(f"下一届主席单位：{units[2].name}")
    office.screenshot(path=str(SCREENSHOTS / "cooperation-alliance.png"), full_page=True)

    # A joint activity with participants from three members.
    members = {m.organization_id: m for m in alliance.members.all()}
    office.goto(f"{base}/o/joint-activities/new/")
    office.select_option("#id_alliance", str(alliance.pk))
    office.select_option("#id_kind", "education")
    office.fill("#id_title", "“党性锻炼携手行”主题党日")
    office.select_option("#id_organiser", str(members[units[0].pk].pk))
    office.select_option("#id_co_organisers", [str(members[units[1].pk].pk), str(members[units[2].pk].pk)])
    office.fill("#id_held_on", (today - timedelta(days=2)).isoformat())
    office.fill("#id_place", "红色讲坛")
    office.select_option("#id_participants", [str(t.pk) for t in talents])
    office.fill("#id_summary", "联合党课，三家成员单位党员参加。")
    _submit(office)
    section = office.locator("#section-activity-photos")
    expect(section).to_contain_text(f"{units[0].name} 1人；{units[1].name} 1人；{units[2].name} 1人")
    assert JointActivity.objects.get().participants.count() == 3

    # A secondment from the second member to the first, start to evaluation.
    office.goto(f"{base}/o/secondments/new/")
    office.select_option("#id_talent", str(talents[1].pk))
    office.select_option("#id_from_unit", str(units[1].pk))
    office.select_option("#id_to_unit", str(units[0].pk))
    office.fill("#id_post", "公司业务部挂职副总经理")
    office.fill("#id_starts_on", (today - timedelta(days=100)).isoformat())
    office.fill("#id_ends_on", (today - timedelta(days=1)).isoformat())
    office.fill("#id_mentor", "部门总经理")
    _submit(office)
    secondment = Secondment.objects.get()
    _act(office, base, f"/o/secondments/{secondment.pk}/", "确认到岗")
    expect(office.locator("#detail-table")).to_contain_text("挂职中")

    talent = _new_page(browser)
    _log_in(talent, base, "talent_c")
    talent.goto(f"{base}/o/secondments/{secondment.pk}/")
    talent.get_by_role("link", name="提交挂职报告").click()
    talent.select_option("#id_kind", "final")
    talent.fill("#id_content", "挂职期满总结：熟悉了银行公司业务流程。")
    _submit(talent)
    expect(talent.locator(".field-error")).to_contain_text("期满后提交报告须填写补交理由")
    talent.fill("#id_late_reason", "期满当日外出培训")
    _submit(talent)
    expect(talent.locator("#detail-table")).to_contain_text("期满总结")

    _act(office, base, f"/o/secondments/{secondment.pk}/", "期满结束")
    expect(office.locator("#detail-table")).to_contain_text("已期满")
    receiving = _new_page(browser)
    _log_in(receiving, base, "liaison_c")
    expect(receiving.locator("main")).to_contain_text("1 人挂职期满尚未评价")
    _act(
        receiving,
        base,
        f"/o/secondments/{secondment.pk}/",
        "期满评价",
        {"#id_grade": "excellent", "#id_evaluation": "工作扎实，较好完成挂职任务。"},
    )
    expect(receiving.locator("#detail-table")).to_contain_text("已评价")
    secondment.refresh_from_db()
    assert secondment.state == SecondmentState.EVALUATED and secondment.grade == "excellent"
    talent.goto(f"{base}/o/talents/{talents[1].pk}/")
    expect(talent.locator("main")).to_contain_text("挂职交流经历")

    # The figures on the leader view.
    leader = _new_page(browser)
    _log_in(leader, base, "leader_c")
    leader.goto(f"{base}/dashboards/")
    block = leader.locator("table", has_text="联盟成员单位（家）")
    expect(block).to_contain_text("联合活动（次）")
    for label, value in (("联盟成员单位（家）", "5"), ("联合活动（次）", "1"), ("选派挂职（人次）", "1")):
        expect(block.locator("tr", has_text=label).locator("a.figure")).to_have_text(value)
    leader.screenshot(path=str(SCREENSHOTS / "cooperation-leader.png"), full_page=True)
