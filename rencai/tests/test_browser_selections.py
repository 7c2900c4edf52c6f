"""A selection run end to end in a real browser: the office calls it, a liaison nominates
and uploads materials, the office checks eligibility, a draw is prepared by the office and
drawn and signed by a supervisor, three experts score, the shortlist is published, an
objection is filed and dismissed, and the decision puts the honour on the winner's record."""

import io
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone
from docx import Document
from playwright.sync_api import expect

from rencai.conftest import make_user, valid_id_number
from rencai.core.roles import Role
from rencai.evaluation.models import Criterion, Draw, Rubric
from rencai.orgs.models import Organization
from rencai.selections.models import Application, Campaign, CampaignState
from rencai.talents.models import DictionaryEntry, Honour, PoolKind, PoolMembership, Talent, TalentPool
from rencai.tests.test_browser import SCREENSHOTS, _log_in, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_talents import _new_page

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _world():
    category = DictionaryEntry.objects.create(kind="category", code="JR", name="金融商务人才")
    office_org = Organization.objects.create(name="评选测试金融办", kind="government")
    bank = Organization.objects.create(name="评选测试甲银行", kind="bank")
    university = Organization.objects.create(name="评选测试财经大学", kind="university")
    make_user("office_s", Role.OFFICE, office_org, full_name_override="办公室王")
    make_user("leader_s", Role.LEADER, office_org, full_name_override="监督人赵")
    make_user("liaison_s", Role.LIAISON, bank, full_name_override="联络员刘")
    make_user("objector_s", Role.TALENT, bank, full_name_override="群众孙")
    young = f"{timezone.localdate().year - 30}0305"
    nominees = []
    for serial, name in ((1, "青年甲"), (3, "青年乙")):
        talent = Talent(
            name=name, organization=bank, id_number=valid_id_number(young, serial), category=category, position="柜员"
        )
        talent.full_clean()
        talent.save()
        nominees.append(talent)
    tank = TalentPool.objects.create(name="评选测试专家智库", kind=PoolKind.THINK_TANK)
    for n in range(1, 5):
        account = make_user(f"expert_s{n}", Role.REVIEWER, university, full_name_override=f"专家{n}")
        expert = Talent(
            name=f"专家{n}",
            organization=university,
            id_number=valid_id_number("19700101", 20 + n * 2),
            category=category,
            user=account,
        )
        expert.full_clean()
        expert.save()
        PoolMembership.objects.create(pool=tank, talent=expert, joined_on=date(2024, 1, 1))
    rubric = Rubric.objects.create(name="评选测试细则")
    for order, (name, maximum) in enumerate((("业务能力", 50), ("工作业绩", 50)), start=1):
        Criterion.objects.create(rubric=rubric, order=order, name=name, max_score=Decimal(maximum))
    return bank, nominees, tank, rubric


def _act(page, label: str, fields: dict | None = None) -> None:
    page.get_by_role("link", name=label, exact=True).click()
    for selector, value in (fields or {}).items():
        page.fill(selector, value)
    page.click("#action-form button[type=submit]")


def test_office_runs_a_selection_from_call_to_honours(transactional_db, live_server, browser, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    bank, nominees, tank, rubric = _world()
    base = live_server.url
    today = timezone.localdate()

    office = _new_page(browser)
    _log_in(office, base, "office_s")
    office.goto(f"{base}/o/campaigns/new/")
    office.fill("#id_name", "最美青年金融工作者")
    office.select_option("#id_kind", "individual")
    office.fill("#id_year", str(today.year))
    office.fill("#id_opens_on", today.isoformat())
    office.fill("#id_closes_on", (today + timedelta(days=20)).isoformat())
    office.fill("#id_quota_total", "1")
    office.fill("#id_max_age", "35")
    office.fill("#id_age_on", date(today.year, 5, 4).isoformat())
    office.fill("#id_required_materials", "推荐表")
    office.fill("#id_honour_name", "最美青年金融工作者")
    office.select_option("#id_rubric", label=str(rubric))
    office.click("#object-form button[type=submit]")
    expect(office.locator("h1")).to_contain_text("最美青年金融工作者")
    campaign = Campaign.objects.get()
    _act(office, "发布评选通知")
    office.goto(f"{base}/o/campaign-quotas/new/?campaign={campaign.pk}")
    office.select_option("#id_organization", label=bank.name)
    office.fill("#id_quota", "2")
    office.click("#object-form button[type=submit]")

    liaison = _new_page(browser)
    _log_in(liaison, base, "liaison_s")
    material = tmp_path / "推荐表.pdf"
    material.write_bytes(PDF)
    for talent in nominees:
        liaison.goto(f"{base}/o/campaigns/{campaign.pk}/")
        liaison.get_by_role("link", name="申报/推荐").click()
        liaison.select_option("#id_talent", label=talent.name)
        liaison.fill("#id_summary", f"{talent.name}扎根基层，服务小微企业成效突出。")
        liaison.click("#object-form button[type=submit]")
        expect(liaison.locator(".alert-info")).to_contain_text("请上传申报材料：推荐表")
        liaison.get_by_role("link", name="上传材料").click()
        liaison.fill("#id_kind", "推荐表")
        liaison.set_input_files("#id_file", str(material))
        liaison.click("#object-form button[type=submit]")
        expect(liaison.locator("#detail-table")).to_contain_text("pdf")
    liaison.screenshot(path=str(SCREENSHOTS / "selection-material.png"), full_page=True)

    for application in Application.objects.order_by("pk"):
        office.goto(f"{base}/o/applications/{application.pk}/")
        _act(office, "资格审查通过")
        expect(office.locator("#detail-table")).to_contain_text("资格审查通过")
    office.goto(f"{base}/o/campaigns/{campaign.pk}/")
    _act(office, "截止申报，开始资格审查")
    _act(office, "进入专家评审")
    expect(office.locator("#detail-table")).to_contain_text("专家评审")
    campaign.refresh_from_db()

    office.goto(f"{base}/o/draws/new/")
    office.select_option("#id_review", str(campaign.review_id))
    office.select_option("#id_pools", str(tank.pk))
    office.fill("#id_wanted", "3")
    office.fill("#id_backups", "1")
    office.click("#object-form button[type=submit]")
    expect(office.locator("#section-candidates")).to_contain_text("专*1")
    draw = Draw.objects.get()

    supervisor = _new_page(browser)
    _log_in(supervisor, base, "leader_s")
    supervisor.goto(f"{base}/o/draws/{draw.pk}/")
    _act(supervisor, "监督人输入随机数并抽取", {"#id_number": "582046"})
    expect(supervisor.locator(".alert-success")).to_contain_text("已抽取专家4名")
    _act(supervisor, "监督人签字确认")
    expect(supervisor.locator("#detail-table")).to_contain_text("已签字确认")
    supervisor.get_by_role("link", name="公开验证").click()
    expect(supervisor.locator("#checks")).not_to_contain_text("不一致")
    supervisor.screenshot(path=str(SCREENSHOTS / "selection-draw-verify.png"), full_page=True)
    draw.refresh_from_db()

    seated = draw.reviewers.filter(state="active").select_related("user").order_by("position")
    assert seated.count() == 3
    for n, reviewer in enumerate(seated):
        expert = _new_page(browser)
        expert.on("dialog", lambda dialog: dialog.accept())
        _log_in(expert, base, reviewer.user.username)
        expect(expert.locator("body")).to_contain_text("待评分的评审对象")
        expert.get_by_role("link", name="待评分的评审对象").click()
        for _ in range(2):
            expert.locator("table tbody tr td a").first.click()
            expert.get_by_role("link", name="打分").click()
            label = expert.locator("h1").inner_text()
            high = "青年甲" in label
            inputs = expert.locator("#score-form input[type=number]")
            inputs.nth(0).fill("45" if high else "40")
            inputs.nth(1).fill(str(44 - n) if high else "41")
            expert.click("#score-form button[name=submit]")
            expect(expert.locator(".alert-success")).to_contain_text("评分已提交")
            expert.goto(f"{base}/o/score-sheets/?state=draft")
        if n == 0:
            expert.goto(f"{base}/o/score-sheets/")
            expert.screenshot(path=str(SCREENSHOTS / "selection-scoring.png"), full_page=True)
        expert.close()

    office.goto(f"{base}/evaluation/reviews/{campaign.review_id}/ranking/")
    expect(office.locator("#ranking tbody tr").first).to_contain_text("青年甲")
    office.screenshot(path=str(SCREENSHOTS / "selection-ranking.png"), full_page=True)
    office.goto(f"{base}/o/campaigns/{campaign.pk}/")
    _act(office, "确定入围名单并公示")
    expect(office.locator("#section-publicity")).to_contain_text("青年甲")
    winner = Application.objects.get(talent=nominees[0])
    assert winner.state == "shortlisted"

    objector = _new_page(browser)
    _log_in(objector, base, "objector_s")
    objector.goto(f"{base}/o/campaigns/{campaign.pk}/")
    objector.locator("#section-publicity a").first.click()
    objector.fill("#id_content", "据了解其业绩数据有夸大。")
    objector.click("#object-form button[type=submit]")
    expect(objector.locator(".alert-info")).to_contain_text("异议已提交")

    Campaign.objects.filter(pk=campaign.pk).update(
        publicity_starts_on=today - timedelta(days=8), publicity_ends_on=today - timedelta(days=1)
    )  # seven days pass
    office.goto(f"{base}/o/campaigns/{campaign.pk}/")
    _act(office, "作出决定并公布结果", {"#id_results_number": "测金办〔2026〕18号"})
    expect(office.locator("#form-errors")).to_contain_text("尚有1件异议未处理")
    office.goto(f"{base}/o/objections/")
    office.locator("table tbody tr td a").first.click()
    _act(office, "异议不成立", {"#id_handling_reason": "经核实，业绩数据与考核结果一致。"})
    office.goto(f"{base}/o/campaigns/{campaign.pk}/")
    _act(office, "作出决定并公布结果", {"#id_results_number": "测金办〔2026〕18号"})
    expect(office.locator("#detail-table")).to_contain_text("已公布结果")
    with office.expect_download() as download:
        office.get_by_role("link", name="结果通报（Word）").click()
    with open(download.value.path(), "rb") as handle:
        notice = Document(io.BytesIO(handle.read()))
    assert "青年甲" in [row.cells[1].text for row in notice.tables[0].rows]
    office.screenshot(path=str(SCREENSHOTS / "selection-decided.png"), full_page=True)

    office.goto(f"{base}/o/talents/{nominees[0].pk}/")
    expect(office.locator("body")).to_contain_text("最美青年金融工作者")
    honour = Honour.objects.get(talent=nominees[0])
    assert "测金办〔2026〕18号" in honour.source_reference
    assert not Honour.objects.filter(talent=nominees[1]).exists()
    assert Campaign.objects.get().state == CampaignState.DECIDED
