"""Training (人才培训): programmes and their classes (期), enrolment with quotas and a
waiting list, sessions with signed QR check-in, hours by rule, completion and
certificates, the lecture video library with real watch progress, feedback, and the
training institutions run themselves."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.core.models import OrgOwnedModel, ScopedModel
from rencai.talents.models import TalentRelated


class Mode(models.TextChoices):
    FACE = "face", _("面授")
    ONLINE = "online", _("线上直播")
    VIDEO = "video", _("视频课程")


class HoursRule(ScopedModel):
    """How many hours (学时) one hour of a kind of training counts for."""

    mode = models.CharField(_("培训方式"), max_length=20, choices=Mode.choices, unique=True)
    factor = models.DecimalField(
        _("每小时折算学时"), max_digits=4, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(0)]
    )

    shared = True

    class Meta:
        ordering = ["mode"]
        verbose_name = _("学时规则")
        verbose_name_plural = _("学时认定规则")

    def __str__(self) -> str:
        return f"{self.get_mode_display()} × {self.factor}"


def credited_hours(mode: str, hours: Decimal) -> Decimal:
    rule = HoursRule.objects.filter(mode=mode).first()
    factor = rule.factor if rule else Decimal(1)
    return (hours * factor).quantize(Decimal("0.1"))


class Lecturer(ScopedModel):
    """A lecturer: a talent of the 培训讲师 pool, or an external one with their own record."""

    name = models.CharField(_("姓名"), max_length=50)
    talent = models.OneToOneField(
        "talents.Talent", verbose_name=_("人才档案"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    employer = models.CharField(_("工作单位"), max_length=100, blank=True)
    title = models.CharField(_("职务职称"), max_length=100, blank=True)
    topics = models.CharField(_("主讲领域"), max_length=200, blank=True)
    is_external = models.BooleanField(_("外聘讲师"), default=False)
    bio = models.TextField(_("简介"), blank=True)

    shared = True

    class Meta:
        ordering = ["name"]
        verbose_name = _("讲师")
        verbose_name_plural = _("培训讲师")

    def __str__(self) -> str:
        return f"{self.name}（{self.employer}）" if self.employer else self.name


class TrainingProgramme(ScopedModel):
    name = models.CharField(_("培训项目"), max_length=150, unique=True)
    description = models.TextField(_("说明"), blank=True)
    is_catalogue = models.BooleanField(_("列入自主选学目录"), default=False)

    shared = True

    class Meta:
        ordering = ["name"]
        verbose_name = _("培训项目")
        verbose_name_plural = _("培训项目")

    def __str__(self) -> str:
        return self.name


class ClassState(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    OPEN = "open", _("报名中")
    CLOSED = "closed", _("报名截止")
    FINISHED = "finished", _("已结业")


class TrainingClass(OrgOwnedModel):
    """One class (期) of a programme; ``organization`` is its organiser. Every business
    role sees the catalogue of classes; the organiser's staff change it."""

    programme = models.ForeignKey(
        TrainingProgramme, verbose_name=_("培训项目"), on_delete=models.PROTECT, related_name="classes"
    )
    name = models.CharField(_("班次"), max_length=150)
    starts_on = models.DateField(_("开班日期"))
    ends_on = models.DateField(_("结业日期"))
    mode = models.CharField(_("培训方式"), max_length=20, choices=Mode.choices, default=Mode.FACE)
    venue = models.CharField(_("地点"), max_length=200, blank=True)
    online_url = models.URLField(_("线上链接"), blank=True)
    lecturers = models.ManyToManyField(Lecturer, verbose_name=_("讲师"), blank=True, related_name="classes")
    capacity = models.PositiveIntegerField(_("名额"), validators=[MinValueValidator(1)])
    quota_per_organization = models.PositiveIntegerField(_("每单位推荐名额"), null=True, blank=True)
    self_enrolment = models.BooleanField(_("允许自主报名"), default=False)
    categories = models.ManyToManyField(
        "talents.DictionaryEntry",
        verbose_name=_("限人才类别"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "category"},
    )
    tiers = models.ManyToManyField(
        "talents.DictionaryEntry",
        verbose_name=_("限人才层级"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "tier"},
    )
    audience_organizations = models.ManyToManyField(
        "orgs.Organization", verbose_name=_("限参训单位"), blank=True, related_name="+"
    )
    delegated_to = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("委托承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("委托机构承办的培训班，承办机构的联络员可展示签到码。"),
    )
    completion_percent = models.PositiveSmallIntegerField(
        _("结业须出勤比例（%）"), default=80, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    state = models.CharField(_("状态"), max_length=20, choices=ClassState.choices, default=ClassState.PLANNED)

    shared = True

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")

    def __str__(self) -> str:
        return f"{self.programme.name} {self.name}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结业日期不能早于开班日期。")})


class Session(ScopedModel):
    """One session of a class, where attendance is taken."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("培训班"), on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("课程"), max_length=150)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    mode = models.CharField(_("方式"), max_length=20, choices=Mode.choices, default=Mode.FACE)
    hours = models.DecimalField(_("课时（小时）"), max_digits=4, decimal_places=1, validators=[MinValueValidator(0)])
    lecturer = models.ForeignKey(
        Lecturer, verbose_name=_("讲师"), null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions"
    )

    shared = True

    class Meta:
        ordering = ["training_class", "starts_at"]
        verbose_name = _("课程安排")
        verbose_name_plural = _("课程安排")

    def __str__(self) -> str:
        return f"{self.training_class} · {self.title}"

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("结束时间须晚于开始时间。")})


class EnrolmentRoute(models.TextChoices):
    NOMINATED = "nominated", _("单位推荐")
    SELF = "self", _("自主选学")
    OFFICE = "office", _("办公室安排")


class EnrolmentState(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    WAITLISTED = "waitlisted", _("候补")
    WITHDRAWN = "withdrawn", _("已退出")


#: Enrolments that hold a place in the class.
HOLDING = (EnrolmentState.PENDING, EnrolmentState.CONFIRMED)


class Enrollment(TalentRelated):
    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("培训班"), on_delete=models.CASCADE, related_name="enrollments"
    )
    talent = models.ForeignKey(
        "talents.Talent", verbose_name=_("学员"), on_delete=models.PROTECT, related_name="enrollments"
    )
    route = models.CharField(_("报名方式"), max_length=20, choices=EnrolmentRoute.choices, editable=False)
    state = models.CharField(_("状态"), max_length=20, choices=EnrolmentState.choices, default=EnrolmentState.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("报名人"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True, editable=False)
    withdrawn_at = models.DateTimeField(_("退出时间"), null=True, blank=True, editable=False)
    completed = models.BooleanField(_("已结业"), default=False, editable=False)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=1, default=Decimal(0), editable=False)
    certificate_number = models.CharField(_("结业证书编号"), max_length=30, blank=True, editable=False)
    certificate_issued_on = models.DateField(_("发证日期"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["training_class", "state", "id"]
        verbose_name = _("报名")
        verbose_name_plural = _("培训报名")
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "talent"],
                condition=~Q(state="withdrawn"),
                name="training_one_enrolment",
                violation_error_message=_("该学员已报名本班。"),
            ),
            models.UniqueConstraint(
                fields=["certificate_number"], condition=~Q(certificate_number=""), name="training_unique_certificate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.talent} · {self.training_class}"


class CheckMethod(models.TextChoices):
    QR = "qr", _("扫码签到")
    IMPORT = "import", _("导入签到表")
    MANUAL = "manual", _("人工补签")


class Attendance(TalentRelated):
    session = models.ForeignKey(Session, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="attendances")
    talent = models.ForeignKey(
        "talents.Talent", verbose_name=_("学员"), on_delete=models.PROTECT, related_name="attendances"
    )
    method = models.CharField(_("签到方式"), max_length=20, choices=CheckMethod.choices)
    checked_at = models.DateTimeField(_("签到时间"))
    hours = models.DecimalField(_("认定学时"), max_digits=5, decimal_places=1)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["session", "talent"]
        verbose_name = _("签到")
        verbose_name_plural = _("培训签到")
        constraints = [models.UniqueConstraint(fields=["session", "talent"], name="training_one_attendance")]

    def __str__(self) -> str:
        return f"{self.talent} · {self.session}"


class Video(ScopedModel):
    """A lecture of the 人才管理讲堂, stored as a file and served with Range requests."""

    title = models.CharField(_("标题"), max_length=150)
    topic = models.CharField(_("专题"), max_length=50)
    lecturer = models.ForeignKey(
        Lecturer, verbose_name=_("讲师"), null=True, blank=True, on_delete=models.SET_NULL, related_name="videos"
    )
    description = models.TextField(_("简介"), blank=True)
    file = models.FileField(_("视频文件"), upload_to="videos/%Y/%m/")
    content_type = models.CharField(_("格式"), max_length=50, editable=False)
    file_size = models.PositiveBigIntegerField(_("大小（字节）"), default=0, editable=False)
    duration_seconds = models.PositiveIntegerField(
        _("时长（秒）"),
        blank=True,
        default=0,
        help_text=_("从视频文件读取，用于计算观看进度和学时；填写的时长须与文件一致。"),
    )
    hours = models.DecimalField(
        _("认定学时"), max_digits=4, decimal_places=1, default=Decimal("1.0"), validators=[MinValueValidator(0)]
    )
    is_published = models.BooleanField(_("已发布"), default=True)

    shared = True

    class Meta:
        ordering = ["topic", "title"]
        verbose_name = _("讲堂视频")
        verbose_name_plural = _("人才管理讲堂")

    def __str__(self) -> str:
        return self.title


class WatchProgress(TalentRelated):
    """What a talent has really watched of a video: the seconds seen (a bitmap of
    one-second slots), the position to resume from, and whether hours were credited."""

    video = models.ForeignKey(Video, verbose_name=_("视频"), on_delete=models.CASCADE, related_name="progress")
    talent = models.ForeignKey(
        "talents.Talent", verbose_name=_("学员"), on_delete=models.CASCADE, related_name="watch_progress"
    )
    seen = models.BinaryField(_("已观看片段"), default=b"", editable=False)
    seen_seconds = models.PositiveIntegerField(_("已观看（秒）"), default=0)
    position = models.PositiveIntegerField(_("上次位置（秒）"), default=0)
    last_report_at = models.DateTimeField(_("最近上报时间"), null=True, blank=True)
    last_position = models.PositiveIntegerField(_("最近上报位置（秒）"), default=0)
    credited_on = models.DateField(_("学时认定日期"), null=True, blank=True)
    hours = models.DecimalField(_("认定学时"), max_digits=4, decimal_places=1, default=Decimal(0))

    audit_exclude = (
        "version",
        "created_at",
        "updated_at",
        "seen",
        "seen_seconds",
        "position",
        "last_report_at",
        "last_position",
    )

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("观看记录")
        verbose_name_plural = _("视频观看记录")
        constraints = [models.UniqueConstraint(fields=["video", "talent"], name="training_one_progress")]

    def __str__(self) -> str:
        return f"{self.talent} · {self.video}"

    @property
    def share(self) -> Decimal:
        return Decimal(self.seen_seconds * 100 / max(self.video.duration_seconds, 1)).quantize(Decimal("0.1"))


class Feedback(TalentRelated):
    """The short evaluation a participant gives after a class."""

    training_class = models.ForeignKey(
        TrainingClass, verbose_name=_("培训班"), on_delete=models.CASCADE, related_name="feedback"
    )
    talent = models.ForeignKey("talents.Talent", verbose_name=_("学员"), on_delete=models.CASCADE, related_name="+")
    content_rating = models.PositiveSmallIntegerField(
        _("课程内容"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    lecturer_rating = models.PositiveSmallIntegerField(
        _("讲师授课"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    organisation_rating = models.PositiveSmallIntegerField(
        _("组织服务"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("意见建议"), blank=True)

    class Meta:
        ordering = ["training_class", "-id"]
        verbose_name = _("培训评价")
        verbose_name_plural = _("培训评价")
        constraints = [models.UniqueConstraint(fields=["training_class", "talent"], name="training_one_feedback")]

    def __str__(self) -> str:
        return f"{self.talent} · {self.training_class}"


class TopicKind(models.TextChoices):
    MANAGEMENT = "management", _("管理培训")
    BUSINESS = "business", _("业务培训")
    COMPLIANCE = "compliance", _("合规风控培训")
    PARTY = "party", _("党建培训")
    OTHER = "other", _("其他")


class OwnTraining(OrgOwnedModel):
    """A class an institution ran itself (机构自办培训), reported by its liaison."""

    title = models.CharField(_("培训名称"), max_length=150)
    topic_kind = models.CharField(_("培训类别"), max_length=20, choices=TopicKind.choices)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    sessions = models.PositiveIntegerField(_("期数"), default=1, validators=[MinValueValidator(1)])
    participants = models.PositiveIntegerField(_("参训人次"), validators=[MinValueValidator(1)])
    hours = models.DecimalField(_("人均学时"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])
    notes = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["-starts_on", "organization__path"]
        verbose_name = _("机构自办培训")
        verbose_name_plural = _("机构自办培训")
        constraints = [
            models.UniqueConstraint(fields=["organization", "title", "starts_on"], name="training_own_once"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.title}"

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
        if self.starts_on and self.starts_on > timezone.localdate():
            raise ValidationError({"starts_on": _("请填报已经开始或举办的培训。")})
