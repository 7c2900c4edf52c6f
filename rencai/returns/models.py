"""Statistical returns (金融人力资源统计, 调研): versioned forms of indicators, validation rules,
periods, each institution's submission through draft → submitted → returned / approved →
locked, and its values."""

from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from rencai.core.models import Edition, OrgOwnedModel, ScopedModel
from rencai.orgs.models import OrganizationKind


class PeriodType(models.TextChoices):
    ANNUAL = "annual", _("年报")
    SEMIANNUAL = "semiannual", _("半年报")
    QUARTERLY = "quarterly", _("季报")
    ONE_OFF = "one_off", _("一次性调研")


IN_USE_MESSAGE = _("该报表已有填报数据，不能直接修改；请使用“另存为新版本”。")


class ReturnForm(ScopedModel, Edition):
    """A return form (报表); a form with submissions is never edited: it gets a new edition."""

    code = models.CharField(_("表号"), max_length=30)
    name = models.CharField(_("报表名称"), max_length=150)
    period_type = models.CharField(_("报送周期"), max_length=20, choices=PeriodType.choices)
    organization_kinds = models.JSONField(
        _("报送机构类型"), default=list, help_text=_("向哪些类型的机构下发；空表示全部金融机构。")
    )
    description = models.TextField(_("填报说明"), blank=True)
    is_survey = models.BooleanField(_("调研问卷"), default=False)

    shared = True
    in_use_message = IN_USE_MESSAGE

    class Meta:
        ordering = ["code", "-edition"]
        verbose_name = _("报表")
        verbose_name_plural = _("统计报表")
        constraints = [models.UniqueConstraint(fields=["code", "edition"], name="returns_form_edition")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}（第{self.edition}版）"

    def in_use(self) -> bool:
        return self.pk is not None and Submission.objects.filter(period__form=self).exists()

    @admin.display(description=_("报送机构类型"))
    def kinds_display(self) -> str:
        labels = dict(OrganizationKind.choices)
        return "、".join(str(labels.get(k, k)) for k in self.organization_kinds) or str(_("全部金融机构"))

    def clean(self) -> None:
        self.refuse_if_in_use()


class IndicatorType(models.TextChoices):
    INTEGER = "integer", _("整数")
    DECIMAL = "decimal", _("小数")
    PERCENTAGE = "percentage", _("百分比")
    TEXT = "text", _("文本")
    CHOICE = "choice", _("单选")


class Indicator(ScopedModel):
    """One figure (or answer) of a form. Indicators of a section with row and column labels
    are laid out as a grid (按学历 × 按年龄段)."""

    form = models.ForeignKey(ReturnForm, verbose_name=_("报表"), on_delete=models.CASCADE, related_name="indicators")
    section = models.CharField(_("栏目"), max_length=100)
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    code = models.CharField(_("指标代码"), max_length=30)
    name = models.CharField(_("指标名称"), max_length=100)
    unit = models.CharField(_("计量单位"), max_length=20, blank=True)
    kind = models.CharField(_("数据类型"), max_length=20, choices=IndicatorType.choices, default=IndicatorType.INTEGER)
    choices = models.TextField(_("选项"), blank=True, help_text=_("单选题每行一个选项。"))
    required = models.BooleanField(_("必填"), default=True)
    group = models.CharField(_("分组"), max_length=30, blank=True, help_text=_("规则中可用 sum(分组) 求和。"))
    row_label = models.CharField(_("行标题"), max_length=50, blank=True)
    column_label = models.CharField(_("列标题"), max_length=50, blank=True)
    prefill = models.CharField(_("预填来源"), max_length=50, blank=True)

    shared = True

    class Meta:
        ordering = ["form", "order", "id"]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")
        constraints = [models.UniqueConstraint(fields=["form", "code"], name="returns_indicator_code")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def is_number(self) -> bool:
        return self.kind in (IndicatorType.INTEGER, IndicatorType.DECIMAL, IndicatorType.PERCENTAGE)

    def choice_list(self) -> list[str]:
        return [line.strip() for line in self.choices.splitlines() if line.strip()]

    def clean(self) -> None:
        if self.form_id and self.form.in_use():
            raise ValidationError(IN_USE_MESSAGE)
        if not self.code.isidentifier():
            raise ValidationError({"code": _("指标代码须以字母或汉字开头，只含字母、数字、汉字和下划线。")})


class Severity(models.TextChoices):
    ERROR = "error", _("错误（不能报送）")
    WARNING = "warning", _("提示（须说明原因）")


class ValidationRule(ScopedModel):
    """A rule over indicator codes, for example ``D03 <= D01`` or
    ``abs(change(D01)) <= 0.5`` (change against the last period)."""

    form = models.ForeignKey(ReturnForm, verbose_name=_("报表"), on_delete=models.CASCADE, related_name="rules")
    expression = models.CharField(_("校验公式"), max_length=300)
    message = models.CharField(_("提示信息"), max_length=200)
    severity = models.CharField(_("类型"), max_length=20, choices=Severity.choices, default=Severity.ERROR)

    shared = True

    class Meta:
        ordering = ["form", "id"]
        verbose_name = _("校验规则")
        verbose_name_plural = _("校验规则")

    def __str__(self) -> str:
        return self.message

    def clean(self) -> None:
        from rencai.returns.rules import RuleError, check_expression

        if self.form_id and self.form.in_use():
            raise ValidationError(IN_USE_MESSAGE)
        if self.form_id and self.expression:
            try:
                check_expression(self.expression, self.form)
            except RuleError as exc:
                raise ValidationError({"expression": str(exc)}) from exc


class ReturnPeriod(ScopedModel):
    """One round of a form (2026年、2026年上半年 …) with its deadline."""

    form = models.ForeignKey(ReturnForm, verbose_name=_("报表"), on_delete=models.PROTECT, related_name="periods")
    label = models.CharField(_("报告期"), max_length=50)
    starts_on = models.DateField(_("期初"))
    ends_on = models.DateField(_("期末"))
    due_on = models.DateField(_("报送截止日期"))
    is_open = models.BooleanField(_("开放填报"), default=True)

    shared = True

    class Meta:
        ordering = ["form", "-ends_on"]
        verbose_name = _("报告期")
        verbose_name_plural = _("报告期")
        constraints = [models.UniqueConstraint(fields=["form", "label"], name="returns_one_period_label")]

    def __str__(self) -> str:
        return f"{self.form.name} {self.label}"

    def previous(self) -> "ReturnPeriod | None":
        return (
            ReturnPeriod.objects.filter(form__code=self.form.code, ends_on__lt=self.starts_on)
            .order_by("-ends_on")
            .first()
        )


class SubmissionState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    APPROVED = "approved", _("审核通过")
    LOCKED = "locked", _("已锁定")


EDITABLE_STATES = (SubmissionState.DRAFT, SubmissionState.RETURNED)


class Submission(OrgOwnedModel):
    period = models.ForeignKey(
        ReturnPeriod, verbose_name=_("报告期"), on_delete=models.PROTECT, related_name="submissions"
    )
    state = models.CharField(_("状态"), max_length=20, choices=SubmissionState.choices, default=SubmissionState.DRAFT)
    reason = models.TextField(_("退回/重开理由"), blank=True)
    warning_note = models.TextField(_("提示项说明"), blank=True)
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True, editable=False)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    locked_at = models.DateTimeField(_("锁定时间"), null=True, blank=True, editable=False)
    reminded_at = models.DateTimeField(_("最近催报时间"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["period", "organization__path"]
        verbose_name = _("填报")
        verbose_name_plural = _("报表填报")
        constraints = [models.UniqueConstraint(fields=["period", "organization"], name="returns_one_submission")]

    def __str__(self) -> str:
        return f"{self.organization} · {self.period}"

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE_STATES and self.period.is_open


class Value(ScopedModel):
    submission = models.ForeignKey(Submission, verbose_name=_("填报"), on_delete=models.CASCADE, related_name="values")
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="+")
    number = models.DecimalField(_("数值"), max_digits=16, decimal_places=4, null=True, blank=True)
    text = models.TextField(_("文本"), blank=True)
    prefilled = models.DecimalField(_("系统预填值"), max_digits=16, decimal_places=4, null=True, blank=True)
    correction_reason = models.CharField(_("修正理由"), max_length=200, blank=True)

    scope_path = "submission__organization__path"

    class Meta:
        ordering = ["submission", "indicator__order"]
        verbose_name = _("填报值")
        verbose_name_plural = _("填报值")
        constraints = [models.UniqueConstraint(fields=["submission", "indicator"], name="returns_one_value")]

    def __str__(self) -> str:
        return f"{self.indicator.code}={self.display()}"

    def display(self) -> str:
        if self.indicator.is_number:
            if self.number is None:
                return ""
            return plain_number(self.number)
        return self.text


def plain_number(number) -> str:
    """50, 12.5 — never 5E+1, never 12.5000."""
    return "" if number is None else format(Decimal(str(number)).normalize(), "f")
