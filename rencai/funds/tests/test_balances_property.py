"""Property: over any sequence of commitments, checks, approvals, payments, reversals,
rejections and budget adjustments, taken through the one write path, every line's
balance equals the sum of its records and nothing ever goes negative."""

from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rencai.conftest import make_user
from rencai.core.errors import Refused
from rencai.core.objects import registered
from rencai.core.objects.writes import run_action, save_object
from rencai.core.roles import Role
from rencai.funds import services
from rencai.funds.models import (
    COMMITTED_STATES,
    AdjustmentDirection,
    ApprovalState,
    BudgetAdjustment,
    BudgetLine,
    Fund,
    Payment,
    PaymentState,
    Purpose,
)
from rencai.orgs.models import Organization

amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("3000.00"), places=2)
operation = st.one_of(
    st.tuples(st.just("commit"), st.integers(0, 1), amounts),
    st.tuples(st.just("step"), st.integers(0, 30), st.sampled_from(["check", "approve", "pay", "reverse", "reject"])),
    st.tuples(st.just("adjust"), st.integers(0, 1), amounts, st.sampled_from(list(AdjustmentDirection.values))),
)


def expected(line: BudgetLine) -> services.Balance:
    """The balance as an independent sum over every record of the line."""
    budget = line.amount
    for adjustment in BudgetAdjustment.objects.filter(line=line, state=ApprovalState.APPROVED):
        budget += adjustment.amount if adjustment.direction == AdjustmentDirection.INCREASE else -adjustment.amount
    committed = paid = Decimal("0.00")
    for payment in Payment.objects.filter(line=line):
        if payment.state in COMMITTED_STATES:
            committed += payment.amount
        elif payment.state == PaymentState.PAID:
            paid += payment.amount
    return services.Balance(budget, committed, paid)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(operation, min_size=1, max_size=20))
def test_every_balance_is_the_sum_of_its_records_and_never_negative(db, operations):
    payments_config, adjustments_config = registered()["payments"], registered()["budget-adjustments"]
    with transaction.atomic():
        office_org = Organization.objects.create(name="办公室", kind="government")
        payee = Organization.objects.create(name="收款行", kind="bank")
        applicant = make_user("p_applicant", Role.OFFICE, office_org)
        checker = make_user("p_checker", Role.OFFICE, office_org)
        leader = make_user("p_leader", Role.LEADER, office_org)
        fund = Fund.objects.create(year=2099, amount=Decimal("12000.00"))
        lines = [
            BudgetLine.objects.create(fund=fund, purpose=Purpose.TRAINING, amount=Decimal("5000.00")),
            BudgetLine.objects.create(fund=fund, purpose=Purpose.OTHER, amount=Decimal("3000.00")),
        ]
        actor = {"check": checker, "approve": leader, "pay": checker, "reverse": applicant, "reject": leader}
        inputs = {
            "pay": {"voucher_number": "记-1", "paid_on": fund.created_at.date()},
            "reverse": {"reversal_reason": "差错"},
            "reject": {"reversal_reason": "不符"},
        }
        for op in operations:
            try:
                if op[0] == "commit":
                    payment = Payment(line=lines[op[1]], kind="other", summary="支出", organization=payee, amount=op[2])
                    payment.full_clean()
                    save_object(payments_config, payment, applicant)
                elif op[0] == "step":
                    existing = list(Payment.objects.order_by("pk"))
                    if not existing:
                        continue
                    payment = existing[op[1] % len(existing)]
                    action = payments_config.action(op[2])
                    assert action is not None
                    run_action(payments_config, action, payment, actor[op[2]], inputs.get(op[2], {}))
                else:
                    adjustment = BudgetAdjustment(line=lines[op[1]], direction=op[3], amount=op[2], reason="调整")
                    adjustment.full_clean()
                    save_object(adjustments_config, adjustment, applicant)
                    approve = adjustments_config.action("approve")
                    assert approve is not None
                    run_action(adjustments_config, approve, adjustment, leader, {"approval_note": ""})
            except Refused:
                pass
            for line in lines:
                line.refresh_from_db()
                actual, independent = services.balance(line), expected(line)
                assert actual == independent
                assert actual.committed >= 0 and actual.paid >= 0 and actual.remaining >= 0
            total = services.fund_balance(fund)
            assert total.budget <= fund.amount
            assert total == sum((services.balance(line) for line in lines), services.EMPTY)
        transaction.set_rollback(True)
