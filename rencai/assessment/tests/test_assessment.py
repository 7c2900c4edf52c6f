"""Target assessment: schemes versioned like rubrics, indicators counted from the records,
the flow from self-assessment to published result, refusals, ranking and grades, and the
demonstration sites from proposal to acceptance."""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import docx
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rencai.assessment import services
from rencai.assessment.models import (
    AcceptanceRound,
    Appeal,
    AppealState,
    AssessmentRound,
    AssessmentScheme,
    AssessmentState,
    Decision,
    DemonstrationSite,
    Grade,
    Indicator,
    IndicatorScore,
    RoundState,
    SiteProgramme,
    SiteState,
    Source,
    UnitAssessment,
)
from rencai.conftest import make_user, verified_client
from rencai.core.errors import Refused
from rencai.core.figures import Period, data_items, leader_blocks
from rencai.core.roles import Role
from rencai.evaluation import services as evaluation
from rencai.evaluation.models import Draw, Reviewer, ReviewerState, ScoreSheet

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
YEAR = timezone.localdate().year


def do(client, slug, pk, action, **data):
    return client.post(f"/o/{slug}/{pk}/do/{action}/", data)


@pytest.fixture
def scheme(db):
    scheme = AssessmentScheme.objects.create(name="银行业机构人才工作目标考核方案", year=YEAR, unit_class="bank")
    rows = [
        (1, "组织领导", "第一责任人抓人才工作", Decimal(20), Source.MANUAL, None, "会议纪要或工作方案", False),
        (2, "人才工程", "人才工程任务按期办结", Decimal(20), Source.TASKS, Decimal(2), "", False),
        (3, "统计报表", "报表按时报送并审核通过", Decimal(20), Source.RETURNS, Decimal(1), "", False),
        (4, "队伍建设", "新增在库人才", Decimal(40), Source.NEW_TALENTS, Decimal(4), "", False),
        (5, "创新加分", "人才工作创新做法", Decimal(3), Source.MANUAL, None, "", True),
        (6, "荣誉加分", "获市级以上表彰", Decimal(3), Source.MANUAL, None, "", True),
    ]
    for order, category, name, max_score, source, full, evidence, bonus in rows:
        Indicator.objects.create(
            scheme=scheme,
            order=order,
            category=category,
            name=name,
            max_score=max_score,
            rule=f"{name}的评分规则",
            source=source,
            full_value=full,
            evidence=evidence,
            is_bonus=bonus,
        )
    scheme.bonus_cap = Decimal(4)
    scheme.save()
    return scheme


@pytest.fixture
def round_(scheme):
    return AssessmentRound.objects.create(
        scheme=scheme, title=f"{YEAR}年度银行业人才工作目标考核", self_due_on=timezone.localdate() + timedelta(days=30)
    )


@pytest.fixture
def assessment(round_, bank, users):
    return services.open_assessment(round_, bank, users["office"])


def line(assessment, order) -> IndicatorScore:
    return assessment.scores.get(indicator__order=order)


def self_assess(client, assessment, score=Decimal(18)) -> None:
    first = line(assessment, 1)
    response = client.post(
        "/o/assessment-evidence/new/",
        {"score": first.pk, "title": "人才工作方案", "file": SimpleUploadedFile("方案.pdf", PDF)},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    response = client.post(
        f"/o/assessment-scores/{first.pk}/edit/",
        {"self_score": str(score), "note": "已落实", "_version": first.version},
    )
    assert response.status_code == 302, response.content.decode()[:3000]


# --- schemes ----------------------------------------------------------------------------------


def test_a_scheme_in_use_is_never_edited_in_place(client_for, scheme, round_):
    office = client_for("office")
    response = office.post(
        f"/o/assessment-schemes/{scheme.pk}/edit/",
        {
            "name": "改名",
            "year": YEAR,
            "unit_class": "bank",
            "bonus_cap": "5",
            "expert_weight": "0",
            "excellent_min": "90",
            "good_min": "80",
            "fair_min": "60",
            "excellent_share": "30",
            "_version": scheme.version,
        },
    )
    assert response.status_code in (200, 409) and "另存为新版本" in response.content.decode()
    scheme.refresh_from_db()
    assert scheme.name == "银行业机构人才工作目标考核方案"
    indicator = scheme.indicators.first()
    response = office.post(
        f"/o/assessment-indicators/{indicator.pk}/edit/",
        {
            "scheme": scheme.pk,
            "order": 1,
            "category": "x",
            "name": "x",
            "weight": "0",
            "max_score": "5",
            "rule": "x",
            "source": "manual",
            "_version": indicator.version,
        },
    )
    assert response.status_code in (200, 409) and "已在考核中使用" in response.content.decode()
    assert do(office, "assessment-schemes", scheme.pk, "new_version").status_code == 302
    copy = AssessmentScheme.objects.get(name=scheme.name, edition=2)
    assert copy.previous == scheme and copy.indicators.count() == 6
    assert copy.base_marks() == scheme.base_marks() == Decimal(100)


# --- computed indicators -----------------------------------------------------------------------


def test_tasks_on_time_equal_an_independent_count(users, bank, other_bank, round_, office_org):
    from rencai.projects.models import ProjectTask, TalentProject, TaskState

    project = TalentProject.objects.create(
        name="高峰计划", starts_year=YEAR, ends_year=YEAR + 2, lead_unit=office_org, lead_leader=users["leader"]
    )
    today = timezone.localdate()
    for n, (org, closed_late) in enumerate([(bank, 0), (bank, 0), (bank, 5), (other_bank, 0)]):
        ProjectTask.objects.create(
            project=project,
            title=f"任务{n}",
            organization=org,
            owner="张三",
            starts_on=today - timedelta(days=60),
            due_on=today - timedelta(days=10),
            state=TaskState.CLOSED,
            closed_on=today - timedelta(days=10) + timedelta(days=closed_late),
        )
    ProjectTask.objects.create(
        project=project,
        title="未办结",
        organization=bank,
        owner="李四",
        starts_on=today,
        due_on=today,
        state="assigned",
    )
    assessment = services.open_assessment(round_, bank, users["office"])
    tasks = line(assessment, 2)
    from django.db.models import F

    independent = ProjectTask.objects.filter(organization=bank, state="closed", closed_on__lte=F("due_on")).count()
    assert independent == 2
    assert tasks.value == Decimal(independent)
    assert tasks.self_score == Decimal(20)  # 2 of the 2 needed for full marks
    assert "按期办结" in tasks.formula and "得分=分值20" in tasks.formula
    assert services.records_url(tasks, users["office"]).endswith(f"organization={bank.pk}&on_time=true")
    # The linked list shows exactly the counted records.
    office = verified_client(users["office"])
    page = office.get(services.records_url(tasks, users["office"])).content.decode()
    assert page.count("任务0") + page.count("任务1") == 2 and "任务2" not in page
    # The line's own page lists the same records, each linked.
    headers, rows = services.counted_records(tasks, users["office"])
    assert sorted(cells[0] for _url, cells in rows) == ["任务0", "任务1"]
    detail = office.get(f"/o/assessment-scores/{tasks.pk}/").content.decode()
    assert "计入的记录" in detail and "任务0" in detail and "任务2" not in detail
    # Another unit's liaison sees none of them.
    assert services.counted_records(tasks, users["other_liaison"])[1] == []


def test_returns_on_time_and_approved_equal_an_independent_count(users, bank, bank_branch, round_):
    from rencai.returns.models import ReturnForm, ReturnPeriod, Submission

    form = ReturnForm.objects.create(code="HR", name="金融人力资源统计表", period_type="quarterly")
    on_time = timezone.make_aware(datetime(YEAR, 1, 5, 10))
    late = timezone.make_aware(datetime(YEAR, 2, 5, 10))
    for label, org, state, at in [
        ("一季度", bank, "approved", on_time),
        ("二季度", bank, "approved", late),
        ("三季度", bank, "submitted", on_time),
        ("四季度", bank_branch, "locked", on_time),
    ]:
        period = ReturnPeriod.objects.get_or_create(
            form=form,
            label=label,
            defaults={"starts_on": date(YEAR, 1, 1), "ends_on": date(YEAR, 1, 1), "due_on": date(YEAR, 1, 31)},
        )[0]
        Submission.objects.create(period=period, organization=org, state=state, submitted_at=at)
    assessment = services.open_assessment(round_, bank, users["office"])
    returns = line(assessment, 3)
    independent = sum(
        1
        for s in Submission.objects.filter(organization__path__startswith=bank.path, state__in=["approved", "locked"])
        if timezone.localtime(s.submitted_at).date() <= s.period.due_on
    )
    assert returns.value == Decimal(independent) == Decimal(2)
    assert len(services.counted_records(returns, users["office"])[1]) == 2
    assert "应报4份，按期报送并审核通过2份" in returns.formula


def test_new_talents_by_tier(users, bank, round_, make_talent, dicts):
    make_talent("王一", bank, tier=dicts["LJ"])
    make_talent("王二", bank)
    assessment = services.open_assessment(round_, bank, users["office"])
    talents = line(assessment, 4)
    assert talents.value == Decimal(2) and talents.self_score == Decimal(20)
    assert "领军人才1人" in talents.formula


# --- refusals -------------------------------------------------------------------------------------


def test_self_score_above_maximum_and_bonus_above_cap_are_refused(client_for, assessment):
    liaison = client_for("liaison")
    first = line(assessment, 1)
    response = liaison.post(
        f"/o/assessment-scores/{first.pk}/edit/", {"self_score": "25", "note": "", "_version": first.version}
    )
    assert response.status_code in (200, 400) and "不能超过该指标分值20" in response.content.decode()
    a, b = line(assessment, 5), line(assessment, 6)
    assert (
        liaison.post(f"/o/assessment-scores/{a.pk}/edit/", {"self_score": "3", "_version": a.version}).status_code
        == 302
    )
    response = liaison.post(f"/o/assessment-scores/{b.pk}/edit/", {"self_score": "2", "_version": b.version})
    assert response.status_code == 400 and "超过加分上限4" in response.content.decode()
    # A computed indicator is not self-scored.
    tasks = line(assessment, 2)
    assert (
        liaison.post(
            f"/o/assessment-scores/{tasks.pk}/edit/", {"self_score": "1", "_version": tasks.version}
        ).status_code
        == 404
    )


def test_evidence_of_the_wrong_type_is_refused(client_for, assessment):
    liaison = client_for("liaison")
    response = liaison.post(
        "/o/assessment-evidence/new/",
        {
            "score": line(assessment, 1).pk,
            "title": "方案",
            "file": SimpleUploadedFile("方案.pdf", b"MZ\x90\x00not a pdf"),
        },
    )
    assert response.status_code == 400 and "不是可接受的格式" in response.content.decode()


def test_submit_needs_every_self_score_and_its_evidence(client_for, assessment):
    liaison = client_for("liaison")
    response = do(liaison, "unit-assessments", assessment.pk, "submit")
    assert response.status_code == 400 and "请填写“第一责任人抓人才工作”的自评得分" in response.content.decode()
    first = line(assessment, 1)
    liaison.post(f"/o/assessment-scores/{first.pk}/edit/", {"self_score": "10", "_version": first.version})
    response = do(liaison, "unit-assessments", assessment.pk, "submit")
    assert response.status_code == 400 and "须上传佐证材料" in response.content.decode()


def test_a_unit_does_not_review_itself(users, assessment, bank):
    insider = make_user("seconded", Role.OFFICE, bank)
    first = line(assessment, 1)
    assessment.state = AssessmentState.SUBMITTED
    assessment.save()
    with pytest.raises(Refused, match="不能审核本单位的自评"):
        services.accept_line(first, insider)
    with pytest.raises(Refused, match="不能审核本单位的自评"):
        services.finish_review(assessment, insider)


def test_an_expert_from_the_assessed_unit_is_recused(users, scheme, round_, bank, experts, rubric):
    scheme.expert_weight = Decimal(20)
    scheme.save()
    round_.rubric = rubric
    round_.state = RoundState.REVIEW
    round_.save()
    a = UnitAssessment.objects.create(round=round_, organization=bank, state=AssessmentState.SUBMITTED)
    review = services.start_expert_review(round_, users["office"])
    draw = Draw.objects.create(review=review, wanted=3, backups=0, prepared_by=users["office"])
    draw.pools.set([experts["pool"]])
    evaluation.prepare_draw(draw)
    removed = {r["id"]: " ".join(r["reasons"]) for r in draw.removed}
    assert "与申报单位“甲银行济南分行”为同一机构" in removed[experts["talents"][5].pk]
    # A seat made around the draw is refused when the results are taken.
    Reviewer.objects.create(
        review=review, draw=draw, talent=experts["talents"][5], position=9, state=ReviewerState.ACTIVE
    )
    with pytest.raises(Refused, match="来自被评单位“甲银行济南分行”，须回避"):
        services.check_experts(review)
    assert a.review_item is None or a.review_item.review == review


def test_a_proposal_over_quota_is_refused(client_for, bank):
    programme = SiteProgramme.objects.create(name="人才工作“百点”创建", number=100, start_year=2021, end_year=YEAR + 1)
    liaison = client_for("liaison")
    data = {
        "programme": programme.pk,
        "year": YEAR,
        "kind": "enterprise",
        "theme": "金融人才培养",
        "measures": "导师制",
        "expected_results": "培养骨干10名",
        "contact": "张三",
    }
    for n in (1, 2):
        assert liaison.post("/o/demonstration-sites/new/", {**data, "name": f"示范点{n}"}).status_code == 302
    response = liaison.post("/o/demonstration-sites/new/", {**data, "name": "示范点3"})
    assert response.status_code == 400 and "每个单位每年申报1—2个，不能再申报" in response.content.decode()
    assert DemonstrationSite.objects.filter(organization=bank).count() == 2
    programme.quota_max = 3
    programme.save()
    assert liaison.post("/o/demonstration-sites/new/", {**data, "name": "示范点3"}).status_code == 302


# --- the flow ---------------------------------------------------------------------------------------


def test_from_self_assessment_to_published_result(users, client_for, scheme, round_, bank, other_bank):
    office, liaison, other = client_for("office"), client_for("liaison"), client_for("other_liaison")
    assert do(office, "assessment-rounds", round_.pk, "launch").status_code == 302
    mine = UnitAssessment.objects.get(round=round_, organization=bank)
    theirs = UnitAssessment.objects.get(round=round_, organization=other_bank)
    assert mine.scores.count() == 6
    # Another unit's liaison sees neither the card nor the lines of this one.
    assert other.get(f"/assessment/{mine.pk}/card/").status_code == 404
    assert other.get(f"/o/assessment-scores/{line(mine, 1).pk}/").status_code == 404

    self_assess(liaison, mine)
    b5 = line(mine, 5)
    liaison.post(f"/o/assessment-scores/{b5.pk}/edit/", {"self_score": "3", "_version": b5.version})
    liaison.post(
        f"/o/unit-assessments/{mine.pk}/edit/", {"report": "本单位主要负责人亲自抓人才工作。", "_version": mine.version}
    )
    assert do(liaison, "unit-assessments", mine.pk, "submit").status_code == 302
    mine.refresh_from_db()
    assert mine.state == AssessmentState.SUBMITTED and mine.self_total == Decimal(21)
    card = liaison.get(f"/assessment/{mine.pk}/card/").content.decode()
    assert "人才工作方案" in card and "radar-chart" in card and "本单位主要负责人亲自抓人才工作" in card

    self_assess(other, theirs, Decimal(12))
    assert do(other, "unit-assessments", theirs.pk, "submit").status_code == 302

    # Office review per line: accept, adjust with a reason.
    assert (
        do(office, "assessment-scores", line(mine, 1).pk, "adjust", office_score="25", adjust_reason="x").status_code
        == 400
    )
    assert (
        do(
            office,
            "assessment-scores",
            line(mine, 1).pk,
            "adjust",
            office_score="16",
            adjust_reason="方案未经党委会审议",
        ).status_code
        == 302
    )
    for a in (mine, theirs):
        for s in a.scores.exclude(decision=Decision.ADJUSTED):
            assert do(office, "assessment-scores", s.pk, "accept").status_code == 302
        assert do(office, "unit-assessments", a.pk, "finish_review").status_code == 302
    mine.refresh_from_db()
    assert mine.office_total == Decimal(19)  # 16 + 0 + 0 + 0 + bonus 3

    assert do(office, "assessment-rounds", round_.pk, "close_self").status_code == 302
    # Before publicity, a unit does not see the ranking.
    assert liaison.get(f"/assessment/rounds/{round_.pk}/ranking/").status_code == 403
    assert do(office, "assessment-rounds", round_.pk, "start_publicity").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.rank, theirs.rank) == (1, 2)
    assert mine.grade == Grade.POOR and mine.final_score == Decimal(19)
    page = liaison.get(f"/assessment/rounds/{round_.pk}/ranking/").content.decode()
    assert "甲银行济南分行" in page and "较差" in page

    # An appeal within the appeal period; upheld, the office raises one line; published.
    response = liaison.post(
        "/o/assessment-appeals/new/", {"assessment": mine.pk, "content": "方案已经党委会审议，附会议纪要。"}
    )
    assert response.status_code == 302
    appeal = Appeal.objects.get(assessment=mine)
    assert do(office, "assessment-appeals", appeal.pk, "uphold", handling_reason="核实属实").status_code == 302
    assert (
        do(
            office, "assessment-scores", line(mine, 1).pk, "adjust", office_score="20", adjust_reason="申诉成立"
        ).status_code
        == 302
    )
    response = do(
        office,
        "assessment-rounds",
        round_.pk,
        "publish",
        published_on=str(timezone.localdate()),
        results_number="济金办〔2026〕3号",
    )
    assert response.status_code == 400 and "公示期满后方可公布结果" in response.content.decode()
    AssessmentRound.objects.filter(pk=round_.pk).update(
        publicity_starts_on=timezone.localdate() - timedelta(days=10),
        publicity_ends_on=timezone.localdate() - timedelta(days=1),
    )
    response = do(
        office,
        "assessment-rounds",
        round_.pk,
        "publish",
        published_on=str(timezone.localdate()),
        results_number="济金办〔2026〕3号",
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    mine.refresh_from_db()
    round_.refresh_from_db()
    assert round_.state == RoundState.PUBLISHED and mine.office_total == Decimal(23) and mine.final_score == Decimal(23)
    assert appeal.__class__.objects.get(pk=appeal.pk).state == AppealState.UPHELD

    xlsx = office.get(f"/assessment/rounds/{round_.pk}/ranking/?format=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("名次", "单位") and rows[1][1] == "甲银行济南分行" and rows[1][5] == "23.00"
    notice = office.get(f"/assessment/rounds/{round_.pk}/results.docx")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(notice.content)).paragraphs)
    assert "人才工作目标考核结果的通报" in text and "参加考核单位2个" in text


def test_grades_follow_the_rule_and_the_excellent_share(scheme):
    assert services.grade_for(Decimal(95), scheme, True) == Grade.EXCELLENT
    assert services.grade_for(Decimal(95), scheme, False) == Grade.GOOD
    assert services.grade_for(Decimal(80), scheme, True) == Grade.GOOD
    assert services.grade_for(Decimal("79.99"), scheme, True) == Grade.FAIR
    assert services.grade_for(Decimal(59), scheme, True) == Grade.POOR


def test_year_on_year_change_on_the_ranking(users, client_for, scheme, round_, bank):
    last = AssessmentScheme.objects.create(name="上年方案", year=YEAR - 1, unit_class="bank")
    last_round = AssessmentRound.objects.create(
        scheme=last, title="上年考核", self_due_on=date(YEAR - 1, 12, 1), state=RoundState.PUBLISHED
    )
    UnitAssessment.objects.create(
        round=last_round, organization=bank, state=AssessmentState.REVIEWED, final_score=Decimal(80), rank=3
    )
    UnitAssessment.objects.create(
        round=round_, organization=bank, state=AssessmentState.REVIEWED, final_score=Decimal("85.5"), rank=1
    )
    page = client_for("office").get(f"/assessment/rounds/{round_.pk}/ranking/").content.decode()
    assert "+5.50" in page and "↑2" in page


# --- sites --------------------------------------------------------------------------------------------


def test_a_site_from_proposal_to_acceptance_and_a_failed_one_reinspected_once(
    users, client_for, bank, other_bank, experts, rubric
):
    programme = SiteProgramme.objects.create(name="人才工作“百点”创建", number=100, start_year=2021, end_year=YEAR + 1)
    office, liaison = client_for("office"), client_for("liaison")
    sites = []
    for org, name in ((bank, "甲银行金融人才实训基地"), (other_bank, "乙银行青年人才之家")):
        sites.append(
            DemonstrationSite.objects.create(
                programme=programme,
                year=YEAR,
                organization=org,
                name=name,
                kind="base",
                theme="实训",
                measures="导师带徒",
                expected_results="培养骨干",
                contact="张三",
            )
        )
    good, weak = sites
    assert do(office, "demonstration-sites", good.pk, "approve", reason="同意").status_code == 302
    assert do(office, "demonstration-sites", weak.pk, "approve", reason="同意").status_code == 302
    response = liaison.post(
        "/o/site-progress-notes/new/",
        {"site": good.pk, "noted_on": str(timezone.localdate()), "content": "首期实训开班"},
    )
    assert response.status_code == 302
    acceptance = AcceptanceRound.objects.create(programme=programme, year=YEAR, rubric=rubric)
    assert do(office, "site-acceptances", acceptance.pk, "start").status_code == 302
    acceptance.refresh_from_db()
    review = acceptance.review
    for talent in experts["talents"][:3]:
        talent.organization = experts["firm"]
        talent.save()
    draw = Draw.objects.create(review=review, wanted=3, backups=0, prepared_by=users["office"])
    draw.pools.set([experts["pool"]])
    evaluation.prepare_draw(draw)
    assert experts["talents"][5].pk in {r["id"] for r in draw.removed}  # works at 甲银行's branch
    evaluation.execute_draw(draw, users["leader"], "20250101")
    evaluation.sign_draw(draw, users["leader"])
    criteria = list(rubric.criteria.all())
    for sheet in ScoreSheet.objects.filter(item__review=review).select_related("item"):
        per = Decimal(18) if sheet.item.label == good.name else Decimal(8)
        evaluation.submit_sheet(sheet, {c.pk: per for c in criteria}, {}, "", final=True)
    assert do(office, "site-acceptances", acceptance.pk, "conclude").status_code == 302
    good.refresh_from_db()
    weak.refresh_from_db()
    assert (good.state, good.accepted_year, good.acceptance_score) == (SiteState.ACCEPTED, YEAR, Decimal(90))
    assert weak.state == SiteState.FAILED and weak.inspections == 1
    # The failed site enters the next acceptance once, and not a third time.
    assert weak in services.inspectable(programme)
    weak.inspections = 2
    weak.save()
    assert weak not in services.inspectable(programme)

    found = services.programme_progress(programme, users["office"])
    assert found.current == 1 and found.mark in ("进度滞后", "进度正常")
    block = next(b for b in leader_blocks(users["leader"], Period(YEAR)) if b.title == "目标考核与示范点")
    assert block.figures[0].value == 1 and "目标100个" in str(block.figures[0].label)
    item = data_items()["示范点创建情况"]
    scope = type("S", (), {"user": users["office"], "period": Period(YEAR), "organization": None})()
    assert item.compute(scope) == "累计创建人才工作示范点1个"


def test_expert_scores_enter_the_final_score_by_the_scheme_weight(
    users, client_for, scheme, round_, bank, other_bank, experts, rubric
):
    scheme.expert_weight = Decimal(20)
    AssessmentScheme.objects.filter(pk=scheme.pk).update(expert_weight=Decimal(20))
    round_.rubric = rubric
    round_.save()
    mine = UnitAssessment.objects.create(
        round=round_, organization=bank, state=AssessmentState.REVIEWED, office_total=Decimal(90)
    )
    theirs = UnitAssessment.objects.create(
        round=round_, organization=other_bank, state=AssessmentState.REVIEWED, office_total=Decimal(85)
    )
    office = client_for("office")
    assert do(office, "assessment-rounds", round_.pk, "close_self").status_code == 302
    # Publicity before the experts have scored is refused.
    assert do(office, "assessment-rounds", round_.pk, "experts").status_code == 302
    round_.refresh_from_db()
    response = do(office, "assessment-rounds", round_.pk, "start_publicity")
    assert response.status_code == 400 and "专家评审尚未开始" in response.content.decode()
    draw = Draw.objects.create(review=round_.review, wanted=3, backups=0, prepared_by=users["office"])
    draw.pools.set([experts["pool"]])
    evaluation.prepare_draw(draw)
    assert experts["talents"][5].pk in {r["id"] for r in draw.removed}
    evaluation.execute_draw(draw, users["leader"], "424242")
    evaluation.sign_draw(draw, users["leader"])
    criteria = list(rubric.criteria.all())
    for sheet in ScoreSheet.objects.filter(item__review=round_.review).select_related("item"):
        per = Decimal(12) if sheet.item.organization_id == bank.pk else Decimal(19)
        evaluation.submit_sheet(sheet, {c.pk: per for c in criteria}, {}, "", final=True)
    assert do(office, "assessment-rounds", round_.pk, "start_publicity").status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.expert_score == Decimal(60) and mine.final_score == Decimal(84)  # 90 × 0.8 + 60 × 0.2
    assert theirs.expert_score == Decimal(95) and theirs.final_score == Decimal(87)  # 85 × 0.8 + 95 × 0.2
    assert (theirs.rank, mine.rank) == (1, 2)
    # Experts see the units they score, not other rounds' or the evidence of others.
    expert_user = Reviewer.objects.filter(review=round_.review, state="active").first().user
    assert expert_user is not None
    assert UnitAssessment.objects.visible_to(expert_user).count() == 2


def test_liaisons_are_reminded_of_the_minimum_of_sites(users, bank):
    from rencai.core.todos import todos_for

    SiteProgramme.objects.create(name="百点创建", number=100, start_year=YEAR - 1, end_year=YEAR + 1)
    assert any("示范点" in t.title for t in todos_for(users["liaison"]))


def test_office_departments_are_assessed_one_by_one(users, office_org):
    from rencai.orgs.models import Department

    for name in ("人才工作处", "银行保险处"):
        Department.objects.create(organization=office_org, name=name)
    scheme = AssessmentScheme.objects.create(name="处室考核方案", year=YEAR, unit_class="department")
    with pytest.raises(Exception, match="由处室自评"):
        Indicator(
            scheme=scheme, order=1, category="x", name="x", max_score=5, rule="x", source=Source.TASKS, full_value=1
        ).full_clean()
    Indicator.objects.create(
        scheme=scheme, order=1, category="履职", name="人才工作落实", max_score=Decimal(100), rule="按规则"
    )
    round_ = AssessmentRound.objects.create(scheme=scheme, title="处室考核", self_due_on=timezone.localdate())
    assert services.launch(round_, users["office"]) == 2
    assert services.launch(round_, users["office"]) == 0
    assert {a.unit_name for a in round_.assessments.all()} == {"人才工作处", "银行保险处"}
