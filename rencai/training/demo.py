"""Demo training: two years of the office's classes with attendance, hours and
certificates, a class open for enrolment, lecture videos (a small generated clip), and
the institutions' own training."""

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from rencai.accounts.models import User
from rencai.orgs.models import Organization
from rencai.talents.models import PoolKind, PoolMembership, Talent
from rencai.training import services
from rencai.training.models import (
    Attendance,
    CheckMethod,
    ClassState,
    Enrollment,
    EnrolmentRoute,
    EnrolmentState,
    Feedback,
    HoursRule,
    Lecturer,
    Mode,
    OwnTraining,
    Session,
    TopicKind,
    TrainingClass,
    TrainingProgramme,
    Video,
    WatchProgress,
)

SAMPLE = Path(__file__).resolve().parent / "media" / "lecture-sample.webm"
PROGRAMMES = [
    ("金融人才素质提升专题培训班", "面向全市金融机构中青年骨干的专题培训。", False),
    ("人才管理培训", "面向各机构人力资源部门和人才工作联络员。", False),
    ("金融科技前沿自主选学课程", "市中英才自主选学目录课程。", True),
]
LESSONS = [
    "宏观经济形势与金融政策",
    "金融风险防控与合规管理",
    "数字化转型与金融科技",
    "领导力与团队建设",
    "服务实体经济案例研讨",
]
VIDEOS = [
    ("人才发现与培养机制", "人才管理"),
    ("金融人才梯队建设实务", "人才管理"),
    ("绩效考核与激励设计", "人力资源"),
]
OWN_TITLES = {
    TopicKind.BUSINESS: ["客户经理业务技能培训", "信贷业务条线培训", "柜面服务规范培训"],
    TopicKind.MANAGEMENT: ["中层管理人员能力提升班", "新任支行行长培训班"],
    TopicKind.COMPLIANCE: ["合规与反洗钱专题培训"],
    TopicKind.PARTY: ["党支部书记培训班"],
}


def load(stdout) -> None:
    if TrainingProgramme.objects.exists():
        stdout.write("培训演示数据已存在，跳过。")
        return
    rng = random.Random(7)  # noqa: S311 - reproducible demo data, not a secret
    office = User.objects.get(username="office")
    for mode, factor in ((Mode.FACE, "1.0"), (Mode.ONLINE, "0.8"), (Mode.VIDEO, "0.5")):
        HoursRule.objects.create(mode=mode, factor=Decimal(factor))
    lecturers = _lecturers()
    programmes = [
        TrainingProgramme.objects.create(name=name, description=text, is_catalogue=catalogue)
        for name, text, catalogue in PROGRAMMES
    ]
    today = timezone.localdate()
    talents = list(Talent.objects.filter(is_active=True).select_related("organization").order_by("pk"))
    me = Talent.objects.get(user__username="talent")
    classes = 0
    for year in (today.year - 1, today.year):
        for number, (month, programme) in enumerate(((4, programmes[0]), (6, programmes[1]), (9, programmes[0])), 1):
            start = date(year, month, 10 + number)
            if start >= today:
                continue
            _finished_class(rng, programme, f"{year}年第{number}期", start, lecturers, talents, office, me)
            classes += 1
    _open_class(programmes[2], today, lecturers, office, me)
    _videos(rng, lecturers, talents, me)
    _own_training(rng, today)
    stdout.write(
        f"培训：{classes + 1} 个培训班、{Attendance.objects.count()} 人次签到、"
        f"{Video.objects.count()} 个讲堂视频、{OwnTraining.objects.count()} 条机构自办培训。"
    )


def _lecturers() -> list[Lecturer]:
    members = PoolMembership.objects.filter(pool__kind=PoolKind.LECTURER).select_related("talent__organization")
    lecturers = [
        Lecturer.objects.create(
            name=m.talent.name,
            talent=m.talent,
            employer=m.talent.organization.name,
            title=m.talent.position,
            topics="金融业务与管理",
        )
        for m in members.order_by("talent_id")[:6]
    ]
    lecturers.append(
        Lecturer.objects.create(name="周明德", employer="山东财经大学", title="教授", topics="金融学", is_external=True)
    )
    return lecturers


def _sessions(klass: TrainingClass, start: date, lecturers: list, rng) -> list[Session]:
    sessions = []
    for n, lesson in enumerate(rng.sample(LESSONS, 4)):
        day = start + timedelta(days=n // 2)
        begins = timezone.make_aware(datetime.combine(day, time(9 if n % 2 == 0 else 14, 0)))
        sessions.append(
            Session.objects.create(
                training_class=klass,
                title=lesson,
                starts_at=begins,
                ends_at=begins + timedelta(hours=3),
                hours=Decimal(3),
                lecturer=rng.choice(lecturers),
            )
        )
    return sessions


def _finished_class(rng, programme, name, start, lecturers, talents, office, me) -> None:
    organiser = office.organization
    klass = TrainingClass.objects.create(
        programme=programme,
        name=name,
        organization=organiser,
        starts_on=start,
        ends_on=start + timedelta(days=1),
        venue="市金融工作办公室培训中心",
        capacity=40,
        quota_per_organization=3,
        completion_percent=75,
        state=ClassState.OPEN,
    )
    klass.lecturers.set(rng.sample(lecturers, 2))
    sessions = _sessions(klass, start, lecturers, rng)
    participants = rng.sample(talents, 24)
    if me not in participants and start.year < timezone.localdate().year:
        participants[0] = me
    for talent in participants:
        Enrollment.objects.create(
            training_class=klass,
            talent=talent,
            route=EnrolmentRoute.NOMINATED,
            state=EnrolmentState.CONFIRMED,
            requested_by=office,
            confirmed_at=timezone.now(),
        )
        present = sessions if talent == me else [s for s in sessions if rng.random() < 0.88]
        for session in present:
            Attendance.objects.create(
                session=session,
                talent=talent,
                method=rng.choice([CheckMethod.QR, CheckMethod.QR, CheckMethod.QR, CheckMethod.IMPORT]),
                checked_at=session.starts_at + timedelta(minutes=rng.randint(-20, 10)),
                hours=session.hours,
            )
        if rng.random() < 0.6:
            Feedback.objects.create(
                training_class=klass,
                talent=talent,
                content_rating=rng.choice([4, 5, 5]),
                lecturer_rating=rng.choice([4, 5, 5]),
                organisation_rating=rng.choice([3, 4, 5]),
                comment=rng.choice(["", "案例丰富，收获很大。", "建议增加互动研讨时间。"]),
            )
    services.finish_class(klass, on=klass.ends_on)
    klass.state = ClassState.FINISHED
    klass.save()


def _open_class(programme, today, lecturers, office, me) -> None:
    start = today + timedelta(days=14)
    klass = TrainingClass.objects.create(
        programme=programme,
        name=f"{today.year}年自主选学第一期",
        organization=office.organization,
        starts_on=start,
        ends_on=start + timedelta(days=1),
        mode=Mode.ONLINE,
        online_url="https://meeting.example.cn/rencai",
        capacity=30,
        self_enrolment=True,
        completion_percent=75,
        state=ClassState.OPEN,
    )
    klass.lecturers.set(lecturers[:2])
    for n, lesson in enumerate(LESSONS[:3]):
        begins = timezone.make_aware(datetime.combine(start + timedelta(days=n // 2), time(9 + 5 * (n % 2), 0)))
        Session.objects.create(
            training_class=klass,
            title=lesson,
            starts_at=begins,
            ends_at=begins + timedelta(hours=2),
            mode=Mode.ONLINE,
            hours=Decimal(2),
            lecturer=lecturers[n % len(lecturers)],
        )
    services.enrol(klass, me, me.user, EnrolmentRoute.SELF)


def _videos(rng, lecturers, talents, me) -> None:
    content = SAMPLE.read_bytes()
    videos = []
    for n, (title, topic) in enumerate(VIDEOS, start=1):
        videos.append(
            Video.objects.create(
                title=title,
                topic=topic,
                lecturer=lecturers[n % len(lecturers)],
                description="人才管理讲堂录播课程（演示用短视频）。",
                file=ContentFile(content, name=f"lecture-{n}.webm"),
                content_type="video/webm",
                file_size=len(content),
                duration_seconds=12,
                hours=Decimal("1.0"),
            )
        )
    today = timezone.localdate()
    for talent in rng.sample(talents, 40):
        video = rng.choice(videos)
        WatchProgress.objects.create(
            video=video,
            talent=talent,
            seen=b"\xff\x0f",
            seen_seconds=12,
            position=12,
            credited_on=today - timedelta(days=rng.randint(1, 200)),
            hours=services.credited_hours(Mode.VIDEO, video.hours),
        )
    WatchProgress.objects.get_or_create(
        video=videos[0], talent=me, defaults={"position": 5, "seen": b"\x1f", "seen_seconds": 5}
    )


def _own_training(rng, today) -> None:
    institutions = Organization.objects.filter(parent__isnull=True).exclude(kind="government").order_by("path")
    for organization in institutions:
        for year in (today.year - 1, today.year):
            for _ in range(rng.randint(1, 4)):
                kind = rng.choice(list(OWN_TITLES))
                start = date(year, rng.randint(1, 12 if year < today.year else today.month), rng.randint(1, 25))
                if start > today:
                    start = today - timedelta(days=rng.randint(1, 20))
                OwnTraining.objects.get_or_create(
                    organization=organization,
                    title=rng.choice(OWN_TITLES[kind]),
                    starts_on=start,
                    defaults={
                        "topic_kind": kind,
                        "ends_on": start + timedelta(days=rng.randint(0, 2)),
                        "sessions": rng.randint(1, 3),
                        "participants": rng.randint(20, 160),
                        "hours": Decimal(rng.choice([4, 8, 12, 16])),
                    },
                )
