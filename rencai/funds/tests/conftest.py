from datetime import date
from decimal import Decimal

import pytest

from rencai.accounts.models import User
from rencai.conftest import make_user, verified_client
from rencai.core.roles import Role
from rencai.funds.models import BudgetLine, Fund, Purpose


@pytest.fixture
def office2(users) -> User:
    return make_user("office2", Role.OFFICE, users["office"].organization)


@pytest.fixture
def office2_client(office2):
    return verified_client(office2)


@pytest.fixture
def fund(db) -> Fund:
    fund = Fund.objects.create(
        year=date.today().year, amount=Decimal("2600000.00"), document_number="金办发〔2026〕1号"
    )
    shares = {
        Purpose.TRAINING: "600000",
        Purpose.AWARD: "300000",
        Purpose.ALLOWANCE: "1200000",
        Purpose.VISIT: "200000",
        Purpose.SITE: "200000",
        Purpose.OTHER: "100000",
    }
    for purpose, amount in shares.items():
        BudgetLine.objects.create(fund=fund, purpose=purpose, amount=Decimal(amount))
    return fund


@pytest.fixture
def lines(fund) -> dict[str, BudgetLine]:
    return {line.purpose: line for line in fund.lines.all()}
