"""Real browser walks through the talent registry, the pools and the tiered services: a
liaison, a talent, office staff and a leader each log in and do their part."""

from datetime import timedelta

import openpyxl
from django.utils import timezone
from playwright.sync_api import expect

from rencai.conftest import make_user, valid_id_number
from rencai.core.roles import Role
from rencai.orgs.models import Organization
from rencai.services.models import DutyKind, RequestState, ServiceDuty, ServiceRequest, ServiceRule
from rencai.talents.models import (
    ChangeRequest,
    ChangeState,
    DictionaryEntry,
    PoolBatch,
    PoolMembership,
    Talent,
    TalentPool,
)
from rencai.tests.test_browser import SCREENSHOTS, _log_in, browser  # noqa: F401 - ``browser`` is a fixture

DICTIONARY = [
    ("category", "JR", "金融商务人才"),
    ("category", "ZJ", "专业技术人才"),
    ("tier", "LJ", "领军人才"),
    ("tier", "YC", "英才"),
    ("level", "B", "百层次"),
    ("level", "Q", "千层次"),
    ("qualification", "CFA", "特许金融分析师（CFA）"),
    ("qualification", "FRM", "金融风险管理师（FRM）"),
]


def _dictionary() -> dict[str, DictionaryEntry]:
    return {code: DictionaryEntry.objects.create(kind=kind, code=code, name=name) for kind, code, name in DICTIONARY}


def _organizations() -> tuple[Organization, Organization, Organization]:
    office = Organization.objects.create(name="浏览器人才测试金融办", kind="government")
    bank = Organization.objects.create(name="浏览器甲银行", kind="bank")
    other = Organization.objects.create(name="浏览器乙银行", kind="bank")
    return office, bank, other


def _talent(name: str, organization: Organization, serial: int, category, **extra) -> Talent:
    talent = Talent(
        name=name, organization=organization, id_number=valid_id_number(serial=serial), category=category, **extra
    )
    talent.full_clean()
    talent.save()
    return talent


def _new_page(browser):  # noqa: F811 - the fixture's value
    SCREENSHOTS.mkdir(exist_ok=True)
    page = browser.new_page(locale="zh-CN", accept_downloads=True)
    page.set_default_timeout(15_000)
    return page


def test_liaison_registers_and_edits_own_talents(transactional_db, live_server, browser):  # noqa: F811
    d = _dictionary()
    _office, bank, other = _organizations()
    make_user("liaison_t", Role.LIAISON, bank)
    own = _talent("王明", bank, 1, d["JR"], tier=d["LJ"], position="客户经理")
    _talent("李四", other, 3, d["JR"])
    base = live_server.url

    page = _new_page(browser)
    _log_in(page, base, "liaison_t")
    page.click("a[data-nav=talents]")
    table = page.locator("#object-table")
    expect(table).to_contain_text("王明")
    assert "李四" not in table.inner_text()

    # A new talent of the liaison's bank: a wrong check digit is refused in Chinese.
    page.click("#create-link")
    good_id = valid_id_number(born="19900315", serial=5)
    bad_id = good_id[:17] + ("0" if good_id[17] != "0" else "1")
    page.fill("#id_name", "赵新")
    page.fill("#id_id_number", bad_id)
    page.select_option("#id_organization", str(bank.pk))
    page.select_option("#id_category", str(d["ZJ"].pk))
    page.fill("#id_position", "风险经理")
    page.click("#object-form button[type=submit]")
    expect(page.locator(".field-error").first).to_contain_text("身份证号码校验位错误")
    assert not Talent.objects.filter(name="赵新").exists()
    page.fill("#id_id_number", good_id)
    page.click("#object-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("已保存")
    created = Talent.objects.get(name="赵新")
    assert created.organization == bank and created.category == d["ZJ"]
    assert created.gender == "M" and created.birth_date.isoformat() == "1990-03-15"
    assert created.id_number == good_id

    # Editing an own talent: the post is applied, the tier waits for the office.
    page.click("a[data-nav=talents]")
    page.click("#object-table a:text-is('王明')")
    page.click("#edit-link")
    page.fill("#id_position", "支行副行长")
    page.select_option("#id_tier", str(d["YC"].pk))
    page.click("#object-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("已提交办公室审核")
    expect(page.locator("#value-position")).to_have_text("支行副行长")
    expect(page.locator("#value-tier")).to_have_text("领军人才")
    page.screenshot(path=str(SCREENSHOTS / "talent-liaison-edit.png"), full_page=True)
    own.refresh_from_db()
    assert own.position == "支行副行长"
    assert own.tier == d["LJ"]
    change = ChangeRequest.objects.get(talent=own)
    assert change.state == ChangeState.PENDING
    assert change.proposed == {"tier": [d["LJ"].pk, d["YC"].pk]}


def test_talent_updates_profile_and_confirms_service_request(transactional_db, live_server, browser):  # noqa: F811
    d = _dictionary()
    _office, bank, _other = _organizations()
    user = make_user("talent_t", Role.TALENT, bank)
    me = _talent("李华", bank, 7, d["JR"], user=user)
    _talent("王明", bank, 9, d["JR"])
    base = live_server.url

    page = _new_page(browser)
    _log_in(page, base, "talent_t")
    page.click("a[data-nav=talents]")
    rows = page.locator("#object-table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("李华")
    assert "王明" not in page.locator("#object-table").inner_text()

    page.click("#object-table a:text-is('李华')")
    page.click("#edit-link")
    page.fill("#id_mobile", "13812345678")
    page.click("#object-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("已保存")
    expect(page.locator("#value-mobile")).to_have_text("138****5678")
    assert "13812345678" not in page.locator("#detail-table").inner_text()
    me.refresh_from_db()
    assert me.mobile == "13812345678"
    assert not ChangeRequest.objects.filter(talent=me).exists()

    # A service request: the talent does not pick a talent, it is theirs.
    page.goto(f"{base}/o/service-requests/new/")
    expect(page.locator("#object-form")).to_be_visible()
    assert page.locator("#id_talent").count() == 0
    page.fill("#id_title", "子女入学咨询")
    page.select_option("#id_category", "schooling")
    page.fill("#id_description", "孩子明年入学，想了解人才子女入学政策。")
    page.click("#object-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("已保存")
    request = ServiceRequest.objects.get(title="子女入学咨询")
    assert request.talent == me and request.opened_by == user and request.state == RequestState.OPEN
    page.click("a[data-nav=service-requests]")
    expect(page.locator("#object-table")).to_contain_text("子女入学咨询")

    # The office has resolved it; the talent confirms and rates it.
    ServiceRequest.objects.filter(pk=request.pk).update(state=RequestState.RESOLVED, resolution="已协调教育局落实学位")
    page.goto(f"{base}/o/service-requests/{request.pk}/")
    page.click("a[data-action=confirm]")
    page.select_option("#id_satisfaction", "5")
    page.fill("#id_feedback", "办理及时，非常满意。")
    page.click("#action-form button[type=submit]")
    expect(page.locator("#value-state")).to_have_text("已确认")
    page.screenshot(path=str(SCREENSHOTS / "talent-service-confirmed.png"), full_page=True)
    request.refresh_from_db()
    assert request.state == RequestState.CONFIRMED
    assert request.satisfaction == 5 and request.feedback == "办理及时，非常满意。"
    assert request.confirmed_at is not None


def test_office_searches_approves_manages_pools_and_dictionary(transactional_db, live_server, browser):  # noqa: F811
    d = _dictionary()
    office_org, bank, other = _organizations()
    make_user("office_t", Role.OFFICE, office_org)
    liaison = make_user("liaison_o", Role.LIAISON, bank)
    zhang = _talent("张志强", bank, 11, d["JR"])
    wang = _talent("王明", other, 13, d["JR"], tier=d["YC"], level=d["B"])
    rule = ServiceRule.objects.create(name="领军人才定期联系", tier=d["LJ"], kind=DutyKind.CONTACT, interval_days=90)
    change = ChangeRequest(talent=wang, requested_by=liaison)
    change.set_proposed({"tier": [d["YC"].pk, d["LJ"].pk]})
    change.save()
    today = timezone.localdate()
    pool = TalentPool.objects.create(name="金融专家智库", kind="think_tank")
    batch = PoolBatch.objects.create(
        pool=pool,
        name="首批",
        decision_date=today - timedelta(days=400),
        term_start=today - timedelta(days=400),
        term_end=today + timedelta(days=700),
    )
    base = live_server.url

    page = _new_page(browser)
    _log_in(page, base, "office_t")
    page.click("a[data-nav=talents]")
    for text in ("zzq", "張志"):
        page.fill("#filter-form input[name=q]", text)
        page.click("#filter-form button[type=submit]")
        table = page.locator("#object-table")
        expect(table).to_contain_text("张志强")
        assert "王明" not in table.inner_text(), text

    # Approving a liaison's tier change applies it, and the tier's service rule follows.
    page.click("a[data-nav=change-requests]")
    page.click(f"#object-table a[href$='/{change.pk}/']")
    expect(page.locator("#value-summary")).to_contain_text("英才 → 领军人才")
    page.click("a[data-action=approve]")
    page.fill("#id_decision_comment", "材料齐全，同意。")
    page.click("#action-form button[type=submit]")
    expect(page.locator("#value-state")).to_have_text("已通过")
    change.refresh_from_db()
    wang.refresh_from_db()
    assert change.state == ChangeState.APPROVED and change.decision_comment == "材料齐全，同意。"
    assert wang.tier == d["LJ"]
    assert ServiceDuty.objects.filter(talent=wang, rule=rule, kind=DutyKind.CONTACT).exists()

    # A pool term, then an overlapping second term is refused.
    joined, term_end = today - timedelta(days=300), today + timedelta(days=700)
    page.goto(f"{base}/o/pool-memberships/new/")
    page.select_option("#id_pool", str(pool.pk))
    page.select_option("#id_batch", str(batch.pk))
    page.select_option("#id_talent", str(zhang.pk))
    page.fill("#id_specialty", "风险管理")
    page.fill("#id_joined_on", joined.isoformat())
    page.fill("#id_term_end", term_end.isoformat())
    page.click("#object-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("已保存")
    membership = PoolMembership.objects.get(pool=pool, talent=zhang)
    assert membership.batch == batch and membership.joined_on == joined and membership.term_end == term_end

    page.goto(f"{base}/o/pool-memberships/new/")
    page.select_option("#id_pool", str(pool.pk))
    page.select_option("#id_talent", str(zhang.pk))
    page.fill("#id_joined_on", (today - timedelta(days=30)).isoformat())
    page.click("#object-form button[type=submit]")
    expect(page.locator(".field-error").first).to_contain_text("重叠")
    assert PoolMembership.objects.filter(pool=pool, talent=zhang).count() == 1

    # Exit with a reason.
    page.goto(f"{base}/o/pool-memberships/{membership.pk}/")
    page.click("a[data-action=exit]")
    expect(page.locator("#id_left_on")).to_have_value(today.isoformat())  # today is offered
    page.fill("#id_exit_reason", "工作调动离开本市")
    page.click("#action-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("已出库")
    expect(page.locator("#value-status")).to_have_text("已出库")
    membership.refresh_from_db()
    assert membership.left_on == today and membership.exit_reason == "工作调动离开本市"

    # A new qualification in the one-screen dictionary editor.
    page.click("a[data-nav=dictionary]")
    page.click("a:text-is('一屏编辑')")
    page.click("#dictionary-tabs a:text-is('职业资格')")
    existing = DictionaryEntry.objects.filter(kind="qualification").count()
    page.fill(f"#id_d-{existing}-code", "CPA")
    page.fill(f"#id_d-{existing}-name", "注册会计师（CPA）")
    page.click("#dictionary-form button[type=submit]")
    expect(page.locator("main")).to_contain_text("已保存 1 项")
    page.screenshot(path=str(SCREENSHOTS / "talent-office-dictionary.png"), full_page=True)
    entry = DictionaryEntry.objects.get(kind="qualification", code="CPA")
    assert entry.name == "注册会计师（CPA）" and entry.enabled


def test_leader_filters_views_pool_and_exports_roster(transactional_db, live_server, browser, tmp_path):  # noqa: F811
    d = _dictionary()
    office_org, bank, other = _organizations()
    make_user("leader_t", Role.LEADER, office_org)
    lead = _talent("陈领军", bank, 21, d["JR"], tier=d["LJ"], position="行长")
    _talent("周英才", other, 23, d["JR"], tier=d["YC"])
    _talent("吴专家", other, 25, d["ZJ"], tier=d["LJ"])
    today = timezone.localdate()
    pool = TalentPool.objects.create(name="金融领军人才库", kind="think_tank")
    batch = PoolBatch.objects.create(
        pool=pool,
        name="首批",
        decision_date=today - timedelta(days=100),
        term_start=today - timedelta(days=100),
        term_end=today + timedelta(days=1000),
    )
    PoolMembership.objects.create(
        pool=pool,
        batch=batch,
        talent=lead,
        specialty="公司金融",
        joined_on=today - timedelta(days=100),
        term_end=today + timedelta(days=1000),
    )
    base = live_server.url

    page = _new_page(browser)
    _log_in(page, base, "leader_t")
    page.click("a[data-nav=talents]")
    table = page.locator("#object-table")
    for name in ("陈领军", "周英才", "吴专家"):
        expect(table).to_contain_text(name)
    assert page.locator("#create-link").count() == 0
    page.select_option("#id_category", str(d["JR"].pk))
    page.select_option("#id_tier", str(d["LJ"].pk))
    page.click("#filter-form button[type=submit]")
    expect(page.locator("#object-table tbody tr")).to_have_count(1)
    expect(table).to_contain_text("陈领军")
    assert "周英才" not in table.inner_text() and "吴专家" not in table.inner_text()

    page.click("a[data-nav=pools]")
    assert page.locator("#create-link").count() == 0
    page.click("#object-table a:text-is('金融领军人才库')")
    section = page.locator("#section-pool-memberships")
    expect(section).to_contain_text("陈领军")
    expect(section).to_contain_text("浏览器甲银行")
    assert page.locator("#edit-link").count() == 0
    page.screenshot(path=str(SCREENSHOTS / "talent-leader-pool.png"), full_page=True)

    page.goto(f"{base}/o/pool-memberships/?pool={pool.pk}")
    expect(page.locator("#object-table")).to_contain_text("陈领军")
    assert page.locator("#create-link").count() == 0
    with page.expect_download() as download_info:
        page.click("#export-link")
    target = tmp_path / "roster.xlsx"
    download_info.value.save_as(target)
    sheet = openpyxl.load_workbook(target).active
    cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
    assert "陈领军" in cells and "金融领军人才库" in cells and "行长" in cells
    assert "周英才" not in cells
