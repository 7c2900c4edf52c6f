"""Training in a real browser: a talent enrols, the office confirms, the talent checks in
by opening the session's QR link and finds the hours on their record; a lecture video is
played (progress reported by the player) and credited; the figures page counts both."""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone
from playwright.sync_api import expect

from rencai.conftest import make_user, valid_id_number
from rencai.core.roles import Role
from rencai.orgs.models import Organization
from rencai.talents.models import DictionaryEntry, Talent
from rencai.tests.test_browser import SCREENSHOTS, _log_in, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_talents import _new_page
from rencai.training.models import (
    Attendance,
    ClassState,
    Enrollment,
    HoursRule,
    Session,
    TrainingClass,
    TrainingProgramme,
    Video,
    WatchProgress,
)

SAMPLE = Path(__file__).resolve().parents[1] / "training" / "media" / "lecture-sample.webm"


def _world():
    category = DictionaryEntry.objects.create(kind="category", code="JR", name="金融商务人才")
    office_org = Organization.objects.create(name="培训测试金融办", kind="government")
    bank = Organization.objects.create(name="培训测试甲银行", kind="bank")
    make_user("office_t", Role.OFFICE, office_org)
    account = make_user("talent_t", Role.TALENT, bank, full_name_override="学员王")
    talent = Talent(name="学员王", organization=bank, id_number=valid_id_number(), category=category, user=account)
    talent.full_clean()
    talent.save()
    HoursRule.objects.create(mode="face", factor=Decimal(1))
    HoursRule.objects.create(mode="video", factor=Decimal("0.5"))
    programme = TrainingProgramme.objects.create(name="金融人才素质提升专题培训班", is_catalogue=True)
    today = timezone.localdate()
    klass = TrainingClass.objects.create(
        programme=programme,
        name="第一期",
        organization=office_org,
        starts_on=today,
        ends_on=today,
        capacity=30,
        self_enrolment=True,
        state=ClassState.OPEN,
    )
    now = timezone.now()
    session = Session.objects.create(
        training_class=klass,
        title="金融风险防控",
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=3),
        hours=Decimal(3),
    )
    video = Video.objects.create(
        title="人才发现与培养机制",
        topic="人才管理",
        file=ContentFile(SAMPLE.read_bytes(), name="lecture.webm"),
        content_type="video/webm",
        file_size=SAMPLE.stat().st_size,
        duration_seconds=12,
        hours=Decimal(1),
    )
    return talent, klass, session, video


def test_enrol_check_in_by_qr_watch_and_count(transactional_db, live_server, browser, tmp_path, settings):  # noqa: F811
    settings.MEDIA_ROOT = str(tmp_path / "media")
    talent, klass, session, video = _world()
    base = live_server.url

    learner = _new_page(browser)
    _log_in(learner, base, "talent_t")
    learner.goto(f"{base}/o/training-classes/{klass.pk}/")
    learner.get_by_role("link", name="自主报名").click()
    learner.click("#action-form button[type=submit]")
    expect(learner.locator(".alert-success")).to_contain_text("已报名，待办公室确认")

    office = _new_page(browser)
    _log_in(office, base, "office_t")
    enrollment = Enrollment.objects.get(talent=talent)
    office.goto(f"{base}/o/enrollments/{enrollment.pk}/")
    office.get_by_role("link", name="确认报名").click()
    office.click("#action-form button[type=submit]")
    expect(office.locator("#detail-table")).to_contain_text("已确认")
    office.goto(f"{base}/o/training-sessions/{session.pk}/")
    office.get_by_role("link", name="签到二维码").click()
    expect(office.locator("#qr-image svg")).to_be_visible()
    checkin_url = office.locator("#qr-image").get_attribute("data-url")
    office.screenshot(path=str(SCREENSHOTS / "training-qr.png"), full_page=True)

    learner.goto(checkin_url)
    expect(learner.locator("#checkin-result")).to_contain_text("签到成功")
    learner.screenshot(path=str(SCREENSHOTS / "training-checkin.png"), full_page=True)
    assert Attendance.objects.get().method == "qr"
    learner.goto(f"{base}/o/talents/{talent.pk}/")
    expect(learner.locator("#section-enrollments")).to_contain_text("累计学时：3.0")

    learner.goto(f"{base}/training/videos/{video.pk}/watch/")
    learner.evaluate("() => { const p = document.getElementById('player'); p.muted = true; return p.play(); }")
    expect(learner.locator("#credit-note")).to_be_visible(timeout=40_000)
    learner.screenshot(path=str(SCREENSHOTS / "training-video.png"), full_page=True)
    progress = WatchProgress.objects.get(talent=talent)
    assert progress.credited_on is not None and progress.seen_seconds >= 11 and progress.hours == Decimal("0.5")
    learner.goto(f"{base}/o/talents/{talent.pk}/")
    expect(learner.locator("#section-enrollments")).to_contain_text("累计学时：3.5")

    office.goto(f"{base}/training/figures/")
    total = office.locator("#figures-total td")
    expect(total.nth(3)).to_have_text(str(Enrollment.objects.filter(hours__gt=0).count()))
    expect(total.nth(6)).to_have_text(str(WatchProgress.objects.filter(credited_on__isnull=False).count()))
    expect(office.locator("#city-sentence")).to_contain_text("举办培训班1期，参训1人次；人才管理讲堂视频学习认定1人次")
    office.screenshot(path=str(SCREENSHOTS / "training-figures.png"), full_page=True)
