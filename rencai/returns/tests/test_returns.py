"""Statistical returns: typed values with messages by field and cell, rules over codes and
names, prefill with corrections, the workflow, the Excel round trip, completeness and
aggregation."""

import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.utils import timezone

from rencai.core.errors import Refused
from rencai.returns import aggregates, excel, services
from rencai.returns.models import Indicator, ReturnForm, ReturnPeriod, Submission, SubmissionState, ValidationRule
from rencai.returns.rules import RuleError, check_expression, evaluate, figures_for
from rencai.returns.services import Entry

D = Decimal


@pytest.fixture
def form(db):
    form = ReturnForm.objects.create(
        code="HR", name="金融人力资源统计表", period_type="annual", organization_kinds=["bank"]
    )
    rows = [
        ("一、总量", "D01", "员工总数", "integer", "", ""),
        ("一、总量", "D02", "在库人才数", "integer", "", "talents.total"),
        ("二、学历", "E01", "硕士及以上", "integer", "学历", ""),
        ("二、学历", "E02", "本科及以下", "integer", "学历", ""),
        ("三、其他", "R01", "培训经费", "decimal", "", ""),
        ("三、其他", "R02", "是否有人才规划", "choice", "", ""),
    ]
    for order, (section, code, name, kind, group, prefill) in enumerate(rows, start=1):
        Indicator.objects.create(
            form=form,
            section=section,
            order=order,
            code=code,
            name=name,
            kind=kind,
            group=group,
            prefill=prefill,
            choices="有\n无" if kind == "choice" else "",
            required=code != "R01",
        )
    ValidationRule.objects.create(
        form=form, expression="硕士及以上 <= 员工总数", message="硕士及以上人数不能超过员工总数。"
    )
    ValidationRule.objects.create(form=form, expression="sum(学历) == D01", message="按学历合计应等于员工总数。")
    ValidationRule.objects.create(
        form=form, expression="abs(change(员工总数)) <= 0.5", message="员工总数较上年变化超过±50%。", severity="warning"
    )
    return form


@pytest.fixture
def periods(form, bank, other_bank, bank_branch, make_talent):
    make_talent("甲行人才", bank_branch)
    year = timezone.localdate().year
    last = ReturnPeriod.objects.create(
        form=form,
        label=f"{year - 1}年",
        starts_on=date(year - 1, 1, 1),
        ends_on=date(year - 1, 12, 31),
        due_on=date(year, 1, 31),
    )
    current = ReturnPeriod.objects.create(
        form=form,
        label=f"{year}年",
        starts_on=date(year, 1, 1),
        ends_on=date(year, 12, 31),
        due_on=timezone.localdate() + timedelta(days=10),
    )
    for period in (last, current):
        services.ensure_submissions(period)
    return last, current


def fill(submission, **values):
    return services.save_values(submission, {code: Entry(raw) for code, raw in values.items()})


def test_rules_are_parsed_safely_and_name_what_is_wrong(form):
    figures = figures_for(list(form.indicators.all()), {"D01": D(100), "E01": D(30), "E02": D(70)}, {"D01": D(50)})
    assert evaluate("硕士及以上 <= 员工总数", figures) is True
    assert evaluate("sum(学历) == D01", figures) is True
    assert evaluate("abs(change(员工总数)) <= 0.5", figures) is False  # +100%
    with pytest.raises(RuleError, match="“职工人数”不是本表的指标"):
        check_expression("职工人数 > 0", form)
    for bad in ("__import__('os')", "D01.real > 0", "open('x')", "D01 if D01 else 0", "'a' == 'a'"):
        with pytest.raises(RuleError):
            check_expression(bad, form)


def test_a_submission_is_sent_to_each_institution_with_prefill(periods, bank, other_bank):
    last, current = periods
    assert set(current.submissions.values_list("organization", flat=True)) == {bank.pk, other_bank.pk}
    mine = current.submissions.get(organization=bank)
    assert mine.values.get(indicator__code="D02").prefilled == 1  # the branch's talent counts for the bank


def test_values_are_checked_by_type_and_a_correction_needs_a_reason(periods, bank):
    _, current = periods
    submission = current.submissions.get(organization=bank)
    errors = fill(submission, D01="一百", E01="12.5", R02="也许", D02="5")
    assert "应为整数，填写的是“一百”" in errors.by_code["D01"]
    assert "应为整数" in errors.by_code["E01"]
    assert "不是可选项（有、无）" in errors.by_code["R02"]
    assert "与系统数据（1）不一致，请填写修正理由" in errors.by_code["D02"]
    assert not submission.values.filter(indicator__code="D01").exists()  # nothing stored from a bad entry
    errors = services.save_values(submission, {"D02": Entry("5", reason="含劳务派遣人员"), "D01": Entry("120")})
    assert not errors.by_code
    assert submission.values.get(indicator__code="D02").correction_reason == "含劳务派遣人员"


def test_errors_block_submission_and_warnings_need_a_note(client_for, periods, bank):
    last, current = periods
    old = last.submissions.get(organization=bank)
    fill(old, D01="50", E01="10", E02="40", R02="有")
    submission = current.submissions.get(organization=bank)
    fill(submission, D01="100", E01="120", E02="0", R02="有")
    liaison = client_for("liaison")
    response = liaison.post(f"/o/submissions/{submission.pk}/do/submit/", {})
    assert "硕士及以上人数不能超过员工总数" in response.content.decode()
    fill(submission, E01="30", E02="70")
    response = liaison.post(f"/o/submissions/{submission.pk}/do/submit/", {})
    assert "请对以下提示说明原因" in response.content.decode() and "变化超过±50%" in response.content.decode()
    assert (
        liaison.post(f"/o/submissions/{submission.pk}/do/submit/", {"warning_note": "合并了村镇银行"}).status_code
        == 302
    )
    submission.refresh_from_db()
    assert submission.state == SubmissionState.SUBMITTED and submission.submitted_at is not None


def test_workflow_return_approve_lock_and_reopen(client_for, periods, bank):
    _, current = periods
    submission = current.submissions.get(organization=bank)
    fill(submission, D01="10", E01="3", E02="7", R02="无")
    office, liaison, leader = client_for("office"), client_for("liaison"), client_for("leader")
    liaison.post(f"/o/submissions/{submission.pk}/do/submit/", {})
    office.post(f"/o/submissions/{submission.pk}/do/return/", {"reason": "学历口径有误"})
    submission.refresh_from_db()
    assert (submission.state, submission.reason) == ("returned", "学历口径有误")
    assert not fill(submission, E01="4", E02="6").by_code
    liaison.post(f"/o/submissions/{submission.pk}/do/submit/", {})
    office.post(f"/o/submissions/{submission.pk}/do/approve/")
    office.post(f"/o/submissions/{submission.pk}/do/lock/")
    submission.refresh_from_db()
    assert submission.state == SubmissionState.LOCKED
    with pytest.raises(Refused, match="不能修改"):
        fill(submission, D01="11")
    assert office.post(f"/o/submissions/{submission.pk}/do/reopen/", {"reason": "x"}).status_code == 403
    leader.post(f"/o/submissions/{submission.pk}/do/reopen/", {"reason": "发现录入错误"})
    submission.refresh_from_db()
    assert submission.state == SubmissionState.RETURNED


def template_for(client, submission) -> openpyxl.Workbook:
    response = client.get(f"/returns/submissions/{submission.pk}/template.xlsx")
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content))


def save(book: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def row_of(sheet, code: str) -> int:
    return next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 2).value == code)


def test_excel_round_trip_reports_errors_by_cell(client_for, periods, bank):
    _, current = periods
    submission = current.submissions.get(organization=bank)
    liaison = client_for("liaison")
    book = template_for(liaison, submission)
    sheet = book.active
    assert sheet.protection.sheet and sheet.cell(row_of(sheet, "D02"), 6).value == "1"  # prefill in the template
    assert any(v.sqref for v in sheet.data_validations.dataValidation)
    sheet.cell(row_of(sheet, "D01"), 5).value = "很多"
    sheet.cell(row_of(sheet, "E01"), 5).value = 30
    response = liaison.post(f"/returns/submissions/{submission.pk}/", {"upload": io.BytesIO(save(book))}, follow=True)
    page = response.content.decode()
    assert f"E{row_of(sheet, 'D01')}：员工总数：应为整数" in page and "未导入任何数据" in page
    assert not submission.values.filter(indicator__code="E01", number__isnull=False).exists()
    sheet.cell(row_of(sheet, "D01"), 5).value = 100
    sheet.cell(row_of(sheet, "E02"), 5).value = 70
    sheet.cell(row_of(sheet, "R02"), 5).value = "有"
    file = io.BytesIO(save(book))
    file.name = "填报.xlsx"
    assert (
        "已从Excel导入"
        in liaison.post(f"/returns/submissions/{submission.pk}/", {"upload": file}, follow=True).content.decode()
    )
    assert services.numbers_of(submission)["D01"] == 100


def test_another_institutions_or_an_old_template_is_refused(client_for, periods, bank, other_bank, form):
    last, current = periods
    mine = current.submissions.get(organization=bank)
    theirs = current.submissions.get(organization=other_bank)
    their_book = save(template_for(client_for("other_liaison"), theirs))
    with pytest.raises(Refused, match="其他单位的填报模板"):
        excel.read_upload(mine, their_book)
    old_book = save(template_for(client_for("liaison"), last.submissions.get(organization=bank)))
    with pytest.raises(Refused, match="其他报告期"):
        excel.read_upload(mine, old_book)
    book = template_for(client_for("liaison"), mine)
    book.active["B3"].value = book.active["B3"].value.replace(f"|{bank.pk}|", f"|{other_bank.pk}|")
    with pytest.raises(Refused, match="模板标识缺失或被修改"):
        excel.read_upload(mine, save(book))
    first_edition = save(template_for(client_for("liaison"), mine))
    ReturnForm.objects.filter(pk=form.pk).update(edition=2)
    mine = Submission.objects.get(pk=mine.pk)
    with pytest.raises(Refused, match="第1版报表的模板，现行为第2版"):
        excel.read_upload(mine, first_edition)


def test_a_locked_period_takes_no_upload(client_for, periods, bank):
    _, current = periods
    submission = current.submissions.get(organization=bank)
    book = save(template_for(client_for("liaison"), submission))
    ReturnPeriod.objects.filter(pk=current.pk).update(is_open=False)
    submission.refresh_from_db()
    with pytest.raises(Refused, match="不能修改"):
        excel.read_upload(submission, book)


def test_board_and_aggregate(client_for, users, periods, bank, other_bank):
    last, current = periods
    for period, d01 in ((last, "40"), (current, "50")):
        submission = period.submissions.get(organization=bank)
        fill(submission, D01=d01, E01="10", E02=str(int(d01) - 10), R02="有")
        services.submit(submission, "")
        submission.state, submission.submitted_at = SubmissionState.APPROVED, timezone.now()
        submission.save()
    board_rows, counts = services.board(current)
    assert counts["total"] == 2 and counts["reported"] == 1
    late_rows, late = services.board(current, today=current.due_on + timedelta(days=1))
    assert late["late"] == 1 and [r.submission.organization for r in late_rows if r.late] == [other_bank]
    lines, counted = aggregates.aggregate(current, users["office"])
    d01 = next(line for line in lines if line.indicator.code == "D01")
    assert (counted, d01.total, d01.previous, d01.change) == (1, D(50), D(40), D("25.0"))
    r02 = next(line for line in lines if line.indicator.code == "R02")
    assert r02.counts == [("有", 1), ("无", 0)]
    page = client_for("office").get(f"/returns/periods/{current.pk}/aggregate/", {"indicator": "D01"})
    assert page.status_code == 200 and "甲银行济南分行" in page.content.decode()
    assert client_for("liaison").get(f"/returns/periods/{current.pk}/board/").status_code == 403
    other_view = client_for("other_liaison").get(f"/returns/periods/{current.pk}/aggregate/", {"indicator": "D01"})
    assert "甲银行济南分行" not in other_view.content.decode()
    export = client_for("office").get(f"/returns/periods/{current.pk}/aggregate/", {"format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][:4] == ("D01", "员工总数", None, "50") and rows[1][5] == "25.0"


def test_a_form_in_use_gets_a_new_edition(client_for, periods, form, bank):
    _, current = periods
    fill(current.submissions.get(organization=bank), D01="1")
    office = client_for("office")
    response = office.post(
        f"/o/return-forms/{form.pk}/edit/",
        {"code": "HR", "name": "改名", "period_type": "annual", "_version": form.version},
    )
    assert "已有填报数据" in response.content.decode()
    office.post(f"/o/return-forms/{form.pk}/do/new_edition/")
    copy = ReturnForm.objects.get(edition=2)
    assert copy.indicators.count() == 6 and copy.rules.count() == 3


# --- issue 23b: 报送 from the fill page, findings refreshed from the cells, warnings named,
# 催报 from the board, the to-do opens the filtered list -----------------------------------


def test_the_fill_page_offers_submit_and_rechecks_unsaved_cells(client_for, periods, bank, other_bank):
    last, current = periods
    fill(last.submissions.get(organization=bank), D01="50", E01="10", E02="40", R02="有")
    submission = current.submissions.get(organization=bank)
    fill(submission, D01="100", E01="120", E02="0", R02="有")
    liaison = client_for("liaison")
    page = liaison.get(f"/returns/submissions/{submission.pk}/").content.decode()
    assert 'id="submit-link"' in page and f"/o/submissions/{submission.pk}/do/submit/" in page
    assert "硕士及以上人数不能超过员工总数" in page and 'hx-post="/returns/submissions/' in page
    # the cells as corrected on screen, not yet saved: the error is gone, the warning stays
    url = f"/returns/submissions/{submission.pk}/findings/"
    box = liaison.post(url, {"v_D01": "100", "v_E01": "30", "v_E02": "70", "v_R02": "有"}).content.decode()
    assert "硕士及以上人数不能超过员工总数" not in box and "变化超过±50%" in box
    box = liaison.post(url, {"v_D01": "一百"}).content.decode()
    assert "应为整数" in box
    assert submission.values.get(indicator__code="E01").number == 120  # nothing saved
    assert client_for("other_liaison").post(url, {"v_D01": "1"}).status_code == 404
    # the submit page names the warnings before asking for the note
    fill(submission, E01="30", E02="70")
    ask = liaison.get(f"/o/submissions/{submission.pk}/do/submit/").content.decode()
    assert 'id="action-notes"' in ask and "提示项（请在下方说明原因）：员工总数较上年变化超过±50%。" in ask
    # once submitted, no 报送 on the fill page
    liaison.post(f"/o/submissions/{submission.pk}/do/submit/", {"warning_note": "合并"})
    assert 'id="submit-link"' not in liaison.get(f"/returns/submissions/{submission.pk}/").content.decode()


def test_remind_from_the_board_and_the_todo_opens_the_filtered_list(client_for, periods, bank, other_bank):
    _, current = periods
    office = client_for("office")
    board = office.get(f"/returns/periods/{current.pk}/board/").content.decode()
    assert 'id="remind-button"' in board and "2家未报送" in board
    answer = office.post(f"/returns/periods/{current.pk}/board/remind/")
    assert answer.status_code == 302 and answer["Location"] == f"/returns/periods/{current.pk}/board/"
    assert current.submissions.filter(reminded_at__isnull=False).count() == 2
    assert "已向2家未报送的机构发出催报" in office.get(answer["Location"]).content.decode()
    assert client_for("liaison").post(f"/returns/periods/{current.pk}/board/remind/").status_code == 403
    submission = current.submissions.get(organization=bank)
    fill(submission, D01="10", E01="3", E02="7", R02="无")
    client_for("liaison").post(f"/o/submissions/{submission.pk}/do/submit/", {"warning_note": "首次"})
    home = office.get("/").content.decode()
    assert "/o/submissions/?state=submitted" in home
    listing = office.get("/o/submissions/", {"state": "submitted"}).content.decode()
    assert "共 1 条" in listing and "甲银行济南分行" in listing
