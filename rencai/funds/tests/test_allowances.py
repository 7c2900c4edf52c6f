"""Allowance schemes (免申即享): the list proposed from the registry with the rule that made
each eligible, confirmed by the office, batches per period through the payment workflow,
holders who leave, move away or lose the tier stopped from the next period with the
reason; and awards to a decided selection's winners, one per honour."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from rencai.core.errors import Refused
from rencai.funds import services
from rencai.funds.models import AllowanceHolder, AllowanceRule, AllowanceScheme, AwardRule, Payment, PaymentBatch
from rencai.orgs.models import Organization, Region
from rencai.talents.models import DictionaryEntry, Honour


@pytest.fixture
def scheme(lines, dicts, region):
    year = timezone.localdate().year
    scheme = AllowanceScheme.objects.create(
        name="区委区政府津贴",
        line=lines["allowance"],
        frequency="monthly",
        term_start=date(year, 1, 1),
        term_end=date(year, 12, 31),
        region=region,
    )
    AllowanceRule.objects.create(scheme=scheme, name="领军人才", tier=dicts["LJ"], amount=Decimal("2000.00"))
    AllowanceRule.objects.create(scheme=scheme, name="百层次", level=dicts["B"], amount=Decimal("1500.00"))
    AllowanceRule.objects.create(
        scheme=scheme, name="优秀金融人才", honour_name="优秀金融人才", amount=Decimal("1000.00")
    )
    return scheme


@pytest.fixture
def people(make_talent, bank, bank_branch, other_bank, dicts):
    leader = make_talent("领军甲", bank, tier=dicts["LJ"], level=dicts["B"])
    hundred = make_talent("百层乙", other_bank, level=dicts["B"])
    honoured = make_talent("荣誉丙", bank_branch)
    Honour.objects.create(talent=honoured, name="2025年度优秀金融人才", awarded_on=date(2025, 12, 1))
    plain = make_talent("普通丁", bank, tier=dicts["YC"])
    return {"leader": leader, "hundred": hundred, "honoured": honoured, "plain": plain}


def _do(client, slug, obj, action, data=None):
    return client.post(f"/o/{slug}/{obj.pk}/do/{action}/", data or {})


def test_the_platform_proposes_holders_with_their_rule_and_the_office_confirms(client_for, scheme, people):
    office = client_for("office")
    assert _do(office, "allowance-schemes", scheme, "propose").status_code == 302
    holders = {h.talent.name: h for h in AllowanceHolder.objects.filter(scheme=scheme)}
    assert set(holders) == {"领军甲", "百层乙", "荣誉丙"}
    assert holders["领军甲"].amount == Decimal("2000.00")  # the best of the rules that match
    assert holders["领军甲"].eligibility == "领军人才：人才层级为领军人才"
    assert holders["荣誉丙"].eligibility == "优秀金融人才：获“优秀金融人才”荣誉"
    assert {h.state for h in holders.values()} == {"proposed"}
    assert _do(office, "allowance-schemes", scheme, "propose").status_code == 302
    assert AllowanceHolder.objects.filter(scheme=scheme).count() == 3  # proposing again adds nobody
    assert _do(client_for("leader"), "allowance-schemes", scheme, "confirm_all").status_code == 403
    assert _do(office, "allowance-schemes", scheme, "confirm_all").status_code == 302
    assert set(AllowanceHolder.objects.values_list("state", flat=True)) == {"confirmed"}
    scheme.refresh_from_db()
    assert scheme.state == "active"


def test_a_batch_goes_from_rule_to_paid_and_leavers_stop_from_the_next_period(
    client_for, office2_client, users, scheme, people, lines, region
):
    office, leader = client_for("office"), client_for("leader")
    services.propose_holders(scheme)
    services.confirm_holders(scheme, users["office"])
    year = timezone.localdate().year
    march = _do(office, "allowance-schemes", scheme, "generate", {"period": f"{year}-03-15"})
    assert march.status_code == 302
    batch = PaymentBatch.objects.get(scheme=scheme)
    assert (batch.label, batch.period_start, batch.period_end) == (f"{year}年3月", date(year, 3, 1), date(year, 3, 31))
    assert batch.payments.count() == 3 and services.batch_total(batch) == Decimal("4500.00")
    assert services.balance(lines["allowance"]).committed == Decimal("4500.00")
    again = _do(office, "allowance-schemes", scheme, "generate", {"period": f"{year}-03-01"})
    assert again.status_code == 409 and PaymentBatch.objects.count() == 1

    assert _do(office, "payment-batches", batch, "check").status_code == 400  # the office member who generated it
    assert _do(office2_client, "payment-batches", batch, "check").status_code == 302
    assert _do(leader, "payment-batches", batch, "approve").status_code == 302
    paid_on = timezone.localdate()
    assert (
        _do(
            office2_client, "payment-batches", batch, "pay", {"voucher_number": "记-301", "paid_on": paid_on}
        ).status_code
        == 302
    )
    batch.refresh_from_db()
    assert batch.state == "paid"
    assert set(batch.payments.values_list("state", "voucher_number")) == {("paid", "记-301")}
    assert services.balance(lines["allowance"]).paid == Decimal("4500.00")

    # the leader leaves the registry, 百层乙's bank moves out of the district, 荣誉丙 keeps going
    people["leader"].is_active = False
    people["leader"].save()
    elsewhere = Region.objects.create(code="370103", name="市中区")
    Organization.objects.filter(pk=people["hundred"].organization_id).update(region=elsewhere)
    assert _do(office, "allowance-schemes", scheme, "generate", {"period": f"{year}-04-02"}).status_code == 302
    april = PaymentBatch.objects.get(period_start=date(year, 4, 1))
    assert list(april.payments.values_list("talent__name", flat=True)) == ["荣誉丙"]
    stopped = {h.talent.name: h for h in AllowanceHolder.objects.filter(state="stopped")}
    assert stopped["领军甲"].stopped_from == date(year, 4, 1)
    assert stopped["领军甲"].stop_reason == "人才已出库（离开）"
    assert "已迁离历下区" in stopped["百层乙"].stop_reason
    # March stays paid for all three
    assert batch.payments.filter(state="paid").count() == 3


def test_a_payment_to_a_talent_not_eligible_is_refused(client_for, users, scheme, people, lines):
    services.propose_holders(scheme)
    services.confirm_holders(scheme, users["office"])
    office = client_for("office")
    data = {
        "line": lines["allowance"].pk,
        "kind": "allowance",
        "summary": "津贴",
        "amount": "1000.00",
        "scheme": scheme.pk,
    }
    outsider = office.post("/o/payments/new/", {**data, "talent": people["plain"].pk})
    assert "普通丁不在“区委区政府津贴”的享受名单中" in outsider.content.decode()
    dicts_yc = DictionaryEntry.objects.get(code="YC")
    honoured = people["honoured"]
    Honour.objects.filter(talent=honoured).delete()
    honoured.tier = dicts_yc
    honoured.save()
    lost = office.post("/o/payments/new/", {**data, "talent": honoured.pk})
    assert "已不符合" in lost.content.decode() and "不再符合任何津贴规则" in lost.content.decode()
    assert not Payment.objects.exists()
    assert office.post("/o/payments/new/", {**data, "talent": people["leader"].pk}).status_code == 302


def test_a_stopped_holder_is_not_paid_from_the_stop_on(users, scheme, people, lines):
    services.propose_holders(scheme)
    services.confirm_holders(scheme, users["office"])
    holder = AllowanceHolder.objects.get(talent=people["honoured"])
    services.stop_holder(holder, date(2000, 1, 1), "本人申请")
    payment = Payment(
        line=lines["allowance"],
        kind="allowance",
        summary="x",
        talent=people["honoured"],
        scheme=scheme,
        amount=Decimal(1),
    )
    payment.full_clean()
    with pytest.raises(Refused, match="已自2000-01-01起停发（本人申请）"):
        services.check_allowance(payment)


def test_holders_are_scoped_to_the_institution_and_the_talent(client_for, users, scheme, people, bank_branch):
    people["honoured"].user = users["talent"]
    people["honoured"].save()
    services.propose_holders(scheme)
    liaison = client_for("liaison").get("/o/allowance-holders/").content.decode()
    assert "领军甲" in liaison and "荣誉丙" in liaison and "百层乙" not in liaison
    own = client_for("talent").get("/o/allowance-holders/").content.decode()
    assert "荣誉丙" in own and "领军甲" not in own
    assert client_for("liaison").get("/o/allowance-schemes/").status_code == 403


def test_awards_go_once_to_each_winner_of_a_decided_selection(client_for, users, lines, make_talent, bank, other_bank):
    from rencai.selections.models import Application, Campaign, CampaignState

    campaign = Campaign.objects.create(
        name="最美青年金融工作者",
        kind="individual",
        year=2026,
        opens_on=date(2026, 1, 1),
        closes_on=date(2026, 2, 1),
        quota_total=2,
        state=CampaignState.REVIEW,
    )
    winners = []
    for name, org in (("当选甲", bank), ("当选乙", other_bank), ("落选丙", bank)):
        talent = make_talent(name, org)
        winners.append(
            Application.objects.create(
                campaign=campaign,
                organization=org,
                talent=talent,
                route="nomination",
                summary="事迹",
                submitted_by=users["office"],
                state="winner" if name.startswith("当选") else "not_shortlisted",
            )
        )
    rule = AwardRule.objects.create(campaign=campaign, line=lines["award"], amount=Decimal("30000.00"))
    office = client_for("office")
    early = _do(office, "award-rules", rule, "commit")
    assert early.status_code == 400 and "评选结果尚未公布" in early.content.decode()
    Campaign.objects.filter(pk=campaign.pk).update(state=CampaignState.DECIDED)
    assert _do(office, "award-rules", rule, "commit").status_code == 302
    awards = Payment.objects.filter(kind="award").order_by("talent__name")
    assert [(p.talent.name, p.amount, p.organization) for p in awards] == [
        ("当选乙", Decimal("30000.00"), other_bank),
        ("当选甲", Decimal("30000.00"), bank),
    ]
    assert _do(office, "award-rules", rule, "commit").status_code == 302
    assert Payment.objects.filter(kind="award").count() == 2  # one per honour
    duplicate = office.post(
        "/o/payments/new/",
        {"line": lines["award"].pk, "kind": "award", "summary": "再发", "application": winners[0].pk, "amount": "1.00"},
    )
    assert "该当选者已有一笔奖励支出" in duplicate.content.decode()
    assert services.balance(lines["award"]).committed == Decimal("60000.00")
