"""Target assessment of units (人才工作目标考核) and demonstration sites (人才工作示范点).

A scheme (考核方案) per year and class of unit lists indicators, each with its maximum,
its scoring rule, the evidence it needs and where its value comes from: counted from the
platform's own records, or self-scored with evidence. A round (考核批次) runs one scheme:
units self-assess, the office reviews each line, experts optionally score the units through
``evaluation``, and the ranking with grades is published after a publicity period.

A site (示范点) is proposed by a unit within its yearly quota, approved, built with progress
notes and accepted in a yearly acceptance round, reviewed by drawn experts through
``evaluation``; accepted sites count towards the programme's five-year target.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.core.models import Edition, OrgOwnedModel, ScopedModel

SCHEME_IN_USE_MESSAGE = _("该考核方案已在考核中使用，不能直接修改；请使用“另存为新版本”。")
ZERO = Decimal("0.00")


class UnitClass(models.TextChoices):
    """The classes of unit a scheme is cut for (量体裁衣)."""

    BANK = "bank", _("银行业金融机构")
    SECURITIES = "securities", _("证券期货机构")
    INSURANCE = "insurance", _("保险机构")
    LOCAL = "local", _("金融科技企业和地方金融组织")
    DEPARTMENT = "department", _("办公室内设处室")


#: The organisation kinds each class of unit is made of.
CLASS_KINDS: dict[str, tuple[str, ...]] = {
    UnitClass.BANK: ("bank",),
    UnitClass.SECURITIES: ("securities", "futures"),
    UnitClass.INSURANCE: ("insurance",),
    UnitClass.LOCAL: ("fintech", "local_financial"),
    UnitClass.DEPARTMENT: ("government",),
}


class Source(models.TextChoices):
    """Where an indicator's value comes from."""

    MANUAL = "manual", _("单位自评（附佐证材料）")
    RETURNS = "returns", _("统计报表按时报送并审核通过（份）")
    TRAINING_COVERAGE = "training_coverage", _("本单位人才受训覆盖率（%）")
    OWN_TRAINING_CLASSES = "own_classes", _("机构自办培训（期）")
    OWN_TRAINING_PARTICIPANTS = "own_participants", _("机构自办培训（人次）")
    TALENTS = "talents", _("在库人才（人）")
    NEW_TALENTS = "new_talents", _("本年度新增在库人才（人）")
    HONOURS = "honours", _("本单位人才获评荣誉（项）")
    UNIT_AWARDS = "unit_awards", _("单位获评荣誉（项）")
    TASKS = "tasks", _("人才工程任务按期办结（项）")
    INFO = "info", _("信息被采用（篇次）")


class AssessmentScheme(ScopedModel, Edition):
    """One year's indicator set for one class of unit; versioned: in use, never edited."""

    name = models.CharField(_("方案名称"), max_length=150)
    year = models.PositiveSmallIntegerField(_("考核年度"), validators=[MinValueValidator(2000)])
    unit_class = models.CharField(_("单位类别"), max_length=20, choices=UnitClass.choices)
    description = models.TextField(_("说明"), blank=True)
    bonus_cap = models.DecimalField(
        _("加分上限"), max_digits=5, decimal_places=2, default=Decimal(5), validators=[MinValueValidator(0)]
    )
    expert_weight = models.DecimalField(
        _("专家评审权重（%）"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("为0时不设专家评审；否则最终得分=审核得分×(1-权重)+专家评分×权重。"),
    )
    excellent_min = models.DecimalField(_("优秀（不低于）"), max_digits=6, decimal_places=2, default=Decimal(90))
    good_min = models.DecimalField(_("良好（不低于）"), max_digits=6, decimal_places=2, default=Decimal(80))
    fair_min = models.DecimalField(_("一般（不低于）"), max_digits=6, decimal_places=2, default=Decimal(60))
    excellent_share = models.PositiveSmallIntegerField(
        _("优秀比例上限（%）"),
        default=30,
        validators=[MaxValueValidator(100)],
        help_text=_("同类单位中评为优秀的不超过该比例（向下取整，至少1个）。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)

    shared = True
    in_use_message = SCHEME_IN_USE_MESSAGE

    class Meta:
        ordering = ["-year", "unit_class", "-edition"]
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [models.UniqueConstraint(fields=["name", "edition"], name="assessment_scheme_edition")]

    def __str__(self) -> str:
        return _("%(name)s（第%(edition)s版）") % {"name": self.name, "edition": self.edition}

    def in_use(self) -> bool:
        return self.pk is not None and self.rounds.exists()

    def base_marks(self) -> Decimal:
        return sum((i.max_score for i in self.indicators.all() if not i.is_bonus), ZERO)

    def clean(self) -> None:
        self.refuse_if_in_use()
        if None not in (self.excellent_min, self.good_min, self.fair_min) and not (
            self.excellent_min > self.good_min > self.fair_min
        ):
            raise ValidationError(_("等次分数线须为 优秀 > 良好 > 一般。"))


class Indicator(ScopedModel):
    """One indicator of a scheme; bonus indicators (加分项) share the scheme's cap."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.CASCADE, related_name="indicators"
    )
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    category = models.CharField(_("指标类别"), max_length=50)
    name = models.CharField(_("指标名称"), max_length=150)
    weight = models.DecimalField(
        _("权重（%）"), max_digits=5, decimal_places=2, default=ZERO, validators=[MinValueValidator(0)]
    )
    max_score = models.DecimalField(
        _("分值"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal("0.5"))]
    )
    rule = models.TextField(_("评分规则"))
    evidence = models.CharField(_("佐证材料要求"), max_length=200, blank=True)
    source = models.CharField(_("数据来源"), max_length=30, choices=Source.choices, default=Source.MANUAL)
    full_value = models.DecimalField(
        _("满分对应数值"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("由平台数据计算的指标：得分=分值×min(数值÷该值, 1)。"),
    )
    is_bonus = models.BooleanField(_("加分项"), default=False)

    shared = True

    class Meta:
        ordering = ["scheme", "is_bonus", "order", "id"]
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")

    def __str__(self) -> str:
        return _("%(order)s. %(name)s（%(max_score)s分）") % {
            "order": self.order,
            "name": self.name,
            "max_score": self.max_score,
        }

    @property
    def computed(self) -> bool:
        return self.source != Source.MANUAL

    def clean(self) -> None:
        if self.scheme_id and self.scheme.in_use():
            raise ValidationError(SCHEME_IN_USE_MESSAGE)
        if (
            self.source
            and self.source != Source.MANUAL
            and self.scheme_id
            and self.scheme.unit_class == UnitClass.DEPARTMENT
        ):
            raise ValidationError(
                {"source": _("办公室内设处室的指标由处室自评（平台数据按机构统计，不能计算到处室）。")}
            )
        if self.source and self.source != Source.MANUAL and self.full_value is None:
            raise ValidationError({"full_value": _("由平台数据计算的指标须填写满分对应数值。")})
        if self.is_bonus and self.scheme_id and self.max_score and self.max_score > self.scheme.bonus_cap:
            raise ValidationError({"max_score": _("加分项分值不能超过方案的加分上限。")})


class RoundState(models.TextChoices):
    OPEN = "open", _("单位自评中")
    REVIEW = "review", _("审核评审中")
    PUBLICITY = "publicity", _("结果公示中")
    PUBLISHED = "published", _("结果已公布")


class AssessmentRound(ScopedModel):
    """One run of a scheme (考核批次): the units of its class are assessed and ranked."""

    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("考核方案"), on_delete=models.PROTECT, related_name="rounds"
    )
    title = models.CharField(_("考核名称"), max_length=150)
    self_due_on = models.DateField(_("自评截止日期"))
    publicity_days = models.PositiveSmallIntegerField(_("公示天数"), default=7)
    appeal_days = models.PositiveSmallIntegerField(
        _("申诉期（天）"), default=5, help_text=_("公示开始后该天数内可提出申诉。")
    )
    rubric = models.ForeignKey(
        "evaluation.Rubric",
        verbose_name=_("专家评分细则"),
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
        related_name="assessment_round",
        editable=False,
    )
    state = models.CharField(_("状态"), max_length=20, choices=RoundState.choices, default=RoundState.OPEN)
    publicity_starts_on = models.DateField(_("公示开始"), null=True, blank=True, editable=False)
    publicity_ends_on = models.DateField(_("公示结束"), null=True, blank=True, editable=False)
    results_number = models.CharField(_("结果文号"), max_length=100, blank=True)
    published_on = models.DateField(_("公布日期"), null=True, blank=True)

    shared = True

    class Meta:
        ordering = ["-scheme__year", "scheme__unit_class", "-id"]
        verbose_name = _("考核批次")
        verbose_name_plural = _("考核批次")

    def __str__(self) -> str:
        return self.title

    @property
    def year(self) -> int:
        return self.scheme.year

    def clean(self) -> None:
        minimum = settings.RENCAI_PUBLICITY_MIN_DAYS
        if self.publicity_days is not None and self.publicity_days < minimum:
            raise ValidationError({"publicity_days": _("公示期不少于%(days)s天。") % {"days": minimum}})


class AssessmentState(models.TextChoices):
    DRAFT = "draft", _("自评中")
    SUBMITTED = "submitted", _("已提交，待审核")
    REVIEWED = "reviewed", _("审核完成")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    FAIR = "fair", _("一般")
    POOR = "poor", _("较差")


class UnitAssessment(OrgOwnedModel):
    """One unit's assessment in a round: its self-assessment, 述职 and result."""

    round = models.ForeignKey(
        AssessmentRound, verbose_name=_("考核批次"), on_delete=models.PROTECT, related_name="assessments"
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("被考核处室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("考核办公室内设处室时填写；机构考核不填。"),
    )
    report = models.TextField(_("述职报告"), blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=AssessmentState.choices, default=AssessmentState.DRAFT)
    reason = models.TextField(_("退回理由"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("审核完成时间"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    self_total = models.DecimalField(
        _("自评得分"), max_digits=7, decimal_places=2, null=True, blank=True, editable=False
    )
    office_total = models.DecimalField(
        _("审核得分"), max_digits=7, decimal_places=2, null=True, blank=True, editable=False
    )
    expert_score = models.DecimalField(
        _("专家评分（折算）"), max_digits=7, decimal_places=2, null=True, blank=True, editable=False
    )
    final_score = models.DecimalField(
        _("最终得分"), max_digits=7, decimal_places=2, null=True, blank=True, editable=False
    )
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True, editable=False)
    grade = models.CharField(_("等次"), max_length=20, choices=Grade.choices, blank=True, editable=False)
    review_item = models.OneToOneField(
        "evaluation.ReviewItem",
        verbose_name=_("专家评审对象"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessment",
        editable=False,
    )

    class Meta:
        ordering = ["round", "rank", "organization__path"]
        verbose_name = _("单位考核")
        verbose_name_plural = _("单位考核")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "organization"],
                condition=models.Q(department__isnull=True),
                name="assessment_one_per_unit",
                violation_error_message=_("该单位已在本批次考核中。"),
            ),
            models.UniqueConstraint(
                fields=["round", "department"],
                condition=models.Q(department__isnull=False),
                name="assessment_one_per_department",
                violation_error_message=_("该处室已在本批次考核中。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name} · {self.round}"

    @property
    def unit_name(self) -> str:
        """The institution, or the office department assessed."""
        if self.department_id and self.department is not None:
            return self.department.name
        return self.organization.name

    def clean(self) -> None:
        if (
            self.department_id
            and self.department is not None
            and self.organization_id
            and self.department.organization_id != self.organization_id
        ):
            raise ValidationError({"department": _("处室须属于所选单位。")})

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(review_item__sheets__reviewer__user=user, review_item__sheets__reviewer__state="active")


class Decision(models.TextChoices):
    PENDING = "pending", _("待审核")
    ACCEPTED = "accepted", _("认可自评")
    ADJUSTED = "adjusted", _("调整")


class IndicatorScore(ScopedModel):
    """One indicator of one unit's assessment: the value counted or claimed, the self-score,
    and the office's decision."""

    assessment = models.ForeignKey(
        UnitAssessment, verbose_name=_("单位考核"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("考核指标"), on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("平台数据"), max_digits=12, decimal_places=2, null=True, blank=True, editable=False)
    formula = models.TextField(_("计算方法及计入记录"), blank=True, editable=False)
    self_score = models.DecimalField(
        _("自评得分"), max_digits=6, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    note = models.TextField(_("自评说明"), blank=True)
    decision = models.CharField(_("审核意见"), max_length=20, choices=Decision.choices, default=Decision.PENDING)
    office_score = models.DecimalField(
        _("审核得分"), max_digits=6, decimal_places=2, null=True, blank=True, editable=False
    )
    adjust_reason = models.TextField(_("调整理由"), blank=True, editable=False)

    scope_path = "assessment__organization__path"

    class Meta:
        ordering = ["assessment", "indicator__is_bonus", "indicator__order", "id"]
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        constraints = [models.UniqueConstraint(fields=["assessment", "indicator"], name="assessment_one_score")]

    def __str__(self) -> str:
        return f"{self.assessment.organization.name} · {self.indicator.name}"

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(
            assessment__review_item__sheets__reviewer__user=user,
            assessment__review_item__sheets__reviewer__state="active",
        )

    def clean(self) -> None:
        if self.self_score is not None and self.indicator_id and self.self_score > self.indicator.max_score:
            raise ValidationError(
                {
                    "self_score": _("“%(name)s”的自评得分不能超过该指标分值%(max)s分。")
                    % {"name": self.indicator.name, "max": self.indicator.max_score}
                }
            )


class Evidence(ScopedModel):
    """A file supporting a self-score, checked by its content."""

    score = models.ForeignKey(
        IndicatorScore, verbose_name=_("指标得分"), on_delete=models.CASCADE, related_name="files"
    )
    title = models.CharField(_("材料名称"), max_length=100)
    file = models.FileField(_("文件"), upload_to="assessment/%Y/%m/")
    file_name = models.CharField(_("文件名"), max_length=200, editable=False)
    file_type = models.CharField(_("文件类型"), max_length=20, editable=False)
    file_size = models.PositiveIntegerField(_("大小（字节）"), default=0, editable=False)
    sha256 = models.CharField(_("文件摘要"), max_length=64, editable=False)

    scope_path = "score__assessment__organization__path"

    class Meta:
        ordering = ["score", "id"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")

    def __str__(self) -> str:
        return f"{self.title}（{self.file_name}）"

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(
            score__assessment__review_item__sheets__reviewer__user=user,
            score__assessment__review_item__sheets__reviewer__state="active",
        )


class AppealState(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("申诉成立")
    DISMISSED = "dismissed", _("申诉不成立")


class Appeal(ScopedModel):
    """A unit's appeal (申诉) against its published-for-publicity result."""

    assessment = models.ForeignKey(
        UnitAssessment, verbose_name=_("单位考核"), on_delete=models.PROTECT, related_name="appeals"
    )
    content = models.TextField(_("申诉事项及理由"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申诉人"), on_delete=models.PROTECT, related_name="+", editable=False
    )
    state = models.CharField(_("处理状态"), max_length=20, choices=AppealState.choices, default=AppealState.OPEN)
    handling_reason = models.TextField(_("处理意见"), blank=True)
    handled_at = models.DateTimeField(_("处理时间"), null=True, blank=True, editable=False)

    scope_path = "assessment__organization__path"

    class Meta:
        ordering = ["state", "-id"]
        verbose_name = _("申诉")
        verbose_name_plural = _("考核申诉")

    def __str__(self) -> str:
        return _("%(unit)s的申诉 #%(pk)s") % {"unit": self.assessment.organization.name, "pk": self.pk}


# --- demonstration sites -------------------------------------------------------------------


class SiteProgramme(ScopedModel):
    """The five-year target (力争五年达到一百个) and the yearly quota per unit."""

    name = models.CharField(_("名称"), max_length=150)
    number = models.PositiveIntegerField(_("目标数"), validators=[MinValueValidator(1)])
    start_year = models.PositiveSmallIntegerField(_("起始年度"))
    end_year = models.PositiveSmallIntegerField(_("截止年度"))
    quota_min = models.PositiveSmallIntegerField(_("每单位每年至少（个）"), default=1)
    quota_max = models.PositiveSmallIntegerField(
        _("每单位每年至多（个）"), default=2, validators=[MinValueValidator(1)]
    )

    shared = True

    class Meta:
        ordering = ["-start_year", "name"]
        verbose_name = _("示范点创建目标")
        verbose_name_plural = _("示范点创建目标")

    def __str__(self) -> str:
        return _("%(name)s（%(start_year)s—%(end_year)s年，%(number)s个）") % {
            "name": self.name,
            "start_year": self.start_year,
            "end_year": self.end_year,
            "number": self.number,
        }

    def clean(self) -> None:
        if self.start_year and self.end_year and self.end_year < self.start_year:
            raise ValidationError({"end_year": _("截止年度不能早于起始年度。")})
        if self.quota_min is not None and self.quota_max is not None and self.quota_min > self.quota_max:
            raise ValidationError({"quota_min": _("每年至少数不能大于至多数。")})


class SiteKind(models.TextChoices):
    """可以是一个企业、一所学校、一个社区，也可以是各类园区、研发中心、产学研合作基地以及各类人才创办的实体 (seed 004)."""

    ENTERPRISE = "enterprise", _("企业")
    SCHOOL = "school", _("学校")
    COMMUNITY = "community", _("社区")
    PARK = "park", _("园区")
    RESEARCH = "research", _("研发中心")
    BASE = "base", _("产学研合作基地")
    VENTURE = "venture", _("人才创办的实体")


class SiteState(models.TextChoices):
    PROPOSED = "proposed", _("已申报，待审批")
    REJECTED = "rejected", _("未批准")
    BUILDING = "building", _("创建中")
    INSPECTING = "inspecting", _("验收评审中")
    RECTIFY = "rectify", _("限期整改")
    ACCEPTED = "accepted", _("验收通过（示范点）")
    FAILED = "failed", _("验收未通过")


class DemonstrationSite(OrgOwnedModel):
    """A proposed, building or accepted demonstration site; ``organization`` proposed it."""

    programme = models.ForeignKey(
        SiteProgramme, verbose_name=_("创建目标"), on_delete=models.PROTECT, related_name="sites"
    )
    year = models.PositiveSmallIntegerField(_("申报年度"))
    name = models.CharField(_("示范点名称"), max_length=150)
    kind = models.CharField(_("示范点类型"), max_length=20, choices=SiteKind.choices)
    theme = models.CharField(_("创建主题"), max_length=200)
    measures = models.TextField(_("主要举措"))
    expected_results = models.TextField(_("预期成效"))
    contact = models.CharField(_("联系人"), max_length=50)
    state = models.CharField(_("状态"), max_length=20, choices=SiteState.choices, default=SiteState.PROPOSED)
    reason = models.TextField(_("审批意见"), blank=True)
    accepted_year = models.PositiveSmallIntegerField(_("命名年度"), null=True, blank=True, editable=False)
    acceptance_score = models.DecimalField(
        _("验收得分"), max_digits=6, decimal_places=2, null=True, blank=True, editable=False
    )
    inspections = models.PositiveSmallIntegerField(_("验收次数"), default=0, editable=False)
    review_item = models.OneToOneField(
        "evaluation.ReviewItem",
        verbose_name=_("验收评审对象"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="site",
        editable=False,
    )

    class Meta:
        ordering = ["-year", "organization__path", "id"]
        verbose_name = _("示范点")
        verbose_name_plural = _("人才工作示范点")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def reviewer_scope(cls, queryset, user):
        return queryset.filter(review_item__sheets__reviewer__user=user, review_item__sheets__reviewer__state="active")

    def clean(self) -> None:
        if self.year and self.programme_id and not (self.programme.start_year <= self.year <= self.programme.end_year):
            raise ValidationError(
                {
                    "year": _("申报年度须在%(start)s—%(end)s年内。")
                    % {"start": self.programme.start_year, "end": self.programme.end_year}
                }
            )


class ProgressNote(ScopedModel):
    """A note on how a site's building goes."""

    site = models.ForeignKey(
        DemonstrationSite, verbose_name=_("示范点"), on_delete=models.CASCADE, related_name="notes"
    )
    noted_on = models.DateField(_("日期"))
    content = models.TextField(_("进展情况"))

    scope_path = "site__organization__path"

    class Meta:
        ordering = ["site", "-noted_on", "-id"]
        verbose_name = _("创建进展")
        verbose_name_plural = _("示范点创建进展")

    def __str__(self) -> str:
        return f"{self.site} · {self.noted_on}"


class AcceptanceState(models.TextChoices):
    PREPARING = "preparing", _("准备中")
    INSPECTING = "inspecting", _("专家验收中")
    CONCLUDED = "concluded", _("已出结论")


class AcceptanceRound(ScopedModel):
    """The year's acceptance (年度达标验收) of the sites being built, through a review."""

    programme = models.ForeignKey(
        SiteProgramme, verbose_name=_("创建目标"), on_delete=models.PROTECT, related_name="acceptances"
    )
    year = models.PositiveSmallIntegerField(_("验收年度"))
    rubric = models.ForeignKey(
        "evaluation.Rubric", verbose_name=_("验收评分细则"), on_delete=models.PROTECT, related_name="+"
    )
    pass_score = models.DecimalField(_("通过分数线（百分制）"), max_digits=5, decimal_places=2, default=Decimal(80))
    rectify_score = models.DecimalField(
        _("整改分数线（百分制）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(60),
        help_text=_("低于通过线、不低于该线的限期整改；低于该线的不通过。"),
    )
    review = models.OneToOneField(
        "evaluation.Review",
        verbose_name=_("专家评审"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="acceptance_round",
        editable=False,
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=AcceptanceState.choices, default=AcceptanceState.PREPARING
    )

    shared = True

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("示范点验收")
        verbose_name_plural = _("示范点年度验收")
        constraints = [models.UniqueConstraint(fields=["programme", "year"], name="assessment_one_acceptance_a_year")]

    def __str__(self) -> str:
        return _("%(year)s年人才工作示范点验收") % {"year": self.year}

    def clean(self) -> None:
        if self.pass_score is not None and self.rectify_score is not None and self.rectify_score >= self.pass_score:
            raise ValidationError({"rectify_score": _("整改分数线须低于通过分数线。")})
