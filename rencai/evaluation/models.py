"""The review engine (评审): rubrics, reviews of items by drawn experts, score sheets.

Any mechanism that needs experts to score things (selections, assessment, demonstration
sites) creates a ``Review`` with one ``ReviewItem`` per thing under review; the engine knows
the item's institution and applicant (for recusal) but nothing else about it.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.core.models import Edition, OrgOwnedModel, ScopedModel
from rencai.evaluation.scoring import TIE_BREAKS
from rencai.talents.models import PoolLevel

IN_USE_MESSAGE = _("该评分细则已在评审中使用，不能直接修改；请使用“另存为新版本”。")


class Rubric(ScopedModel, Edition):
    """A scoring rubric (评分细则); versioned: a rubric in use is never edited in place."""

    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    shared = True
    in_use_message = IN_USE_MESSAGE

    class Meta:
        ordering = ["name", "-edition"]
        verbose_name = _("评分细则")
        verbose_name_plural = _("评分细则")
        constraints = [models.UniqueConstraint(fields=["name", "edition"], name="evaluation_rubric_edition")]

    def __str__(self) -> str:
        return f"{self.name}（第{self.edition}版）"

    def in_use(self) -> bool:
        return self.pk is not None and self.reviews.exists()

    @admin.display(description=_("满分"))
    def full_marks(self) -> Decimal:
        return sum((c.max_score for c in self.criteria.all()), Decimal(0))

    def clean(self) -> None:
        self.refuse_if_in_use()


class Criterion(ScopedModel):
    """One line of a rubric: what is judged, its maximum score and its weight."""

    rubric = models.ForeignKey(Rubric, verbose_name=_("评分细则"), on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("评分项目"), max_length=100)
    description = models.TextField(_("评分标准"), blank=True)
    max_score = models.DecimalField(
        _("满分"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.5"))]
    )
    weight = models.DecimalField(
        _("权重"), max_digits=5, decimal_places=2, default=Decimal(1), validators=[MinValueValidator(Decimal(0))]
    )

    shared = True

    class Meta:
        ordering = ["rubric", "order", "id"]
        verbose_name = _("评分项目")
        verbose_name_plural = _("评分项目")

    def __str__(self) -> str:
        return f"{self.order}. {self.name}（{self.max_score}分）"

    def clean(self) -> None:
        if self.rubric_id and self.rubric.in_use():
            raise ValidationError(IN_USE_MESSAGE)


class ReviewState(models.TextChoices):
    PREPARING = "preparing", _("准备中（抽取专家）")
    SCORING = "scoring", _("评分中")
    CLOSED = "closed", _("已结束")


class WeightedParts(models.Model):
    """How a final score is made of its parts, in percent (they add up to 100)."""

    expert_weight = models.DecimalField(_("专家评分权重（%）"), max_digits=5, decimal_places=2, default=Decimal(100))
    qualification_weight = models.DecimalField(
        _("资格评审权重（%）"), max_digits=5, decimal_places=2, default=Decimal(0)
    )
    vote_weight = models.DecimalField(_("公众投票权重（%）"), max_digits=5, decimal_places=2, default=Decimal(0))

    class Meta:
        abstract = True

    def weights_error(self) -> str | None:
        total = (self.expert_weight or 0) + (self.qualification_weight or 0) + (self.vote_weight or 0)
        if total != 100:
            return _("各部分权重之和须为100%%，现为%(total)s%%。") % {"total": total}
        return None


#: At which level of two organisation trees recusal by institution compares them.
RECUSAL_LEVELS = [
    (1, _("同一总部机构（总行、总公司及其全部分支机构）")),
    (2, _("同一二级机构（分行、分公司及其下属机构）")),
    (0, _("仅本单位及其上下级")),
]


class Review(OrgOwnedModel, WeightedParts):
    """One round of expert review of a set of items against one rubric; ``organization`` is
    the organiser (the office), so an institution's liaison never sees scores."""

    title = models.CharField(_("评审名称"), max_length=150)
    rubric = models.ForeignKey(Rubric, verbose_name=_("评分细则"), on_delete=models.PROTECT, related_name="reviews")
    state = models.CharField(_("状态"), max_length=20, choices=ReviewState.choices, default=ReviewState.PREPARING)
    trim_min_reviewers = models.PositiveSmallIntegerField(
        _("去掉最高最低分的最少专家数"), default=5, validators=[MinValueValidator(3)]
    )
    outlier_percent = models.DecimalField(
        _("偏离提示阈值（满分的%）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(20),
        help_text=_("某专家的总分与其他专家平均分相差超过满分的该比例时提示。"),
    )
    tie_break = models.CharField(
        _("同分排序规则"),
        max_length=30,
        choices=list(TIE_BREAKS.items()),
        default="expert_criteria_order",
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    participants = models.ManyToManyField(
        "talents.Talent",
        verbose_name=_("本次评选的全部申报人和被推荐人"),
        blank=True,
        related_name="+",
        editable=False,
        help_text=_("无论是否通过资格审查（含退回、未通过的），均不得担任本次评审专家。"),
    )
    recusal_level = models.PositiveSmallIntegerField(
        _("机构回避层级"),
        choices=RECUSAL_LEVELS,
        default=1,
        help_text=_("专家与申报单位在该层级属同一机构即回避；默认同一总部机构（同一总行的各分支机构互相回避）。"),
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("评审")
        verbose_name_plural = _("专家评审")

    def __str__(self) -> str:
        return self.title

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(reviewers__user=user, reviewers__state=ReviewerState.ACTIVE).distinct()

    def clean(self) -> None:
        error = self.weights_error()
        if error:
            raise ValidationError(error)


class ReviewItem(ScopedModel):
    """One thing under review (an application, a unit's report …)."""

    review = models.ForeignKey(Review, verbose_name=_("评审"), on_delete=models.CASCADE, related_name="items")
    label = models.CharField(_("评审对象"), max_length=200)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("申报单位"), on_delete=models.PROTECT, related_name="+"
    )
    talent = models.ForeignKey(
        "talents.Talent",
        verbose_name=_("申报人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_items",
    )
    order = models.PositiveIntegerField(_("申报顺序"), default=0)
    qualification_score = models.DecimalField(
        _("资格评审得分"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    votes = models.PositiveIntegerField(_("得票数"), default=0)
    expert_score = models.DecimalField(_("专家评分"), max_digits=7, decimal_places=2, null=True, blank=True)
    total_score = models.DecimalField(_("综合得分"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)

    scope_path = "review__organization__path"

    class Meta:
        ordering = ["review", "rank", "order", "id"]
        verbose_name = _("评审对象")
        verbose_name_plural = _("评审对象")

    def __str__(self) -> str:
        return self.label

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(sheets__reviewer__user=user, sheets__reviewer__state=ReviewerState.ACTIVE).distinct()


class DrawState(models.TextChoices):
    PREPARED = "prepared", _("待抽取（候选名单已公布）")
    DRAWN = "drawn", _("已抽取，待监督人签字")
    SIGNED = "signed", _("已签字确认")


class Draw(ScopedModel):
    """A random draw of experts for a review, with its published, re-verifiable record."""

    review = models.ForeignKey(Review, verbose_name=_("评审"), on_delete=models.PROTECT, related_name="draws")
    pools = models.ManyToManyField("talents.TalentPool", verbose_name=_("抽取范围（人才库）"), related_name="+")
    specialty = models.CharField(_("专业领域包含"), max_length=100, blank=True)
    pool_level = models.CharField(_("专家级别"), max_length=20, choices=PoolLevel.choices, blank=True)
    wanted = models.PositiveSmallIntegerField(_("抽取人数"), validators=[MinValueValidator(1)])
    backups = models.PositiveSmallIntegerField(_("备选人数"), default=2)
    recusal_years = models.PositiveSmallIntegerField(_("回避年限（年）"), default=3)
    state = models.CharField(_("状态"), max_length=20, choices=DrawState.choices, default=DrawState.PREPARED)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("经办人"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    parameters = models.JSONField(_("抽取条件"), default=dict, editable=False)
    candidates = models.JSONField(_("候选专家名单"), default=list, editable=False)
    removed = models.JSONField(_("回避名单"), default=list, editable=False)
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("监督人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    supervisor_number = models.CharField(_("监督人输入的随机数"), max_length=30, blank=True, editable=False)
    seed = models.CharField(_("随机种子"), max_length=64, blank=True, editable=False)
    drawn = models.JSONField(_("抽取结果（按顺序）"), default=list, editable=False)
    drawn_at = models.DateTimeField(_("抽取时间"), null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("签字时间"), null=True, blank=True, editable=False)

    scope_path = "review__organization__path"

    class Meta:
        ordering = ["-id"]
        verbose_name = _("专家抽取")
        verbose_name_plural = _("专家抽取")

    def __str__(self) -> str:
        return f"{self.review} · 专家抽取 #{self.pk}"

    def clean(self) -> None:
        if self.review_id and self.review.state != ReviewState.PREPARING:
            raise ValidationError(_("评审已开始评分，不能再抽取专家。"))


class ReviewerState(models.TextChoices):
    ACTIVE = "active", _("参加评审")
    STANDBY = "standby", _("备选")
    DECLINED = "declined", _("已谢绝")


class Reviewer(ScopedModel):
    """An expert drawn for a review, in draw order; backups wait as standby."""

    review = models.ForeignKey(Review, verbose_name=_("评审"), on_delete=models.CASCADE, related_name="reviewers")
    draw = models.ForeignKey(Draw, verbose_name=_("抽取"), on_delete=models.CASCADE, related_name="reviewers")
    talent = models.ForeignKey(
        "talents.Talent", verbose_name=_("专家"), on_delete=models.PROTECT, related_name="reviewer_roles"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评审账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reviewer_roles",
    )
    position = models.PositiveSmallIntegerField(_("抽取顺序"))
    state = models.CharField(_("状态"), max_length=20, choices=ReviewerState.choices)
    replaces = models.ForeignKey(
        "self", verbose_name=_("递补谁"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    declined_reason = models.CharField(_("谢绝原因"), max_length=200, blank=True)

    scope_path = "review__organization__path"

    class Meta:
        ordering = ["review", "position"]
        verbose_name = _("评审专家")
        verbose_name_plural = _("评审专家")
        constraints = [models.UniqueConstraint(fields=["review", "talent"], name="evaluation_one_seat_per_expert")]

    def __str__(self) -> str:
        return f"{self.talent}（{self.review}）"

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(user=user)


class SheetState(models.TextChoices):
    DRAFT = "draft", _("未提交")
    SUBMITTED = "submitted", _("已提交")


class ScoreSheet(ScopedModel):
    """One reviewer's scores for one item; submission locks it."""

    item = models.ForeignKey(ReviewItem, verbose_name=_("评审对象"), on_delete=models.CASCADE, related_name="sheets")
    reviewer = models.ForeignKey(Reviewer, verbose_name=_("评审专家"), on_delete=models.CASCADE, related_name="sheets")
    state = models.CharField(_("状态"), max_length=20, choices=SheetState.choices, default=SheetState.DRAFT)
    total = models.DecimalField(_("总分"), max_digits=7, decimal_places=2, null=True, blank=True)
    comment = models.TextField(_("总体评价"), blank=True)
    is_outlier = models.BooleanField(_("偏离提示"), default=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    scope_path = "item__review__organization__path"

    class Meta:
        ordering = ["item", "reviewer__position"]
        verbose_name = _("评分表")
        verbose_name_plural = _("评分表")
        constraints = [models.UniqueConstraint(fields=["item", "reviewer"], name="evaluation_one_sheet")]

    def __str__(self) -> str:
        return f"{self.item} · {self.reviewer.talent}"

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(reviewer__user=user, reviewer__state=ReviewerState.ACTIVE)


class Score(ScopedModel):
    sheet = models.ForeignKey(ScoreSheet, verbose_name=_("评分表"), on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, verbose_name=_("评分项目"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("得分"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)])
    comment = models.CharField(_("评语"), max_length=500, blank=True)

    scope_path = "sheet__item__review__organization__path"

    class Meta:
        ordering = ["sheet", "criterion__order"]
        verbose_name = _("单项得分")
        verbose_name_plural = _("单项得分")
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="evaluation_one_score")]

    def __str__(self) -> str:
        return f"{self.criterion.name}：{self.value}"

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(sheet__reviewer__user=user)

    def clean(self) -> None:
        if self.value is not None and self.criterion_id and self.value > self.criterion.max_score:
            raise ValidationError(
                {
                    "value": _("“%(name)s”的得分不能超过满分%(max)s分。")
                    % {"name": self.criterion.name, "max": self.criterion.max_score}
                }
            )


class DeclarationKind(models.TextChoices):
    RELATION = "relation", _("亲属或利害关系")
    CONFLICT = "conflict", _("利益冲突")


class Declaration(ScopedModel):
    """What an expert declared for recusal: a relation to a person, a conflict with an
    institution, or a conflict with one review as a whole."""

    expert = models.ForeignKey(
        "talents.Talent", verbose_name=_("专家"), on_delete=models.CASCADE, related_name="declarations"
    )
    kind = models.CharField(_("类型"), max_length=20, choices=DeclarationKind.choices)
    related_talent = models.ForeignKey(
        "talents.Talent",
        verbose_name=_("关系人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    related_organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("相关单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    review = models.ForeignKey(
        Review, verbose_name=_("相关评审"), null=True, blank=True, on_delete=models.CASCADE, related_name="declarations"
    )
    description = models.CharField(_("说明"), max_length=300, blank=True)
    declared_on = models.DateField(_("申报日期"), auto_now_add=True)

    shared = False
    scope_path = "expert__organization__path"

    class Meta:
        ordering = ["expert", "-id"]
        verbose_name = _("回避申报")
        verbose_name_plural = _("专家回避申报")

    def __str__(self) -> str:
        return f"{self.expert} · {self.get_kind_display()}"

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(expert__user=user)

    def clean(self) -> None:
        if not (self.related_talent_id or self.related_organization_id or self.review_id):
            raise ValidationError(_("请填写关系人、相关单位或相关评审之一。"))
