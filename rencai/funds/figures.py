"""The funds' reports: per fund, line and purpose what is budgeted, committed, paid and
left; per talent and per institution what was received; the finance ledger (科目, 摘要,
金额, 凭证号). Every figure is summed from the records the user may see."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core.objects import registered
from rencai.funds import services
from rencai.funds.models import Fund, Payment, PaymentState
from rencai.orgs.models import Organization
from rencai.talents.models import Talent

LEDGER_HEADERS = [gettext_lazy("科目"), gettext_lazy("摘要"), gettext_lazy("金额"), gettext_lazy("凭证号")]


@dataclass
class LineRow:
    subject: str
    purpose: str
    balance: services.Balance


def fund_rows(fund: Fund) -> list[LineRow]:
    rows = [LineRow(subject_of(line), line.get_purpose_display(), services.balance(line)) for line in fund.lines.all()]
    return rows


def subject_of(line: Any) -> str:
    """The finance subject of a line: 人才专项资金-津贴."""
    return f"{line.fund.name}-{line.get_purpose_display()}"


def visible_payments(user: Any) -> QuerySet[Payment]:
    return registered()["payments"].visible(user).select_related("line__fund", "talent", "organization")


def by_talent(payments: QuerySet[Payment]) -> list[tuple[Talent, Decimal, int]]:
    rows = services.received(payments, "talent")
    talents = Talent.objects.in_bulk([r[0] for r in rows])
    return [(talents[pk], total, count) for pk, total, count in rows if pk in talents]


def by_institution(payments: QuerySet[Payment]) -> list[tuple[Organization, Decimal, int]]:
    rows = services.received(payments, "organization")
    organizations = Organization.objects.in_bulk([r[0] for r in rows])
    return [(organizations[pk], total, count) for pk, total, count in rows if pk in organizations]


def ledger_rows(payments: QuerySet[Payment], unmasked: bool) -> Iterator[list[str]]:
    """One row per payment made, and a red (negative) row per reversal, then the total."""
    total = Decimal("0.00")

    def money(amount: Decimal) -> str:
        return f"{amount:.2f}" if unmasked else "***"

    done = payments.filter(state__in=(PaymentState.PAID, PaymentState.REVERSED)).order_by("paid_on", "pk")
    for payment in done.iterator(chunk_size=2000):
        subject = subject_of(payment.line)
        payee = payment.talent.name if payment.talent else str(payment.organization or "")
        yield [
            subject,
            _("%(paid_on)s 付%(payee)s：%(summary)s")
            % {"paid_on": payment.paid_on or "", "payee": payee, "summary": payment.summary},
            money(payment.amount),
            payment.voucher_number,
        ]
        total += payment.amount
        if payment.state == PaymentState.REVERSED:
            yield [
                subject,
                _("冲销：付%(payee)s：%(summary)s（%(reversal_reason)s）")
                % {"payee": payee, "summary": payment.summary, "reversal_reason": payment.reversal_reason},
                money(-payment.amount),
                payment.voucher_number,
            ]
            total -= payment.amount
    yield [_("合计"), "", money(total), ""]
