"""The state machines of the funds.

A payment: 申请 (applied, by the office) → 审核 (checked, by the office, not the applicant)
→ 审批 (approved, by a leader, not the applicant) → 支付 (paid, with voucher number and
date) → 冲销 (reversed, never deleted); before it is paid it may be 退回 (rejected). The
approval and the payment re-check the line's balance under a lock of the line, and an
allowance payment the holder's eligibility.

An adjustment is approved (or not) by someone other than who proposed it; a fund is
closed at year end once nothing is pending; an allowance batch moves all its payments
through the same payment transitions.
"""

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core.errors import Refused
from rencai.core.objects import Transition, Workflow, reason_input
from rencai.core.roles import LEADERS_ONLY, OFFICE_AND_LEADERS, OFFICE_ONLY
from rencai.funds import services
from rencai.funds.models import (
    COMMITTED_STATES,
    ApprovalState,
    BatchState,
    BudgetAdjustment,
    Fund,
    FundState,
    HolderState,
    Payment,
    PaymentBatch,
    PaymentState,
)


def _not_applicant(payment: Payment, user: Any, step: str) -> None:
    if payment.applied_by_id is not None and payment.applied_by_id == user.pk:
        raise Refused(_("申请人不能%(step)s自己申请的支出：%(payment)s。") % {"step": step, "payment": payment})


def _check(payment: Payment, user: Any, data: dict[str, Any]) -> None:
    _not_applicant(payment, user, _("审核"))
    payment.checked_by = user


def _approve(payment: Payment, user: Any, data: dict[str, Any]) -> None:
    _not_applicant(payment, user, _("审批"))
    services.check_fits(payment)
    services.check_allowance(payment)
    payment.approved_by = user


def _pay_inputs() -> dict[str, forms.Field]:
    return {
        "voucher_number": forms.CharField(label=_("凭证号"), max_length=50),
        "paid_on": forms.DateField(label=_("支付日期"), initial=timezone.localdate),
    }


def _pay(payment: Payment, user: Any, data: dict[str, Any]) -> None:
    if payment.state != PaymentState.APPROVED or payment.approved_by_id is None:
        raise Refused(_("未经审批的支出不能支付。"))
    voucher = str(data.get("voucher_number") or "").strip()
    if not voucher:
        raise Refused(errors={"voucher_number": [_("请填写凭证号。")]})
    paid_on = data.get("paid_on")
    if not isinstance(paid_on, date):
        raise Refused(errors={"paid_on": [_("请填写支付日期。")]})
    if paid_on > timezone.localdate():
        raise Refused(errors={"paid_on": [_("支付日期不能晚于今天。")]})
    data["voucher_number"] = voucher
    services.check_fits(payment)
    services.check_allowance(payment)


def _reverse(payment: Payment, user: Any, data: dict[str, Any]) -> None:
    if not str(data.get("reversal_reason") or "").strip():
        raise Refused(errors={"reversal_reason": [_("请填写冲销原因。")]})
    payment.reversed_by = user


def _reject(payment: Payment, user: Any, data: dict[str, Any]) -> None:
    if not str(data.get("reversal_reason") or "").strip():
        raise Refused(errors={"reversal_reason": [_("请填写退回原因。")]})


PAYMENT_TRANSITIONS = [
    Transition(
        "check", gettext_lazy("审核"), (PaymentState.APPLIED,), PaymentState.CHECKED, OFFICE_ONLY, effect=_check
    ),
    Transition(
        "approve",
        gettext_lazy("审批"),
        (PaymentState.CHECKED,),
        PaymentState.APPROVED,
        LEADERS_ONLY,
        effect=_approve,
        style="success",
    ),
    Transition(
        "pay",
        gettext_lazy("登记支付"),
        (PaymentState.APPROVED,),
        PaymentState.PAID,
        OFFICE_ONLY,
        inputs=_pay_inputs,
        effect=_pay,
        style="success",
    ),
    Transition(
        "reverse",
        gettext_lazy("冲销"),
        (PaymentState.PAID,),
        PaymentState.REVERSED,
        OFFICE_ONLY,
        inputs=reason_input(gettext_lazy("冲销原因"), name="reversal_reason"),
        effect=_reverse,
        style="outline-danger",
    ),
    Transition(
        "reject",
        gettext_lazy("退回"),
        COMMITTED_STATES,
        PaymentState.REJECTED,
        OFFICE_AND_LEADERS,
        inputs=reason_input(gettext_lazy("退回原因"), name="reversal_reason"),
        effect=_reject,
        style="outline-danger",
    ),
]
PAYMENT_WORKFLOW = Workflow("state", PAYMENT_TRANSITIONS)


def transition(name: str) -> Transition:
    return next(t for t in PAYMENT_TRANSITIONS if t.name == name)


# --- adjustments --------------------------------------------------------------------------


def _approve_adjustment(adjustment: BudgetAdjustment, user: Any, data: dict[str, Any]) -> None:
    if adjustment.proposed_by_id == user.pk:
        raise Refused(_("提出人不能审批自己提出的预算调整。"))
    if adjustment.line.fund.state == FundState.CLOSED:
        raise Refused(_("该年度专项资金已结账，不能调整预算。"))
    services.check_adjustment(adjustment)
    adjustment.approved_by = user
    adjustment.approved_at = timezone.now()


def _reject_adjustment(adjustment: BudgetAdjustment, user: Any, data: dict[str, Any]) -> None:
    if adjustment.proposed_by_id == user.pk:
        raise Refused(_("提出人不能审批自己提出的预算调整。"))
    adjustment.approved_by = user
    adjustment.approved_at = timezone.now()


ADJUSTMENT_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "approve",
            gettext_lazy("批准调整"),
            (ApprovalState.PROPOSED,),
            ApprovalState.APPROVED,
            OFFICE_AND_LEADERS,
            inputs=reason_input(gettext_lazy("审批意见"), required=False, name="approval_note"),
            effect=_approve_adjustment,
            style="success",
        ),
        Transition(
            "reject",
            gettext_lazy("不予批准"),
            (ApprovalState.PROPOSED,),
            ApprovalState.REJECTED,
            OFFICE_AND_LEADERS,
            inputs=reason_input(gettext_lazy("审批意见"), name="approval_note"),
            effect=_reject_adjustment,
            style="outline-danger",
        ),
    ],
)


# --- funds --------------------------------------------------------------------------------


def _close(fund: Fund, user: Any, data: dict[str, Any]) -> None:
    pending = Payment.objects.filter(line__fund=fund, state__in=COMMITTED_STATES).count()
    if pending:
        raise Refused(_("仍有%(n)s笔支出在办（未支付也未退回），不能结账。") % {"n": pending})


FUND_WORKFLOW = Workflow(
    "state",
    [Transition("close", gettext_lazy("年终结账"), (FundState.OPEN,), FundState.CLOSED, OFFICE_ONLY, effect=_close)],
)


# --- allowance holders and batches ----------------------------------------------------------


def _stop_inputs() -> dict[str, forms.Field]:
    return {"stop_reason": forms.CharField(label=_("停发原因"), max_length=300)}


def _stop(holder: Any, user: Any, data: dict[str, Any]) -> None:
    if not str(data.get("stop_reason") or "").strip():
        raise Refused(errors={"stop_reason": [_("请填写停发原因。")]})
    holder.stopped_from = services.next_period_start(holder.scheme, timezone.localdate())


def _confirm(holder: Any, user: Any, data: dict[str, Any]) -> None:
    reason = services.ineligibility(holder.scheme, holder.talent)
    if reason is not None:
        raise Refused(_("%(talent)s不符合条件（%(reason)s），不能确认。") % {"talent": holder.talent, "reason": reason})
    holder.confirmed_by = user
    holder.confirmed_at = timezone.now()


HOLDER_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "confirm",
            gettext_lazy("确认享受"),
            (HolderState.PROPOSED,),
            HolderState.CONFIRMED,
            OFFICE_ONLY,
            effect=_confirm,
            style="success",
        ),
        Transition(
            "decline",
            gettext_lazy("不予确认"),
            (HolderState.PROPOSED,),
            HolderState.DECLINED,
            OFFICE_ONLY,
            inputs=reason_input(gettext_lazy("原因"), name="stop_reason"),
            style="outline-danger",
        ),
        Transition(
            "stop",
            gettext_lazy("自下期起停发"),
            (HolderState.CONFIRMED,),
            HolderState.STOPPED,
            OFFICE_ONLY,
            inputs=_stop_inputs,
            effect=_stop,
            style="outline-danger",
        ),
    ],
)


def _batch_step(step: str):
    def effect(batch: PaymentBatch, user: Any, data: dict[str, Any]) -> None:
        services.advance_batch(batch, step, user, data)
        data.pop("voucher_number", None)
        data.pop("paid_on", None)

    return effect


BATCH_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "check",
            gettext_lazy("批量审核"),
            (BatchState.APPLIED,),
            BatchState.CHECKED,
            OFFICE_ONLY,
            effect=_batch_step("check"),
        ),
        Transition(
            "approve",
            gettext_lazy("批量审批"),
            (BatchState.CHECKED,),
            BatchState.APPROVED,
            LEADERS_ONLY,
            effect=_batch_step("approve"),
            style="success",
        ),
        Transition(
            "pay",
            gettext_lazy("批量登记支付"),
            (BatchState.APPROVED,),
            BatchState.PAID,
            OFFICE_ONLY,
            inputs=_pay_inputs,
            effect=_batch_step("pay"),
            style="success",
        ),
    ],
)
