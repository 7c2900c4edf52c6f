"""What the funds do beyond plain records: balances summed from their records, the
overdraft check under a lock of the line, the allowance holders proposed from the
registry (免申即享), payment batches per period, and the awards of a selection's winners.

Every write here runs inside the caller's transaction (``run_action``) or its own, and
saves through the models, so each change is audited.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.core.errors import Conflict, Refused
from rencai.funds.models import (
    COMMITTED_STATES,
    AdjustmentDirection,
    AllowanceHolder,
    AllowanceRule,
    AllowanceScheme,
    ApprovalState,
    AwardRule,
    BudgetAdjustment,
    BudgetLine,
    Frequency,
    Fund,
    FundState,
    HolderState,
    Payment,
    PaymentBatch,
    PaymentKind,
    PaymentState,
    SchemeState,
)
from rencai.talents.models import Honour, Talent

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Balance:
    """A line's (or a fund's) budget and what its records hold of it."""

    budget: Decimal
    committed: Decimal
    paid: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.budget - self.committed - self.paid

    def __add__(self, other: Balance) -> Balance:
        return Balance(self.budget + other.budget, self.committed + other.committed, self.paid + other.paid)


EMPTY = Balance(ZERO, ZERO, ZERO)


def _sum(queryset: QuerySet[Any], field: str = "amount") -> Decimal:
    total: Decimal | None = queryset.aggregate(total=Sum(field))["total"]
    return (total or ZERO).quantize(Decimal("0.01"))


def line_budget(line: BudgetLine) -> Decimal:
    adjustments = line.adjustments.filter(state=ApprovalState.APPROVED)
    increase = _sum(adjustments.filter(direction=AdjustmentDirection.INCREASE))
    decrease = _sum(adjustments.filter(direction=AdjustmentDirection.DECREASE))
    return line.amount + increase - decrease


def balance(line: BudgetLine, exclude: Payment | None = None) -> Balance:
    """The line's budget, committed (applied, checked, approved) and paid, from its records."""
    payments = line.payments.all()
    if exclude is not None and exclude.pk:
        payments = payments.exclude(pk=exclude.pk)
    return Balance(
        line_budget(line),
        _sum(payments.filter(state__in=COMMITTED_STATES)),
        _sum(payments.filter(state=PaymentState.PAID)),
    )


def fund_balance(fund: Fund) -> Balance:
    total = EMPTY
    for line in fund.lines.all():
        total = total + balance(line)
    return total


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def balance_message(line: BudgetLine, current: Balance) -> str:
    return _("“%(line)s”预算%(budget)s元，已列支待付%(committed)s元，已支付%(paid)s元，可用余额%(remaining)s元") % {
        "line": line,
        "budget": _money(current.budget),
        "committed": _money(current.committed),
        "paid": _money(current.paid),
        "remaining": _money(current.remaining),
    }


def lock_line(line_id: int) -> BudgetLine:
    """The line, locked until the transaction ends: concurrent writes on it wait here, so
    two payments cannot both take the last of its balance."""
    return BudgetLine.objects.select_for_update().select_related("fund").get(pk=line_id)


def check_fits(payment: Payment) -> None:
    """Refuse ``payment`` if, with the line's other records, it would overdraw the line."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("check_fits must run inside the write's transaction")
    line = lock_line(payment.line_id)
    current = balance(line, exclude=payment)
    if payment.amount > current.remaining:
        raise Refused(
            errors={
                "amount": [
                    _("金额%(amount)s元超出可用余额，不能列支：%(balance)s。")
                    % {"amount": _money(payment.amount), "balance": balance_message(line, current)}
                ]
            }
        )


def check_adjustment(adjustment: BudgetAdjustment) -> None:
    """An increase must fit the fund's unallotted money, a decrease the line's balance."""
    line = lock_line(adjustment.line_id)
    if adjustment.direction == AdjustmentDirection.DECREASE:
        current = balance(line)
        if adjustment.amount > current.remaining:
            raise Refused(
                _("调减%(amount)s元超过可用余额，不能批准：%(balance)s。")
                % {"amount": _money(adjustment.amount), "balance": balance_message(line, current)}
            )
        return
    fund = Fund.objects.select_for_update().get(pk=line.fund_id)
    allotted = sum((line_budget(other) for other in fund.lines.all()), ZERO)
    if allotted + adjustment.amount > fund.amount:
        raise Refused(
            _("调增后各科目预算合计%(total)s元将超过资金总额%(fund)s元。")
            % {"total": _money(allotted + adjustment.amount), "fund": _money(fund.amount)}
        )


# --- allowances -------------------------------------------------------------------------


def rule_matches(rule: AllowanceRule, talent: Talent, honours: set[str] | None = None) -> bool:
    if rule.tier_id and rule.tier_id != talent.tier_id:
        return False
    if rule.level_id and rule.level_id != talent.level_id:
        return False
    if rule.honour_name:
        names = honours if honours is not None else set(talent.honours.values_list("name", flat=True))
        if not any(rule.honour_name in name for name in names):
            return False
    return True


def ineligibility(scheme: AllowanceScheme, talent: Talent, honours: set[str] | None = None) -> str | None:
    """Why ``talent`` does not qualify for ``scheme`` now (None: they do)."""
    if not talent.is_active:
        return _("人才已出库（离开）")
    organization = talent.organization
    if not organization.is_active:
        return _("所在机构“%(org)s”已撤销") % {"org": organization}
    if scheme.region_id and organization.region_id != scheme.region_id:
        return _("已迁离%(region)s（现所在机构：%(org)s）") % {"region": scheme.region, "org": organization}
    if best_rule(scheme, talent, honours) is None:
        return _("不再符合任何津贴规则（层级、层次或荣誉已变更）")
    return None


def best_rule(scheme: AllowanceScheme, talent: Talent, honours: set[str] | None = None) -> AllowanceRule | None:
    """The matching rule with the highest amount (rules are ordered by amount)."""
    return next((rule for rule in scheme.rules.all() if rule_matches(rule, talent, honours)), None)


def _honours_by_talent(talent_ids: Iterable[int]) -> dict[int, set[str]]:
    names: dict[int, set[str]] = {}
    for talent_id, name in Honour.objects.filter(talent_id__in=list(talent_ids)).values_list("talent_id", "name"):
        names.setdefault(talent_id, set()).add(name)
    return names


def propose_holders(scheme: AllowanceScheme) -> int:
    """Put every talent the rules make eligible on the list as proposed, each with the
    rule that did (免申即享). Returns how many were added."""
    rules = list(scheme.rules.all())
    if not rules:
        raise Refused(_("该津贴项目尚未设置规则，无法生成名单。"))
    condition = Q(pk__in=[])
    for rule in rules:
        part = Q()
        if rule.tier_id:
            part &= Q(tier_id=rule.tier_id)
        if rule.level_id:
            part &= Q(level_id=rule.level_id)
        if rule.honour_name:
            part &= Q(honours__name__contains=rule.honour_name)
        condition |= part
    listed = set(scheme.holders.values_list("talent_id", flat=True))
    candidates = list(
        Talent.objects.filter(is_active=True, organization__is_active=True)
        .filter(condition)
        .exclude(pk__in=listed)
        .select_related("organization", "tier", "level")
        .distinct()
    )
    honours = _honours_by_talent(t.pk for t in candidates)
    added = 0
    for talent in candidates:
        names = honours.get(talent.pk, set())
        if ineligibility(scheme, talent, names) is not None:
            continue
        rule = best_rule(scheme, talent, names)
        assert rule is not None  # ineligibility() found one
        AllowanceHolder.objects.create(
            scheme=scheme, talent=talent, rule=rule, eligibility=rule.describe(), amount=rule.amount
        )
        added += 1
    return added


def confirm_holders(scheme: AllowanceScheme, user: Any, holders: QuerySet[AllowanceHolder] | None = None) -> int:
    """The office confirms the proposed list (or some of it)."""
    queryset = holders if holders is not None else scheme.holders.all()
    count = 0
    for holder in queryset.filter(state=HolderState.PROPOSED).select_for_update():
        holder.state = HolderState.CONFIRMED
        holder.confirmed_by = user
        holder.confirmed_at = timezone.now()
        holder.version += 1
        holder.save()
        count += 1
    if count and scheme.state == SchemeState.DRAFT:
        scheme.state = SchemeState.ACTIVE
        scheme.version += 1
        scheme.save()
    return count


def period_of(scheme: AllowanceScheme, on: date) -> tuple[date, date, str]:
    """The period of ``scheme`` containing ``on``: (start, end, label)."""
    if scheme.frequency == Frequency.MONTHLY:
        start = on.replace(day=1)
        end = on.replace(day=monthrange(on.year, on.month)[1])
        return start, end, f"{on.year}年{on.month}月"  # i18n: stored (the batch's period label)
    return date(on.year, 1, 1), date(on.year, 12, 31), f"{on.year}年度"  # i18n: stored (the batch's period label)


def next_period_start(scheme: AllowanceScheme, on: date) -> date:
    _start, end, _label = period_of(scheme, on)
    return date.fromordinal(end.toordinal() + 1)


def stop_holder(holder: AllowanceHolder, from_period: date, reason: str) -> None:
    holder.state = HolderState.STOPPED
    holder.stopped_from = from_period
    holder.stop_reason = reason[:300]
    holder.version += 1
    holder.save()


def review_holders(scheme: AllowanceScheme, from_period: date) -> int:
    """Stop, from ``from_period`` on, every confirmed holder who no longer qualifies
    (left, moved away, lost the tier), with the reason. Returns how many were stopped."""
    holders = list(
        scheme.holders.filter(state=HolderState.CONFIRMED).select_related("talent__organization").select_for_update()
    )
    honours = _honours_by_talent(h.talent_id for h in holders)
    stopped = 0
    for holder in holders:
        reason = ineligibility(scheme, holder.talent, honours.get(holder.talent_id, set()))
        if reason is not None:
            stop_holder(holder, from_period, reason)
            stopped += 1
    return stopped


def check_allowance(payment: Payment) -> None:
    """A payment under a scheme goes only to a confirmed holder who still qualifies."""
    if payment.kind != PaymentKind.ALLOWANCE or payment.scheme_id is None:
        return
    scheme = payment.scheme
    assert scheme is not None and payment.talent is not None  # Payment.clean() requires both
    holder = scheme.holders.filter(talent=payment.talent).first()
    period = payment.period_start or timezone.localdate()
    if holder is None or holder.state not in (HolderState.CONFIRMED, HolderState.STOPPED):
        raise Refused(
            _("%(talent)s不在“%(scheme)s”的享受名单中，不能支付津贴。") % {"talent": payment.talent, "scheme": scheme}
        )
    if holder.state == HolderState.STOPPED and holder.stopped_from is not None and holder.stopped_from <= period:
        raise Refused(
            _("%(talent)s的“%(scheme)s”已自%(date)s起停发（%(reason)s），不能支付。")
            % {"talent": payment.talent, "scheme": scheme, "date": holder.stopped_from, "reason": holder.stop_reason}
        )
    reason = ineligibility(scheme, payment.talent)
    if reason is not None:
        raise Refused(
            _("%(talent)s已不符合“%(scheme)s”的条件（%(reason)s），不能支付。")
            % {"talent": payment.talent, "scheme": scheme, "reason": reason}
        )


def generate_batch(scheme: AllowanceScheme, on: date, user: Any) -> PaymentBatch:
    """The payments of the period containing ``on``: first every holder who stopped
    qualifying is stopped from this period (with the reason), then one payment per
    confirmed holder, all applied (申请) at once and checked against the line's balance."""
    start, end, label = period_of(scheme, on)
    if start < period_of(scheme, scheme.term_start)[0] or start > scheme.term_end:
        raise Refused(
            _("%(label)s不在享受期（%(start)s至%(end)s）内。")
            % {"label": label, "start": scheme.term_start, "end": scheme.term_end}
        )
    if scheme.line.fund.state == FundState.CLOSED:
        raise Refused(_("该年度专项资金已结账，不能再生成发放批次。"))
    with transaction.atomic():
        if PaymentBatch.objects.filter(scheme=scheme, period_start=start).exists():
            raise Conflict(_("%(label)s的发放批次已生成。") % {"label": label})
        review_holders(scheme, start)
        holders = list(scheme.holders.filter(state=HolderState.CONFIRMED).select_related("talent"))
        if not holders:
            raise Refused(_("没有享受中的人员，未生成批次。"))
        line = lock_line(scheme.line_id)
        total = sum((h.amount for h in holders), ZERO)
        current = balance(line)
        if total > current.remaining:
            raise Refused(
                _("本期津贴合计%(total)s元超出可用余额：%(balance)s。")
                % {"total": _money(total), "balance": balance_message(line, current)}
            )
        batch = PaymentBatch.objects.create(
            scheme=scheme, period_start=start, period_end=end, label=label, created_by=user
        )
        for holder in holders:
            payment = Payment(
                line=line,
                kind=PaymentKind.ALLOWANCE,
                summary=f"{scheme.name}（{label}）",
                talent=holder.talent,
                amount=holder.amount,
                scheme=scheme,
                batch=batch,
                period_start=start,
                applied_by=user,
            )
            payment.full_clean()
            payment.save()
    return batch


def batch_total(batch: PaymentBatch) -> Decimal:
    return _sum(batch.payments.exclude(state__in=(PaymentState.REVERSED, PaymentState.REJECTED)))


#: The batch step and the state its payments are in before it.
BATCH_STEPS = {"check": PaymentState.APPLIED, "approve": PaymentState.CHECKED, "pay": PaymentState.APPROVED}


def advance_batch(batch: PaymentBatch, step: str, user: Any, data: dict[str, Any]) -> int:
    """Take every payment of the batch through the same transition of the payment
    workflow (审核, 审批, 支付), one audited save each. Returns how many moved."""
    from rencai.funds.workflows import PAYMENT_WORKFLOW, transition

    payment_state = BATCH_STEPS[step]
    moved = 0
    for payment in batch.payments.filter(state=payment_state).select_for_update().order_by("pk"):
        PAYMENT_WORKFLOW.apply(payment, transition(step), user, dict(data))
        moved += 1
    return moved


# --- awards -----------------------------------------------------------------------------


def commit_awards(rule: AwardRule, user: Any) -> int:
    """One award payment per winner of the rule's decided campaign, amount from the rule;
    winners already awarded are skipped. Returns how many were applied."""
    from rencai.selections.models import ApplicationState, CampaignState

    campaign = rule.campaign
    if campaign.state != CampaignState.DECIDED:
        raise Refused(_("评选结果尚未公布，不能发放奖励。"))
    awarded = set(
        Payment.objects.filter(application__campaign=campaign)
        .exclude(state__in=(PaymentState.REVERSED, PaymentState.REJECTED))
        .values_list("application_id", flat=True)
    )
    winners = [
        a
        for a in campaign.applications.filter(state=ApplicationState.WINNER).select_related("talent").order_by("pk")
        if a.pk not in awarded
    ]
    if not winners:
        return 0
    created = 0
    with transaction.atomic():
        for application in winners:
            payment = Payment(
                line=rule.line,
                kind=PaymentKind.AWARD,
                summary=f"{campaign}{campaign.title_awarded()}奖励",  # i18n: stored (the payment's summary)
                application=application,
                talent=application.talent,
                organization=application.organization,
                amount=rule.amount,
                applied_by=user,
            )
            payment.full_clean()
            check_fits(payment)
            payment.save()
            created += 1
    return created


def received(queryset: QuerySet[Payment], by: str) -> list[tuple[Any, Decimal, int]]:
    """Paid per talent (``by="talent"``) or per institution: (id, total, count), largest first."""
    rows = (
        queryset.filter(state=PaymentState.PAID)
        .exclude(**{f"{by}__isnull": True})
        .values(by)
        .annotate(total=Sum("amount"))
        .order_by("-total", by)
    )
    counted = {
        r[by]: r["n"] for r in queryset.filter(state=PaymentState.PAID).values(by).annotate(n=Count("pk")).order_by()
    }
    return [(row[by], row["total"], counted.get(row[by], 0)) for row in rows]
