"""Selections (评选): campaigns with quotas and eligibility rules, applications and their
materials, public votes, publicity with objections, and the results that flow on."""

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.core.models import OrgOwnedModel, ScopedModel, ScopedQuerySet
from rencai.core.roles import CITYWIDE_READERS, role_of
from rencai.evaluation.models import WeightedParts
from rencai.talents.models import HonourLevel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class CampaignKind(models.TextChoices):
    INDIVIDUAL = "individual", _("个人")
    UNIT = "unit", _("单位")
    PARTY_BRANCH = "party_branch", _("党支部")
    PROJECT = "project", _("项目/创新成果")
    BRAND = "brand", _("品牌")


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("申报中")
    ELIGIBILITY = "eligibility", _("资格审查")
    REVIEW = "review", _("专家评审")
    VOTING = "voting", _("公众投票")
    PUBLICITY = "publicity", _("公示中")
    DECIDED = "decided", _("已公布结果")
    RECORDED = "recorded", _("历史结果已录入（非平台评选）")
    CANCELLED = "cancelled", _("已取消")


class Campaign(ScopedModel, WeightedParts):
    """One selection (评选活动): its call, quotas, rules, and where its results go."""

    name = models.CharField(_("评选名称"), max_length=150)
    kind = models.CharField(_("评选对象"), max_length=20, choices=CampaignKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    call_notice = models.TextField(_("评选通知"), blank=True)
    notice_number = models.CharField(_("通知文号"), max_length=100, blank=True)
    opens_on = models.DateField(_("申报开始日期"))
    closes_on = models.DateField(_("申报截止日期"))
    quota_total = models.PositiveSmallIntegerField(_("评选名额"), validators=[MinValueValidator(1)])
    allow_self_application = models.BooleanField(_("允许个人自主申报"), default=False)
    max_age = models.PositiveSmallIntegerField(_("年龄上限（周岁）"), null=True, blank=True)
    age_on = models.DateField(_("年龄计算截止日期"), null=True, blank=True)
    min_service_years = models.PositiveSmallIntegerField(_("最少工作年限（年）"), null=True, blank=True)
    tiers = models.ManyToManyField(
        "talents.DictionaryEntry",
        verbose_name=_("限定人才层级"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "tier"},
    )
    categories = models.ManyToManyField(
        "talents.DictionaryEntry",
        verbose_name=_("限定人才类别"),
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "category"},
    )
    require_clean_record = models.BooleanField(_("无违纪记录"), default=True)
    required_materials = models.TextField(
        _("申报材料"), blank=True, help_text=_("每行一项，例如：推荐表、主要事迹材料、单位意见。")
    )
    has_public_vote = models.BooleanField(_("设公众投票"), default=False)
    votes_per_ip_per_day = models.PositiveSmallIntegerField(_("同一IP每日投票上限"), default=20)
    publicity_days = models.PositiveSmallIntegerField(_("公示天数"), default=7)
    honour_name = models.CharField(_("授予荣誉称号"), max_length=100, blank=True)
    honour_level = models.CharField(_("荣誉级别"), max_length=20, choices=HonourLevel.choices, default=HonourLevel.CITY)
    awarded_by = models.CharField(_("授予单位"), max_length=100, blank=True)
    winners_pool = models.ForeignKey(
        "talents.TalentPool",
        verbose_name=_("当选者入库"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    rubric = models.ForeignKey(
        "evaluation.Rubric",
        verbose_name=_("评分细则"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review = models.OneToOneField(
        "evaluation.Review",
        verbose_name=_("专家评审"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campaign",
        editable=False,
    )
    state = models.CharField(_("状态"), max_length=20, choices=CampaignState.choices, default=CampaignState.DRAFT)
    publicity_starts_on = models.DateField(_("公示开始"), null=True, blank=True, editable=False)
    publicity_ends_on = models.DateField(_("公示结束"), null=True, blank=True, editable=False)
    results_number = models.CharField(_("结果文号"), max_length=100, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    is_historic = models.BooleanField(
        _("历史评选结果录入"),
        default=False,
        editable=False,
        help_text=_("结果在平台上线前已决定，仅录入结果，未在平台上评审、公示。"),
    )

    shared = True

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("评选活动")
        verbose_name_plural = _("评选活动")

    def __str__(self) -> str:
        return _("%(year)s年%(name)s") % {"year": self.year, "name": self.name}

    @property
    def is_individual(self) -> bool:
        return self.kind == CampaignKind.INDIVIDUAL

    def material_kinds(self) -> list[str]:
        return [line.strip() for line in self.required_materials.splitlines() if line.strip()]

    def title_awarded(self) -> str:
        return self.honour_name or self.name

    def clean(self) -> None:
        errors: dict[str, StrOrPromise | None] = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("申报截止日期不能早于开始日期。")
        if self.max_age and not self.age_on:
            errors["age_on"] = _("设置年龄上限时须填写年龄计算截止日期。")
        minimum = settings.RENCAI_PUBLICITY_MIN_DAYS
        if self.publicity_days is not None and self.publicity_days < minimum:
            errors["publicity_days"] = _("公示期不少于%(days)s天。") % {"days": minimum}
        if self.weights_error():
            errors["expert_weight"] = self.weights_error()
        if self.vote_weight and not self.has_public_vote:
            errors["vote_weight"] = _("未设公众投票时，投票权重须为0。")
        if self.kind and self.kind != CampaignKind.INDIVIDUAL and self.allow_self_application:
            errors["allow_self_application"] = _("单位、党支部、项目和品牌类评选只能由单位推荐。")
        if errors:
            raise ValidationError(errors)

    def in_publicity(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return (
            self.state == CampaignState.PUBLICITY
            and self.publicity_starts_on is not None
            and self.publicity_ends_on is not None
            and self.publicity_starts_on <= on <= self.publicity_ends_on
        )


class CampaignQuota(OrgOwnedModel):
    """How many an institution may nominate (its branches included)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("评选活动"), on_delete=models.CASCADE, related_name="quotas")
    quota = models.PositiveSmallIntegerField(_("推荐名额"))

    class Meta:
        ordering = ["campaign", "organization__path"]
        verbose_name = _("推荐名额")
        verbose_name_plural = _("推荐名额")
        constraints = [models.UniqueConstraint(fields=["campaign", "organization"], name="selections_one_quota")]

    def __str__(self) -> str:
        return _("%(organization)s · %(quota)s名") % {"organization": self.organization, "quota": self.quota}


class ApplicationRoute(models.TextChoices):
    NOMINATION = "nomination", _("单位推荐")
    SELF = "self", _("个人申报")


class ApplicationState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("退回修改")
    ELIGIBLE = "eligible", _("资格审查通过")
    INELIGIBLE = "ineligible", _("资格审查未通过")
    IN_REVIEW = "in_review", _("专家评审中")
    SHORTLISTED = "shortlisted", _("入围公示")
    NOT_SHORTLISTED = "not_shortlisted", _("未入围")
    WINNER = "winner", _("当选")
    DISQUALIFIED = "disqualified", _("取消资格")
    WITHDRAWN = "withdrawn", _("已撤回")


#: Applications that take up a nomination place.
COUNTED_STATES = (
    ApplicationState.SUBMITTED,
    ApplicationState.RETURNED,
    ApplicationState.ELIGIBLE,
    ApplicationState.IN_REVIEW,
    ApplicationState.SHORTLISTED,
    ApplicationState.NOT_SHORTLISTED,
    ApplicationState.WINNER,
)


class ApplicationQuerySet(ScopedQuerySet):
    def counted(self) -> "ApplicationQuerySet":
        return self.filter(state__in=COUNTED_STATES)


class Application(OrgOwnedModel):
    """A nomination by an institution, or a talent's own application."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("评选活动"), on_delete=models.PROTECT, related_name="applications"
    )
    route = models.CharField(_("申报方式"), max_length=20, choices=ApplicationRoute.choices, editable=False)
    talent = models.ForeignKey(
        "talents.Talent",
        verbose_name=_("申报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
    )
    subject_name = models.CharField(
        _("申报对象名称"), max_length=200, blank=True, help_text=_("单位、党支部、项目或品牌的名称；个人评选可不填。")
    )
    summary = models.TextField(_("主要事迹"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=ApplicationState.choices, default=ApplicationState.SUBMITTED
    )
    reason = models.TextField(_("审查意见"), blank=True)
    review_item = models.OneToOneField(
        "evaluation.ReviewItem",
        verbose_name=_("评审对象"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="application",
        editable=False,
    )
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True, editable=False)
    total_score = models.DecimalField(
        _("综合得分"), max_digits=7, decimal_places=2, null=True, blank=True, editable=False
    )

    objects = ApplicationQuerySet.as_manager()  # type: ignore[misc]  # as_manager() override: django-stubs#1713

    class Meta:
        ordering = ["campaign", "rank", "id"]
        verbose_name = _("申报")
        verbose_name_plural = _("评选申报")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "talent"],
                condition=Q(talent__isnull=False) & ~Q(state="withdrawn"),
                name="selections_one_application_per_talent",
                violation_error_message=_("该人员已申报本次评选，不能重复申报。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.display_name}（{self.campaign.name}）"

    @property
    def display_name(self) -> str:
        if self.talent_id and self.talent is not None:
            return self.talent.name
        return self.subject_name

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        """A talent sees their own applications, and changes one only once it has been
        returned to them for changes."""
        own = queryset.filter(talent__user=user)
        return own.filter(state=ApplicationState.RETURNED) if editing else own

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(review_item__sheets__reviewer__user=user, review_item__sheets__reviewer__state="active")

    def clean(self) -> None:
        if self.campaign_id and self.campaign.is_individual and not self.talent_id:
            raise ValidationError({"talent": _("个人评选须选择申报人。")})
        if self.campaign_id and not self.campaign.is_individual and not self.subject_name.strip():
            raise ValidationError({"subject_name": _("请填写申报对象名称。")})


class Material(ScopedModel):
    """A file attached to an application, checked by its content."""

    application = models.ForeignKey(
        Application, verbose_name=_("申报"), on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(_("材料名称"), max_length=100)
    file = models.FileField(_("文件"), upload_to="selections/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200, editable=False)
    file_type = models.CharField(_("文件类型"), max_length=20, editable=False)
    file_size = models.PositiveIntegerField(_("大小（字节）"), default=0, editable=False)
    sha256 = models.CharField(_("文件摘要"), max_length=64, editable=False)

    scope_path = "application__organization__path"

    class Meta:
        ordering = ["application", "kind"]
        verbose_name = _("申报材料")
        verbose_name_plural = _("申报材料")

    def __str__(self) -> str:
        return f"{self.kind}（{self.file_name}）"

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        """A talent sees the materials of their own applications and may remove them (while
        the application is open: ``MaterialObjects.policy``)."""
        return queryset.filter(application__talent__user=user)

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(
            application__review_item__sheets__reviewer__user=user,
            application__review_item__sheets__reviewer__state="active",
        )


class Vote(models.Model):
    """One vote of one verified account on one day (not audited one by one: the count is)."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("评选活动"), on_delete=models.CASCADE, related_name="votes")
    application = models.ForeignKey(
        Application, verbose_name=_("投票对象"), on_delete=models.CASCADE, related_name="votes"
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("投票人"), on_delete=models.CASCADE, related_name="+"
    )
    voted_on = models.DateField(_("投票日期"))
    ip = models.CharField(_("IP地址"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("投票")
        verbose_name_plural = _("投票")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "voter", "voted_on"], name="selections_one_vote_a_day")
        ]
        indexes = [models.Index(fields=["campaign", "ip", "voted_on"], name="selections_vote_ip_day")]


class ObjectionState(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class ObjectionQuerySet(ScopedQuerySet):
    """The office sees every objection; anyone else only the ones they filed (the person
    objected to never learns who objected)."""

    def visible_to(self, user) -> "ObjectionQuerySet":
        if role_of(user) in CITYWIDE_READERS:
            return self.all()
        if role_of(user) is None:
            return self.none()
        return self.filter(filed_by=user)

    def editable_by(self, user) -> "ObjectionQuerySet":
        return self.visible_to(user) if role_of(user) in CITYWIDE_READERS else self.none()


class Objection(ScopedModel):
    """An objection (异议) filed during publicity against one shortlisted application."""

    application = models.ForeignKey(
        Application, verbose_name=_("异议对象"), on_delete=models.PROTECT, related_name="objections"
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出人"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    content = models.TextField(_("异议内容及事实依据"))
    contact = models.CharField(_("联系方式"), max_length=100, blank=True)
    state = models.CharField(_("处理状态"), max_length=20, choices=ObjectionState.choices, default=ObjectionState.OPEN)
    handling_reason = models.TextField(_("处理意见"), blank=True)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True, editable=False)

    objects = ObjectionQuerySet.as_manager()  # type: ignore[misc]  # as_manager() override: django-stubs#1713

    class Meta:
        ordering = ["state", "-id"]
        verbose_name = _("异议")
        verbose_name_plural = _("公示异议")

    def __str__(self) -> str:
        return _("对%(name)s的异议 #%(number)s") % {"name": self.application.display_name, "number": self.pk}


class UnitAward(OrgOwnedModel):
    """A title a unit (or its party branch, project, brand) received from a selection."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("评选活动"), on_delete=models.PROTECT, related_name="unit_awards"
    )
    application = models.OneToOneField(
        Application,
        verbose_name=_("申报"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="unit_award",
        help_text=_("历史评选结果录入的单位荣誉没有申报。"),
    )
    subject_name = models.CharField(_("获奖对象"), max_length=200)
    title = models.CharField(_("荣誉称号"), max_length=100)
    awarded_on = models.DateField(_("授予时间"))
    document_number = models.CharField(_("文号"), max_length=100, blank=True)

    class Meta:
        ordering = ["-awarded_on", "organization__path"]
        verbose_name = _("单位荣誉")
        verbose_name_plural = _("单位荣誉")

    def __str__(self) -> str:
        return f"{self.subject_name} · {self.title}"


class HistoricResult(OrgOwnedModel):
    """One result of a selection decided before the platform existed (历史评选结果录入): a
    winner or a unit award, with the 文号 and date of the decision. Entered, not decided
    here: recording it creates the campaign (marked historic), the honour or unit award."""

    year = models.PositiveSmallIntegerField(_("评选年度"))
    campaign_name = models.CharField(_("评选名称"), max_length=150)
    kind = models.CharField(_("评选对象"), max_length=20, choices=CampaignKind.choices, default=CampaignKind.INDIVIDUAL)
    talent = models.ForeignKey(
        "talents.Talent", verbose_name=_("当选人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_name = models.CharField(_("获奖对象"), max_length=200, blank=True, help_text=_("单位类评选填写。"))
    title = models.CharField(_("荣誉称号"), max_length=100)
    level = models.CharField(_("荣誉级别"), max_length=20, choices=HonourLevel.choices, default=HonourLevel.CITY)
    awarded_by = models.CharField(_("授予单位"), max_length=100, blank=True)
    document_number = models.CharField(_("文号"), max_length=100)
    decided_on = models.DateField(_("决定日期"))
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("评选活动"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="historic_results",
        editable=False,
    )
    honour = models.OneToOneField(
        "talents.Honour",
        verbose_name=_("荣誉"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    unit_award = models.OneToOneField(
        UnitAward,
        verbose_name=_("单位荣誉"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        ordering = ["-year", "campaign_name", "id"]
        verbose_name = _("历史评选结果")
        verbose_name_plural = _("历史评选结果录入")

    def __str__(self) -> str:
        who = self.subject_name or (self.talent.name if self.talent_id and self.talent is not None else "")
        return _("%(year)s年%(campaign_name)s · %(who)s") % {
            "year": self.year,
            "campaign_name": self.campaign_name,
            "who": who,
        }
