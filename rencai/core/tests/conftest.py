"""The samples the generated walks share: one object of every declared type, owned by
another institution than the walking liaison's (``foreign``)."""

from datetime import date

import pytest

from rencai.accounts.models import User
from rencai.conftest import valid_id_number
from rencai.core.objects import registered
from rencai.orgs.models import Department
from rencai.services.models import ContactLeader, ServiceDuty, ServiceRequest, ServiceRule, Visit
from rencai.talents.models import (
    ChangeRequest,
    DictionaryEntry,
    Honour,
    PoolBatch,
    PoolMembership,
    Talent,
    TalentPool,
    TalentQualification,
)

#: Reference data every business role reads and only office staff change.
SHARED = {
    "dictionary",
    "pools",
    "pool-batches",
    "service-rules",
    "campaigns",
    "rubrics",
    "rubric-criteria",
    "hours-rules",
    "lecturers",
    "training-programmes",
    "training-classes",
    "training-sessions",
    "videos",
    "return-forms",
    "indicators",
    "return-rules",
    "return-periods",
    "targets",
    "document-templates",
    "generated-documents",
    "alliances",
    "talent-projects",
}
# --- bulletins (信息报送): the office's periodicals and the year's rules are reference data.
SHARED |= {"periodicals", "score-rules"}


@pytest.fixture
def foreign(users, other_bank):
    """One object of every declared type owned by the other bank, with a text that marks it."""
    department = Department.objects.create(organization=other_bank, name="乙行秘密部门")
    category, _ = DictionaryEntry.objects.get_or_create(kind="category", code="JR", defaults={"name": "金融商务人才"})
    qualification = DictionaryEntry.objects.create(kind="qualification", code="YXZG", name="乙行秘密资格")
    talent = Talent(name="乙行秘密人才", id_number=valid_id_number(), organization=other_bank, category=category)
    talent.full_clean()
    talent.save()
    pool = TalentPool.objects.create(name="乙库", kind="think_tank")
    batch = PoolBatch.objects.create(
        pool=pool, name="首批", decision_date=date(2025, 1, 1), term_start=date(2025, 1, 1), term_end=date(2027, 12, 31)
    )
    request = ChangeRequest(talent=talent, requested_by=users["other_liaison"])
    request.set_proposed({"name": ["乙行秘密人才", "乙行秘密改名"]})
    request.save()
    samples = {
        "organizations": (other_bank, "乙银行济南分行"),
        "departments": (department, "乙行秘密部门"),
        "users": (users["other_liaison"], "乙行联络员"),
        "talents": (talent, "乙行秘密人才"),
        "talent-qualifications": (
            TalentQualification.objects.create(talent=talent, qualification=qualification, certificate_number="乙证号"),
            "乙证号",
        ),
        "career-entries": (talent.career.get(), "乙银行济南分行"),
        "honours": (
            Honour.objects.create(talent=talent, name="乙行秘密荣誉", awarded_on=date(2025, 1, 1)),
            "乙行秘密荣誉",
        ),
        "change-requests": (request, "乙行秘密人才"),
        "pool-memberships": (
            PoolMembership.objects.create(
                pool=pool, batch=batch, talent=talent, specialty="乙行秘密专长", joined_on=date(2025, 1, 1)
            ),
            "乙行秘密专长",
        ),
        "service-duties": (
            ServiceDuty.objects.create(talent=talent, kind="support", title="乙行秘密任务", due_date=date(2026, 1, 1)),
            "乙行秘密任务",
        ),
        "visits": (
            Visit.objects.create(talent=talent, visited_on=date(2025, 5, 1), visitors="乙行秘密来访"),
            "乙行秘密来访",
        ),
        # issue 24: the one-to-one contact leader named per institution
        "contact-leaders": (
            ContactLeader.objects.create(
                rule=ServiceRule.objects.create(name="一对一联系", kind="contact", tier=None, interval_days=90),
                organization=other_bank,
                leader=users["leader"],
            ),
            "乙银行济南分行",
        ),
        "service-requests": (
            ServiceRequest.objects.create(
                talent=talent, title="乙行秘密诉求", category="other", description="x", opened_by=users["other_liaison"]
            ),
            "乙行秘密诉求",
        ),
    }
    samples.update(selection_samples(users, other_bank, talent))
    samples.update(training_samples(users, other_bank, talent))
    samples.update(returns_samples(other_bank))
    samples.update(bulletins_samples(users, other_bank))
    samples.update(funds_samples(users, other_bank, talent, samples["applications"][0].campaign))
    samples.update(cooperation_samples(users, other_bank, talent))
    samples.update(projects_samples(users, other_bank))
    samples.update(assessment_samples(users, other_bank))  # assessment
    samples.update(notices_samples(users))
    missing = set(registered()) - set(samples) - SHARED
    assert not missing, f"declare a foreign sample for {sorted(missing)} in the leak test"
    return samples


def notices_samples(users) -> dict:
    """Issue 23: a message about the other bank, to the office (who reads it in the CRUD
    walk); no one else may see it (each user reads only their own)."""
    from rencai.accounts.models import Message

    message = Message.objects.create(recipient=users["office"], title="乙行秘密消息", body="乙行秘密消息正文")
    return {"messages": (message, "乙行秘密消息")}


def selection_samples(users, other_bank, talent) -> dict:
    """A campaign's and a review's objects belonging to the other bank."""
    from django.core.files.base import ContentFile

    from rencai.evaluation.models import Declaration, Draw, Review, Reviewer, ReviewItem, Rubric, ScoreSheet
    from rencai.selections.models import (
        Application,
        Campaign,
        CampaignQuota,
        HistoricResult,
        Material,
        Objection,
        UnitAward,
    )

    campaign = Campaign.objects.create(
        name="评选", kind="individual", year=2026, opens_on=date(2026, 1, 1), closes_on=date(2026, 2, 1), quota_total=1
    )
    application = Application.objects.create(
        campaign=campaign,
        organization=other_bank,
        talent=talent,
        route="nomination",
        subject_name="乙行秘密申报",
        summary="乙行秘密事迹",
        submitted_by=users["other_liaison"],
    )
    office = users["office"]
    review = Review.objects.create(
        title="乙行秘密评审", rubric=Rubric.objects.create(name="细则"), organization=office.organization
    )
    item = ReviewItem.objects.create(review=review, label="乙行秘密评审对象", organization=other_bank, talent=talent)
    draw = Draw.objects.create(review=review, wanted=1, prepared_by=office)
    seat = Reviewer.objects.create(review=review, draw=draw, talent=talent, position=1, state="active")
    return {
        "applications": (application, "乙行秘密事迹"),
        "campaign-quotas": (
            CampaignQuota.objects.create(campaign=campaign, organization=other_bank, quota=1),
            "乙银行济南分行",
        ),
        "materials": (
            Material.objects.create(
                application=application, kind="乙行秘密材料", file=ContentFile(b"%PDF-1.4", name="m.pdf"), sha256="0"
            ),
            "乙行秘密材料",
        ),
        "objections": (
            Objection.objects.create(application=application, filed_by=users["other_liaison"], content="乙行秘密异议"),
            "乙行秘密申报",
        ),
        "unit-awards": (
            UnitAward.objects.create(
                campaign=campaign,
                application=application,
                organization=other_bank,
                subject_name="乙行秘密支部",
                title="最强党支部",
                awarded_on=date(2026, 1, 1),
            ),
            "乙行秘密支部",
        ),
        # --- issue 24: historic selection results ---
        "historic-results": (
            HistoricResult.objects.create(
                organization=other_bank,
                year=2022,
                campaign_name="乙行秘密评选",
                kind="unit",
                subject_name="乙行秘密集体",
                title="先进集体",
                document_number="乙〔2022〕1号",
                decided_on=date(2022, 6, 1),
            ),
            "乙行秘密集体",
        ),
        "reviews": (review, "乙行秘密评审"),
        "review-items": (item, "乙行秘密评审对象"),
        "draws": (draw, "乙行秘密评审"),
        "reviewers": (seat, "乙行秘密人才"),
        "score-sheets": (ScoreSheet.objects.create(item=item, reviewer=seat), "乙行秘密评审对象"),
        "declarations": (
            Declaration.objects.create(
                expert=talent, kind="conflict", related_organization=other_bank, description="乙行秘密声明"
            ),
            "乙行秘密声明",
        ),
    }


def training_samples(users, other_bank, talent) -> dict:
    """A class of the office (shared) with the other bank's participant, attendance,
    progress, feedback and own training."""
    from datetime import datetime

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from rencai.training.models import (
        Attendance,
        Enrollment,
        Feedback,
        OwnTraining,
        Session,
        TrainingClass,
        TrainingProgramme,
        Video,
        WatchProgress,
    )

    programme = TrainingProgramme.objects.create(name="培训项目")
    klass = TrainingClass.objects.create(
        programme=programme,
        name="第一期",
        organization=users["office"].organization,
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 3, 2),
        capacity=10,
    )
    at = timezone.make_aware(datetime(2026, 3, 1, 9))
    session = Session.objects.create(training_class=klass, title="课", starts_at=at, ends_at=at, hours=2)
    video = Video.objects.create(title="视频", topic="专题", file=ContentFile(b"x", name="v.webm"), duration_seconds=10)
    enrollment = Enrollment.objects.create(
        training_class=klass,
        talent=talent,
        route="nominated",
        state="confirmed",
        requested_by=users["other_liaison"],
        certificate_number="PX乙行秘密证书",
    )
    return {
        "training-sessions": (session, "课"),
        "enrollments": (enrollment, "PX乙行秘密证书"),
        "attendances": (
            Attendance.objects.create(session=session, talent=talent, method="manual", checked_at=at, hours=2),
            "乙行秘密人才",
        ),
        "watch-progress": (WatchProgress.objects.create(video=video, talent=talent), "乙行秘密人才"),
        "training-feedback": (
            Feedback.objects.create(
                training_class=klass, talent=talent, content_rating=5, lecturer_rating=5, organisation_rating=5
            ),
            "乙行秘密人才",
        ),
        "own-trainings": (
            OwnTraining.objects.create(
                organization=other_bank,
                title="乙行秘密培训",
                topic_kind="business",
                starts_on=date(2026, 1, 1),
                ends_on=date(2026, 1, 2),
                participants=10,
                hours=4,
            ),
            "乙行秘密培训",
        ),
    }


def returns_samples(other_bank) -> dict:
    """The other bank's submission of a return (the form and period are shared)."""
    from rencai.returns.models import Indicator, ReturnForm, ReturnPeriod, Submission, Value

    form = ReturnForm.objects.create(code="T", name="报表", period_type="annual")
    indicator = Indicator.objects.create(form=form, section="一", code="D01", name="员工总数")
    period = ReturnPeriod.objects.create(
        form=form, label="2026年", starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31), due_on=date(2027, 1, 31)
    )
    submission = Submission.objects.create(period=period, organization=other_bank, warning_note="乙行秘密说明")
    Value.objects.create(submission=submission, indicator=indicator, number=4321)
    from django.core.files.base import ContentFile

    from rencai.dashboards.models import DocumentTemplate, GeneratedDocument

    template = DocumentTemplate.objects.create(kind="work_report", title="汇报", body="{{年度}}")
    document = GeneratedDocument(
        template=template, year=2026, requested_by=User.objects.get(username="office"), state="done"
    )
    document.file.save("d.docx", ContentFile(b"x"), save=True)
    return {
        "submissions": (submission, "乙银行济南分行"),
        "return-periods": (period, "2026年"),
        "generated-documents": (document, "汇报"),
    }


# --- bulletins (信息报送) ---------------------------------------------------------------------


def bulletins_samples(users, other_bank) -> dict:
    """The other bank's liaison, item (with its version, attachment, adoption into an issue
    being edited and a leader's instruction) and a commission to it."""
    from django.core.files.base import ContentFile

    from rencai.bulletins.models import (
        Adoption,
        Commission,
        InfoAttachment,
        InfoItem,
        InfoItemVersion,
        Instruction,
        Liaison,
        Periodical,
        PeriodicalIssue,
        ScoreRule,
    )

    liaison = Liaison.objects.create(
        organization=other_bank, user=users["other_liaison"], phone="13912340000", term_start=date(2025, 1, 1)
    )
    item = InfoItem.objects.create(
        organization=other_bank,
        title="乙行秘密信息",
        body="乙行秘密正文",
        category="news",
        head_signoff=True,
        signed_by="乙行长",
        author=users["other_liaison"],
        state="accepted",
    )
    version = InfoItemVersion.objects.create(item=item, number=1, title=item.title, body=item.body)
    attachment = InfoAttachment(item=item, file_name="乙行秘密附件.pdf", file_type="pdf", file_size=5, sha256="0" * 64)
    attachment.file.save("a.pdf", ContentFile(b"%PDF-"), save=True)
    periodical = Periodical.objects.create(name="乙刊", issuer="市金融办")
    issue = PeriodicalIssue.objects.create(
        periodical=periodical, year=2026, number=1, serial=1, issued_on=date(2026, 1, 5)
    )
    return {
        "liaisons": (liaison, "乙行联络员"),
        "info-items": (item, "乙行秘密信息"),
        "info-versions": (version, "乙行秘密信息"),
        "info-attachments": (attachment, "乙行秘密附件"),
        "commissions": (
            Commission.objects.create(organization=other_bank, topic="乙行秘密约稿", deadline=date(2026, 6, 30)),
            "乙行秘密约稿",
        ),
        "periodicals": (periodical, "乙刊"),
        "periodical-issues": (issue, str(issue)),
        "adoptions": (Adoption.objects.create(issue=issue, item=item), "乙行秘密信息"),
        "instructions": (
            Instruction.objects.create(item=item, organization=other_bank, leader=users["leader"], text="乙行秘密批示"),
            "乙行秘密信息",
        ),
        "score-rules": (ScoreRule.objects.create(year=2026), "2026"),
    }


# --- funds (人才专项资金) ------------------------------------------------------------------
def funds_samples(users, other_bank, talent, campaign) -> dict:
    """The office's fund records (seen by office and leaders only) and a payment and an
    allowance holder of the other bank's talent."""
    from decimal import Decimal

    from rencai.funds.models import (
        AllowanceHolder,
        AllowanceRule,
        AllowanceScheme,
        AwardRule,
        BudgetAdjustment,
        BudgetLine,
        Fund,
        Payment,
        PaymentBatch,
    )

    fund = Fund.objects.create(year=2098, amount=Decimal("2600000.00"), document_number="乙行秘密文号")
    line = BudgetLine.objects.create(fund=fund, purpose="allowance", amount=Decimal("100000.00"))
    award_line = BudgetLine.objects.create(fund=fund, purpose="award", amount=Decimal("60000.00"))
    scheme = AllowanceScheme.objects.create(
        name="乙行秘密津贴", line=line, term_start=date(2026, 1, 1), term_end=date(2026, 12, 31)
    )
    rule = AllowanceRule.objects.create(
        scheme=scheme, name="乙行秘密规则", honour_name="乙行", amount=Decimal("100.00")
    )
    holder = AllowanceHolder.objects.create(
        scheme=scheme, talent=talent, rule=rule, eligibility="乙行秘密资格", amount=Decimal("100.00")
    )
    batch = PaymentBatch.objects.create(
        scheme=scheme, period_start=date(2026, 1, 1), period_end=date(2026, 12, 31), label="乙行秘密期间"
    )
    payment = Payment.objects.create(
        line=line, kind="other", summary="乙行秘密支出", talent=talent, organization=other_bank, amount=Decimal("5.00")
    )
    return {
        "funds": (fund, "乙行秘密文号"),
        "budget-lines": (line, str(line)),
        "budget-adjustments": (
            BudgetAdjustment.objects.create(
                line=line,
                direction="increase",
                amount=Decimal("1.00"),
                reason="乙行秘密调整",
                proposed_by=users["office"],
            ),
            "乙行秘密调整",
        ),
        "payments": (payment, "乙行秘密支出"),
        "allowance-schemes": (scheme, "乙行秘密津贴"),
        "allowance-rules": (rule, "乙行秘密规则"),
        "allowance-holders": (holder, "乙行秘密资格"),
        "payment-batches": (batch, "乙行秘密期间"),
        "award-rules": (
            AwardRule.objects.create(campaign=campaign, line=award_line, amount=Decimal("6543.21")),
            "6543.21",
        ),
    }


# --- cooperation (党建联盟、挂职交流、院校合作) ---
def cooperation_samples(users, other_bank, talent) -> dict:
    """The other bank's membership of a (shared) alliance with its chair term, activity,
    photo and lecture request; its talent's secondment and report; its hosted internship;
    and a university's agreement, area, project, topic, milestone and result."""
    from django.core.files.base import ContentFile

    from rencai.cooperation.models import (
        ActivityPhoto,
        Agreement,
        AgreementArea,
        AgreementProject,
        Alliance,
        AllianceMember,
        ChairTerm,
        Internship,
        JointActivity,
        Milestone,
        OutreachLecture,
        ResearchTopic,
        Secondment,
        SecondmentReport,
        TopicResult,
    )
    from rencai.orgs.models import Organization
    from rencai.training.models import Lecturer

    alliance = Alliance.objects.create(name="乙联盟", founded_on=date(2024, 1, 1))
    member = AllianceMember.objects.create(
        alliance=alliance, organization=other_bank, rotation_order=1, joined_on=date(2024, 1, 1)
    )
    term = ChairTerm.objects.create(
        alliance=alliance, member=member, term_number=1, starts_on=date(2024, 1, 1), ends_on=date(2024, 12, 31)
    )
    activity = JointActivity.objects.create(
        alliance=alliance, kind="education", title="乙行秘密活动", organiser=member, held_on=date(2025, 6, 1)
    )
    photo = ActivityPhoto(activity=activity, caption="乙行秘密照片", file_name="p.png", file_type="png")
    photo.file.save("p.png", ContentFile(b"\x89PNG\r\n\x1a\n"), save=True)
    lecture = OutreachLecture.objects.create(
        lecturer=Lecturer.objects.create(name="乙讲师", is_external=True),
        requesting_unit=other_bank,
        topic="乙行秘密宣讲",
    )
    office_org = users["office"].organization
    secondment = Secondment.objects.create(
        talent=talent,
        from_unit=other_bank,
        to_unit=office_org,
        post="乙行秘密岗位",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
    )
    report = SecondmentReport.objects.create(
        secondment=secondment, kind="final", content="总结", late_reason="乙行秘密理由", submitted_on=date(2025, 12, 1)
    )
    university = Organization.objects.create(name="乙秘密大学", kind="university")
    agreement = Agreement.objects.create(
        university=university,
        title="乙行秘密协议",
        parties="乙方",
        signed_on=date(2025, 1, 1),
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 12, 31),
        max_interns=10,
    )
    area = AgreementArea.objects.create(agreement=agreement, name="乙行秘密领域")
    topic = ResearchTopic.objects.create(
        university=university,
        title="乙行秘密课题",
        leader="乙教授",
        starts_on=date(2025, 1, 1),
        due_on=date(2026, 1, 1),
    )
    return {
        "alliance-members": (member, "乙银行济南分行"),
        "chair-terms": (term, "乙银行济南分行"),
        "joint-activities": (activity, "乙行秘密活动"),
        "activity-photos": (photo, "乙行秘密照片"),
        "outreach-lectures": (lecture, "乙行秘密宣讲"),
        "secondments": (secondment, "乙行秘密岗位"),
        "secondment-reports": (report, "乙行秘密理由"),
        "agreements": (agreement, "乙行秘密协议"),
        "agreement-areas": (area, "乙行秘密领域"),
        "agreement-projects": (AgreementProject.objects.create(area=area, name="乙行秘密项目"), "乙行秘密项目"),
        "internships": (
            Internship.objects.create(
                agreement=agreement,
                host_unit=other_bank,
                major="乙行秘密专业",
                starts_on=date(2025, 3, 1),
                ends_on=date(2025, 6, 1),
                students=2,
            ),
            "乙行秘密专业",
        ),
        "research-topics": (topic, "乙行秘密课题"),
        "topic-milestones": (
            Milestone.objects.create(topic=topic, title="乙行秘密节点", due_on=date(2025, 6, 1)),
            "乙行秘密节点",
        ),
        "topic-results": (
            TopicResult.objects.create(topic=topic, kind="report", title="乙行秘密成果", result_on=date(2025, 9, 1)),
            "乙行秘密成果",
        ),
    }


# --- end cooperation ---

# --- projects (人才工程) ---


def projects_samples(users, other_bank) -> dict:
    """A task of the office's programme (shared) for which the other bank is responsible,
    with its milestone, report, instruction, supervision notice and colour change."""
    from rencai.projects.models import (
        ColourChange,
        Instruction,
        Milestone,
        ProgressReport,
        ProjectTask,
        SupervisionNotice,
        TalentProject,
    )

    project = TalentProject.objects.create(
        name="工程", starts_year=2026, ends_year=2027, lead_unit=users["office"].organization
    )
    task = ProjectTask.objects.create(
        project=project,
        title="乙行秘密任务",
        organization=other_bank,
        owner="乙行责任人",
        starts_on=date(2026, 1, 1),
        due_on=date(2099, 12, 31),
        state="signed",
    )
    return {
        "project-tasks": (task, "乙行秘密任务"),
        "milestones": (
            Milestone.objects.create(task=task, name="乙行秘密节点", planned_on=date(2026, 6, 1), planned_percent=10),
            "乙行秘密节点",
        ),
        "progress-reports": (
            ProgressReport.objects.create(
                task=task, percent=5, content="乙行秘密进展", reported_by=users["other_liaison"]
            ),
            "乙行秘密任务",
        ),
        "task-instructions": (
            Instruction.objects.create(task=task, content="乙行秘密批示", given_by=users["leader"]),
            "乙行秘密任务",
        ),
        "supervision-notices": (
            SupervisionNotice.objects.create(task=task, year=2026, number=1, reason="乙行秘密督办事由"),
            "乙行秘密任务",
        ),
        "colour-changes": (
            ColourChange.objects.create(
                task=task, changed_on=date(2026, 1, 2), colour_from="none", colour_to="yellow", note="乙行秘密原因"
            ),
            "乙行秘密任务",
        ),
    }


# --- assessment (目标考核与示范点) ---
SHARED |= {
    "assessment-schemes",
    "assessment-indicators",
    "assessment-rounds",
    "site-programmes",
    "site-acceptances",
}


def assessment_samples(users, other_bank) -> dict:
    """The other bank's draft assessment with a self-scored line and its evidence, an
    appeal, a demonstration site and its progress note."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rencai.assessment.models import (
        Appeal,
        AssessmentRound,
        AssessmentScheme,
        DemonstrationSite,
        Evidence,
        Indicator,
        IndicatorScore,
        ProgressNote,
        SiteProgramme,
        UnitAssessment,
    )

    scheme = AssessmentScheme.objects.create(name="考核方案", year=2026, unit_class="bank")
    indicator = Indicator.objects.create(
        scheme=scheme, order=1, category="组织领导", name="第一责任人", max_score=10, rule="按规则", source="manual"
    )
    round_ = AssessmentRound.objects.create(scheme=scheme, title="考核批次", self_due_on=date(2026, 12, 31))
    assessment = UnitAssessment.objects.create(round=round_, organization=other_bank, report="乙行秘密述职")
    line = IndicatorScore.objects.create(assessment=assessment, indicator=indicator, note="乙行秘密自评")
    evidence = Evidence(
        score=line, title="乙行秘密材料", file=SimpleUploadedFile("乙.pdf", b"%PDF-1.4\n%%EOF\n"), sha256="0" * 64
    )
    evidence.file_name, evidence.file_type = "乙.pdf", "pdf"
    evidence.save()
    programme = SiteProgramme.objects.create(name="百点创建", number=100, start_year=2021, end_year=2030)
    site = DemonstrationSite.objects.create(
        programme=programme,
        year=2026,
        organization=other_bank,
        name="乙行秘密示范点",
        kind="enterprise",
        theme="乙行秘密主题",
        measures="举措",
        expected_results="成效",
        contact="乙行联系人",
        state="building",
    )
    return {
        "unit-assessments": (assessment, "乙银行济南分行"),
        "assessment-scores": (line, "乙银行济南分行"),
        "assessment-evidence": (evidence, "乙行秘密材料"),
        "assessment-appeals": (
            Appeal.objects.create(assessment=assessment, content="乙行秘密申诉", filed_by=users["other_liaison"]),
            "乙银行济南分行",
        ),
        "demonstration-sites": (site, "乙行秘密示范点"),
        "site-progress-notes": (
            ProgressNote.objects.create(site=site, noted_on=date(2026, 5, 1), content="乙行秘密进展"),
            "乙行秘密进展",
        ),
    }


# --- end assessment ---
