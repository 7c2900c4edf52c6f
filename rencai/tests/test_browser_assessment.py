"""Target assessment and demonstration sites in a real browser (issue 18, "Done means"):
one unit from its self-assessment (score, evidence, 述职) through the office's review, the
ranking and publicity to the published result and its notice; one site from its proposal
through approval, a progress note and the expert acceptance to a named site."""

import io
from datetime import timedelta
from decimal import Decimal

import docx
from django.utils import timezone
from playwright.sync_api import expect

from rencai.assessment import services
from rencai.assessment.models import (
    AcceptanceRound,
    AssessmentRound,
    AssessmentScheme,
    DemonstrationSite,
    Indicator,
    RoundState,
    SiteProgramme,
    SiteState,
    Source,
    UnitAssessment,
)
from rencai.conftest import make_user, valid_id_number
from rencai.core.roles import Role
from rencai.evaluation import services as evaluation
from rencai.evaluation.models import Criterion, Draw, Rubric, ScoreSheet
from rencai.orgs.models import Organization
from rencai.talents.models import DictionaryEntry, PoolMembership, Talent, TalentPool
from rencai.tests.test_browser import SCREENSHOTS, _log_in, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_talents import _new_page

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _act(page, name: str, **fields) -> None:
    page.locator(f"a[data-action={name}]").click()
    for selector, value in fields.items():
        page.fill(f"#id_{selector}", value)
    page.click("#action-form button[type=submit]")


def test_a_unit_from_self_assessment_to_published_result(transactional_db, live_server, browser):  # noqa: F811
    office_org = Organization.objects.create(name="考核测试金融办", kind="government")
    bank = Organization.objects.create(name="考核测试甲银行", kind="bank")
    office_user = make_user("office_a", Role.OFFICE, office_org)
    make_user("liaison_a", Role.LIAISON, bank)
    category = DictionaryEntry.objects.create(kind="category", code="JR", name="金融商务人才")
    Talent.objects.create(name="考核新人", organization=bank, id_number=valid_id_number(), category=category)
    year = timezone.localdate().year
    scheme = AssessmentScheme.objects.create(name="考核测试方案", year=year, unit_class="bank", bonus_cap=Decimal(3))
    Indicator.objects.create(
        scheme=scheme,
        order=1,
        category="组织领导",
        name="第一责任人职责",
        max_score=Decimal(50),
        rule="专题研究2次得满分",
        evidence="会议纪要",
    )
    Indicator.objects.create(
        scheme=scheme,
        order=2,
        category="队伍建设",
        name="新增在库人才",
        max_score=Decimal(50),
        rule="新增2人得满分",
        source=Source.NEW_TALENTS,
        full_value=Decimal(2),
    )
    round_ = AssessmentRound.objects.create(
        scheme=scheme, title=f"{year}年度考核测试", self_due_on=timezone.localdate() + timedelta(days=10)
    )
    assessment = services.open_assessment(round_, bank, office_user)
    manual = assessment.scores.get(indicator__order=1)
    base = live_server.url

    liaison = _new_page(browser)
    _log_in(liaison, base, "liaison_a")
    expect(liaison.locator("#todos")).to_contain_text("1 项目标考核待自评")
    liaison.goto(f"{base}/assessment/{assessment.pk}/card/")
    expect(liaison.locator(".formula")).to_contain_text("新登记入库的在库人才1人")
    liaison.locator(f"tr[data-line='{manual.pk}'] a.edit-line").click()
    liaison.fill("#id_self_score", "60")
    liaison.click("#object-form button[type=submit]")
    expect(liaison.locator("body")).to_contain_text("不能超过该指标分值50")
    liaison.fill("#id_self_score", "45")
    liaison.fill("#id_note", "全年专题研究人才工作2次")
    liaison.click("#object-form button[type=submit]")
    liaison.get_by_role("link", name="上传佐证材料").click()
    liaison.fill("#id_title", "党委会议纪要")
    liaison.set_input_files("#id_file", {"name": "纪要.pdf", "mimeType": "application/pdf", "buffer": PDF})
    liaison.click("#object-form button[type=submit]")
    expect(liaison.locator("#detail-table")).to_contain_text("党委会议纪要")
    liaison.goto(f"{base}/o/unit-assessments/{assessment.pk}/edit/")
    liaison.fill("#id_report", "本行主要负责人亲自部署人才工作。")
    liaison.click("#object-form button[type=submit]")
    _act(liaison, "submit")
    expect(liaison.locator("#detail-table")).to_contain_text("已提交，待审核")

    office = _new_page(browser)
    _log_in(office, base, "office_a")
    expect(office.locator("#todos")).to_contain_text("1 个单位的考核自评待审核")
    for line in assessment.scores.order_by("indicator__order"):
        office.goto(f"{base}/o/assessment-scores/{line.pk}/")
        if line.pk == manual.pk:
            _act(office, "adjust", office_score="40", adjust_reason="纪要未体现第二次专题研究")
        else:
            _act(office, "accept")
        expect(office.locator("#detail-table")).to_contain_text("审核")
    office.goto(f"{base}/o/unit-assessments/{assessment.pk}/")
    _act(office, "finish_review")
    expect(office.locator("#detail-table")).to_contain_text("审核完成")
    office.goto(f"{base}/o/assessment-rounds/{round_.pk}/")
    _act(office, "close_self")
    _act(office, "start_publicity")
    expect(office.locator("#detail-table")).to_contain_text("结果公示中")
    office.goto(f"{base}/assessment/rounds/{round_.pk}/ranking/")
    expect(office.locator("#ranking tr[data-unit] .final")).to_have_text("65.00")  # 40 + 25 (1 of 2 new talents)
    expect(office.locator("#ranking tr[data-unit] .grade")).to_have_text("一般")
    office.wait_for_function("document.querySelector('#yoy-chart canvas') !== null")
    office.screenshot(path=str(SCREENSHOTS / "assessment-ranking.png"), full_page=True)
    with office.expect_download() as download:
        office.locator("#ranking-export").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    # Publicity over (the dates moved back rather than waiting a week): published.
    AssessmentRound.objects.filter(pk=round_.pk).update(
        publicity_starts_on=timezone.localdate() - timedelta(days=8),
        publicity_ends_on=timezone.localdate() - timedelta(days=1),
    )
    office.goto(f"{base}/o/assessment-rounds/{round_.pk}/")
    _act(office, "publish", results_number="济金办〔2026〕9号")
    expect(office.locator("#detail-table")).to_contain_text("结果已公布")
    with office.expect_download() as download:
        office.get_by_role("link", name="结果通报（Word）").click()
    with open(download.value.path(), "rb") as handle:
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(handle.read())).paragraphs)
    assert "人才工作目标考核结果的通报" in text and "参加考核单位1个" in text

    liaison.goto(f"{base}/assessment/{assessment.pk}/card/")
    expect(liaison.locator("#card-final")).to_have_text("65.00")
    expect(liaison.locator("#card-grade")).to_contain_text("一般")
    expect(liaison.locator(f"tr[data-line='{manual.pk}'] .office")).to_contain_text("纪要未体现第二次专题研究")
    liaison.wait_for_function("document.querySelector('#radar-chart canvas') !== null")
    liaison.screenshot(path=str(SCREENSHOTS / "assessment-card.png"), full_page=True)
    round_.refresh_from_db()
    assert round_.state == RoundState.PUBLISHED
    assert UnitAssessment.objects.get(pk=assessment.pk).rank == 1


def test_a_site_from_proposal_to_acceptance(transactional_db, live_server, browser):  # noqa: F811
    office_org = Organization.objects.create(name="示范点测试金融办", kind="government")
    bank = Organization.objects.create(name="示范点测试甲银行", kind="bank")
    university = Organization.objects.create(name="示范点测试大学", kind="university")
    office_user = make_user("office_s", Role.OFFICE, office_org)
    leader = make_user("leader_s", Role.LEADER, office_org)
    make_user("liaison_s", Role.LIAISON, bank)
    year = timezone.localdate().year
    SiteProgramme.objects.create(name="人才工作百点创建", number=100, start_year=year - 1, end_year=year + 3)
    category = DictionaryEntry.objects.create(kind="category", code="JR", name="金融商务人才")
    pool = TalentPool.objects.create(name="示范点验收专家库", kind="think_tank")
    experts = []
    for n, home in enumerate([university, university, university, bank], start=1):
        expert = Talent.objects.create(
            name=f"验收专家{n}", organization=home, id_number=valid_id_number(serial=n * 2 + 1), category=category
        )
        PoolMembership.objects.create(pool=pool, talent=expert, joined_on=timezone.localdate() - timedelta(days=30))
        experts.append(expert)
    rubric = Rubric.objects.create(name="示范点验收细则")
    for order, name in enumerate(["组织领导", "创建成效"], start=1):
        Criterion.objects.create(rubric=rubric, order=order, name=name, max_score=Decimal(50))
    base = live_server.url

    liaison = _new_page(browser)
    _log_in(liaison, base, "liaison_s")
    liaison.goto(f"{base}/o/demonstration-sites/new/")
    liaison.select_option("#id_programme", index=1)
    liaison.fill("#id_year", str(year))
    liaison.fill("#id_name", "甲银行青年人才培养基地")
    liaison.select_option("#id_kind", value="base")
    liaison.fill("#id_theme", "青年金融人才培养")
    liaison.fill("#id_measures", "导师带徒、岗位练兵")
    liaison.fill("#id_expected_results", "培养业务骨干10名")
    liaison.fill("#id_contact", "张经理")
    liaison.click("#object-form button[type=submit]")
    expect(liaison.locator("#detail-table")).to_contain_text("已申报，待审批")
    site = DemonstrationSite.objects.get(name="甲银行青年人才培养基地")
    assert site.organization == bank

    office = _new_page(browser)
    _log_in(office, base, "office_s")
    office.goto(f"{base}/o/demonstration-sites/{site.pk}/")
    _act(office, "approve", reason="同意创建")
    expect(office.locator("#detail-table")).to_contain_text("创建中")

    liaison.goto(f"{base}/o/demonstration-sites/{site.pk}/")
    liaison.get_by_role("link", name="填报创建进展").click()
    liaison.fill("#id_noted_on", timezone.localdate().isoformat())
    liaison.fill("#id_content", "首期导师带徒结对20对")
    liaison.click("#object-form button[type=submit]")
    expect(liaison.locator("#detail-table")).to_contain_text("首期导师带徒结对20对")

    acceptance = AcceptanceRound.objects.create(programme=site.programme, year=year, rubric=rubric)
    office.goto(f"{base}/o/site-acceptances/{acceptance.pk}/")
    _act(office, "start")
    expect(office.locator("#detail-table")).to_contain_text("专家验收中")
    acceptance.refresh_from_db()
    # The draw recuses the expert working at the bank; three experts score the site visit.
    assert acceptance.review.organization == office_org
    draw = Draw.objects.create(review=acceptance.review, wanted=3, backups=0, prepared_by=office_user)
    draw.pools.set([pool])
    evaluation.prepare_draw(draw)
    assert [r["id"] for r in draw.removed] == [experts[3].pk]
    evaluation.execute_draw(draw, leader, "12345678")
    evaluation.sign_draw(draw, leader)
    criteria = list(rubric.criteria.all())
    for sheet in ScoreSheet.objects.filter(item__review=acceptance.review):
        evaluation.submit_sheet(sheet, {c.pk: Decimal(45) for c in criteria}, {}, "现场查看", final=True)
    office.goto(f"{base}/o/site-acceptances/{acceptance.pk}/")
    _act(office, "conclude")
    expect(office.locator("#detail-table")).to_contain_text("已出结论")
    office.goto(f"{base}/o/demonstration-sites/{site.pk}/")
    expect(office.locator("#detail-table")).to_contain_text("验收通过（示范点）")
    expect(office.locator("#detail-table")).to_contain_text("90.00")
    site.refresh_from_db()
    assert site.state == SiteState.ACCEPTED and site.accepted_year == year

    office.goto(f"{base}/dashboards/")
    block = office.locator("table.block", has_text="已命名示范点（目标100个")
    expect(block).to_contain_text("进度")
    expect(block.locator("a.figure").first).to_have_text("1")
