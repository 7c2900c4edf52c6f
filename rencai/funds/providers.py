"""What the funds give other parts: the leader view's block, the document data items
(人才专项资金N万元, 享受津贴人才N人, 发放奖励N万元), the office's to-dos and a talent's
allowances and awards on their profile."""

from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from rencai.core.figures import Block, Figure, ItemScope, Period, data_item, leader_block_provider, list_count, named
from rencai.core.objects import Section, registered, related_sections, section_provider
from rencai.core.roles import CITYWIDE_READERS, Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.funds.models import AllowanceHolder, Fund, HolderState, Payment, PaymentKind, PaymentState, wan


def fund_amount(user: Any, year: int) -> Decimal | None:
    """The year's fund in yuan (None: no fund, or the user may not see funds)."""
    config = registered()["funds"]
    if not config.can_view(user):
        return None
    fund = config.visible(user).filter(year=year).first()
    return fund.amount if isinstance(fund, Fund) else None


def awards_paid(user: Any, year: int, organization: Any = None) -> Decimal | None:
    config = registered()["payments"]
    if not config.can_view(user):
        return None
    payments = config.visible(user).filter(line__fund__year=year, kind=PaymentKind.AWARD, state=PaymentState.PAID)
    if organization is not None:
        payments = payments.filter(organization__path__startswith=organization.path)
    total: Decimal | None = payments.aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0.00")


def allowance_holders(user: Any, year: int) -> int | None:
    return list_count("allowance-holders", user, state=HolderState.CONFIRMED, year=year).value


@leader_block_provider(order=60)
def funds_block(user: Any, period: Period) -> Block | None:
    if role_of(user) not in CITYWIDE_READERS:
        return None
    amount = fund_amount(user, period.year)
    awards = awards_paid(user, period.year)
    holders = list_count("allowance-holders", user, state=HolderState.CONFIRMED, year=period.year)
    paid = list_count("payments", user, year=period.year, state=PaymentState.PAID)
    return Block(
        _("%(period)s人才专项资金") % {"period": period},
        [
            Figure(_("专项资金（万元）"), Decimal(wan(amount)) if amount is not None else None, "/funds/report/"),
            named(_("享受津贴人才"), holders),
            Figure(_("发放奖励（万元）"), Decimal(wan(awards)) if awards is not None else None),
            named(_("已支付笔数"), paid),
        ],
    )


@data_item("人才专项资金万元", "本年度人才专项资金总额（万元）")
def fund_item(scope: ItemScope) -> str | None:
    if scope.organization is not None:
        return None
    amount = fund_amount(scope.user, scope.period.year)
    return wan(amount) if amount is not None else None


@data_item("享受津贴人才数", "本年度享受人才津贴人数")
def holders_item(scope: ItemScope) -> int | None:
    if scope.organization is None:
        return allowance_holders(scope.user, scope.period.year)
    holders = AllowanceHolder.objects.visible_to(scope.user).filter(
        state=HolderState.CONFIRMED,
        scheme__term_start__year__lte=scope.period.year,
        scheme__term_end__year__gte=scope.period.year,
        talent__organization__path__startswith=scope.organization.path,
    )
    return holders.count()


@data_item("发放奖励万元", "本年度已发放评选奖励（万元）")
def awards_item(scope: ItemScope) -> str | None:
    total = awards_paid(scope.user, scope.period.year, scope.organization)
    return wan(total) if total is not None else None


@todo_provider
def funds_todos(user: Any) -> list[Todo]:
    role = role_of(user)
    if role == Role.OFFICE:
        waiting = Payment.objects.filter(state=PaymentState.APPLIED).exclude(applied_by=user).count()
        proposed = AllowanceHolder.objects.filter(state=HolderState.PROPOSED).count()
        todos = []
        if waiting:
            todos.append(Todo(_("%(n)s笔资金支出待审核") % {"n": waiting}, "/o/payments/?state=applied", waiting))
        if proposed:
            todos.append(
                Todo(
                    _("%(n)s名津贴拟享受人员待确认") % {"n": proposed}, "/o/allowance-holders/?state=proposed", proposed
                )
            )
        return todos
    if role == Role.LEADER:
        checked = Payment.objects.filter(state=PaymentState.CHECKED).count()
        if checked:
            return [Todo(_("%(n)s笔资金支出待审批") % {"n": checked}, "/o/payments/?state=checked", checked)]
    return []


@section_provider("talents")
def talent_funds(talent: Any, user: Any) -> list[Section]:
    return related_sections(
        [
            (_("津贴"), AllowanceHolder, ["scheme", "eligibility", "amount", "state", "stopped_from", "stop_reason"]),
            (_("资金支付"), Payment, ["kind", "summary", "amount", "state", "paid_on"]),
        ],
        user,
        talent=talent.pk,
    )
