"""Fixtures of the training tests: an open class of two sessions and a talent with an
account to take it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from rencai.training.models import ClassState, HoursRule, Session, TrainingClass, TrainingProgramme


@pytest.fixture
def klass(users, office_org):
    programme = TrainingProgramme.objects.create(name="金融人才素质提升专题培训班")
    klass = TrainingClass.objects.create(
        programme=programme,
        name="第一期",
        organization=office_org,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=1),
        capacity=2,
        quota_per_organization=2,
        self_enrolment=True,
        completion_percent=50,
        state=ClassState.OPEN,
    )
    now = timezone.now()
    for n in range(2):
        Session.objects.create(
            training_class=klass,
            title=f"第{n + 1}讲",
            starts_at=now - timedelta(minutes=10) + timedelta(days=n),
            ends_at=now + timedelta(hours=2) + timedelta(days=n),
            hours=Decimal(3),
        )
    HoursRule.objects.create(mode="face", factor=Decimal(1))
    HoursRule.objects.create(mode="video", factor=Decimal("0.5"))
    return klass


@pytest.fixture
def trainee(users, make_talent, bank_branch):
    talent = make_talent("学员甲", bank_branch)
    talent.user = users["talent"]
    talent.save()
    return talent
