"""Funds, lines, adjustments and payments: money checked to the cent, the payment workflow
with its separation of duties, overdraft refused with the balance, paid records frozen,
who sees what, masked exports and the finance ledger."""

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.db import transaction
from django.utils import timezone

from rencai.core.errors import Refused
from rencai.core.models import AuditAction, AuditEntry
from rencai.core.objects import registered
from rencai.core.objects.writes import run_action
from rencai.funds import services
from rencai.funds.models import BudgetAdjustment, BudgetLine, Fund, Payment, PaymentState


def _payment(client, line, organization, amount="1000.00", summary="专题调研经费", kind="other"):
    return client.post(
        "/o/payments/new/",
        {"line": line.pk, "kind": kind, "summary": summary, "organization": organization.pk, "amount": amount},
    )


def _do(client, payment, action, data=None):
    return client.post(f"/o/payments/{payment.pk}/do/{action}/", data or {})


def test_amounts_refuse_negatives_and_a_third_decimal_in_chinese(client_for):
    office = client_for("office")
    negative = office.post("/o/funds/new/", {"year": 2030, "name": "人才专项资金", "amount": "-1"})
    assert "金额不能为负数。" in negative.context["form"].errors["amount"]
    cents = office.post("/o/funds/new/", {"year": 2030, "name": "人才专项资金", "amount": "100.005"})
    assert "金额最多保留两位小数（元、角、分）。" in cents.context["form"].errors["amount"]
    api = office.post("/api/funds/", {"year": 2030, "name": "x", "amount": "-5.00"}, content_type="application/json")
    assert api.status_code == 400 and "金额不能为负数。" in str(api.json())
    assert not Fund.objects.filter(year=2030).exists()
    ok = office.post("/o/funds/new/", {"year": 2030, "name": "人才专项资金", "amount": "2600000.50"})
    assert ok.status_code == 302
    assert Fund.objects.get(year=2030).amount == Decimal("2600000.50")


def test_lines_cannot_allot_more_than_the_fund(client_for, fund):
    extra = client_for("office").post("/o/budget-lines/new/", {"fund": fund.pk, "purpose": "other", "amount": "1"})
    assert extra.status_code == 200  # 其他 already exists: the unique message
    line = fund.lines.get(purpose="other")
    line.delete()
    over = client_for("office").post(
        "/o/budget-lines/new/", {"fund": fund.pk, "purpose": "other", "amount": "100000.01"}
    )
    assert "不能超过资金总额" in str(over.context["form"].errors)
    assert not fund.lines.filter(purpose="other").exists()


def test_payment_runs_from_application_to_payment_with_separate_people(
    client_for, office2, office2_client, users, lines, other_bank
):
    office, leader = client_for("office"), client_for("leader")
    line = lines["visit"]
    assert _payment(office, line, other_bank, "5000.00").status_code == 302
    payment = Payment.objects.get()
    assert (payment.state, payment.applied_by, payment.organization) == ("applied", users["office"], other_bank)
    assert services.balance(line).committed == Decimal("5000.00")

    own = _do(office, payment, "check")
    assert own.status_code == 400 and "申请人不能审核自己申请的支出" in own.content.decode()
    assert _do(office, payment, "pay", {"voucher_number": "记-1", "paid_on": "2026-01-01"}).status_code == 403
    payment.refresh_from_db()
    assert payment.state == "applied"

    assert _do(office2_client, payment, "check").status_code == 302
    assert _do(office, payment, "approve").status_code == 403  # only leaders approve
    assert _do(leader, payment, "approve").status_code == 302
    empty = _do(office2_client, payment, "pay", {"voucher_number": "", "paid_on": timezone.localdate()})
    assert empty.status_code == 200
    future = _do(
        office2_client, payment, "pay", {"voucher_number": "记-7", "paid_on": date.today() + timedelta(days=3)}
    )
    assert "支付日期不能晚于今天" in future.content.decode()
    assert (
        _do(office2_client, payment, "pay", {"voucher_number": "记-7", "paid_on": timezone.localdate()}).status_code
        == 302
    )
    payment.refresh_from_db()
    assert (payment.state, payment.voucher_number, payment.checked_by, payment.approved_by) == (
        "paid",
        "记-7",
        office2,
        users["leader"],
    )
    assert payment.paid_at is not None
    current = services.balance(line)
    assert (current.committed, current.paid, current.remaining) == (
        Decimal("0.00"),
        Decimal("5000.00"),
        Decimal("195000.00"),
    )
    states = [
        e.changes.get("state")
        for e in AuditEntry.objects.filter(object_type="funds.payment", object_id=str(payment.pk)).order_by("seq")
    ]
    assert [s[1] if isinstance(s, list) else s for s in states if s] == ["applied", "checked", "approved", "paid"]


def act(name: str, payment, user, data=None):
    config = registered()["payments"]
    action = config.action(name)
    assert action is not None
    return run_action(config, action, payment, user, data or {})


def _paid(line, organization, user_apply, user_check, user_approve, amount="1000.00") -> Payment:
    payment = Payment(line=line, kind="other", summary="支出", organization=organization, amount=Decimal(amount))
    payment.applied_by = user_apply
    payment.full_clean()
    with transaction.atomic():
        services.check_fits(payment)
        payment.save()
    act("check", payment, user_check)
    act("approve", payment, user_approve)
    act("pay", payment, user_check, {"voucher_number": "记-9", "paid_on": timezone.localdate()})
    payment.refresh_from_db()
    return payment


def test_a_paid_payment_cannot_be_changed_only_reversed(client_for, users, office2, lines, other_bank):
    payment = _paid(lines["other"], other_bank, users["office"], office2, users["leader"])
    office = client_for("office")
    edit = office.post(
        f"/o/payments/{payment.pk}/edit/",
        {
            "line": payment.line_id,
            "kind": "other",
            "summary": "改过的摘要",
            "organization": other_bank.pk,
            "amount": "1.00",
            "_version": payment.version,
        },
    )
    assert "已支付的款项不能修改" in edit.content.decode()
    payment.summary = "直接改"
    with pytest.raises(Exception, match="已支付的款项不能修改"):
        payment.save()
    payment.refresh_from_db()
    assert payment.summary == "支出"
    assert office.post(f"/o/payments/{payment.pk}/delete/").status_code == 403
    no_reason = _do(office, payment, "reverse", {"reversal_reason": ""})
    assert no_reason.status_code == 200
    assert _do(office, payment, "reverse", {"reversal_reason": "重复支付，已收回"}).status_code == 302
    payment.refresh_from_db()
    assert (payment.state, payment.reversed_by) == ("reversed", users["office"])
    assert services.balance(lines["other"]).paid == Decimal("0.00")
    assert Payment.objects.filter(pk=payment.pk).exists()  # never deleted


def test_an_overdraft_is_refused_with_the_lines_balance(client_for, users, office2, lines, other_bank):
    line = lines["site"]  # 200,000
    _paid(line, other_bank, users["office"], office2, users["leader"], "150000.00")
    office = client_for("office")
    assert _payment(office, line, other_bank, "40000.00").status_code == 302
    response = _payment(office, line, other_bank, "10000.01")
    message = str(response.context["form"].errors)
    assert "超出可用余额" in message
    assert "已列支待付40,000.00元" in message and "已支付150,000.00元" in message and "可用余额10,000.00元" in message
    assert Payment.objects.filter(line=line).count() == 2
    assert _payment(office, line, other_bank, "10000.00").status_code == 302
    assert services.balance(line).remaining == Decimal("0.00")


def test_adjustments_need_someone_else_and_must_fit(client_for, office2_client, users, lines, fund):
    office, leader = client_for("office"), client_for("leader")
    line = lines["training"]
    assert (
        office.post(
            "/o/budget-adjustments/new/",
            {"line": line.pk, "direction": "increase", "amount": "1", "reason": "增加班次"},
        ).status_code
        == 302
    )
    adjustment = BudgetAdjustment.objects.get()
    own = office.post(f"/o/budget-adjustments/{adjustment.pk}/do/approve/", {"approval_note": ""})
    assert own.status_code == 400 and "提出人不能审批自己提出的预算调整" in own.content.decode()
    # the six lines already allot the whole fund: an increase does not fit
    over = leader.post(f"/o/budget-adjustments/{adjustment.pk}/do/approve/", {"approval_note": ""})
    assert over.status_code == 400 and "将超过资金总额" in over.content.decode()
    fund.amount = Decimal("2600001.00")
    fund.save()
    assert (
        leader.post(f"/o/budget-adjustments/{adjustment.pk}/do/approve/", {"approval_note": "同意"}).status_code == 302
    )
    assert services.balance(line).budget == Decimal("600001.00")
    cut = BudgetAdjustment.objects.create(
        line=line, direction="decrease", amount=Decimal("600001.01"), reason="压减", proposed_by=users["office"]
    )
    too_much = leader.post(f"/o/budget-adjustments/{cut.pk}/do/approve/", {"approval_note": ""})
    assert "超过可用余额" in too_much.content.decode()
    assert services.balance(line).budget == Decimal("600001.00")


def test_who_sees_which_payments(client_for, users, office2, lines, bank, other_bank, make_talent, bank_branch):
    talent = make_talent("享受人", bank_branch, user=users["talent"])
    ours = Payment.objects.create(
        line=lines["visit"],
        kind="visit",
        summary="甲行慰问",
        talent=talent,
        organization=bank_branch,
        amount=Decimal(800),
    )
    theirs = Payment.objects.create(
        line=lines["visit"], kind="other", summary="乙行秘密支出", organization=other_bank, amount=Decimal(900)
    )
    liaison = client_for("liaison").get("/o/payments/").content.decode()
    assert "甲行慰问" in liaison and "乙行秘密支出" not in liaison
    assert client_for("liaison").get(f"/o/payments/{theirs.pk}/").status_code == 404
    own = client_for("talent").get("/o/payments/").content.decode()
    assert "甲行慰问" in own and "乙行秘密支出" not in own
    assert client_for("talent").get(f"/o/payments/{ours.pk}/").status_code == 200
    assert client_for("liaison").get("/o/funds/").status_code == 403
    assert client_for("reviewer").get("/o/payments/").status_code == 403
    leader = client_for("leader").get("/o/payments/").content.decode()
    assert "甲行慰问" in leader and "乙行秘密支出" in leader


def _sheet(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return openpyxl.load_workbook(io.BytesIO(content)).active


def test_amounts_are_masked_in_exports_unless_unmasked(client_for, lines, other_bank):
    Payment.objects.create(
        line=lines["other"], kind="other", summary="调研", organization=other_bank, amount=Decimal("1234.56")
    )
    leader = _sheet(client_for("leader").get("/o/payments/export/?unmask=1"))
    values = [c.value for c in leader[2]]
    assert "***" in values and "1234.56" not in values
    office = _sheet(client_for("office").get("/o/payments/export/?unmask=1"))
    assert "1234.56" in [c.value for c in office[2]]
    masked = _sheet(client_for("office").get("/o/payments/export/"))
    assert "1234.56" not in [c.value for c in masked[2]]
    assert AuditEntry.objects.filter(action=AuditAction.EXPORT, changes__unmasked=True).count() == 1


def test_finance_ledger_has_subject_summary_amount_voucher_and_reversals(client_for, users, office2, lines, other_bank):
    first = _paid(lines["other"], other_bank, users["office"], office2, users["leader"], "300.00")
    _paid(lines["training"], other_bank, users["office"], office2, users["leader"], "200.50")
    act("reverse", first, users["office"], {"reversal_reason": "退回"})
    sheet = _sheet(client_for("office").get("/funds/ledger.xlsx?unmask=1"))
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == ["科目", "摘要", "金额", "凭证号"]
    amounts = [r[2] for r in rows[1:-1]]
    assert sorted(amounts) == sorted(["300.00", "-300.00", "200.50"])
    assert rows[-1][0] == "合计" and rows[-1][2] == "200.50"
    assert any(r[0] == "人才专项资金-培训" and r[3] == "记-9" for r in rows)
    hidden = _sheet(client_for("leader").get("/funds/ledger.xlsx?unmask=1"))
    assert {r[2] for r in list(hidden.values)[1:]} == {"***"}
    liaison = _sheet(client_for("liaison").get("/funds/ledger.xlsx"))
    assert len(list(liaison.values)) == 2  # header and total: nothing of the other bank


def test_report_sums_lines_and_receivers(client_for, users, office2, lines, fund, other_bank):
    _paid(lines["other"], other_bank, users["office"], office2, users["leader"], "300.00")
    page = client_for("leader").get(f"/funds/report/?fund={fund.pk}").content.decode()
    assert "2600000.00" in page and "乙银行济南分行" in page
    assert client_for("reviewer").get("/funds/report/").status_code == 403
    assert client_for("office").get("/funds/report/?fund=99999999999999999999").status_code == 200


def test_closing_a_fund_waits_for_pending_payments(client_for, lines, fund, other_bank):
    pending = Payment.objects.create(
        line=lines["other"], kind="other", summary="在办", organization=other_bank, amount=Decimal(5)
    )
    office = client_for("office")
    refused = office.post(f"/o/funds/{fund.pk}/do/close/")
    assert refused.status_code == 400 and "仍有1笔支出在办" in refused.content.decode()
    Payment.objects.filter(pk=pending.pk).update(state=PaymentState.REJECTED)
    assert office.post(f"/o/funds/{fund.pk}/do/close/").status_code == 302
    fund.refresh_from_db()
    assert fund.state == "closed"
    late = _payment(office, lines["other"], other_bank, "1.00")
    assert late.status_code == 200 and not Payment.objects.filter(summary="专题调研经费").exists()


def test_line_budget_cannot_drop_below_what_is_used(client_for, users, office2, lines, other_bank):
    line = lines["other"]
    _paid(line, other_bank, users["office"], office2, users["leader"], "60000.00")
    response = client_for("office").post(
        f"/o/budget-lines/{line.pk}/edit/",
        {"fund": line.fund_id, "purpose": "other", "amount": "59999.99", "_version": line.version},
    )
    assert "调整后预算少于已列支和已支付的合计" in response.content.decode()
    assert BudgetLine.objects.get(pk=line.pk).amount == Decimal("100000.00")


def test_refused_is_raised_for_an_allowance_without_a_holder(lines, make_talent, bank):
    from rencai.funds.models import AllowanceScheme

    scheme = AllowanceScheme.objects.create(
        name="津贴", line=lines["allowance"], term_start=date(2026, 1, 1), term_end=date(2026, 12, 31)
    )
    talent = make_talent("无名单", bank)
    payment = Payment(
        line=lines["allowance"], kind="allowance", summary="x", talent=talent, scheme=scheme, amount=Decimal(5)
    )
    payment.full_clean()
    with pytest.raises(Refused, match="不在“津贴”的享受名单中"):
        services.check_allowance(payment)
