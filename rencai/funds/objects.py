"""Funds, budget lines, adjustments, payments, allowance schemes, rules, holders, batches
and award rules, declared once for pages, export and API.

Office and leaders see all of it; a liaison sees only the payments (and allowance holders)
of its own institution and branches; a talent only their own. Amounts are masked in
exports unless the exporter may unmask.
"""

from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core.errors import Refused
from rencai.core.objects import Action, ObjectConfig, Policy, Section, register
from rencai.core.roles import (
    ALL_BUT_EXPERTS,
    NOBODY,
    OFFICE_AND_LEADERS,
    OFFICE_AND_LIAISONS,
    OFFICE_ONLY,
    STAFF_AND_LIAISONS,
)
from rencai.funds import services
from rencai.funds.filters import AdjustmentFilter, BatchFilter, HolderFilter, LineFilter, PaymentFilter
from rencai.funds.models import (
    AllowanceHolder,
    AllowanceRule,
    AllowanceScheme,
    ApprovalState,
    AwardRule,
    BudgetAdjustment,
    BudgetLine,
    Fund,
    FundState,
    Payment,
    PaymentBatch,
    PaymentState,
)
from rencai.funds.workflows import (
    ADJUSTMENT_WORKFLOW,
    BATCH_WORKFLOW,
    FUND_WORKFLOW,
    HOLDER_WORKFLOW,
    PAYMENT_WORKFLOW,
)

MONEY_COLUMNS = ("amount", "budget", "committed", "paid", "remaining")


def _money_rows(label: str, current: services.Balance) -> list[str]:
    return [
        label,
        f"{current.budget:,.2f}",
        f"{current.committed:,.2f}",
        f"{current.paid:,.2f}",
        f"{current.remaining:,.2f}",
    ]


BALANCE_HEADERS = [
    gettext_lazy("科目"),
    gettext_lazy("预算（元）"),
    gettext_lazy("已列支待付（元）"),
    gettext_lazy("已支付（元）"),
    gettext_lazy("可用余额（元）"),
]


def _open_fund(queryset, user):
    return queryset.filter(state=FundState.OPEN)


def _open_lines(queryset, user):
    return queryset.filter(fund__state=FundState.OPEN)


@register
class FundObjects(ObjectConfig):
    model = Fund
    slug = "funds"
    nav_section = "funds"
    nav_roles = OFFICE_AND_LEADERS
    list_columns = ["year", "name", "amount", "document_number", "state"]
    form_fields = ["year", "name", "amount", "document_number", "notes"]
    search_fields = ["name", "document_number"]
    ordering = ["-year"]
    policy = Policy(view=OFFICE_AND_LEADERS, change=OFFICE_ONLY, narrow_editable=_open_fund)
    actions = FUND_WORKFLOW.actions()
    delete_hint = gettext_lazy("已有预算科目的资金不能删除，可办理年终结账。")

    def before_save(self, instance, user, creating):
        if not creating:
            stored = Fund.objects.select_for_update().get(pk=instance.pk)
            allotted = sum((services.line_budget(line) for line in stored.lines.all()), services.ZERO)
            if instance.amount < allotted:
                raise Refused(
                    errors={"amount": [_("资金总额不能少于各科目预算合计%(total)s元。") % {"total": allotted}]}
                )

    def detail_sections(self, obj, user):
        lines = list(obj.lines.all())
        rows = []
        for line in lines:
            rows.append(
                (
                    reverse("objects:budget-lines-detail", args=[line.pk]),
                    _money_rows(line.get_purpose_display(), services.balance(line)),
                )
            )
        rows.append(("", _money_rows(_("合计"), services.fund_balance(obj))))
        return [
            Section(
                title=_("预算执行情况"),
                headers=[str(h) for h in BALANCE_HEADERS],
                rows=rows,
                add_url=f"{reverse('objects:budget-lines-create')}?fund={obj.pk}"
                if obj.state == FundState.OPEN
                else "",
                more_url=f"{reverse('objects:budget-lines-list')}?fund={obj.pk}",
                key="budget-lines",
            )
        ]

    def detail_links(self, obj, user):
        return [(_("资金执行报表"), f"{reverse('funds:report')}?fund={obj.pk}")]


@register
class LineObjects(ObjectConfig):
    model = BudgetLine
    slug = "budget-lines"
    nav_section = "funds"
    nav_roles = OFFICE_ONLY
    list_columns = ["fund", "purpose", "amount", "budget", "committed", "paid", "remaining"]
    form_fields = ["fund", "purpose", "amount", "notes"]
    filterset_class = LineFilter
    ordering = ["-fund__year", "purpose"]
    list_related = ("fund",)
    policy = Policy(view=OFFICE_AND_LEADERS, change=OFFICE_ONLY, narrow_editable=_open_lines)

    def limit_form_choices(self, form, user):
        super().limit_form_choices(form, user)
        if "fund" in form.fields:
            form.fields["fund"].queryset = Fund.objects.filter(state=FundState.OPEN)

    def before_save(self, instance, user, creating):
        if instance.fund.state == FundState.CLOSED:
            raise Refused(_("该年度专项资金已结账，不能再安排预算。"))
        if not creating:
            line = services.lock_line(instance.pk)
            current = services.balance(line)
            new_budget = current.budget - line.amount + instance.amount
            if new_budget < current.committed + current.paid:
                raise Refused(
                    errors={
                        "amount": [
                            _("调整后预算少于已列支和已支付的合计：%(balance)s。")
                            % {"balance": services.balance_message(line, current)}
                        ]
                    }
                )

    def detail_sections(self, obj, user):
        sections = [
            Section(
                title=_("余额"),
                headers=[str(h) for h in BALANCE_HEADERS],
                rows=[("", _money_rows(str(obj), services.balance(obj)))],
            )
        ]
        payments = PaymentObjects()
        sections.append(
            payments.section(
                _("支出记录"),
                payments.visible(user).filter(line=obj),
                ["summary", "talent", "organization", "amount", "state", "voucher_number"],
                user,
                line=obj.pk,
            )
        )
        adjustments = AdjustmentObjects()
        sections.append(
            adjustments.section(
                _("预算调整"),
                adjustments.visible(user).filter(line=obj),
                ["direction", "amount", "reason", "state"],
                user,
                line=obj.pk,
            )
        )
        return sections


def _proposed_only(queryset, user):
    return queryset.filter(state=ApprovalState.PROPOSED)


@register
class AdjustmentObjects(ObjectConfig):
    model = BudgetAdjustment
    slug = "budget-adjustments"
    nav_section = "funds"
    nav_roles = OFFICE_ONLY
    list_columns = ["line", "direction", "amount", "reason", "state", "proposed_by", "approved_by"]
    detail_fields = [*list_columns, "approval_note", "approved_at"]
    form_fields = ["line", "direction", "amount", "reason"]
    filterset_class = AdjustmentFilter
    policy = Policy(view=OFFICE_AND_LEADERS, change=OFFICE_ONLY, narrow_editable=_proposed_only)
    actions = ADJUSTMENT_WORKFLOW.actions()
    list_related = ("line__fund", "proposed_by", "approved_by")

    def limit_form_choices(self, form, user):
        super().limit_form_choices(form, user)
        if "line" in form.fields:
            form.fields["line"].queryset = BudgetLine.objects.filter(fund__state=FundState.OPEN)

    def before_save(self, instance, user, creating):
        if creating:
            instance.proposed_by = user


def _payment_editable(queryset, user):
    return queryset.exclude(state__in=(PaymentState.REVERSED,))


@register
class PaymentObjects(ObjectConfig):
    model = Payment
    slug = "payments"
    nav_section = "funds"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["line", "kind", "summary", "talent", "organization", "amount", "state", "voucher_number", "paid_on"]
    form_fields = [
        "line",
        "kind",
        "summary",
        "talent",
        "organization",
        "amount",
        "training_class",
        "application",
        "visit",
        "scheme",
    ]
    detail_fields = [
        *form_fields,
        "batch",
        "period_start",
        "state",
        "applied_by",
        "checked_by",
        "approved_by",
        "voucher_number",
        "paid_on",
        "reversal_reason",
        "reversed_by",
        "checked_at",
        "approved_at",
        "paid_at",
        "reversed_at",
    ]
    api_read_only_fields = ["state", "voucher_number", "paid_on", "batch", "period_start"]
    api_fields = ["id", *form_fields, *api_read_only_fields]
    filterset_class = PaymentFilter
    search_fields = ["summary", "talent__name_simplified", "organization__name", "voucher_number"]
    list_related = ("line__fund", "talent", "organization")
    masked_in_export = ("amount",)
    policy = Policy(
        view=ALL_BUT_EXPERTS, create=OFFICE_ONLY, change=OFFICE_ONLY, delete=NOBODY, narrow_editable=_payment_editable
    )
    actions = PAYMENT_WORKFLOW.actions()

    def limit_form_choices(self, form, user):
        super().limit_form_choices(form, user)
        if "line" in form.fields:
            form.fields["line"].queryset = BudgetLine.objects.filter(fund__state=FundState.OPEN).select_related("fund")

    def before_save(self, instance, user, creating):
        if not creating:
            stored = Payment.objects.select_for_update().get(pk=instance.pk)
            if stored.state in (PaymentState.PAID, PaymentState.REVERSED):
                raise Refused(_("已支付的款项不能修改；如有差错，请办理冲销。"))
            if stored.state != PaymentState.APPLIED:
                raise Refused(_("已审核的支出不能修改；请先退回后重新申请。"))
        else:
            instance.applied_by = user
        services.check_fits(instance)
        services.check_allowance(instance)

    def list_links(self, user):
        links = [(_("资金执行报表"), reverse("funds:report"))]
        if self.can_export(user):
            links.append((_("导出财务明细（科目/摘要/金额/凭证号）"), reverse("funds:ledger")))
        return links


@register
class SchemeObjects(ObjectConfig):
    model = AllowanceScheme
    slug = "allowance-schemes"
    nav_section = "funds"
    nav_roles = OFFICE_AND_LEADERS
    list_columns = ["name", "line", "frequency", "term_start", "term_end", "state"]
    form_fields = ["name", "line", "frequency", "term_start", "term_end", "region", "document_number"]
    search_fields = ["name", "document_number"]
    policy = Policy(view=OFFICE_AND_LEADERS, change=OFFICE_ONLY)
    list_related = ("line__fund",)

    def detail_sections(self, obj, user):
        rules, holders, batches = RuleObjects(), HolderObjects(), BatchObjects()
        return [
            rules.section(
                _("津贴规则"),
                rules.visible(user).filter(scheme=obj),
                ["name", "tier", "level", "honour_name", "amount"],
                user,
                scheme=obj.pk,
            ),
            holders.section(
                _("享受人员"),
                holders.visible(user).filter(scheme=obj).select_related("talent", "rule"),
                ["talent", "eligibility", "amount", "state", "stopped_from", "stop_reason"],
                user,
                scheme=obj.pk,
            ),
            batches.section(
                _("发放批次"),
                batches.visible(user).filter(scheme=obj),
                ["label", "state", "total"],
                user,
                scheme=obj.pk,
            ),
        ]

    def detail_links(self, obj, user):
        return [(_("享受人员名单"), f"{reverse('objects:allowance-holders-list')}?scheme={obj.pk}")]


def _propose(scheme: AllowanceScheme, user: Any, data: dict) -> str:
    added = services.propose_holders(scheme)
    return _("已按规则从人才信息库生成%(n)s名拟享受人员，待确认。") % {"n": added}


def _confirm_all(scheme: AllowanceScheme, user: Any, data: dict) -> str:
    count = services.confirm_holders(scheme, user)
    return _("已确认%(n)s名享受人员。") % {"n": count}


def _generate_inputs() -> dict[str, forms.Field]:
    return {"period": forms.DateField(label=_("发放期间（该期间内任一日期）"), initial=timezone.localdate)}


def _generate(scheme: AllowanceScheme, user: Any, data: dict) -> str:
    batch = services.generate_batch(scheme, data["period"], user)
    stopped = scheme.holders.filter(stopped_from=batch.period_start).count()
    message = _("已生成%(label)s发放批次：%(n)s人，合计%(total)s元。") % {
        "label": batch.label,
        "n": batch.payments.count(),
        "total": services.batch_total(batch),
    }
    if stopped:
        message += _("另有%(n)s人自本期起停发（原因见名单）。") % {"n": stopped}
    return message


def _review(scheme: AllowanceScheme, user: Any, data: dict) -> str:
    start = services.next_period_start(scheme, timezone.localdate())
    stopped = services.review_holders(scheme, start)
    return _("复核完成：%(n)s人不再符合条件，自%(date)s起停发。") % {"n": stopped, "date": start}


def _active(scheme: AllowanceScheme, user: Any) -> bool:
    return scheme.state != "ended"


SchemeObjects.actions = [
    Action("propose", gettext_lazy("按规则生成享受名单"), OFFICE_ONLY, _propose, available=_active),
    Action(
        "confirm_all", gettext_lazy("确认全部拟享受人员"), OFFICE_ONLY, _confirm_all, available=_active, style="success"
    ),
    Action(
        "generate", gettext_lazy("生成发放批次"), OFFICE_ONLY, _generate, inputs=_generate_inputs, available=_active
    ),
    Action("review", gettext_lazy("复核享受资格"), OFFICE_ONLY, _review, available=_active, style="outline-secondary"),
]


@register
class RuleObjects(ObjectConfig):
    model = AllowanceRule
    slug = "allowance-rules"
    nav_section = "setup"
    nav_roles = OFFICE_ONLY
    list_columns = ["scheme", "name", "tier", "level", "honour_name", "amount"]
    form_fields = ["scheme", "name", "tier", "level", "honour_name", "amount"]
    policy = Policy(view=OFFICE_AND_LEADERS, change=OFFICE_ONLY)
    list_related = ("scheme", "tier", "level")


@register
class HolderObjects(ObjectConfig):
    model = AllowanceHolder
    slug = "allowance-holders"
    nav_section = "funds"
    nav_roles = OFFICE_AND_LIAISONS
    list_columns = ["scheme", "talent", "eligibility", "amount", "state", "stopped_from", "stop_reason"]
    detail_fields = [*list_columns, "rule", "confirmed_by", "confirmed_at"]
    filterset_class = HolderFilter
    search_fields = ["talent__name_simplified", "eligibility"]
    list_related = ("scheme", "talent")
    masked_in_export = ("amount",)
    policy = Policy(view=ALL_BUT_EXPERTS, create=NOBODY, change=NOBODY, delete=NOBODY)
    actions = HOLDER_WORKFLOW.actions()


@register
class BatchObjects(ObjectConfig):
    model = PaymentBatch
    slug = "payment-batches"
    nav_section = "funds"
    nav_roles = OFFICE_ONLY
    list_columns = ["scheme", "label", "period_start", "period_end", "state", "created_by"]
    filterset_class = BatchFilter
    policy = Policy(view=OFFICE_AND_LEADERS, create=NOBODY, change=NOBODY, delete=NOBODY)
    actions = BATCH_WORKFLOW.actions()
    list_related = ("scheme",)

    def detail_sections(self, obj, user):
        payments = PaymentObjects()
        section = payments.section(
            _("本批支出"),
            payments.visible(user).filter(batch=obj).select_related("talent"),
            ["talent", "organization", "amount", "state", "voucher_number"],
            user,
            batch=obj.pk,
        )
        section.add_url = ""
        section.notes.append(_("合计%(total)s元") % {"total": services.batch_total(obj)})
        return [section]


def _commit(rule: AwardRule, user: Any, data: dict) -> str:
    count = services.commit_awards(rule, user)
    return _("已为%(n)s名当选者申请奖励，每人%(amount)s元，待审核。") % {"n": count, "amount": rule.amount}


@register
class AwardRuleObjects(ObjectConfig):
    model = AwardRule
    slug = "award-rules"
    nav_section = "setup"
    nav_roles = OFFICE_ONLY
    list_columns = ["campaign", "line", "amount"]
    form_fields = ["campaign", "line", "amount"]
    policy = Policy(view=OFFICE_AND_LEADERS, change=OFFICE_ONLY)
    actions = [Action("commit", gettext_lazy("为当选者申请奖励"), OFFICE_ONLY, _commit, style="success")]
    list_related = ("campaign", "line__fund")

    def detail_sections(self, obj, user):
        payments = PaymentObjects()
        queryset = payments.visible(user).filter(application__campaign=obj.campaign)
        return [payments.section(_("奖励支出"), queryset, ["talent", "amount", "state", "voucher_number"], user)]
