"""Cooperation (seeds 000–003): the party-building alliance of financial institutions with
its rotating chair, joint activities and outreach lectures (党建联盟、轮值主席单位、联合活动、
金融讲师团宣讲), secondments between the office and institutions (挂职锻炼、交流任职), and
the cooperation with universities (战略合作协议、顶岗实习、课题研究)."""

from datetime import date

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from rencai.core.models import ScopedModel, ScopedQuerySet
from rencai.core.roles import Role

# --- scoping over two units ----------------------------------------------------------------


class TwoUnitQuerySet(ScopedQuerySet):
    """A liaison sees a record of either of its units (a secondment's sending and
    receiving unit): the model names both lookups in ``scope_paths``."""

    def _within_organization_of(self, user: object):
        organization = getattr(user, "organization", None)
        if organization is None:
            return self.none()
        condition = Q()
        for path in self.model.scope_paths:
            condition |= Q(**{f"{path}__startswith": organization.path})
        return self.filter(condition)


# --- the alliance --------------------------------------------------------------------------


class Alliance(ScopedModel):
    """A party-building alliance (党建联盟) of member institutions with a rotating chair."""

    name = models.CharField(_("联盟名称"), max_length=100, unique=True)
    founded_on = models.DateField(_("成立日期"))
    term_months = models.PositiveSmallIntegerField(
        _("轮值任期（月）"), default=12, help_text=_("每届轮值主席单位的任期，例如一年填 12。")
    )
    description = models.TextField(_("联盟简介"), blank=True)
    branch_campaign = models.ForeignKey(
        "selections.Campaign",
        verbose_name=_("最强党支部评选"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "party_branch"},
        help_text=_("成员单位党支部参加的“最强党支部”评选活动。"),
    )
    is_active = models.BooleanField(_("有效"), default=True)

    shared = True

    class Meta:
        ordering = ["name"]
        verbose_name = _("党建联盟")
        verbose_name_plural = _("党建联盟")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.term_months is not None and self.term_months < 1:
            raise ValidationError({"term_months": _("轮值任期至少为1个月。")})


class AllianceMember(ScopedModel):
    """An institution's membership of an alliance: joined, left, and its place in the
    chair rotation."""

    alliance = models.ForeignKey(Alliance, verbose_name=_("联盟"), on_delete=models.PROTECT, related_name="members")
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("成员单位"), on_delete=models.PROTECT, related_name="+"
    )
    rotation_order = models.PositiveSmallIntegerField(_("轮值顺序"), help_text=_("按此顺序轮流担任主席单位。"))
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    party_branches = models.TextField(
        _("党支部"), blank=True, help_text=_("成员单位参加联盟共建的党支部，每行一个（用于“最强党支部”创建）。")
    )
    contact = models.CharField(_("联系人"), max_length=100, blank=True)

    class Meta:
        ordering = ["alliance", "rotation_order"]
        verbose_name = _("联盟成员单位")
        verbose_name_plural = _("联盟成员单位")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "organization"],
                name="cooperation_one_membership",
                violation_error_message=_("该单位已是本联盟成员。"),
            ),
            models.UniqueConstraint(
                fields=["alliance", "rotation_order"],
                name="cooperation_unique_rotation_order",
                violation_error_message=_("该轮值顺序已被本联盟其他成员单位使用。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization}（{self.alliance}）"

    def clean(self) -> None:
        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("退出日期不能早于加入日期。")})

    def is_member_on(self, day: date) -> bool:
        return self.joined_on <= day and (self.left_on is None or self.left_on > day)

    @admin.display(description=_("在盟"))
    def is_current(self) -> bool:
        return self.is_member_on(timezone.localdate())

    def branch_names(self) -> list[str]:
        return [line.strip() for line in self.party_branches.splitlines() if line.strip()]


class ChairState(models.TextChoices):
    SERVING = "serving", _("在任")
    HANDED_OVER = "handed_over", _("已交接")


class ChairTerm(ScopedModel):
    """One term (届) of the rotating chair: which member, from when to when, and the
    handover at its end."""

    alliance = models.ForeignKey(Alliance, verbose_name=_("联盟"), on_delete=models.PROTECT, related_name="terms")
    member = models.ForeignKey(
        AllianceMember, verbose_name=_("轮值主席单位"), on_delete=models.PROTECT, related_name="terms"
    )
    term_number = models.PositiveSmallIntegerField(_("届次"))
    starts_on = models.DateField(_("任期开始"))
    ends_on = models.DateField(_("任期结束"))
    state = models.CharField(_("状态"), max_length=20, choices=ChairState.choices, default=ChairState.SERVING)
    handed_over_on = models.DateField(_("交接日期"), null=True, blank=True, editable=False)
    handover_note = models.TextField(_("交接说明"), blank=True)

    scope_path = "member__organization__path"

    class Meta:
        ordering = ["alliance", "term_number"]
        verbose_name = _("轮值主席任期")
        verbose_name_plural = _("轮值主席单位")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "term_number"],
                name="cooperation_one_chair_per_term",
                violation_error_message=_("该届已有轮值主席单位，一届只能有一个主席单位。"),
            )
        ]

    def __str__(self) -> str:
        return _("%(alliance)s 第%(term_number)s届 %(organization)s") % {
            "alliance": self.alliance,
            "term_number": self.term_number,
            "organization": self.member.organization,
        }

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("任期结束不能早于任期开始。")
        if self.member_id and self.alliance_id and self.member.alliance_id != self.alliance_id:
            errors["member"] = _("主席单位须是本联盟的成员单位。")
        elif self.member_id and self.starts_on and not self.member.is_member_on(self.starts_on):
            errors["member"] = _("该单位在任期开始时不是联盟成员，不能担任轮值主席单位。")
        if self.alliance_id and self.term_number:
            same = ChairTerm.objects.filter(alliance_id=self.alliance_id, term_number=self.term_number)
            if same.exclude(pk=self.pk).exists():
                errors["term_number"] = _("第%(n)s届已有轮值主席单位，一届只能有一个主席单位。") % {
                    "n": self.term_number
                }
        if not errors and self.alliance_id and self.starts_on and self.ends_on:
            overlapping = (
                ChairTerm.objects.filter(alliance_id=self.alliance_id)
                .filter(starts_on__lte=self.ends_on, ends_on__gte=self.starts_on)
                .exclude(pk=self.pk)
                .first()
            )
            if overlapping is not None:
                errors["starts_on"] = _("任期与第%(n)s届（%(start)s至%(end)s）重叠，同一时间只能有一个主席单位。") % {
                    "n": overlapping.term_number,
                    "start": overlapping.starts_on,
                    "end": overlapping.ends_on,
                }
        if errors:
            raise ValidationError(errors)


class ActivityKind(models.TextChoices):
    EDUCATION = "education", _("联合教育")
    EXCELLENCE = "excellence", _("联合争先")
    TALENT = "talent", _("联合育人")
    DEVELOPMENT = "development", _("联合发展")
    ACTIVITY = "activity", _("联合活动")


class JointActivity(ScopedModel):
    """A joint activity of the alliance: organised by one member with co-organisers, its
    participants the talents of member units."""

    alliance = models.ForeignKey(Alliance, verbose_name=_("联盟"), on_delete=models.PROTECT, related_name="activities")
    kind = models.CharField(_("活动类别"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("活动名称"), max_length=200)
    organiser = models.ForeignKey(
        AllianceMember, verbose_name=_("主办单位"), on_delete=models.PROTECT, related_name="organised"
    )
    co_organisers = models.ManyToManyField(
        AllianceMember, verbose_name=_("协办单位"), blank=True, related_name="co_organised"
    )
    held_on = models.DateField(_("活动日期"))
    place = models.CharField(_("活动地点"), max_length=200, blank=True)
    participants = models.ManyToManyField(
        "talents.Talent", verbose_name=_("参加人员"), blank=True, related_name="joint_activities"
    )
    other_participants = models.PositiveIntegerField(
        _("其他参加人数"), default=0, help_text=_("未在人才信息库登记的参加人数（补录历史活动时填写）。")
    )
    summary = models.TextField(_("活动简报"), blank=True)
    campaign = models.ForeignKey(
        "selections.Campaign",
        verbose_name=_("关联评选"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"kind": "party_branch"},
        help_text=_("联合争先活动可关联“最强党支部”评选。"),
    )

    scope_path = "organiser__organization__path"

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("联合活动")
        verbose_name_plural = _("联合活动")

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"

    def clean(self) -> None:
        if self.organiser_id and self.alliance_id and self.organiser.alliance_id != self.alliance_id:
            raise ValidationError({"organiser": _("主办单位须是本联盟的成员单位。")})
        if self.organiser_id and self.held_on and not self.organiser.is_member_on(self.held_on):
            raise ValidationError({"organiser": _("活动日期时主办单位不是联盟成员。")})

    @admin.display(description=_("参加人数"))
    def participant_total(self) -> int:
        return self.participants.count() + self.other_participants


class ActivityPhoto(ScopedModel):
    """A photo of a joint activity, its kind judged by its content."""

    activity = models.ForeignKey(
        JointActivity, verbose_name=_("联合活动"), on_delete=models.CASCADE, related_name="photos"
    )
    caption = models.CharField(_("图片说明"), max_length=200, blank=True)
    file = models.FileField(_("图片"), upload_to="cooperation/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200, editable=False)
    file_type = models.CharField(_("文件类型"), max_length=20, editable=False)
    file_size = models.PositiveIntegerField(_("大小（字节）"), default=0, editable=False)
    sha256 = models.CharField(_("文件摘要"), max_length=64, editable=False)

    scope_path = "activity__organiser__organization__path"

    class Meta:
        ordering = ["activity", "id"]
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")

    def __str__(self) -> str:
        return self.caption or self.file_name


class LectureState(models.TextChoices):
    REQUESTED = "requested", _("已申请")
    HELD = "held", _("已宣讲")
    CANCELLED = "cancelled", _("已取消")


RATING_CHOICES = [(n, format_lazy(_("{n} 分"), n=n)) for n in range(5, 0, -1)]


class OutreachLecture(ScopedModel):
    """A lecture of the lecturer team (金融讲师团宣讲) that a unit requested."""

    lecturer = models.ForeignKey(
        "training.Lecturer", verbose_name=_("宣讲讲师"), on_delete=models.PROTECT, related_name="+"
    )
    alliance = models.ForeignKey(
        Alliance,
        verbose_name=_("联盟"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lectures",
    )
    requesting_unit = models.ForeignKey(
        "orgs.Organization", verbose_name=_("邀请单位"), on_delete=models.PROTECT, related_name="+"
    )
    topic = models.CharField(_("宣讲主题"), max_length=200)
    requested_on = models.DateField(_("申请日期"), default=timezone.localdate)
    planned_on = models.DateField(_("拟宣讲日期"), null=True, blank=True)
    place = models.CharField(_("宣讲地点"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=LectureState.choices, default=LectureState.REQUESTED)
    held_on = models.DateField(_("宣讲日期"), null=True, blank=True)
    attendance = models.PositiveIntegerField(_("听讲人数"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("评价"), null=True, blank=True, choices=RATING_CHOICES)
    feedback = models.TextField(_("反馈意见"), blank=True)

    scope_path = "requesting_unit__path"

    class Meta:
        ordering = ["-requested_on", "-id"]
        verbose_name = _("宣讲活动")
        verbose_name_plural = _("讲师团宣讲")

    def __str__(self) -> str:
        return f"{self.topic}（{self.lecturer.name}）"

    def clean(self) -> None:
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": _("宣讲日期不能晚于今天。")})
        if self.state == LectureState.HELD and not self.held_on:
            raise ValidationError({"held_on": _("请填写宣讲日期。")})


# --- secondments ---------------------------------------------------------------------------


class SecondmentState(models.TextChoices):
    PLANNED = "planned", _("待到岗")
    SERVING = "serving", _("挂职中")
    ENDED = "ended", _("已期满")
    EVALUATED = "evaluated", _("已评价")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class Secondment(ScopedModel):
    """A secondment (挂职锻炼 / 交流任职) of a talent or an office staff member from one unit
    to another, with its mentor, its reports and the receiving unit's evaluation."""

    talent = models.ForeignKey(
        "talents.Talent",
        verbose_name=_("人才"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="secondments",
    )
    staff = models.ForeignKey(
        "accounts.User",
        verbose_name=_("办公室干部"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="secondments",
        limit_choices_to={"role": Role.OFFICE},
    )
    from_unit = models.ForeignKey(
        "orgs.Organization", verbose_name=_("派出单位"), on_delete=models.PROTECT, related_name="+"
    )
    to_unit = models.ForeignKey(
        "orgs.Organization", verbose_name=_("接收单位"), on_delete=models.PROTECT, related_name="+"
    )
    post = models.CharField(_("挂职岗位"), max_length=100)
    starts_on = models.DateField(_("挂职开始"))
    ends_on = models.DateField(_("挂职结束"))
    purpose = models.TextField(_("挂职目的"), blank=True)
    mentor = models.CharField(_("指导人"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=SecondmentState.choices, default=SecondmentState.PLANNED)
    grade = models.CharField(_("考核等次"), max_length=20, choices=Grade.choices, blank=True)
    evaluation = models.TextField(_("接收单位评价"), blank=True)
    evaluated_at = models.DateTimeField(_("评价时间"), null=True, blank=True, editable=False)

    objects = TwoUnitQuerySet.as_manager()  # type: ignore[misc]  # as_manager() override: django-stubs#1713
    scope_path = "to_unit__path"
    scope_paths = ("from_unit__path", "to_unit__path")

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("挂职交流")
        verbose_name_plural = _("挂职交流")

    def __str__(self) -> str:
        return f"{self.person_name()} · {self.to_unit} {self.post}"

    @admin.display(description=_("挂职人员"))
    def person_name(self) -> str:
        if self.talent_id:
            return str(self.talent)
        if self.staff is not None:
            return self.staff.full_name or self.staff.username
        return ""

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        return queryset.none() if editing else queryset.filter(talent__user=user)

    @admin.display(description=_("期满未评价"))
    def awaits_evaluation(self) -> bool:
        return self.state != SecondmentState.EVALUATED and self.ends_on < timezone.localdate()

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if bool(self.talent_id) == bool(self.staff_id):
            errors["talent"] = _("请选择挂职人员：人才或办公室干部，二者选其一。")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("挂职结束不能早于挂职开始。")
        if self.from_unit_id and self.from_unit_id == self.to_unit_id:
            errors["to_unit"] = _("接收单位不能与派出单位相同。")
        if not errors and self.starts_on and self.ends_on and (self.talent_id or self.staff_id):
            clash = self.overlapping().first()
            if clash is not None:
                errors["starts_on"] = _(
                    "%(person)s在%(start)s至%(end)s已有挂职安排（%(unit)s %(post)s），同一人员的挂职期间不能重叠。"
                ) % {
                    "person": self.person_name(),
                    "start": clash.starts_on,
                    "end": clash.ends_on,
                    "unit": clash.to_unit,
                    "post": clash.post,
                }
        if errors:
            raise ValidationError(errors)

    def overlapping(self) -> models.QuerySet["Secondment"]:
        person = Q(talent_id=self.talent_id) if self.talent_id else Q(staff_id=self.staff_id)
        return (
            Secondment.objects.filter(person)
            .filter(starts_on__lte=self.ends_on, ends_on__gte=self.starts_on)
            .exclude(pk=self.pk)
        )


class ReportKind(models.TextChoices):
    MONTHLY = "monthly", _("月度报告")
    FINAL = "final", _("期满总结")


class SecondmentReport(ScopedModel):
    """A monthly or end-of-term report of the person seconded."""

    secondment = models.ForeignKey(
        Secondment, verbose_name=_("挂职交流"), on_delete=models.CASCADE, related_name="reports"
    )
    kind = models.CharField(_("报告类型"), max_length=20, choices=ReportKind.choices, default=ReportKind.MONTHLY)
    month = models.DateField(_("报告月份"), null=True, blank=True, help_text=_("月度报告填写所属月份（任一日即可）。"))
    content = models.TextField(_("报告内容"))
    late_reason = models.CharField(
        _("补交理由"), max_length=200, blank=True, help_text=_("挂职期满后提交报告须说明理由。")
    )
    submitted_on = models.DateField(_("提交日期"), default=timezone.localdate, editable=False)
    submitted_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("提交人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = TwoUnitQuerySet.as_manager()  # type: ignore[misc]  # as_manager() override: django-stubs#1713
    scope_path = "secondment__to_unit__path"
    scope_paths = ("secondment__from_unit__path", "secondment__to_unit__path")

    class Meta:
        ordering = ["secondment", "-submitted_on", "-id"]
        verbose_name = _("挂职报告")
        verbose_name_plural = _("挂职报告")

    def __str__(self) -> str:
        label = self.month.strftime(str(_("%Y年%m月"))) if self.month and self.kind == ReportKind.MONTHLY else ""
        return f"{self.secondment.person_name()} {label}{self.get_kind_display()}"

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        return queryset.filter(secondment__talent__user=user)

    def clean(self) -> None:
        if not self.secondment_id:
            return
        secondment = self.secondment
        day = self.submitted_on or timezone.localdate()
        errors: dict[str, object] = {}
        if day < secondment.starts_on:
            errors["secondment"] = _("挂职尚未开始，不能提交报告。")
        elif day > secondment.ends_on and not self.late_reason.strip():
            errors["late_reason"] = _("挂职已于%(end)s期满，期满后提交报告须填写补交理由。") % {
                "end": secondment.ends_on
            }
        if self.kind == ReportKind.MONTHLY:
            if self.month is None:
                errors["month"] = _("月度报告须填写报告月份。")
            else:
                self.month = self.month.replace(day=1)
                first = secondment.starts_on.replace(day=1)
                if not first <= self.month <= secondment.ends_on:
                    errors["month"] = _("报告月份不在挂职期间内。")
                elif (
                    SecondmentReport.objects.filter(secondment=secondment, kind=ReportKind.MONTHLY, month=self.month)
                    .exclude(pk=self.pk)
                    .exists()
                ):
                    errors["month"] = _("该月的月度报告已提交。")
        elif SecondmentReport.objects.filter(secondment=secondment, kind=ReportKind.FINAL).exclude(pk=self.pk).exists():
            errors["kind"] = _("期满总结已提交，每次挂职只提交一份。")
        if errors:
            raise ValidationError(errors)


# --- universities --------------------------------------------------------------------------


class Agreement(ScopedModel):
    """A strategic cooperation agreement (战略合作协议) with a university, its areas and
    projects, its term and renewals, and the most interns it takes at once."""

    university = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("合作高校"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "university"},
    )
    title = models.CharField(_("协议名称"), max_length=200)
    parties = models.CharField(_("合作各方"), max_length=300, help_text=_("签约各方，以顿号分隔。"))
    signed_on = models.DateField(_("签订日期"))
    starts_on = models.DateField(_("协议生效"))
    ends_on = models.DateField(_("协议到期"))
    max_interns = models.PositiveIntegerField(
        _("实习人数上限"), default=0, help_text=_("同一时期在岗实习学生最多人数。")
    )
    renewed_from = models.OneToOneField(
        "self",
        verbose_name=_("续签自"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="renewal",
        editable=False,
    )
    notes = models.TextField(_("备注"), blank=True)

    scope_path = "university__path"

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("合作协议")
        verbose_name_plural = _("院校合作协议")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("协议到期不能早于协议生效。")})
        if self.signed_on and self.signed_on > timezone.localdate():
            raise ValidationError({"signed_on": _("签订日期不能晚于今天。")})

    @admin.display(description=_("有效"), boolean=True)
    def in_force(self) -> bool:
        return self.starts_on <= timezone.localdate() <= self.ends_on


class AgreementArea(ScopedModel):
    """A field of cooperation under an agreement (理论研究、互聘互派、教育培训、实践教学)."""

    agreement = models.ForeignKey(Agreement, verbose_name=_("合作协议"), on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("合作领域"), max_length=100)
    order = models.PositiveSmallIntegerField(_("排序"), default=1)

    scope_path = "agreement__university__path"

    class Meta:
        ordering = ["agreement", "order", "id"]
        verbose_name = _("合作领域")
        verbose_name_plural = _("合作领域")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "name"],
                name="cooperation_unique_area",
                violation_error_message=_("该协议已有同名合作领域。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.agreement} · {self.name}"


class AgreementProject(ScopedModel):
    """A project under one area of an agreement."""

    area = models.ForeignKey(
        AgreementArea, verbose_name=_("合作领域"), on_delete=models.CASCADE, related_name="projects"
    )
    name = models.CharField(_("合作项目"), max_length=200)
    description = models.TextField(_("项目内容"), blank=True)
    lead_unit = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("牵头单位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_path = "area__agreement__university__path"

    class Meta:
        ordering = ["area", "id"]
        verbose_name = _("合作项目")
        verbose_name_plural = _("合作项目")

    def __str__(self) -> str:
        return self.name


class Internship(ScopedModel):
    """Students of a partner university placed with a unit for a period (顶岗实习)."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("合作协议"), on_delete=models.PROTECT, related_name="internships"
    )
    host_unit = models.ForeignKey(
        "orgs.Organization", verbose_name=_("实习单位"), on_delete=models.PROTECT, related_name="+"
    )
    major = models.CharField(_("专业"), max_length=100, blank=True)
    starts_on = models.DateField(_("实习开始"))
    ends_on = models.DateField(_("实习结束"))
    students = models.PositiveIntegerField(_("实习学生人数"))
    grade = models.CharField(_("实习评价等次"), max_length=20, choices=Grade.choices, blank=True)
    evaluation = models.TextField(_("实习评价"), blank=True)

    scope_path = "host_unit__path"

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("顶岗实习")
        verbose_name_plural = _("顶岗实习")

    def __str__(self) -> str:
        return _("%(host_unit)s %(starts_on)s %(students)s人") % {
            "host_unit": self.host_unit,
            "starts_on": self.starts_on,
            "students": self.students,
        }

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("实习结束不能早于实习开始。")})
        if not (self.agreement_id and self.starts_on and self.ends_on and self.students is not None):
            return
        agreement = self.agreement
        if self.starts_on < agreement.starts_on or self.ends_on > agreement.ends_on:
            raise ValidationError(
                {
                    "starts_on": _("实习期间须在协议期限（%(start)s至%(end)s）之内。")
                    % {
                        "start": agreement.starts_on,
                        "end": agreement.ends_on,
                    }
                }
            )
        placed = (
            Internship.objects.filter(agreement=agreement, starts_on__lte=self.ends_on, ends_on__gte=self.starts_on)
            .exclude(pk=self.pk)
            .aggregate(total=models.Sum("students"))["total"]
            or 0
        )
        if placed + self.students > agreement.max_interns:
            raise ValidationError(
                {
                    "students": _(
                        "实习学生人数超过协议约定的上限：协议同期最多%(max)s人，该期间已安排%(placed)s人，本次%(n)s人。"
                    )
                    % {
                        "max": agreement.max_interns,
                        "placed": placed,
                        "n": self.students,
                    }
                }
            )


class TopicState(models.TextChoices):
    APPROVED = "approved", _("已立项")
    ONGOING = "ongoing", _("研究中")
    CONCLUDED = "concluded", _("已结题")


class ResearchTopic(ScopedModel):
    """A joint research topic (课题) of talents and a university's researchers."""

    agreement = models.ForeignKey(
        Agreement,
        verbose_name=_("合作协议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="topics",
    )
    university = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("合作高校"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": "university"},
    )
    title = models.CharField(_("课题名称"), max_length=200)
    leader = models.CharField(_("课题负责人"), max_length=100)
    team_talents = models.ManyToManyField(
        "talents.Talent", verbose_name=_("课题组成员（人才）"), blank=True, related_name="research_topics"
    )
    university_team = models.CharField(_("课题组成员（高校）"), max_length=300, blank=True)
    funding_source = models.CharField(
        _("经费来源"), max_length=100, blank=True, help_text=_("例如国家社科基金、自筹。")
    )
    funding = models.DecimalField(_("经费（元）"), max_digits=12, decimal_places=2, null=True, blank=True)
    starts_on = models.DateField(_("立项日期"))
    due_on = models.DateField(_("计划结题"))
    state = models.CharField(_("状态"), max_length=20, choices=TopicState.choices, default=TopicState.APPROVED)
    concluded_at = models.DateTimeField(_("结题时间"), null=True, blank=True, editable=False)

    scope_path = "university__path"

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("合作课题")
        verbose_name_plural = _("合作课题")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.starts_on and self.due_on and self.due_on < self.starts_on:
            raise ValidationError({"due_on": _("计划结题不能早于立项日期。")})
        agreement = self.agreement if self.agreement_id else None
        if agreement is not None and self.university_id and agreement.university_id != self.university_id:
            raise ValidationError({"agreement": _("所选协议不是与该高校签订的。")})
        if self.funding is not None and self.funding < 0:
            raise ValidationError({"funding": _("经费不能为负数。")})


class Milestone(ScopedModel):
    topic = models.ForeignKey(
        ResearchTopic, verbose_name=_("合作课题"), on_delete=models.CASCADE, related_name="milestones"
    )
    title = models.CharField(_("节点"), max_length=200)
    due_on = models.DateField(_("计划完成"))
    done_on = models.DateField(_("实际完成"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    scope_path = "topic__university__path"

    class Meta:
        ordering = ["topic", "due_on"]
        verbose_name = _("课题节点")
        verbose_name_plural = _("课题节点")

    def __str__(self) -> str:
        return f"{self.topic} · {self.title}"

    def clean(self) -> None:
        if self.done_on and self.done_on > timezone.localdate():
            raise ValidationError({"done_on": _("实际完成日期不能晚于今天。")})


class ResultKind(models.TextChoices):
    REPORT = "report", _("研究报告")
    PAPER = "paper", _("发表论文")
    POLICY = "policy", _("被采纳的政策建议")


class TopicResult(ScopedModel):
    topic = models.ForeignKey(
        ResearchTopic, verbose_name=_("合作课题"), on_delete=models.CASCADE, related_name="results"
    )
    kind = models.CharField(_("成果形式"), max_length=20, choices=ResultKind.choices)
    title = models.CharField(_("成果名称"), max_length=200)
    result_on = models.DateField(_("成果日期"))
    published_in = models.CharField(_("发表刊物/采纳单位"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True)

    scope_path = "topic__university__path"

    class Meta:
        ordering = ["topic", "-result_on"]
        verbose_name = _("课题成果")
        verbose_name_plural = _("课题成果")

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.kind in (ResultKind.PAPER, ResultKind.POLICY) and not self.published_in.strip():
            label = _("发表刊物") if self.kind == ResultKind.PAPER else _("采纳单位")
            raise ValidationError({"published_in": _("请填写%(what)s。") % {"what": label}})
