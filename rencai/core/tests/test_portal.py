"""Issue 23 (2): a talent's own page: record with change requests, training (classes,
hours this year, certificates, videos to finish), honours, services, applications —
their own only."""

from datetime import date
from decimal import Decimal

from django.utils import timezone

from rencai.services.models import RequestState, ServiceRequest
from rencai.talents.models import ChangeRequest, Honour


def test_talent_portal_shows_their_own_working_life(users, client_for, bank, bank_branch, other_bank, make_talent):
    from rencai.training.models import (
        Enrollment,
        EnrolmentState,
        TrainingClass,
        TrainingProgramme,
        Video,
        WatchProgress,
    )

    me = make_talent("张志强", bank_branch, user=users["talent"])
    other = make_talent("李四", other_bank)
    Honour.objects.create(talent=me, name="最美青年金融工作者", awarded_on=date(2025, 5, 4))
    Honour.objects.create(talent=other, name="他人的荣誉称号", awarded_on=date(2025, 5, 4))
    request = ChangeRequest(talent=me, requested_by=users["talent"])
    request.set_proposed({"name": ["张志强", "张智强"]})
    request.save()
    year = timezone.localdate().year
    programme = TrainingProgramme.objects.create(name="金融英才培训")
    klass = TrainingClass.objects.create(
        programme=programme,
        name="第一期",
        organization=bank,
        starts_on=date(year, 3, 1),
        ends_on=date(year, 3, 3),
        capacity=30,
    )
    Enrollment.objects.create(
        training_class=klass,
        talent=me,
        route="office",
        state=EnrolmentState.CONFIRMED,
        requested_by=users["office"],
        completed=True,
        hours=Decimal("12.0"),
        certificate_number=f"PX{year}00010001",
        certificate_issued_on=date(year, 3, 3),
    )
    video = Video.objects.create(title="财富管理实务", topic="财富管理", file="videos/x.mp4", duration_seconds=600)
    WatchProgress.objects.create(video=video, talent=me, seen_seconds=300)
    ServiceRequest.objects.create(
        talent=me, title="子女入学咨询", category="schooling", state=RequestState.ASSIGNED, opened_by=users["talent"]
    )

    talent = client_for("talent")
    page = talent.get("/").content.decode()
    for card in ("card-record", "card-honours", "card-training", "card-services", "card-applications"):
        assert f'id="{card}"' in page, card
    assert "最美青年金融工作者" in page and "他人的荣誉称号" not in page
    assert "待审核" in page  # the change request's state
    assert f"{year}年学时" in page and "12.0" in page
    assert f"PX{year}00010001" in page
    assert "继续观看：财富管理实务" in page and "50.0%" in page
    assert "子女入学咨询" in page
    assert talent.get("/my/").status_code == 200
    assert client_for("office").get("/my/").status_code == 403
