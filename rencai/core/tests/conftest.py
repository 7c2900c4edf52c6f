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
}


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
    missing = set(registered()) - set(samples) - SHARED
    assert not missing, f"declare a foreign sample for {sorted(missing)} in the leak test"
    return samples


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
