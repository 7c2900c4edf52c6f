"""The seeds' figures come back: the leader view's funds block and the document data items
(人才专项资金N万元, 享受津贴人才N人, 发放奖励N万元) in a generated 工作总结."""

from datetime import date
from decimal import Decimal

from django.utils import timezone
from docx import Document

from rencai.core.todos import todos_for
from rencai.dashboards.generation import generate
from rencai.dashboards.models import DocumentTemplate, GeneratedDocument
from rencai.funds import services
from rencai.funds.models import AllowanceRule, AllowanceScheme, Payment


def _world(users, lines, make_talent, bank, other_bank, dicts):
    year = timezone.localdate().year
    scheme = AllowanceScheme.objects.create(
        name="区委区政府津贴", line=lines["allowance"], term_start=date(year, 1, 1), term_end=date(year, 12, 31)
    )
    AllowanceRule.objects.create(scheme=scheme, name="领军", tier=dicts["LJ"], amount=Decimal("5000.00"))
    for n, org in enumerate((bank, other_bank, bank)):
        make_talent(f"领军{n}", org, tier=dicts["LJ"])
    services.propose_holders(scheme)
    services.confirm_holders(scheme, users["office"])
    for org, amount in ((bank, "40000.00"), (other_bank, "20000.00")):
        Payment.objects.create(
            line=lines["award"],
            kind="award",
            summary="奖励",
            organization=org,
            amount=Decimal(amount),
            state="paid",
            voucher_number="记-1",
            paid_on=timezone.localdate(),
        )
    return year


def test_leader_view_and_document_give_the_seed_figures(client_for, users, lines, make_talent, bank, other_bank, dicts):
    year = _world(users, lines, make_talent, bank, other_bank, dicts)
    page = client_for("leader").get("/dashboards/").content.decode()
    assert f"{year}年人才专项资金" in page and "专项资金（万元）" in page and "260" in page
    template = DocumentTemplate.objects.create(
        kind="work_report",
        title="工作总结",
        body="全年安排人才专项资金{{人才专项资金万元}}万元，{{享受津贴人才数}}名人才享受津贴，发放奖励{{发放奖励万元}}万元。",
    )
    document = GeneratedDocument.objects.create(template=template, year=year, requested_by=users["office"])
    generate(document)
    text = "\n".join(p.text for p in Document(document.file.open("rb")).paragraphs)
    assert "全年安排人才专项资金260万元，3名人才享受津贴，发放奖励6万元。" in text
    scoped = GeneratedDocument.objects.create(
        template=template, year=year, organization=bank, requested_by=users["office"]
    )
    generate(scoped)
    text = "\n".join(p.text for p in Document(scoped.file.open("rb")).paragraphs)
    assert "2名人才享受津贴，发放奖励4万元" in text


def test_to_dos_ask_the_right_people(users, lines, bank):
    Payment.objects.create(
        line=lines["other"], kind="other", summary="x", organization=bank, amount=Decimal(1), applied_by=users["leader"]
    )
    assert any("待审核" in t.title for t in todos_for(users["office"]))
    Payment.objects.update(state="checked")
    assert any("待审批" in t.title for t in todos_for(users["leader"]))
