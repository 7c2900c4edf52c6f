"""Two payments written at the same time cannot both take the last of a line's balance:
the overdraft check locks the line (select_for_update) until the write commits.
PostgreSQL only: SQLite serialises every write anyway."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from rencai.core.errors import Refused
from rencai.funds import services
from rencai.funds.models import BudgetLine, Fund, Payment
from rencai.orgs.models import Organization

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


def test_concurrent_payments_cannot_overdraw(transactional_db):
    fund = Fund.objects.create(year=2097, amount=Decimal("1000.00"))
    line = BudgetLine.objects.create(fund=fund, purpose="other", amount=Decimal("1000.00"))
    payee = Organization.objects.create(name="并发收款行", kind="bank")
    first_locked, outcomes = threading.Event(), {}

    def write(name: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                payment = Payment(line=line, kind="other", summary=name, organization=payee, amount=Decimal("600.00"))
                services.check_fits(payment)
                if hold:
                    first_locked.set()
                    threading.Event().wait(0.5)  # the other write starts while this one holds the line
                payment.save()
            outcomes[name] = "saved"
        except Refused as exc:
            outcomes[name] = str(exc)
        finally:
            connections.close_all()

    first = threading.Thread(target=write, args=("甲", True))
    first.start()
    assert first_locked.wait(5)
    second = threading.Thread(target=write, args=("乙", False))
    second.start()
    first.join(10)
    second.join(10)
    assert outcomes["甲"] == "saved"
    assert "超出可用余额" in outcomes["乙"] and "可用余额400.00元" in outcomes["乙"]
    assert Payment.objects.count() == 1
    assert services.balance(line).remaining == Decimal("400.00")
