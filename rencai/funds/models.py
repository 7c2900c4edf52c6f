"""Special talent funds (人才专项资金, seed 004): a fund per year with budget lines by purpose,
adjustments, payments tied to what they pay for, and allowance schemes (津贴) whose holders
the platform proposes from the registry.

Money is ``Decimal`` yuan with two places. No balance is stored: committed, paid and
remaining are always summed from the payments and adjustments (``services.balance``).
A paid payment is never changed or deleted, only reversed (冲销).
"""

from decimal import Decimal
from functools import cached_property
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rencai.core.models import ScopedModel
from rencai.talents.models import DictionaryKind, dictionary_fk

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("999999999999.99")


def validate_money(value: Decimal | None) -> None:
    """Yuan with at most two places, never negative."""
    if value is None:
        return
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if not value.is_finite():
        raise ValidationError(_("请填写有效的金额。"), code="invalid")
    if value < 0:
        raise ValidationError(_("金额不能为负数。"), code="negative")
    if value != value.quantize(CENT):
        raise ValidationError(_("金额最多保留两位小数（元、角、分）。"), code="decimals")
    if value > MAX_AMOUNT:
        raise ValidationError(_("金额过大。"), code="too_large")


def _without_decimal_validator(validators: list[Any]) -> list[Any]:
    return [v for v in validators if not isinstance(v, DecimalValidator)]


class MoneyFormField(forms.DecimalField):
    """A form's amount: the Chinese money messages instead of the generic digit counts."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [*_without_decimal_validator(self.validators), validate_money]
        self.widget.attrs.pop("step", None)
        self.widget.attrs["step"] = "0.01"


class MoneyField(models.DecimalField):
    """DecimalField(max_digits=14, decimal_places=2) refusing negatives and a third place
    with a Chinese message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["max_digits"] = 14
        kwargs["decimal_places"] = 2
        super().__init__(*args, **kwargs)

    @cached_property
    def validators(self) -> list[Any]:
        return [*_without_decimal_validator(super().validators), validate_money]

    def formfield(self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any) -> Any:
        return super().formfield(
            form_class=form_class or MoneyFormField, choices_form_class=choices_form_class, **kwargs
        )


def wan(amount: Decimal | int | None) -> str:
    """Yuan as 万元 for sentences: 2600000 → '260', 65000 → '6.5'."""
    value = (Decimal(amount or 0) / Decimal(10000)).normalize()
    return f"{value:f}"


class FundState(models.TextChoices):
    OPEN = "open", _("执行中")
    CLOSED = "closed", _("已结账")


class Fund(ScopedModel):
    """The year's special talent fund (e.g. 260万元), with the document that set it."""

    year = models.PositiveSmallIntegerField(_("年度"), unique=True)
    name = models.CharField(_("资金名称"), max_length=100, default="人才专项资金")  # i18n: stored (the field's default)
    amount = MoneyField(_("资金总额（元）"))
    document_number = models.CharField(_("资金文号"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=FundState.choices, default=FundState.OPEN)
    notes = models.TextField(_("备注"), blank=True)

    shared = True

    class Meta:
        ordering = ["-year"]
        verbose_name = _("专项资金")
        verbose_name_plural = _("人才专项资金")

    def __str__(self) -> str:
        return _("%(year)s年%(name)s") % {"year": self.year, "name": self.name}


class Purpose(models.TextChoices):
    TRAINING = "training", _("培训")
    AWARD = "award", _("奖励")
    ALLOWANCE = "allowance", _("津贴")
    VISIT = "visit", _("走访慰问")
    SITE = "site", _("示范点")
    OTHER = "other", _("其他")


class BudgetLine(ScopedModel):
    """A line of a fund's budget for one purpose (预算科目); its budget is the amount plus
    the approved adjustments."""

    fund = models.ForeignKey(Fund, verbose_name=_("专项资金"), on_delete=models.PROTECT, related_name="lines")
    purpose = models.CharField(_("用途"), max_length=20, choices=Purpose.choices)
    amount = MoneyField(_("年初预算（元）"))
    notes = models.CharField(_("说明"), max_length=200, blank=True)

    shared = True

    class Meta:
        ordering = ["fund", "purpose"]
        verbose_name = _("预算科目")
        verbose_name_plural = _("预算科目")
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "purpose"],
                name="funds_one_line_per_purpose",
                violation_error_message=_("该专项资金已有此用途的预算科目。"),
            )
        ]

    def __str__(self) -> str:
        return _("%(year)s年·%(purpose)s") % {"year": self.fund.year, "purpose": self.get_purpose_display()}

    def _balance(self) -> Any:
        from rencai.funds.services import balance

        return balance(self)

    @admin.display(description=_("预算（元）"))
    def budget(self) -> Decimal:
        return self._balance().budget

    @admin.display(description=_("已列支待付（元）"))
    def committed(self) -> Decimal:
        return self._balance().committed

    @admin.display(description=_("已支付（元）"))
    def paid(self) -> Decimal:
        return self._balance().paid

    @admin.display(description=_("可用余额（元）"))
    def remaining(self) -> Decimal:
        return self._balance().remaining

    def clean(self) -> None:
        if self.fund_id and self.amount is not None:
            others = BudgetLine.objects.filter(fund_id=self.fund_id).exclude(pk=self.pk)
            allotted = others.aggregate(total=models.Sum("amount"))["total"] or Decimal(0)
            if allotted + self.amount > self.fund.amount:
                raise ValidationError(
                    {
                        "amount": _("各科目年初预算合计不能超过资金总额%(total)s元（其他科目已安排%(allotted)s元）。")
                        % {"total": self.fund.amount, "allotted": allotted}
                    }
                )


class AdjustmentDirection(models.TextChoices):
    INCREASE = "increase", _("调增")
    DECREASE = "decrease", _("调减")


class ApprovalState(models.TextChoices):
    PROPOSED = "proposed", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("未批准")


class BudgetAdjustment(ScopedModel):
    """A change of a line's budget, with its reason; counts once approved by someone other
    than who proposed it."""

    line = models.ForeignKey(
        BudgetLine, verbose_name=_("预算科目"), on_delete=models.PROTECT, related_name="adjustments"
    )
    direction = models.CharField(_("调整方向"), max_length=20, choices=AdjustmentDirection.choices)
    amount = MoneyField(_("调整金额（元）"))
    reason = models.TextField(_("调整理由"))
    state = models.CharField(
        _("审批状态"), max_length=20, choices=ApprovalState.choices, default=ApprovalState.PROPOSED
    )
    proposed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("提出人"), null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_by = models.ForeignKey(
        "accounts.User", verbose_name=_("审批人"), null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approval_note = models.TextField(_("审批意见"), blank=True)
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True, editable=False)

    shared = True

    class Meta:
        ordering = ["-id"]
        verbose_name = _("预算调整")
        verbose_name_plural = _("预算调整")

    def __str__(self) -> str:
        return _("%(line)s %(direction)s%(amount)s元") % {
            "line": self.line,
            "direction": self.get_direction_display(),
            "amount": self.amount,
        }

    @property
    def delta(self) -> Decimal:
        return self.amount if self.direction == AdjustmentDirection.INCREASE else -self.amount

    def clean(self) -> None:
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": _("调整金额须大于0。")})


class PaymentKind(models.TextChoices):
    TRAINING = "training", _("培训班")
    AWARD = "award", _("评选奖励")
    ALLOWANCE = "allowance", _("津贴")
    VISIT = "visit", _("走访慰问")
    SITE = "site", _("示范点")
    OTHER = "other", _("其他")


class PaymentState(models.TextChoices):
    APPLIED = "applied", _("已申请")
    CHECKED = "checked", _("已审核")
    APPROVED = "approved", _("已审批")
    PAID = "paid", _("已支付")
    REVERSED = "reversed", _("已冲销")
    REJECTED = "rejected", _("已退回")


#: Payments that hold part of a line's budget before they are paid.
COMMITTED_STATES = (PaymentState.APPLIED, PaymentState.CHECKED, PaymentState.APPROVED)
#: Fields a reversal writes on a paid payment; nothing else of it may change.
REVERSAL_FIELDS = frozenset({"state", "reversal_reason", "reversed_at", "reversed_by", "version", "updated_at"})


class Payment(ScopedModel):
    """One commitment and, once paid, one payment from a budget line: to a talent or an
    institution, for a training class, a selection's winner, an allowance period, a visit,
    a demonstration site or something else."""

    line = models.ForeignKey(BudgetLine, verbose_name=_("预算科目"), on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(_("支出事项"), max_length=20, choices=PaymentKind.choices)
    summary = models.CharField(_("摘要"), max_length=200)
    talent = models.ForeignKey(
        "talents.Talent",
        verbose_name=_("收款人才"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="fund_payments",
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("收款单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("付给人才时为其所在机构，自动填写。"),
    )
    amount = MoneyField(_("金额（元）"))
    training_class = models.ForeignKey(
        "training.TrainingClass",
        verbose_name=_("培训班"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    application = models.ForeignKey(
        "selections.Application",
        verbose_name=_("当选申报"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"state": "winner"},
    )
    visit = models.ForeignKey(
        "services.Visit", verbose_name=_("走访记录"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scheme = models.ForeignKey(
        "AllowanceScheme",
        verbose_name=_("津贴项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    batch = models.ForeignKey(
        "PaymentBatch",
        verbose_name=_("发放批次"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        editable=False,
    )
    period_start = models.DateField(_("所属期间"), null=True, blank=True, editable=False)
    state = models.CharField(_("状态"), max_length=20, choices=PaymentState.choices, default=PaymentState.APPLIED)
    applied_by = models.ForeignKey(
        "accounts.User", verbose_name=_("申请人"), null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    checked_by = models.ForeignKey(
        "accounts.User", verbose_name=_("审核人"), null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_by = models.ForeignKey(
        "accounts.User", verbose_name=_("审批人"), null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    voucher_number = models.CharField(_("凭证号"), max_length=50, blank=True)
    paid_on = models.DateField(_("支付日期"), null=True, blank=True)
    reversal_reason = models.TextField(_("冲销/退回原因"), blank=True)
    reversed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("冲销人"), null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    checked_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True, editable=False)
    paid_at = models.DateTimeField(_("支付登记时间"), null=True, blank=True, editable=False)
    reversed_at = models.DateTimeField(_("冲销时间"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("支出")
        verbose_name_plural = _("资金支出")
        indexes = [models.Index(fields=["line", "state"], name="funds_payment_line_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(application__isnull=False) & ~Q(state__in=["reversed", "rejected"]),
                name="funds_one_award_per_honour",
                violation_error_message=_("该当选者已有一笔奖励支出，不能重复发放。"),
            ),
            models.UniqueConstraint(
                fields=["scheme", "talent", "period_start"],
                condition=Q(scheme__isnull=False) & ~Q(state__in=["reversed", "rejected"]),
                name="funds_one_allowance_per_period",
                violation_error_message=_("该人才本期津贴已发放或在办，不能重复。"),
            ),
        ]

    def __str__(self) -> str:
        payee = self.talent.name if self.talent_id and self.talent else str(self.organization)
        return f"{payee} · {self.summary}"

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        """A talent sees what was paid (or is to be paid) to them, and changes nothing."""
        return queryset.none() if editing else queryset.filter(talent__user=user)

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        application, talent = self.application, self.talent
        if application is not None and talent is None:
            self.talent_id = application.talent_id
            talent = self.talent
            if talent is None:
                self.organization_id = application.organization_id
        if talent is not None and (self._state.adding or self.state in COMMITTED_STATES):
            self.organization_id = talent.organization_id
        if not self.talent_id and not self.organization_id:
            errors["organization"] = _("请指定收款人才或收款单位。")
        if self.kind == PaymentKind.AWARD and not self.application_id:
            errors["application"] = _("评选奖励须指定当选者。")
        if self.application_id and self.state not in (PaymentState.REVERSED, PaymentState.REJECTED):
            others = Payment.objects.filter(application_id=self.application_id).exclude(pk=self.pk)
            if others.exclude(state__in=(PaymentState.REVERSED, PaymentState.REJECTED)).exists():
                errors["application"] = _("该当选者已有一笔奖励支出，不能重复发放。")
        if self.kind == PaymentKind.TRAINING and not self.training_class_id:
            errors["training_class"] = _("培训支出须指定培训班。")
        if self.kind == PaymentKind.ALLOWANCE and (not self.scheme_id or not self.talent_id):
            errors["scheme"] = _("津贴支出须指定津贴项目和人才。")
        if self.amount is not None and self.amount <= 0:
            errors["amount"] = _("支出金额须大于0。")
        if self.line_id and self.line.fund.state == FundState.CLOSED and self._state.adding:
            errors["line"] = _("该年度专项资金已结账，不能再列支。")
        if errors:
            raise ValidationError(errors)

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.refuse_change_of_paid()
        super().save(*args, **kwargs)

    def refuse_change_of_paid(self) -> None:
        """A paid (or reversed) payment keeps its content: only a reversal may follow."""
        if self._state.adding or self.pk is None:
            return
        names = [f.attname for f in self._meta.concrete_fields]
        stored = Payment.objects.filter(pk=self.pk).values(*names).first()
        if stored is None or stored["state"] not in (PaymentState.PAID, PaymentState.REVERSED):
            return
        changed = {
            f.name
            for f in self._meta.concrete_fields
            if stored[f.attname] != getattr(self, f.attname) and f.name not in REVERSAL_FIELDS
        }
        reversing = stored["state"] == PaymentState.PAID and self.state == PaymentState.REVERSED
        if changed or (self.state != stored["state"] and not reversing):
            raise ValidationError(_("已支付的款项不能修改；如有差错，请办理冲销。"))


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("按月")
    YEARLY = "yearly", _("按年")


class SchemeState(models.TextChoices):
    DRAFT = "draft", _("拟定")
    ACTIVE = "active", _("发放中")
    ENDED = "ended", _("已结束")


class AllowanceScheme(ScopedModel):
    """An allowance (津贴) paid per month or year to the talents its rules make eligible
    (免申即享), over a term, from a budget line."""

    name = models.CharField(_("津贴名称"), max_length=100)
    line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("列支科目"),
        on_delete=models.PROTECT,
        related_name="schemes",
        limit_choices_to={"purpose": Purpose.ALLOWANCE},
    )
    frequency = models.CharField(_("发放周期"), max_length=20, choices=Frequency.choices, default=Frequency.YEARLY)
    term_start = models.DateField(_("享受期起"))
    term_end = models.DateField(_("享受期止"))
    region = models.ForeignKey(
        "orgs.Region",
        verbose_name=_("限本区域机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("填写后，所在机构迁离本区域的人才自下一期起停发。"),
    )
    document_number = models.CharField(_("依据文号"), max_length=100, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=SchemeState.choices, default=SchemeState.DRAFT)

    shared = True

    class Meta:
        ordering = ["-term_start", "name"]
        verbose_name = _("津贴项目")
        verbose_name_plural = _("人才津贴项目")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.term_start and self.term_end and self.term_end < self.term_start:
            raise ValidationError({"term_end": _("享受期止不能早于享受期起。")})
        if self.line_id and self.line.purpose != Purpose.ALLOWANCE:
            raise ValidationError({"line": _("津贴须从“津贴”用途的预算科目列支。")})


class AllowanceRule(ScopedModel):
    """Who qualifies and for how much per period: a tier, a programme level and/or an
    honour (every condition given must hold)."""

    scheme = models.ForeignKey(
        AllowanceScheme, verbose_name=_("津贴项目"), on_delete=models.CASCADE, related_name="rules"
    )
    name = models.CharField(_("规则名称"), max_length=100)
    tier = dictionary_fk(DictionaryKind.TIER, _("人才层级"))
    level = dictionary_fk(DictionaryKind.LEVEL, _("百千万层次"))
    honour_name = models.CharField(_("荣誉称号包含"), max_length=100, blank=True)
    amount = MoneyField(_("每期金额（元）"))

    shared = True

    class Meta:
        ordering = ["scheme", "-amount", "name"]
        verbose_name = _("津贴规则")
        verbose_name_plural = _("津贴规则")

    def __str__(self) -> str:
        return f"{self.scheme} · {self.name}"

    def clean(self) -> None:
        if not self.tier_id and not self.level_id and not self.honour_name.strip():
            raise ValidationError({"tier": _("请至少指定人才层级、百千万层次或荣誉称号之一。")})
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": _("每期金额须大于0。")})

    def describe(self) -> str:
        parts = []
        if self.tier_id:
            parts.append(f"人才层级为{self.tier}")  # i18n: stored (the holder's eligibility)
        if self.level_id:
            parts.append(f"百千万层次为{self.level}")  # i18n: stored (the holder's eligibility)
        if self.honour_name:
            parts.append(f"获“{self.honour_name}”荣誉")  # i18n: stored (the holder's eligibility)
        return f"{self.name}：" + "、".join(parts)


class HolderState(models.TextChoices):
    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("享受中")
    STOPPED = "stopped", _("已停发")
    DECLINED = "declined", _("未予确认")


class AllowanceHolder(ScopedModel):
    """A talent on a scheme's list, proposed with the rule that made them eligible."""

    scheme = models.ForeignKey(
        AllowanceScheme, verbose_name=_("津贴项目"), on_delete=models.PROTECT, related_name="holders"
    )
    talent = models.ForeignKey(
        "talents.Talent", verbose_name=_("人才"), on_delete=models.PROTECT, related_name="allowances"
    )
    rule = models.ForeignKey(AllowanceRule, verbose_name=_("适用规则"), on_delete=models.PROTECT, related_name="+")
    eligibility = models.CharField(_("符合条件"), max_length=300)
    amount = MoneyField(_("每期金额（元）"))
    state = models.CharField(_("状态"), max_length=20, choices=HolderState.choices, default=HolderState.PROPOSED)
    confirmed_by = models.ForeignKey(
        "accounts.User", verbose_name=_("确认人"), null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True, editable=False)
    stopped_from = models.DateField(_("停发起始期间"), null=True, blank=True)
    stop_reason = models.CharField(_("停发原因"), max_length=300, blank=True)

    scope_path = "talent__organization__path"

    class Meta:
        ordering = ["scheme", "state", "talent__name_pinyin"]
        verbose_name = _("津贴享受人员")
        verbose_name_plural = _("津贴享受人员")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "talent"],
                name="funds_one_holder_per_scheme",
                violation_error_message=_("该人才已在本津贴名单中。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.talent} · {self.scheme}"

    @classmethod
    def talent_scope(cls, queryset, user, editing: bool = False):
        return queryset.none() if editing else queryset.filter(talent__user=user)


class BatchState(models.TextChoices):
    APPLIED = "applied", _("已生成")
    CHECKED = "checked", _("已审核")
    APPROVED = "approved", _("已审批")
    PAID = "paid", _("已支付")


class PaymentBatch(ScopedModel):
    """One period's allowance payments of a scheme, moved through the payment workflow
    together."""

    scheme = models.ForeignKey(
        AllowanceScheme, verbose_name=_("津贴项目"), on_delete=models.PROTECT, related_name="batches"
    )
    period_start = models.DateField(_("期间起"))
    period_end = models.DateField(_("期间止"))
    label = models.CharField(_("期间"), max_length=30)
    state = models.CharField(_("状态"), max_length=20, choices=BatchState.choices, default=BatchState.APPLIED)
    created_by = models.ForeignKey(
        "accounts.User", verbose_name=_("生成人"), null=True, on_delete=models.PROTECT, related_name="+", editable=False
    )

    shared = True

    class Meta:
        ordering = ["scheme", "-period_start"]
        verbose_name = _("津贴发放批次")
        verbose_name_plural = _("津贴发放批次")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "period_start"],
                name="funds_one_batch_per_period",
                violation_error_message=_("该期间的发放批次已生成。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.scheme} · {self.label}"

    @admin.display(description=_("合计（元）"))
    def total(self) -> Decimal:
        from rencai.funds.services import batch_total

        return batch_total(self)


class AwardRule(ScopedModel):
    """The award a selection's winners receive (e.g. 每人6万元), paid from a line."""

    campaign = models.OneToOneField(
        "selections.Campaign", verbose_name=_("评选活动"), on_delete=models.PROTECT, related_name="award_rule"
    )
    line = models.ForeignKey(
        BudgetLine,
        verbose_name=_("列支科目"),
        on_delete=models.PROTECT,
        related_name="award_rules",
        limit_choices_to={"purpose": Purpose.AWARD},
    )
    amount = MoneyField(_("每人（项）奖励金额（元）"))

    shared = True

    class Meta:
        ordering = ["-id"]
        verbose_name = _("奖励标准")
        verbose_name_plural = _("评选奖励标准")

    def __str__(self) -> str:
        return _("%(campaign)s · %(amount)s元") % {"campaign": self.campaign, "amount": self.amount}

    def clean(self) -> None:
        if self.amount is not None and self.amount <= 0:
            raise ValidationError({"amount": _("奖励金额须大于0。")})
        if self.line_id and self.line.purpose != Purpose.AWARD:
            raise ValidationError({"line": _("评选奖励须从“奖励”用途的预算科目列支。")})
