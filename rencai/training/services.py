"""What training does: enrol within rules, quotas and capacity (with a waiting list), check
people in with a signed, minute-by-minute QR code, credit hours, close a class with
completions and certificates, and credit a video only for what was really watched."""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from rencai.core.errors import Refused
from rencai.core.roles import Role, role_of
from rencai.core.uploads import sniff_video, video_duration
from rencai.talents.models import Talent
from rencai.training.models import (
    HOLDING,
    Attendance,
    CheckMethod,
    ClassState,
    Enrollment,
    EnrolmentRoute,
    EnrolmentState,
    Mode,
    Session,
    TrainingClass,
    Video,
    WatchProgress,
    credited_hours,
)

#: A QR code changes every minute and is accepted for this many minutes after it was shown.
QR_STEP_SECONDS = 60
QR_GRACE_STEPS = 1
#: Check-in opens this long before a session and closes this long after it.
CHECKIN_MARGIN = timedelta(minutes=30)
#: A video counts as watched at this share of its length.
WATCHED_SHARE = Decimal("0.9")
#: Playback may run this much faster than real time (the player's 1.5× plus slack).
PLAYBACK_ALLOWANCE = Decimal("1.6")
REPORT_SLACK_SECONDS = 3
VIDEO_TYPES = {"mp4": "video/mp4", "webm": "video/webm"}


def own_talent(user) -> Talent | None:
    """The talent a talent's account belongs to (None for any other role)."""
    return Talent.objects.filter(user=user).first() if role_of(user) == Role.TALENT else None


# --- enrolment --------------------------------------------------------------------------


def audience_problems(klass: TrainingClass, talent) -> list[str]:
    problems = []
    categories = list(klass.categories.all())
    if categories and talent.category_id not in {c.pk for c in categories}:
        problems.append(
            _("%(talent)s的人才类别不在本班招收范围（%(names)s）内。")
            % {"talent": talent.name, "names": "、".join(c.name for c in categories)}
        )
    tiers = list(klass.tiers.all())
    if tiers and talent.tier_id not in {t.pk for t in tiers}:
        problems.append(
            _("%(talent)s的人才层级不在本班招收范围（%(names)s）内。")
            % {"talent": talent.name, "names": "、".join(t.name for t in tiers)}
        )
    organizations = list(klass.audience_organizations.all())
    if organizations and not any(talent.organization.path.startswith(o.path) for o in organizations):
        problems.append(_("本班只招收%(names)s的人员。") % {"names": "、".join(o.name for o in organizations)})
    return problems


def head_institution_path(organization) -> str:
    return organization.path.split("/")[0] + "/"


def check_quota(klass: TrainingClass, talent) -> None:
    if not klass.quota_per_organization:
        return
    head = head_institution_path(talent.organization)
    used = klass.enrollments.filter(
        state__in=HOLDING, route=EnrolmentRoute.NOMINATED, talent__organization__path__startswith=head
    ).count()
    if used >= klass.quota_per_organization:
        raise Refused(
            _("每个单位可推荐%(quota_per_organization)s人，本单位已推荐%(used)s人。")
            % {"quota_per_organization": klass.quota_per_organization, "used": used}
        )


def enrolment_state(klass: TrainingClass, talent, route: str) -> str:
    """The state a new enrolment starts in (a place, or the waiting list when the class is
    full), or Refused when the rules, the quota or a duplicate forbid it."""
    if klass.state != ClassState.OPEN:
        raise Refused(_("“%(klass)s”当前不在报名阶段。") % {"klass": klass})
    if route == EnrolmentRoute.SELF and not klass.self_enrolment:
        raise Refused(_("本班不接受自主报名，请通过所在单位推荐。"))
    problems = audience_problems(klass, talent)
    if problems:
        raise Refused(" ".join(problems))
    if klass.enrollments.filter(talent=talent).exclude(state=EnrolmentState.WITHDRAWN).exists():
        raise Refused(_("%(talent)s已报名本班。") % {"talent": talent.name})
    if route == EnrolmentRoute.NOMINATED:
        check_quota(klass, talent)
    full = klass.enrollments.filter(state__in=HOLDING).count() >= klass.capacity
    return EnrolmentState.WAITLISTED if full else EnrolmentState.PENDING


def enrol(klass: TrainingClass, talent, user, route: str) -> Enrollment:
    state = enrolment_state(klass, talent, route)
    return Enrollment.objects.create(training_class=klass, talent=talent, route=route, state=state, requested_by=user)


def enrol_self(klass: TrainingClass, user) -> str:
    """A talent enrols themself; returns what to tell them (a place, or the waiting list)."""
    talent = own_talent(user)
    if talent is None:
        raise Refused(_("您的账号未关联人才档案，不能报名。"))
    enrollment = enrol(klass, talent, user, EnrolmentRoute.SELF)
    if enrollment.state == EnrolmentState.WAITLISTED:
        return _("本班名额已满，您已列入候补第%(n)s位。") % {"n": waiting_position(enrollment)}
    return _("已报名，待办公室确认。")


def confirm(enrollment: Enrollment) -> None:
    klass = enrollment.training_class
    confirmed = klass.enrollments.filter(state=EnrolmentState.CONFIRMED).exclude(pk=enrollment.pk).count()
    if confirmed >= klass.capacity:
        raise Refused(_("本班名额%(capacity)s人已满，不能再确认；可先让他人退出。") % {"capacity": klass.capacity})
    enrollment.state = EnrolmentState.CONFIRMED
    enrollment.confirmed_at = timezone.now()


def withdraw(enrollment: Enrollment) -> Enrollment | None:
    """Leave the class; the first on the waiting list moves up. Returns who moved up."""
    held_place = enrollment.state in HOLDING
    enrollment.state = EnrolmentState.WITHDRAWN
    enrollment.withdrawn_at = timezone.now()
    if not held_place:
        return None
    waiting = (
        enrollment.training_class.enrollments.filter(state=EnrolmentState.WAITLISTED)
        .exclude(pk=enrollment.pk)
        .order_by("created_at", "pk")
        .first()
    )
    if waiting is not None:
        waiting.state = EnrolmentState.PENDING
        waiting.version += 1
        waiting.save()
    return waiting


def waiting_position(enrollment: Enrollment) -> int:
    return enrollment.training_class.enrollments.filter(
        state=EnrolmentState.WAITLISTED, created_at__lte=enrollment.created_at
    ).count()


# --- QR check-in -------------------------------------------------------------------------


def qr_step(at: datetime | None = None) -> int:
    return int((at or timezone.now()).timestamp()) // QR_STEP_SECONDS


def qr_token(session_id: int, step: int) -> str:
    return salted_hmac("rencai.training.checkin", f"{session_id}:{step}", algorithm="sha256").hexdigest()[:20]


def qr_path(session: Session, at: datetime | None = None) -> str:
    step = qr_step(at)
    return f"/training/checkin/{session.pk}/{step}/{qr_token(session.pk, step)}/"


def check_qr(session_id: int, step: int, token: str, at: datetime | None = None) -> None:
    """Refuse a forged or expired code."""
    if not constant_time_compare(qr_token(session_id, step), token):
        raise Refused(_("签到码无效，请扫描现场大屏上的二维码。"))
    now = qr_step(at)
    if step > now or now - step > QR_GRACE_STEPS:
        raise Refused(_("签到码已过期（二维码每分钟更新），请重新扫描现场大屏上的二维码。"))


def check_in(session: Session, talent, method: str, at: datetime | None = None, note: str = "") -> Attendance:
    """Mark ``talent`` present at ``session``; only a confirmed participant may be."""
    with transaction.atomic():
        attendance = prepare_attendance(session, talent, method, at, note)
        attendance.save()
    return attendance


def prepare_attendance(session: Session, talent, method: str, at: datetime | None = None, note: str = "") -> Attendance:
    """An unsaved attendance, or Refused (not enrolled, outside the session, twice)."""
    at = at or timezone.now()
    enrollment = session.training_class.enrollments.filter(talent=talent).first()
    if enrollment is None or enrollment.state != EnrolmentState.CONFIRMED:
        raise Refused(
            _("%(talent)s未报名或报名未确认，不能在“%(training_class)s”签到。")
            % {"talent": talent.name, "training_class": session.training_class}
        )
    if method == CheckMethod.QR and not session.starts_at - CHECKIN_MARGIN <= at <= session.ends_at + CHECKIN_MARGIN:
        raise Refused(_("不在本课程的签到时间内（开课前30分钟至下课后30分钟）。"))
    existing = Attendance.objects.filter(session=session, talent=talent).first()
    if existing is not None:
        raise Refused(
            _("%(talent)s已于%(time)s签到。")
            % {"talent": talent.name, "time": f"{timezone.localtime(existing.checked_at):%H:%M}"}
        )
    return Attendance(
        session=session,
        talent=talent,
        method=method,
        checked_at=at,
        hours=credited_hours(session.mode, session.hours),
        note=note,
    )


def update_enrollment(enrollment: Enrollment) -> None:
    """Hours and completion of one participant from their attendance."""
    klass = enrollment.training_class
    sessions = klass.sessions.count()
    attended = Attendance.objects.filter(session__training_class=klass, talent=enrollment.talent)
    hours = attended.aggregate(total=Sum("hours"))["total"] or Decimal(0)
    completed = bool(sessions) and attended.count() * 100 >= klass.completion_percent * sessions
    if (enrollment.hours, enrollment.completed) != (hours, completed):
        enrollment.hours, enrollment.completed = hours, completed
        enrollment.version += 1
        enrollment.save()


def finish_class(klass: TrainingClass, on=None) -> int:
    """Close the class: completions settled and certificates numbered. Returns how many
    certificates were issued."""
    on = on or timezone.localdate()
    issued = 0
    for number, enrollment in enumerate(
        klass.enrollments.filter(state=EnrolmentState.CONFIRMED).select_related("talent").order_by("pk"), start=1
    ):
        update_enrollment(enrollment)
        enrollment.refresh_from_db()
        if enrollment.completed and not enrollment.certificate_number:
            enrollment.certificate_number = f"PX{klass.starts_on:%Y}{klass.pk:04d}{number:04d}"
            enrollment.certificate_issued_on = on
            enrollment.version += 1
            enrollment.save()
            issued += 1
    return issued


def may_show_qr(session: Session, user) -> bool:
    """The office shows every session's check-in code; a liaison shows it for the classes
    their institution (or one of its branches) organises itself or was delegated."""
    role = role_of(user)
    if role == Role.OFFICE:
        return True
    if role != Role.LIAISON or user.organization_id is None:
        return False
    klass = session.training_class
    own = user.organization.path
    return any(org is not None and org.path.startswith(own) for org in (klass.organization, klass.delegated_to))


# --- videos ------------------------------------------------------------------------------


def check_video(upload) -> str:
    """mp4 or WebM, judged by the container's structure (rencai.core.uploads), within the size limit."""
    limit = settings.RENCAI_VIDEO_MAX_BYTES
    if upload.size > limit:
        raise Refused(_("视频文件超过%(mb)sMB，请压缩后再上传。") % {"mb": limit // (1024 * 1024)})
    kind = sniff_video(upload, upload.size)
    if kind is not None:
        return kind
    raise Refused(_("文件“%(name)s”不是视频（可上传 MP4 或 WebM）。") % {"name": upload.name})


#: How far (seconds) a declared length may differ from the file's: the container's figure
#: rounded to whole seconds.
DURATION_SLACK_SECONDS = 1


def measured_duration(file) -> int:
    """The file's length in whole seconds from its container metadata; refused when the
    container states none (the 90 % rule needs the real length)."""
    seconds = video_duration(file)
    if seconds is None or seconds <= 0:
        raise Refused(_("无法从视频文件中读取时长，请上传含时长信息的 MP4 或 WebM 文件。"))
    return max(int(seconds.quantize(Decimal(1), rounding=ROUND_HALF_UP)), 1)


def take_video_upload(video: Video) -> None:
    """A newly uploaded file of ``video`` is checked, its format and size recorded, and its
    length read from the container; a declared length that disagrees is refused. A changed
    declared length of a stored file is checked against that file."""
    upload = getattr(video.file, "_file", None)
    if upload is not None and hasattr(upload, "content_type"):
        video.content_type = VIDEO_TYPES[check_video(upload)]
        video.file_size = upload.size
        measured = measured_duration(upload)
    elif (
        video.pk
        and video.file
        and Video.objects.filter(pk=video.pk).exclude(duration_seconds=video.duration_seconds).exists()
    ):
        try:
            with video.file.open("rb") as stored:
                measured = measured_duration(stored)
        except FileNotFoundError:
            raise Refused(_("该视频的文件已不在存储中，无法核对时长，请重新上传视频文件。")) from None
    else:
        return
    declared = video.duration_seconds
    if declared and abs(declared - measured) > DURATION_SLACK_SECONDS:
        raise Refused(
            _("填写的时长为%(declared)s秒，视频文件的实际时长为%(measured)s秒，两者不一致。")
            % {"declared": declared, "measured": measured}
        )
    video.duration_seconds = measured


def _mark(seen: bytes, start: int, end: int, length: int) -> bytes:
    bits = bytearray(seen.ljust((length + 7) // 8, b"\0"))
    for second in range(max(start, 0), min(end, length)):
        bits[second // 8] |= 1 << (second % 8)
    return bytes(bits)


def _count(seen: bytes) -> int:
    return sum(bin(byte).count("1") for byte in seen)


def report_progress(progress: WatchProgress, start: int, end: int, at: datetime | None = None) -> bool:
    """Record that the player played ``start``–``end`` (seconds) since its last report.

    A span longer than the wall-clock time since the last report allows (at 1.5× speed) is
    refused and nothing is counted: a page cannot claim more than was watched. Returns
    whether hours were credited by this report."""
    at = at or timezone.now()
    video = progress.video
    if start < 0 or end < start or end > video.duration_seconds + REPORT_SLACK_SECONDS:
        raise Refused(_("上报的观看进度无效。"))
    span = end - start
    if span:
        if progress.last_report_at is None:
            raise Refused(_("请从播放器开始观看后再上报进度。"))
        elapsed = Decimal((at - progress.last_report_at).total_seconds())
        if Decimal(span) > elapsed * PLAYBACK_ALLOWANCE + REPORT_SLACK_SECONDS:
            raise Refused(_("上报的观看进度超过了实际观看时间，本次不计入。"))
    progress.seen = _mark(bytes(progress.seen or b""), start, end, video.duration_seconds)
    progress.seen_seconds = _count(progress.seen)
    progress.position = min(end, video.duration_seconds)
    progress.last_position = progress.position
    progress.last_report_at = at
    progress.save(update_fields=["seen", "seen_seconds", "position", "last_position", "last_report_at", "updated_at"])
    if progress.credited_on is None and progress.seen_seconds >= video.duration_seconds * WATCHED_SHARE:
        return credit(progress)
    return False


def credit(progress: WatchProgress) -> bool:
    """Credit the video's hours once, even when two reports arrive together: only a
    progress not yet credited is credited (its row locked first), and an earlier report
    cannot undo it. The save is audited like any other."""
    hours = credited_hours(Mode.VIDEO, progress.video.hours)
    with transaction.atomic():
        pending = WatchProgress.objects.select_for_update().filter(pk=progress.pk, credited_on__isnull=True)
        if not pending.exists():
            return False
        progress.credited_on, progress.hours = timezone.localdate(), hours
        progress.save(update_fields=["credited_on", "hours", "updated_at"])
    return True


def progress_for(video: Video, talent) -> WatchProgress:
    progress, _ = WatchProgress.objects.get_or_create(video=video, talent=talent)
    return progress
