"""A selection from call to honours through the real pages: quotas, eligibility, materials,
a re-verifiable draw with recusal, scoring, publicity, objections and the decision."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from rencai.conftest import make_user, verified_client
from rencai.core.models import AuditEntry
from rencai.core.roles import Role
from rencai.evaluation.models import Draw, DrawState, Reviewer, ReviewerState, ReviewState, ScoreSheet, SheetState
from rencai.evaluation.services import verify_draw
from rencai.selections.models import (
    Application,
    ApplicationState,
    Campaign,
    CampaignQuota,
    CampaignState,
    Objection,
    UnitAward,
)
from rencai.talents.models import Honour, HonourSource, PoolKind, PoolMembership, TalentPool

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def act(client, slug: str, pk: int, action: str, data: dict | None = None):
    return client.post(f"/o/{slug}/{pk}/do/{action}/", data or {})


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def form_errors(response) -> str:
    form = response.context["form"]
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@pytest.fixture
def campaign(db, rubric, dicts, bank, other_bank):
    today = timezone.localdate()
    pool = TalentPool.objects.create(name="业务人才库", kind=PoolKind.BUSINESS)
    campaign = Campaign.objects.create(
        name="最美青年金融工作者",
        kind="individual",
        year=today.year,
        opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=10),
        quota_total=2,
        max_age=35,
        age_on=date(today.year, 5, 4),
        required_materials="推荐表",
        honour_name="最美青年金融工作者",
        awarded_by="测试市地方金融监督管理局",
        winners_pool=pool,
        rubric=rubric,
        state=CampaignState.OPEN,
    )
    CampaignQuota.objects.create(campaign=campaign, organization=bank, quota=2)
    CampaignQuota.objects.create(campaign=campaign, organization=other_bank, quota=1)
    return campaign


def nominate(client, campaign, talent, summary="业绩突出。"):
    return client.post("/o/applications/new/", {"campaign": campaign.pk, "talent": talent.pk, "summary": summary})


def upload(client, application, content=PDF, name="推荐表.pdf"):
    return client.post(
        "/o/materials/new/",
        {"application": application.pk, "kind": "推荐表", "file": SimpleUploadedFile(name, content)},
    )


def young(make_talent, name, org):
    return make_talent(name, org, born=f"{timezone.localdate().year - 30}0101")


def test_nomination_over_quota_is_refused(client_for, campaign, make_talent, bank, bank_branch):
    liaison = client_for("liaison")
    for name in ("甲一", "甲二"):
        assert nominate(liaison, campaign, young(make_talent, name, bank_branch)).status_code == 302
    response = nominate(liaison, campaign, young(make_talent, "甲三", bank))
    assert "推荐名额为2名，已推荐2名" in form_errors(response)
    assert Application.objects.filter(campaign=campaign).count() == 2


def test_ineligible_nominee_is_refused_with_the_rule(client_for, campaign, make_talent, bank):
    form = client_for("liaison").get(f"/o/applications/new/?campaign={campaign.pk}").context["form"]
    assert "talent" in form.fields and "subject_name" not in form.fields
    old = make_talent("年长者", bank, born="19800101")
    response = nominate(client_for("liaison"), campaign, old)
    assert "不符合“35周岁以下”的条件" in form_errors(response)
    flagged = young(make_talent, "有记录", bank)
    flagged.has_disciplinary_record = True
    flagged.save()
    assert "有违纪记录" in form_errors(nominate(client_for("liaison"), campaign, flagged))
    assert not Application.objects.exists()


def test_liaison_cannot_nominate_another_institutions_talent(client_for, campaign, make_talent, other_bank):
    stranger = young(make_talent, "乙员工", other_bank)
    response = nominate(client_for("liaison"), campaign, stranger)
    assert response.status_code == 200 and "talent" in response.context["form"].errors
    assert not Application.objects.exists()


def test_materials_are_checked_by_content(client_for, campaign, make_talent, bank):
    liaison = client_for("liaison")
    nominate(liaison, campaign, young(make_talent, "甲一", bank))
    application = Application.objects.get()
    response = upload(liaison, application, content=b"MZ\x90\x00 not a pdf", name="推荐表.pdf")
    assert "内容不是可接受的格式" in form_errors(response)
    assert upload(liaison, application).status_code == 302
    assert application.materials.get().file_type == "pdf"


def test_eligibility_check_needs_materials_and_can_return_with_reason(client_for, campaign, make_talent, bank):
    liaison, office = client_for("liaison"), client_for("office")
    nominate(liaison, campaign, young(make_talent, "甲一", bank))
    application = Application.objects.get()
    response = act(office, "applications", application.pk, "pass")
    assert "缺少申报材料：推荐表" in " ".join(str(e) for e in response.context["form"].non_field_errors())
    act(office, "applications", application.pk, "return", {"reason": "事迹材料过于简略"})
    application.refresh_from_db()
    assert (application.state, application.reason) == (ApplicationState.RETURNED, "事迹材料过于简略")
    upload(liaison, application)
    act(liaison, "applications", application.pk, "resubmit")
    act(office, "applications", application.pk, "pass")
    application.refresh_from_db()
    assert application.state == ApplicationState.ELIGIBLE


def run_to_review(client_for, campaign, make_talent, bank, other_bank):
    """Three eligible nominees (two from 甲银行, one from 乙银行) and a review waiting for a draw."""
    liaison, other, office = client_for("liaison"), client_for("other_liaison"), client_for("office")
    nominees = [
        young(make_talent, "甲一", bank),
        young(make_talent, "甲二", bank),
        young(make_talent, "乙一", other_bank),
    ]
    for client, talent in zip((liaison, liaison, other), nominees, strict=True):
        assert nominate(client, campaign, talent).status_code == 302
        application = Application.objects.get(talent=talent)
        assert upload(client, application).status_code == 302
        act(office, "applications", application.pk, "pass")
    act(office, "campaigns", campaign.pk, "close_applications")
    response = act(office, "campaigns", campaign.pk, "start_review")
    assert response.status_code == 302, response.content
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.REVIEW and campaign.review.items.count() == 3
    return nominees


def draw_experts(client_for, users, campaign, experts, wanted=3, backups=2):
    office = client_for("office")
    response = office.post(
        "/o/draws/new/",
        {
            "review": campaign.review_id,
            "pools": [experts["pool"].pk],
            "specialty": "",
            "wanted": wanted,
            "backups": backups,
            "recusal_years": 3,
        },
    )
    assert response.status_code == 302, response.content
    draw = Draw.objects.get(review=campaign.review)
    leader = client_for("leader")
    assert act(leader, "draws", draw.pk, "execute", {"number": "73915"}).status_code == 302
    assert act(leader, "draws", draw.pk, "sign").status_code == 302
    draw.refresh_from_db()
    return draw


def test_the_draw_recuses_publishes_and_verifies(client_for, users, campaign, make_talent, bank, other_bank, experts):
    run_to_review(client_for, campaign, make_talent, bank, other_bank)
    draw = draw_experts(client_for, users, campaign, experts)
    recused = experts["talents"][5]  # works at 甲银行历下支行
    assert recused.pk not in {c["id"] for c in draw.candidates}
    assert any(r["id"] == recused.pk and "同一机构" in r["reasons"][0] for r in draw.removed)
    assert recused.pk not in draw.drawn
    assert draw.state == DrawState.SIGNED and len(draw.drawn) == 5
    assert Reviewer.objects.filter(draw=draw, state=ReviewerState.ACTIVE).count() == 3
    assert all(c.ok for c in verify_draw(draw))
    page = client_for("office").get(f"/evaluation/draws/{draw.pk}/verify/")
    assert page.content.decode().count("一致") >= 5 and "不一致" not in page.content.decode()
    out = io.StringIO()
    call_command("verify_draw", str(draw.pk), stdout=out)
    assert "全部一致" in out.getvalue()
    # tampering with the published number breaks the verification
    Draw.objects.filter(pk=draw.pk).update(supervisor_number="73916")
    draw.refresh_from_db()
    assert not all(c.ok for c in verify_draw(draw))
    with pytest.raises(Exception, match="不一致"):
        call_command("verify_draw", str(draw.pk), stdout=io.StringIO())


def test_every_applicant_of_the_campaign_is_recused_whatever_came_of_the_application(
    client_for, users, campaign, make_talent, bank, other_bank, experts
):
    """An expert who applied to the same campaign is recused even when the application was
    refused or withdrawn (it never reached the review)."""
    university = experts["university"]
    refused, withdrawn = experts["talents"][0], experts["talents"][1]
    for talent, state in ((refused, ApplicationState.INELIGIBLE), (withdrawn, ApplicationState.WITHDRAWN)):
        Application.objects.create(
            campaign=campaign,
            route="self",
            talent=talent,
            organization=university,
            summary="自荐",
            submitted_by=users["office"],
            state=state,
        )
    run_to_review(client_for, campaign, make_talent, bank, other_bank)
    assert set(campaign.review.participants.values_list("pk", flat=True)) >= {refused.pk, withdrawn.pk}
    draw = draw_experts(client_for, users, campaign, experts, wanted=2, backups=1)
    removed = {r["id"]: r["reasons"] for r in draw.removed}
    assert removed[refused.pk] == ["本人为本次评选的申报人"]
    assert removed[withdrawn.pk] == ["本人为本次评选的申报人"]
    assert {refused.pk, withdrawn.pk}.isdisjoint(draw.drawn)


def test_the_preparer_cannot_enter_the_number_and_only_the_supervisor_signs(
    client_for, users, campaign, make_talent, bank, other_bank, experts
):
    run_to_review(client_for, campaign, make_talent, bank, other_bank)
    office = client_for("office")
    office.post(
        "/o/draws/new/",
        {"review": campaign.review_id, "pools": [experts["pool"].pk], "wanted": 3, "backups": 1, "recusal_years": 3},
    )
    draw = Draw.objects.get()
    assert act(office, "draws", draw.pk, "execute", {"number": "12345"}).status_code == 403
    draw.refresh_from_db()
    assert draw.state == DrawState.PREPARED and not draw.seed


def test_a_declining_expert_is_replaced_by_the_next_backup(
    client_for, users, campaign, make_talent, bank, other_bank, experts
):
    run_to_review(client_for, campaign, make_talent, bank, other_bank)
    draw = draw_experts(client_for, users, campaign, experts)
    first = Reviewer.objects.get(draw=draw, position=1)
    backup = Reviewer.objects.get(draw=draw, position=4)
    act(client_for("office"), "reviewers", first.pk, "decline", {"reason": "出差"})
    first.refresh_from_db()
    backup.refresh_from_db()
    assert first.state == ReviewerState.DECLINED and backup.state == ReviewerState.ACTIVE
    assert backup.replaces_id == first.pk
    assert ScoreSheet.objects.filter(reviewer=backup).count() == 3
    assert not ScoreSheet.objects.filter(reviewer=first).exists()
    assert AuditEntry.objects.filter(
        object_type="evaluation.reviewer", object_id=str(backup.pk), action="update"
    ).exists()


def score_all(client_for, review, base: int = 15, outlier: int | None = None):
    """Every active reviewer scores every item through the scoring page."""
    criteria = list(review.rubric.criteria.all())
    for n, reviewer in enumerate(Reviewer.objects.filter(review=review, state=ReviewerState.ACTIVE)):
        client = client_for_user(reviewer.user)
        for sheet in reviewer.sheets.order_by("item__order"):
            value = base + sheet.item.order if outlier is None or n else outlier
            data = {f"value_{c.pk}": str(min(value, 20)) for c in criteria}
            data["submit"] = "1"
            response = client.post(f"/evaluation/sheets/{sheet.pk}/score/", data)
            assert response.status_code == 302, response.content.decode()[:2000]


def client_for_user(user):
    return verified_client(user)


def test_reviewer_sees_only_assigned_items_and_scores_within_bounds(
    client_for, users, campaign, make_talent, bank, other_bank, experts
):
    run_to_review(client_for, campaign, make_talent, bank, other_bank)
    draw = draw_experts(client_for, users, campaign, experts)
    seated = Reviewer.objects.get(draw=draw, position=1)
    standby = Reviewer.objects.get(draw=draw, position=4)
    client = client_for_user(seated.user)
    sheet = seated.sheets.first()
    criteria = list(campaign.rubric.criteria.all())
    too_high = {f"value_{c.pk}": "25" for c in criteria} | {"submit": "1"}
    response = client.post(f"/evaluation/sheets/{sheet.pk}/score/", too_high)
    assert response.status_code == 400 and "得分不能超过满分20" in response.content.decode()
    assert not sheet.scores.exists()
    # a backup on standby has no items; nobody may open another reviewer's sheet
    assert client_for_user(standby.user).get(f"/evaluation/sheets/{sheet.pk}/score/").status_code == 404
    assert client_for_user(standby.user).get(f"/o/review-items/{sheet.item_id}/").status_code == 404
    assert client.get(f"/o/review-items/{sheet.item_id}/").status_code == 200
    # the application's materials open for the assigned reviewer only
    material = sheet.item.application.materials.get()
    assert client.get(f"/selections/materials/{material.pk}/download/").status_code == 200
    assert client_for_user(standby.user).get(f"/selections/materials/{material.pk}/download/").status_code == 404
    ok = {f"value_{c.pk}": "18" for c in criteria} | {"submit": "1"}
    assert client.post(f"/evaluation/sheets/{sheet.pk}/score/", ok).status_code == 302
    sheet.refresh_from_db()
    assert (sheet.state, sheet.total) == (SheetState.SUBMITTED, Decimal(90))
    again = client.post(f"/evaluation/sheets/{sheet.pk}/score/", {**ok, f"value_{criteria[0].pk}": "10"})
    assert "评分已提交，不能修改" in again.content.decode()
    sheet.refresh_from_db()
    assert sheet.total == Decimal(90)


def test_campaign_from_scoring_to_honours(client_for, users, campaign, make_talent, bank, other_bank, experts):
    nominees = run_to_review(client_for, campaign, make_talent, bank, other_bank)
    draw_experts(client_for, users, campaign, experts)
    office = client_for("office")
    refused = act(office, "campaigns", campaign.pk, "start_publicity")
    assert "份评分表未提交" in " ".join(str(e) for e in refused.context["form"].non_field_errors())
    score_all(client_for, campaign.review, outlier=3)
    ranking = office.get(f"/evaluation/reviews/{campaign.review_id}/ranking/")
    assert ranking.status_code == 200 and "text-bg-warning" in ranking.content.decode()
    assert act(office, "campaigns", campaign.pk, "start_publicity").status_code == 302
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.PUBLICITY and campaign.review.state == ReviewState.CLOSED
    shortlisted = list(Application.objects.filter(state=ApplicationState.SHORTLISTED).order_by("rank"))
    assert len(shortlisted) == 2 and [a.rank for a in shortlisted] == [1, 2]
    # the item applied last scored highest (base + order), so it ranks first
    assert shortlisted[0].talent == nominees[2]
    assert campaign.publicity_ends_on - campaign.publicity_starts_on == timedelta(days=6)

    # anyone logged in may object during publicity; an open objection blocks the decision
    talent_client = client_for("talent")
    response = talent_client.post("/o/objections/new/", {"application": shortlisted[1].pk, "content": "事迹与事实不符"})
    assert response.status_code == 302
    objection = Objection.objects.get()
    assert objection.filed_by == users["talent"]
    assert client_for("liaison").get(f"/o/objections/{objection.pk}/").status_code == 404
    Campaign.objects.filter(pk=campaign.pk).update(
        publicity_starts_on=timezone.localdate() - timedelta(days=8),
        publicity_ends_on=timezone.localdate() - timedelta(days=1),
    )
    decision = {"decided_on": timezone.localdate().isoformat(), "results_number": "测金办〔2026〕18号"}
    refused = act(office, "campaigns", campaign.pk, "decide", decision)
    assert "尚有1件异议未处理" in " ".join(str(e) for e in refused.context["form"].non_field_errors())
    act(office, "objections", objection.pk, "dismiss", {"handling_reason": "经核实，事迹属实"})
    assert act(office, "campaigns", campaign.pk, "decide", decision).status_code == 302
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.DECIDED

    winners = [a.talent for a in shortlisted]
    for talent in winners:
        honour = Honour.objects.get(talent=talent)
        assert honour.name == "最美青年金融工作者" and honour.source == HonourSource.SELECTION
        assert "测金办〔2026〕18号" in honour.source_reference and str(campaign.year) in honour.source_reference
        assert (honour.campaign, honour.document_number) == (campaign, "测金办〔2026〕18号")
        record = office.get(f"/o/talents/{talent.pk}/").content.decode()
        assert "测金办〔2026〕18号" in record and str(campaign) in record
        assert PoolMembership.objects.filter(talent=talent, pool=campaign.winners_pool, source="selection").exists()
    export = office.get("/o/honours/export/")
    exported = load_workbook(io.BytesIO(b"".join(export.streaming_content))).active
    header = [c.value for c in exported[1]]
    assert "文号" in header and "评选活动" in header
    assert sum(1 for row in exported.iter_rows(min_row=2, values_only=True) if "测金办〔2026〕18号" in row) == 2
    loser = Application.objects.get(state=ApplicationState.NOT_SHORTLISTED).talent
    assert not Honour.objects.filter(talent=loser).exists()

    notice = office.get(f"/selections/campaigns/{campaign.pk}/documents/results.docx")
    document = Document(io.BytesIO(b"".join(notice.streaming_content) if notice.streaming else notice.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "测金办〔2026〕18号" in text and "授予2名同志" in text
    names = [row.cells[1].text for row in document.tables[0].rows[1:]]
    assert names == [t.name for t in winners]
    publicity = office.get(f"/selections/campaigns/{campaign.pk}/documents/publicity.docx")
    assert "入围对象的公示" in "\n".join(p.text for p in Document(io.BytesIO(publicity.content)).paragraphs)
    workbook = load_workbook(io.BytesIO(office.get(f"/selections/campaigns/{campaign.pk}/results.xlsx").content))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][:3] == ("名次", "姓名/名称", "单位") and rows[1][1] == winners[0].name and rows[1][8] == "当选"


def test_an_upheld_objection_removes_the_shortlisted(
    client_for, users, campaign, make_talent, bank, other_bank, experts
):
    run_to_review(client_for, campaign, make_talent, bank, other_bank)
    draw_experts(client_for, users, campaign, experts)
    score_all(client_for, campaign.review)
    office = client_for("office")
    act(office, "campaigns", campaign.pk, "start_publicity")
    target = Application.objects.filter(state=ApplicationState.SHORTLISTED).order_by("rank").first()
    client_for("leader").post("/o/objections/new/", {"application": target.pk, "content": "存在违纪行为"})
    objection = Objection.objects.get()
    act(office, "objections", objection.pk, "uphold", {"handling_reason": "经核实属实"})
    target.refresh_from_db()
    assert target.state == ApplicationState.DISQUALIFIED
    Campaign.objects.filter(pk=campaign.pk).update(publicity_ends_on=timezone.localdate() - timedelta(days=1))
    act(office, "campaigns", campaign.pk, "decide", {"decided_on": timezone.localdate(), "results_number": "18号"})
    assert not Honour.objects.filter(talent=target.talent).exists()
    assert Honour.objects.count() == 1


def test_decision_waits_for_the_end_of_publicity(client_for, users, campaign, make_talent, bank, other_bank, experts):
    run_to_review(client_for, campaign, make_talent, bank, other_bank)
    draw_experts(client_for, users, campaign, experts)
    score_all(client_for, campaign.review)
    office = client_for("office")
    act(office, "campaigns", campaign.pk, "start_publicity")
    response = act(
        office, "campaigns", campaign.pk, "decide", {"decided_on": timezone.localdate(), "results_number": "1"}
    )
    assert "公示期满后方可作出决定" in " ".join(str(e) for e in response.context["form"].non_field_errors())
    assert not Honour.objects.exists()


def test_objection_outside_publicity_is_refused(client_for, campaign, make_talent, bank):
    nominate(client_for("liaison"), campaign, young(make_talent, "甲一", bank))
    application = Application.objects.get()
    response = client_for("talent").post("/o/objections/new/", {"application": application.pk, "content": "x"})
    assert response.status_code == 200 and not Objection.objects.exists()


def test_unit_campaign_gives_the_unit_its_title(client_for, users, rubric, bank, other_bank, experts):
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="最强党支部",
        kind="party_branch",
        year=today.year,
        opens_on=today,
        closes_on=today + timedelta(days=5),
        quota_total=1,
        require_clean_record=False,
        rubric=rubric,
        state=CampaignState.OPEN,
    )
    office = client_for("office")
    form = client_for("liaison").get(f"/o/applications/new/?campaign={campaign.pk}").context["form"]
    assert "talent" not in form.fields and "subject_name" in form.fields
    for client, org, name in (
        (client_for("liaison"), bank, "甲银行第一党支部"),
        (client_for("other_liaison"), other_bank, "乙银行机关党支部"),
    ):
        response = client.post(
            "/o/applications/new/",
            {"campaign": campaign.pk, "subject_name": name, "organization": org.pk, "summary": "五强"},
        )
        assert response.status_code == 302, form_errors(response)
        act(office, "applications", Application.objects.get(subject_name=name).pk, "pass")
    act(office, "campaigns", campaign.pk, "close_applications")
    act(office, "campaigns", campaign.pk, "start_review")
    campaign.refresh_from_db()
    draw_experts(client_for, users, campaign, experts)
    score_all(client_for, campaign.review)
    act(office, "campaigns", campaign.pk, "start_publicity")
    Campaign.objects.filter(pk=campaign.pk).update(publicity_ends_on=today - timedelta(days=1))
    act(office, "campaigns", campaign.pk, "decide", {"decided_on": today, "results_number": "党建〔2026〕3号"})
    award = UnitAward.objects.get()
    assert award.subject_name == "乙银行机关党支部" and award.title == "最强党支部"
    assert award.organization == other_bank
    page = client_for("other_liaison").get(f"/o/organizations/{other_bank.pk}/")
    assert "乙银行机关党支部" in page.content.decode()


def test_public_vote_one_per_account_per_day(client_for, users, rubric, bank, other_bank, experts, make_talent):
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="业务标兵",
        kind="individual",
        year=today.year,
        opens_on=today,
        closes_on=today + timedelta(days=5),
        quota_total=1,
        rubric=rubric,
        has_public_vote=True,
        expert_weight=Decimal(80),
        vote_weight=Decimal(20),
        votes_per_ip_per_day=2,
        state=CampaignState.OPEN,
    )
    run_to_review(client_for, campaign, make_talent, bank, other_bank)
    draw_experts(client_for, users, campaign, experts)
    score_all(client_for, campaign.review)
    office = client_for("office")
    assert act(office, "campaigns", campaign.pk, "start_vote").status_code == 302
    candidate = Application.objects.filter(campaign=campaign).order_by("id").first()
    voters = ["leader", "liaison", "other_liaison"]
    for name in voters:
        users[name].last_login = timezone.now()
        users[name].save()
    first = client_for("leader").post(
        f"/selections/campaigns/{campaign.pk}/vote/", {"application": candidate.pk}, follow=True
    )
    assert "投票成功" in first.content.decode()
    again = client_for("leader").post(
        f"/selections/campaigns/{campaign.pk}/vote/", {"application": candidate.pk}, follow=True
    )
    assert "每个账号每天限投一票" in again.content.decode()
    client_for("liaison").post(f"/selections/campaigns/{campaign.pk}/vote/", {"application": candidate.pk})
    third = client_for("other_liaison").post(
        f"/selections/campaigns/{campaign.pk}/vote/", {"application": candidate.pk}, follow=True
    )
    assert "今日投票次数已达上限" in third.content.decode()
    late = make_user("late", Role.TALENT, bank)
    late.last_login = timezone.now()
    late.save()
    refused = verified_client(late).post(
        f"/selections/campaigns/{campaign.pk}/vote/", {"application": candidate.pk}, follow=True
    )
    assert "投票开始后注册的账号不能投票" in refused.content.decode()
    assert candidate.votes.count() == 2
    act(office, "campaigns", campaign.pk, "start_publicity")
    candidate.refresh_from_db()
    assert candidate.review_item.votes == 2


def test_a_talent_applies_themself_when_the_campaign_allows_it(client_for, users, campaign, make_talent, bank_branch):
    me = young(make_talent, "本人", bank_branch)
    me.user = users["talent"]
    me.save()
    client = client_for("talent")
    response = client.post("/o/applications/new/", {"campaign": campaign.pk, "summary": "自荐"})
    assert response.status_code == 200 and "campaign" in response.context["form"].errors  # not open to self-application
    Campaign.objects.filter(pk=campaign.pk).update(allow_self_application=True)
    assert client.post("/o/applications/new/", {"campaign": campaign.pk, "summary": "自荐"}).status_code == 302
    application = Application.objects.get()
    assert (application.talent, application.route, application.organization) == (me, "self", bank_branch)
    assert client.get(f"/o/applications/{application.pk}/").status_code == 200
    assert client_for("other_liaison").get(f"/o/applications/{application.pk}/").status_code == 404


def test_a_talent_changes_their_application_only_once_returned(client_for, users, campaign, make_talent, bank_branch):
    """Application.talent_scope(editing=True): a talent's own application is theirs to
    change, and to add materials to, only once the office has returned it."""
    me = young(make_talent, "本人", bank_branch)
    me.user = users["talent"]
    me.save()
    Campaign.objects.filter(pk=campaign.pk).update(allow_self_application=True)
    client = client_for("talent")
    assert client.post("/o/applications/new/", {"campaign": campaign.pk, "summary": "自荐"}).status_code == 302
    application = Application.objects.get()
    assert client.get(f"/o/applications/{application.pk}/edit/").status_code == 404
    patch = {"summary": "改", "version": application.version}
    assert (
        client.patch(f"/api/applications/{application.pk}/", patch, content_type="application/json").status_code == 404
    )
    assert application.pk not in client.get("/o/materials/new/").context["form"].fields[
        "application"
    ].queryset.values_list("pk", flat=True)
    assert client_for("liaison").get(f"/o/applications/{application.pk}/edit/").status_code == 200
    act(client_for("office"), "applications", application.pk, "return", {"reason": "请补充材料"})
    application.refresh_from_db()
    assert application.state == ApplicationState.RETURNED
    assert client.get(f"/o/applications/{application.pk}/edit/").status_code == 200
    assert upload(client, application).status_code == 302
    material = application.materials.get()
    act(client_for("office"), "applications", application.pk, "withdraw")
    assert client.post(f"/o/materials/{material.pk}/delete/").status_code == 404  # no longer open


@pytest.mark.parametrize("who", ["office", "liaison"])
def test_a_child_without_its_application_is_a_400(client_for, who):
    """A material or an objection posted without the application it belongs to is a field
    error, on the API as on the page, never a server error."""
    client = client_for(who)
    for slug, data in (("materials", {"kind": "推荐表"}), ("objections", {"content": "异议"})):
        response = client.post(f"/api/{slug}/", data, content_type="application/json")
        assert response.status_code == 400 and "application" in response.json(), (slug, response.content)
        page = client.post(f"/o/{slug}/new/", data)
        assert page.status_code == 200 and "application" in page.context["form"].errors


def test_a_campaigns_link_in_its_list_is_its_name(client_for, campaign):
    """issue 23b: the row links by the campaign's name, not by its year."""
    page = client_for("office").get("/o/campaigns/").content.decode()
    table = page.split('id="object-table"')[1]
    assert f'<a href="/o/campaigns/{campaign.pk}/">最美青年金融工作者</a>' in table
    assert f'<a href="/o/campaigns/{campaign.pk}/">{campaign.year}</a>' not in table
