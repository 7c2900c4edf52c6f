"""Funds in a real browser: the office writes an allowance rule, the platform proposes the
holders from the registry (免申即享), the office confirms them and generates the year's
batch; a second office member checks it, a leader approves it, it is paid with a voucher
number, and the line's balance and the holder's payment show the amounts."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from playwright.sync_api import expect

from rencai.conftest import make_user, valid_id_number
from rencai.core.roles import Role
from rencai.funds import services
from rencai.funds.models import AllowanceHolder, BudgetLine, Fund, Payment, PaymentBatch
from rencai.orgs.models import Organization
from rencai.talents.models import DictionaryEntry, Talent
from rencai.tests.test_browser import SCREENSHOTS, _log_in, browser  # noqa: F401 - ``browser`` is a fixture
from rencai.tests.test_browser_talents import _new_page


def _act(page, label: str, fields: dict | None = None) -> None:
    page.get_by_role("link", name=label, exact=True).click()
    for selector, value in (fields or {}).items():
        page.fill(selector, value)
    page.click("#action-form button[type=submit]")


def _world():
    category = DictionaryEntry.objects.create(kind="category", code="JR", name="金融商务人才")
    leading = DictionaryEntry.objects.create(kind="tier", code="LJ", name="领军人才")
    office_org = Organization.objects.create(name="资金测试金融办", kind="government")
    bank = Organization.objects.create(name="资金测试甲银行", kind="bank")
    for name in ("office_f", "office_f2"):
        make_user(name, Role.OFFICE, office_org)
    make_user("leader_f", Role.LEADER, office_org)
    for serial, (name, tier) in enumerate((("领军赵", leading), ("领军钱", leading), ("普通孙", None)), start=1):
        talent = Talent(
            name=name, organization=bank, id_number=valid_id_number(serial=serial * 2 + 1), category=category, tier=tier
        )
        talent.full_clean()
        talent.save()
    year = timezone.localdate().year
    fund = Fund.objects.create(year=year, amount=Decimal("2600000.00"))
    line = BudgetLine.objects.create(fund=fund, purpose="allowance", amount=Decimal("1200000.00"))
    return line, leading


def test_an_allowance_scheme_runs_from_rule_to_paid_batch(transactional_db, live_server, browser):  # noqa: F811
    line, leading = _world()
    base = live_server.url
    year = timezone.localdate().year

    office = _new_page(browser)
    _log_in(office, base, "office_f")
    office.goto(f"{base}/o/allowance-schemes/new/")
    office.fill("#id_name", "区委区政府津贴")
    office.select_option("#id_line", label=str(line))
    office.select_option("#id_frequency", "yearly")
    office.fill("#id_term_start", date(year, 1, 1).isoformat())
    office.fill("#id_term_end", date(year, 12, 31).isoformat())
    office.click("#object-form button[type=submit]")
    expect(office.locator("h1")).to_contain_text("区委区政府津贴")
    scheme_url = office.url

    office.goto(f"{base}/o/allowance-rules/new/")
    office.select_option("#id_scheme", label="区委区政府津贴")
    office.fill("#id_name", "领军人才津贴")
    office.select_option("#id_tier", label="领军人才")
    office.fill("#id_amount", "12000.005")
    office.click("#object-form button[type=submit]")
    expect(office.locator("#object-form")).to_contain_text("金额最多保留两位小数")
    office.fill("#id_amount", "12000.00")
    office.click("#object-form button[type=submit]")

    office.goto(scheme_url)
    _act(office, "按规则生成享受名单")
    expect(office.locator(".alert-success")).to_contain_text("已按规则从人才信息库生成2名拟享受人员")
    expect(office.locator("body")).to_contain_text("领军人才津贴：人才层级为领军人才")
    _act(office, "确认全部拟享受人员")
    expect(office.locator(".alert-success")).to_contain_text("已确认2名享受人员")
    _act(office, "生成发放批次", {"#id_period": date(year, 6, 1).isoformat()})
    expect(office.locator(".alert-success")).to_contain_text(f"已生成{year}年度发放批次：2人，合计24000.00元")
    batch = PaymentBatch.objects.get()

    # the member who generated the batch may not check it
    office.goto(f"{base}/o/payment-batches/{batch.pk}/")
    _act(office, "批量审核")
    expect(office.locator("#action-form")).to_contain_text("申请人不能审核自己申请的支出")

    second = _new_page(browser)
    _log_in(second, base, "office_f2")
    second.goto(f"{base}/o/payment-batches/{batch.pk}/")
    _act(second, "批量审核")
    expect(second.locator(".alert-success")).to_contain_text("批量审核")

    leader = _new_page(browser)
    _log_in(leader, base, "leader_f")
    leader.goto(f"{base}/o/payment-batches/{batch.pk}/")
    _act(leader, "批量审批")

    second.goto(f"{base}/o/payment-batches/{batch.pk}/")
    _act(second, "批量登记支付", {"#id_voucher_number": "记-2026-088", "#id_paid_on": timezone.localdate().isoformat()})
    expect(second.locator("body")).to_contain_text("已支付")
    second.screenshot(path=str(SCREENSHOTS / "funds-batch-paid.png"), full_page=True)

    assert set(Payment.objects.values_list("state", "voucher_number")) == {("paid", "记-2026-088")}
    assert AllowanceHolder.objects.filter(state="confirmed").count() == 2
    assert services.balance(line).paid == Decimal("24000.00")
    leader.goto(f"{base}/funds/report/")
    expect(leader.locator("#lines-total")).to_contain_text("24000.00")
    expect(leader.locator("#by-talent")).to_contain_text("领军赵")
