"""The information desk's rules, through its pages and API on a real database, with real
.docx and .xlsx files."""

import io
import zipfile
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document

from rencai.bulletins import scores
from rencai.bulletins.models import (
    Adoption,
    Commission,
    CommissionState,
    InfoItem,
    Instruction,
    InstructionState,
    IssueState,
    ItemState,
    Liaison,
    Periodical,
    PeriodicalIssue,
    ScoreRule,
)
from rencai.core.models import AuditEntry

YEAR = timezone.localdate().year


@pytest.fixture
def desk(users, bank, office_org):
    """The liaison of the bank on record, a periodical and an issue being edited."""
    Liaison.objects.create(organization=bank, user=users["liaison"], phone="13912345678", term_start=date(2020, 1, 1))
    periodical = Periodical.objects.create(
        name="金融动态",
        issuer="市金融办秘书处",
        points_news=Decimal("20"),
        points_practice=Decimal("50"),
        report_to="市委、市政府领导",
        send_to="市直有关部门",
        distribute_to="各金融机构",
    )
    issue = PeriodicalIssue.objects.create(
        periodical=periodical, year=YEAR, number=3, serial=27, issued_on=timezone.localdate(), copies=80
    )
    return {"periodical": periodical, "issue": issue}


def submit(client, bank, **extra):
    data = {
        "organization": bank.pk,
        "category": "practice",
        "title": "甲银行导师带徒培养青年人才",
        "body": "甲银行建立导师带徒机制，培训青年骨干三十人次。",
        "head_signoff": "on",
        "signed_by": "张行长",
        **extra,
    }
    return client.post("/o/info-items/new/", data)


def _item(bank):
    return InfoItem.objects.filter(organization=bank).latest("pk")


def test_liaison_submits_and_bad_submissions_are_refused(users, client_for, bank, other_bank, desk):
    liaison = client_for("liaison")
    response = submit(liaison, bank, head_signoff="")
    assert response.status_code == 200
    assert "须经单位负责人审核签发" in response.content.decode()
    assert not InfoItem.objects.exists()

    response = submit(liaison, bank)
    assert response.status_code == 302, response.content.decode()[:2000]
    item = _item(bank)
    assert item.state == ItemState.SUBMITTED and item.author == users["liaison"]
    assert list(item.versions.values_list("number", "note")) == [(1, "原稿")]

    # Another bank's liaison (without a liaison record) is no liaison of the unit.
    other = client_for("other_liaison")
    response = other.post(
        "/api/info-items/",
        {
            "organization": other_bank.pk,
            "category": "news",
            "title": "乙行",
            "body": "x",
            "head_signoff": True,
            "signed_by": "乙",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "不是该单位在任的人才工作联络员" in response.content.decode()
    # … and may not pick the first bank at all.
    response = submit(other, bank)
    assert response.status_code == 200 and InfoItem.objects.count() == 1
    # The office does not submit for a unit.
    assert client_for("office").get("/o/info-items/new/").status_code == 403


def test_a_liaison_whose_term_ended_may_not_submit(users, client_for, bank, desk):
    Liaison.objects.filter(user=users["liaison"]).update(term_end=timezone.localdate() - timedelta(days=1))
    response = client_for("liaison").post(
        "/api/info-items/",
        {
            "organization": bank.pk,
            "category": "news",
            "title": "t",
            "body": "b",
            "head_signoff": True,
            "signed_by": "张",
        },
        content_type="application/json",
    )
    assert response.status_code == 403


def test_office_edits_are_versions_the_author_sees(users, client_for, bank, desk):
    submit(client_for("liaison"), bank)
    item = _item(bank)
    office = client_for("office")
    data = {
        "organization": bank.pk,
        "category": "practice",
        "title": "甲银行“导师带徒”机制培养青年人才",
        "body": "编辑后的正文。",
        "head_signoff": "on",
        "signed_by": "张行长",
        "_version": item.version,
    }
    response = office.post(f"/o/info-items/{item.pk}/edit/", data)
    assert response.status_code == 302
    item.refresh_from_db()
    assert [v.number for v in item.versions.all()] == [2, 1]
    assert item.versions.get(number=1).body.startswith("甲银行建立")
    page = client_for("liaison").get(f"/o/info-items/{item.pk}/").content.decode()
    assert "编辑后的正文" in page and "办公室编辑" in page


def test_editor_adopts_publishes_and_the_issue_is_a_bulletin(users, client_for, bank, desk):
    submit(client_for("liaison"), bank)
    item = _item(bank)
    office = client_for("office")
    issue = desk["issue"]
    assert office.post(f"/o/info-items/{item.pk}/do/accept/").status_code == 302
    response = office.post(f"/api/info-items/{item.pk}/do/adopt/", {"issue": issue.pk}, content_type="application/json")
    assert response.status_code == 200, response.content.decode()
    item.refresh_from_db()
    assert item.state == ItemState.ADOPTED
    adoption = Adoption.objects.get(item=item, issue=issue)
    assert adoption.points == Decimal("50.00")
    twice = office.post(f"/api/info-items/{item.pk}/do/adopt/", {"issue": issue.pk}, content_type="application/json")
    assert twice.status_code == 409
    assert "不能重复采用" in twice.content.decode()
    # A second periodical may adopt the same item.
    research = Periodical.objects.create(name="金融调研专刊", issuer="市金融办", points_practice=Decimal("80"))
    special = PeriodicalIssue.objects.create(
        periodical=research, year=YEAR, number=1, serial=9, issued_on=timezone.localdate()
    )
    assert (
        office.post(
            f"/api/info-items/{item.pk}/do/adopt/", {"issue": special.pk}, content_type="application/json"
        ).status_code
        == 200
    )

    assert office.post(f"/o/periodical-issues/{issue.pk}/do/publish/").status_code == 302
    item.refresh_from_db()
    issue.refresh_from_db()
    assert item.state == ItemState.PUBLISHED and issue.state == IssueState.PUBLISHED
    assert AuditEntry.objects.filter(object_type="bulletins.periodicalissue", object_id=str(issue.pk)).count() >= 2

    # A published issue cannot be renumbered; a published item not edited in place.
    patch = office.patch(
        f"/api/periodical-issues/{issue.pk}/", {"number": 4, "version": issue.version}, content_type="application/json"
    )
    assert patch.status_code == 400 and "不能重新编号" in patch.content.decode()
    edit = office.patch(
        f"/api/info-items/{item.pk}/", {"title": "改", "version": item.version}, content_type="application/json"
    )
    assert edit.status_code == 409 and "形成新版本" in edit.content.decode()
    revise = office.post(
        f"/api/info-items/{item.pk}/do/revise/",
        {"title": item.title, "body": "修订后的正文。", "note": "更正数字"},
        content_type="application/json",
    )
    assert revise.status_code == 200
    item.refresh_from_db()
    assert item.body == "修订后的正文。" and item.versions.first().note == "更正数字"

    response = client_for("liaison").get(f"/bulletins/issues/{issue.pk}/bulletin.docx")
    assert response.status_code == 200
    content = response.content
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert text.splitlines()[0] == "金融动态"
    assert f"{YEAR}年第3期（总第27期）" in text
    assert "市金融办秘书处" in text and "修订后的正文。" in text
    assert f"（{bank.name}）" in text
    assert "报：市委、市政府领导" in text and "送：市直有关部门" in text and "发：各金融机构" in text
    assert "（共印80份）" in text
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode()
    assert 'w:color w:val="FF0000"' in xml  # the red masthead
    assert 'w:bottom w:val="single" w:sz="18" w:space="1" w:color="FF0000"' in xml  # the red line


def test_pdf_of_an_issue_where_libreoffice_is_present(users, client_for, bank, desk):
    from rencai.bulletins.documents import soffice

    if soffice() is None:
        pytest.skip("LibreOffice not installed")
    response = client_for("office").get(f"/bulletins/issues/{desk['issue'].pk}/bulletin.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_draft_issues_are_hidden_from_liaisons(users, client_for, desk):
    issue = desk["issue"]
    assert client_for("liaison").get(f"/o/periodical-issues/{issue.pk}/").status_code == 404
    assert client_for("liaison").get(f"/bulletins/issues/{issue.pk}/bulletin.docx").status_code == 404
    assert client_for("leader").get(f"/o/periodical-issues/{issue.pk}/").status_code == 200


def test_return_with_reason_and_resubmit(users, client_for, bank, desk):
    submit(client_for("liaison"), bank)
    item = _item(bank)
    office = client_for("office")
    missing = office.post(f"/api/info-items/{item.pk}/do/return/", {}, content_type="application/json")
    assert missing.status_code == 400
    office.post(f"/o/info-items/{item.pk}/do/return/", {"return_reason": "请补充数据"})
    item.refresh_from_db()
    assert item.state == ItemState.RETURNED and item.return_reason == "请补充数据"
    response = client_for("liaison").post(f"/o/info-items/{item.pk}/do/resubmit/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ItemState.SUBMITTED and item.return_reason == ""


def test_attachments_are_judged_by_content_and_extension(users, client_for, bank, desk):
    submit(client_for("liaison"), bank)
    item = _item(bank)
    liaison = client_for("liaison")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    response = liaison.post("/o/info-attachments/new/", {"item": item.pk, "file": SimpleUploadedFile("材料.pdf", pdf)})
    assert response.status_code == 302
    assert item.attachments.get().file_type == "pdf"
    docx = io.BytesIO()
    Document().save(docx)
    wrong = liaison.post(
        "/api/info-attachments/", {"item": item.pk, "file": SimpleUploadedFile("伪装.pdf", docx.getvalue())}
    )
    assert wrong.status_code == 400 and "与扩展名“.pdf”不符" in wrong.content.decode()
    exe = liaison.post("/api/info-attachments/", {"item": item.pk, "file": SimpleUploadedFile("a.pdf", b"MZ\x90\x00")})
    assert exe.status_code == 400 and "不是可接受的格式" in exe.content.decode()
    assert item.attachments.count() == 1


def test_search_in_simplified_or_traditional_characters(users, client_for, bank, desk):
    submit(client_for("liaison"), bank)
    item = _item(bank)
    office = client_for("office")
    for query in ("导师带徒", "導師帶徒", "培訓 青年"):
        page = office.get("/o/info-items/", {"q": query}).content.decode()
        assert f"/o/info-items/{item.pk}/" in page, query
    assert f"/o/info-items/{item.pk}/" not in office.get("/o/info-items/", {"q": "保險"}).content.decode()
    office.post(f"/o/info-items/{item.pk}/do/accept/")
    office.post(f"/o/info-items/{item.pk}/do/adopt/", {"issue": desk["issue"].pk})
    issues = office.get("/o/periodical-issues/", {"q": "導師"}).content.decode()
    assert f"/o/periodical-issues/{desk['issue'].pk}/" in issues


def test_instruction_is_answered_by_the_unit_and_closed(users, client_for, bank, desk):
    submit(client_for("liaison"), bank)
    item = _item(bank)
    client_for("office").post(f"/o/info-items/{item.pk}/do/accept/")
    leader = client_for("leader")
    response = leader.post(f"/o/info-items/{item.pk}/do/instruct/", {"text": "此做法很好，请总结推广。"})
    assert response.status_code == 302
    instruction = Instruction.objects.get(item=item)
    assert instruction.leader == users["leader"] and instruction.organization == bank
    assert (
        client_for("other_liaison").post(f"/o/instructions/{instruction.pk}/do/answer/", {"response": "x"}).status_code
        == 404
    )
    response = client_for("liaison").post(
        f"/o/instructions/{instruction.pk}/do/answer/", {"response": "已制定推广方案。"}
    )
    assert response.status_code == 302
    instruction.refresh_from_db()
    assert instruction.state == InstructionState.ANSWERED and instruction.answered_at
    leader.post(f"/o/instructions/{instruction.pk}/do/close/")
    instruction.refresh_from_db()
    assert instruction.state == InstructionState.CLOSED


def _published_adoption(bank, desk, category="practice"):
    from rencai.bulletins import services

    item = InfoItem.objects.create(
        organization=bank, title="t", body="b", category=category, head_signoff=True, signed_by="张", state="accepted"
    )
    services.adopt(item, desk["issue"])
    services.publish_issue(desk["issue"])
    PeriodicalIssue.objects.filter(pk=desk["issue"].pk).update(state=IssueState.PUBLISHED)
    return item


def test_scores_by_rule(users, bank, other_bank, desk):
    today = timezone.localdate()
    ScoreRule.objects.create(
        year=YEAR, monthly_quota=0, instruction_bonus=Decimal("20"), commission_penalty=Decimal("5")
    )
    before = scores.yearly_score(bank, YEAR)
    item = _published_adoption(bank, desk)
    assert scores.yearly_score(bank, YEAR) == before + Decimal("50.00")
    Instruction.objects.create(item=item, organization=bank, leader=users["leader"], text="好", instructed_on=today)
    assert scores.yearly_score(bank, YEAR) == before + Decimal("70.00")
    Commission.objects.create(
        organization=bank, topic="约稿一", deadline=date(YEAR, 1, 1) if today > date(YEAR, 1, 1) else today
    )
    overdue = scores.unit_scores(scores.ScorePeriod(YEAR), bank)[0]
    if today > date(YEAR, 1, 1):
        assert overdue.overdue_commissions == 1 and overdue.total == before + Decimal("65.00")
        Commission.objects.create(organization=bank, topic="约稿二", deadline=date(YEAR, 1, 1))
        assert scores.yearly_score(bank, YEAR) == Decimal("0.00")  # two missed zero the year


def test_missed_monthly_quota_costs_points(users, bank, desk):
    ScoreRule.objects.create(year=YEAR, monthly_quota=1, quota_penalty=Decimal("2"))
    row = scores.unit_scores(scores.ScorePeriod(YEAR), bank)[0]
    finished = sum(
        1 for m in range(1, 13) if date(YEAR, m, 28) < timezone.localdate() and m < timezone.localdate().month
    )
    assert row.missed_months >= finished
    assert row.quota_penalty == Decimal(2) * row.missed_months


def test_ranking_page_excel_and_notice(users, client_for, bank, desk):
    _published_adoption(bank, desk)
    office = client_for("office")
    page = office.get("/bulletins/ranking/", {"year": YEAR})
    assert page.status_code == 200 and bank.name in page.content.decode()
    book = openpyxl.load_workbook(
        io.BytesIO(office.get("/bulletins/ranking/", {"year": YEAR, "format": "xlsx"}).content)
    )
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "名次" and rows[1][1] == bank.name
    notice = office.get("/bulletins/ranking/", {"year": YEAR, "format": "notice"})
    text = "\n".join(p.text for p in Document(io.BytesIO(notice.content)).paragraphs)
    assert f"关于{YEAR}年信息报送工作情况的通报" in text and "各有关单位：" in text
    assert users["office"].organization.name in text  # 落款: the office's name in full, not the placeholder
    assert office.get("/bulletins/ranking/", {"year": "abc"}).status_code == 400
    assert client_for("liaison").get("/bulletins/ranking/").status_code == 403


def test_leader_view_block_and_todos(users, client_for, bank, desk):
    from rencai.core.figures import Period, leader_blocks
    from rencai.core.todos import todos_for

    blocks = {b.title: b for b in leader_blocks(users["leader"], Period(YEAR))}
    block = blocks["信息报送"]
    assert block.figures[0].label == "联络员1名"
    Commission.objects.create(organization=bank, topic="逾期", deadline=timezone.localdate() - timedelta(days=3))
    titles = {t.title: t.count for t in todos_for(users["liaison"])}
    assert titles["逾期未交的约稿"] == 1
    assert "逾期未交的约稿" not in {t.title for t in todos_for(users["other_liaison"])}


def test_commission_delivered_by_an_item(users, client_for, bank, desk):
    commission = Commission.objects.create(
        organization=bank, topic="约稿", deadline=timezone.localdate() + timedelta(days=5)
    )
    submit(client_for("liaison"), bank, commission=commission.pk)
    commission.refresh_from_db()
    assert commission.state == CommissionState.DELIVERED and not commission.delivered_late


def test_liaison_phone_is_stored_encrypted_and_shown_masked(users, client_for, bank, desk):
    from django.db import connection

    liaison = Liaison.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("select phone from bulletins_liaison where id = %s", [liaison.pk])
        stored = cursor.fetchone()[0]
    assert "13912345678" not in stored
    page = client_for("leader").get("/o/liaisons/").content.decode()
    assert "139****5678" in page and "13912345678" not in page
    bad = client_for("office").post(
        "/api/liaisons/",
        {"organization": bank.pk, "user": users["talent"].pk, "phone": "123", "term_start": "2026-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_demo_has_72_liaisons_and_a_year_of_issues(db):
    from io import StringIO

    for app in ("orgs", "accounts", "bulletins"):
        __import__(f"rencai.{app}.demo", fromlist=["load"]).load(StringIO())
    from rencai.bulletins.filters import LiaisonFilter

    current = LiaisonFilter({"current": "true"}, queryset=Liaison.objects.all()).qs
    assert current.count() == 72
    assert Liaison.objects.filter(term_end__isnull=False).count() == 3
    assert set(InfoItem.objects.values_list("state", flat=True)) == {s.value for s in ItemState}
    assert PeriodicalIssue.objects.filter(periodical__name="金融动态", year=YEAR).count() == timezone.localdate().month
    assert set(Instruction.objects.values_list("state", flat=True)) == {s.value for s in InstructionState}
    rows = scores.unit_scores(scores.ScorePeriod(YEAR))
    assert rows[0].rank == 1 and rows[0].total > 0
    counts = (InfoItem.objects.count(), AuditEntry.objects.count())
    __import__("rencai.bulletins.demo", fromlist=["load"]).load(StringIO())
    assert (InfoItem.objects.count(), AuditEntry.objects.count()) == counts


def test_new_issue_is_numbered_after_the_last_and_passed_items_reach_the_leader(users, client_for, bank, desk):
    from rencai.core.todos import todos_for

    office = client_for("office")
    page = office.get(f"/o/periodical-issues/new/?periodical={desk['periodical'].pk}").content.decode()
    assert 'name="number" value="4"' in page and 'name="serial" value="28"' in page
    assert office.get("/o/periodical-issues/new/?periodical=abc").status_code == 200
    submit(client_for("liaison"), bank)
    item = _item(bank)
    office.post(f"/o/info-items/{item.pk}/do/accept/")
    office.post(f"/o/info-items/{item.pk}/do/pass_to_leader/")
    item.refresh_from_db()
    assert item.passed_to_leader_at is not None
    assert {t.title: t.count for t in todos_for(users["leader"])}["呈阅领导的信息"] == 1
    listed = client_for("leader").get("/o/info-items/", {"passed": "true"}).content.decode()
    assert f"/o/info-items/{item.pk}/" in listed


def test_coverage_shows_institutions_without_a_liaison_and_turnover(users, client_for, bank, other_bank, desk):
    Liaison.objects.create(
        organization=other_bank,
        user=users["other_liaison"],
        phone="13912340000",
        term_start=date(YEAR - 2, 1, 1),
        term_end=date(YEAR - 1, 12, 31),
    )
    page = client_for("office").get("/bulletins/coverage/").content.decode()
    assert "在任联络员1名；尚无联络员的机构1家" in page
    row = page.split(other_bank.name)[1].split("</tr>")[0]
    assert "无" in row
    assert client_for("liaison").get("/bulletins/coverage/").status_code == 403
    record = client_for("office").get(f"/o/liaisons/{Liaison.objects.get(user=users['liaison']).pk}/").content.decode()
    assert "报送的信息" in record
