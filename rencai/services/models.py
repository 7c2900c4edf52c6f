"""Tiered services (seed 004): rules turn a talent's level and tier into duties (百 → 定期联系,
千 → 扶持奖励, 万 → 登记入库), visits are logged, and service requests (办实事、解难题) are
handled to closure."""

from datetime import timedelta

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.core.models import ScopedModel, ScopedQuerySet
from rencai.talents.models import DictionaryKind, TalentRelated, dictionary_fk


class DutyKind(models.TextChoices):
    CONTACT = "contact", _("定期联系")
    SUPPORT = "support", _("扶持奖励")
    REGISTRATION = "registration", _("登记入库")


class ContactMethod(models.TextChoices):
    NONE = "none", _("不指定（手工分配）")
    NAMED = "named", _("按机构指定联系领导")
    ROUND_ROBIN = "round_robin", _("在办公室领导中轮流分配")


class ServiceRule(ScopedModel):
    """Which talents get which duty: by programme level and/or tier."""

    name = models.CharField(_("规则名称"), max_length=100)
    level = dictionary_fk(DictionaryKind.LEVEL, _("百千万层次"))
    tier = dictionary_fk(DictionaryKind.TIER, _("人才层级"))
    kind = models.CharField(_("服务方式"), max_length=20, choices=DutyKind.choices)
    description = models.TextField(_("服务措施"), blank=True)
    interval_days = models.PositiveIntegerField(
        _("联系周期（天）"), null=True, blank=True, help_text=_("定期联系必填，例如每季度联系一次填 90。")
    )
    due_days = models.PositiveIntegerField(_("办理时限（天）"), default=30)
    contact_method = models.CharField(
        _("一对一联系领导的确定方式"),
        max_length=20,
        choices=ContactMethod.choices,
        default=ContactMethod.NONE,
        help_text=_("定期联系任务的联系领导：按机构指定的领导，或在办公室领导中轮流分配；领导离任时自动改派。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    shared = True

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("服务规则")
        verbose_name_plural = _("分层服务规则")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors = {}
        if not self.level_id and not self.tier_id:
            errors["level"] = _("请至少指定百千万层次或人才层级之一。")
        if self.kind == DutyKind.CONTACT and not self.interval_days:
            errors["interval_days"] = _("定期联系须填写联系周期。")
        if errors:
            raise ValidationError(errors)

    def matches(self, talent) -> bool:
        if not self.level_id and not self.tier_id:
            return False
        level_ok = not self.level_id or self.level_id == talent.level_id
        tier_ok = not self.tier_id or self.tier_id == talent.tier_id
        return level_ok and tier_ok and talent.is_active


class ContactLeader(ScopedModel):
    """The leader named for one institution (and its branches) under a rule (一对一联系)."""

    rule = models.ForeignKey(
        ServiceRule, verbose_name=_("服务规则"), on_delete=models.CASCADE, related_name="contact_leaders"
    )
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("机构"), on_delete=models.CASCADE, related_name="+"
    )
    leader = models.ForeignKey(
        "accounts.User",
        verbose_name=_("联系领导"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"role__in": ["office", "leader"], "is_active": True},
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    shared = True

    class Meta:
        ordering = ["rule", "organization__path"]
        verbose_name = _("联系领导")
        verbose_name_plural = _("一对一联系领导")
        constraints = [models.UniqueConstraint(fields=["rule", "organization"], name="services_one_leader_per_org")]

    def __str__(self) -> str:
        return f"{self.rule} · {self.organization} · {self.leader}"


class DutyState(models.TextChoices):
    OPEN = "open", _("进行中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class DutyQuerySet(ScopedQuerySet):
    def overdue(self) -> "DutyQuerySet":
        return self.filter(state=DutyState.OPEN, due_date__lt=timezone.localdate())


class ServiceDuty(TalentRelated):
    """A duty towards one talent that a rule created: a contact schedule with its leader,
    a support measure, or a registration task."""

    talent = models.ForeignKey(
        "talents.Talent", verbose_name=_("人才"), on_delete=models.CASCADE, related_name="service_duties"
    )
    rule = models.ForeignKey(
        ServiceRule, verbose_name=_("服务规则"), null=True, blank=True, on_delete=models.SET_NULL, related_name="duties"
    )
    kind = models.CharField(_("服务方式"), max_length=20, choices=DutyKind.choices)
    title = models.CharField(_("事项"), max_length=200)
    assigned_to = models.ForeignKey(
        "accounts.User",
        verbose_name=_("联系领导/责任人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"role__in": ["office", "leader"]},
    )
    interval_days = models.PositiveIntegerField(_("联系周期（天）"), null=True, blank=True)
    due_date = models.DateField(_("应办日期"))
    state = models.CharField(_("状态"), max_length=20, choices=DutyState.choices, default=DutyState.OPEN)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    objects = DutyQuerySet.as_manager()  # type: ignore[misc]  # as_manager() override: django-stubs#1713

    class Meta:
        ordering = ["state", "due_date"]
        verbose_name = _("服务任务")
        verbose_name_plural = _("服务任务")
        constraints = [
            models.UniqueConstraint(
                fields=["talent", "rule"], condition=Q(rule__isnull=False), name="services_one_duty_per_rule"
            )
        ]

    def __str__(self) -> str:
        return f"{self.talent} · {self.title}"

    @admin.display(description=_("逾期"))
    def is_overdue(self) -> bool:
        return self.state == DutyState.OPEN and self.due_date < timezone.localdate()


class VisitKind(models.TextChoices):
    VISIT = "visit", _("上门走访")
    TALK = "talk", _("座谈")
    PHONE = "phone", _("电话联系")
    ONLINE = "online", _("线上联系")


class Visit(TalentRelated):
    """One contact with a talent: who, when, what was raised."""

    talent = models.ForeignKey(
        "talents.Talent", verbose_name=_("人才"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("联系日期"))
    kind = models.CharField(_("方式"), max_length=20, choices=VisitKind.choices, default=VisitKind.VISIT)
    visitor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("联系领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"role__in": ["office", "leader"]},
    )
    visitors = models.CharField(_("参加人员"), max_length=200, blank=True)
    matters_raised = models.TextField(_("反映的问题和诉求"), blank=True)
    follow_up = models.TextField(_("后续办理"), blank=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访联系记录")

    def __str__(self) -> str:
        return f"{self.talent} · {self.visited_on}"

    def clean(self) -> None:
        if self.visited_on and self.visited_on > timezone.localdate():
            raise ValidationError({"visited_on": _("联系日期不能晚于今天。")})


class RequestCategory(models.TextChoices):
    HOUSEHOLD = "household", _("落户和档案")
    SCHOOLING = "schooling", _("子女入学")
    HOUSING = "housing", _("住房")
    MEDICAL = "medical", _("医疗保健")
    FINANCING = "financing", _("融资和创业")
    POLICY = "policy", _("政策咨询")
    OTHER = "other", _("其他")


class RequestState(models.TextChoices):
    OPEN = "open", _("待分派")
    ASSIGNED = "assigned", _("已分派")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已办结")
    CONFIRMED = "confirmed", _("已确认")
    CANCELLED = "cancelled", _("已撤销")


SATISFACTION_CHOICES = [
    (1, _("1 星")),
    (2, _("2 星")),
    (3, _("3 星")),
    (4, _("4 星")),
    (5, _("5 星")),
]
OPEN_REQUEST_STATES = (RequestState.OPEN, RequestState.ASSIGNED, RequestState.IN_PROGRESS)
DEFAULT_REQUEST_DAYS = 15


class RequestQuerySet(ScopedQuerySet):
    def overdue(self) -> "RequestQuerySet":
        return self.filter(state__in=OPEN_REQUEST_STATES, due_date__lt=timezone.localdate())


class ServiceRequest(TalentRelated):
    """A request to the office to get something done for a talent (办实事、解难题)."""

    talent = models.ForeignKey(
        "talents.Talent", verbose_name=_("人才"), on_delete=models.PROTECT, related_name="service_requests"
    )
    title = models.CharField(_("诉求事项"), max_length=200)
    category = models.CharField(_("类别"), max_length=20, choices=RequestCategory.choices)
    description = models.TextField(_("具体情况"))
    opened_by = models.ForeignKey(
        "accounts.User", verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    state = models.CharField(_("状态"), max_length=20, choices=RequestState.choices, default=RequestState.OPEN)
    assigned_to = models.ForeignKey(
        "accounts.User",
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"role": "office"},
    )
    due_date = models.DateField(_("办理期限"), null=True, blank=True)
    resolution = models.TextField(_("办理结果"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("满意度"), null=True, blank=True, choices=SATISFACTION_CHOICES)
    feedback = models.TextField(_("评价意见"), blank=True)
    assigned_at = models.DateTimeField(_("分派时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    objects = RequestQuerySet.as_manager()  # type: ignore[misc]  # as_manager() override: django-stubs#1713

    class Meta:
        ordering = ["-id"]
        verbose_name = _("服务诉求")
        verbose_name_plural = _("服务诉求（办实事解难题）")

    def __str__(self) -> str:
        return f"{self.talent} · {self.title}"

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        return queryset.none() if editing else queryset.filter(talent__user=user)

    @admin.display(description=_("逾期"))
    def is_overdue(self) -> bool:
        return bool(self.state in OPEN_REQUEST_STATES and self.due_date and self.due_date < timezone.localdate())

    def save(self, *args, **kwargs) -> None:
        if self.due_date is None:
            self.due_date = timezone.localdate() + timedelta(days=DEFAULT_REQUEST_DAYS)
        super().save(*args, **kwargs)
