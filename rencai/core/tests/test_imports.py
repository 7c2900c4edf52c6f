"""The import pipeline end to end, on real files: a messy roster as banks send it, the
preview and its errors by row, commit, re-import, updates, guarded fields, faults."""

import json
from datetime import date, datetime
from io import StringIO

import pytest
import xlsxwriter
from django.core.management import call_command
from django.db import connection

from rencai.conftest import valid_id_number
from rencai.core import audit
from rencai.core.imports.pipeline import run_import
from rencai.core.imports.reading import ImportFileError
from rencai.core.imports.schema import ERROR_CODES, context_for
from rencai.core.models import AuditAction, AuditEntry
from rencai.talents.imports import TalentSchema
from rencai.talents.models import CareerEntry, Talent

HEADERS = [
    "序号",
    "名字",
    "性别",
    "出生年月",
    "公民身份号码",
    "政治面貌",
    "工作单位",
    "职务",
    "联系电话",
    "电子邮箱",
    "人才类别",
    "备注",
]


def id_for(serial: int, born: str = "19850307") -> str:
    return valid_id_number(born, serial)


def write_roster(path, rows, *, unit_column: bool = True, title: str = "甲银行济南分行金融人才花名册") -> str:
    """An xlsx like a clerk's: a merged title, a 填报单位 line, the header on row 3."""
    headers = HEADERS if unit_column else [h for h in HEADERS if h != "工作单位"]
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False})
    sheet = workbook.add_worksheet("花名册")
    sheet.merge_range(0, 0, 0, len(headers) - 1, title)
    sheet.write_string(1, 0, "填报单位：甲银行济南分行    填报日期：2026年11月20日")
    sheet.write_row(2, 0, headers)
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for index, row in enumerate(rows, start=3):
        values = dict(zip(HEADERS, row, strict=False))
        for col, header in enumerate(headers):
            value = values.get(header, "")
            if isinstance(value, datetime | date):
                sheet.write_datetime(index, col, datetime(value.year, value.month, value.day), date_format)
            elif isinstance(value, int | float):
                sheet.write_number(index, col, value)
            else:
                sheet.write_string(index, col, value)
    workbook.close()
    return str(path)


def good_row(serial: int, name: str = "张志强", **changes) -> list:
    row = {
        "序号": serial,
        "名字": name,
        "性别": "男" if serial % 2 else "女",
        "出生年月": "1985.03",
        "公民身份号码": id_for(serial),
        "政治面貌": "党员",
        "工作单位": "甲银行济南分行",
        "职务": "客户经理",
        "联系电话": "13800138000",
        "电子邮箱": "z@example.cn",
        "人才类别": "金融商务人才",
        "备注": "",
    }
    row.update(changes)
    return [row[h] for h in HEADERS]


@pytest.fixture
def office_context(users, dicts):
    return context_for(users["office"], None, TalentSchema())


def test_messy_roster_preview_reports_every_fault_by_excel_row_and_header(tmp_path, users, dicts, bank):
    full_width_id = id_for(3).translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    lower_x = next(id_for(s) for s in range(5, 999, 2) if id_for(s).endswith("X")).lower()
    rows = [
        good_row(1),  # row 4
        good_row(3, name="李 娜", **{"公民身份号码": full_width_id, "性别": "男", "人才类别": "金融商務人才"}),
        good_row(5, name="王五", **{"公民身份号码": lower_x, "联系电话": "+86 139-0013-8000"}),
        [""] * len(HEADERS),  # row 7: empty
        good_row(7, **{"公民身份号码": id_for(7)[:17] + ("0" if id_for(7)[17] != "0" else "1")}),  # row 8
        good_row(9, **{"出生年月": "1990年1月"}),  # row 9: birth mismatch
        good_row(11, **{"性别": "女"}),  # row 10: gender mismatch
        good_row(13, **{"人才类别": "外星人才"}),  # row 11
        good_row(15, **{"联系电话": "1234"}),  # row 12
        good_row(17, **{"电子邮箱": "not-an-email"}),  # row 13
        good_row(1),  # row 14: same ID as row 4
        good_row(19, **{"名字": ""}),  # row 15
        good_row(21, **{"职务": "长" * 101}),  # row 16
        good_row(23, **{"备注": "=1+1", "出生年月": date(1985, 3, 7)}),  # row 17: formula text, date cell
        ["合计", "", "", "", "", "", "", "", "", "", "", ""],  # row 18
    ]
    path = write_roster(tmp_path / "roster.xlsx", rows)
    report = run_import(TalentSchema(), path, context_for(users["liaison"], None, TalentSchema()))
    codes = {(e.row, e.code) for e in report.errors}
    assert report.header_row == 3
    assert report.data_rows == 13
    assert (8, "id_checksum") in codes
    assert (9, "birth_mismatch") in codes
    assert (10, "gender_mismatch") in codes
    assert (11, "unknown_choice") in codes
    assert (12, "mobile_invalid") in codes
    assert (13, "email_invalid") in codes
    assert (14, "duplicate_in_file") in codes
    assert (15, "required") in codes
    assert (16, "too_long") in codes
    assert {e.row for e in report.errors} == {8, 9, 10, 11, 12, 13, 14, 15, 16}
    by_row = {e.row: e for e in report.errors}
    assert by_row[8].column == "公民身份号码"
    assert by_row[12].column == "联系电话"
    assert by_row[15].column == "名字"
    assert report.valid_rows == report.created == 4
    assert Talent.objects.count() == 0, "a preview writes nothing"


def test_commit_normalises_and_reimport_changes_nothing(tmp_path, users, dicts, bank):
    lower_x = next(id_for(s) for s in range(5, 999, 2) if id_for(s).endswith("X"))
    rows = [
        good_row(1, name="李 娜", **{"人才类别": "金融商務人才", "联系电话": "+86 138 0013 8000"}),
        good_row(lower_x and 5, name="歐陽明", **{"公民身份号码": lower_x.lower()}),
        good_row(7, **{"备注": '=HYPERLINK("http://x")', "出生年月": date(1985, 3, 7)}),
    ]
    path = write_roster(tmp_path / "roster.xlsx", rows)
    schema = TalentSchema()
    report = run_import(schema, path, context_for(users["liaison"], None, schema), commit=True)
    assert report.committed and report.created == 3, report.summary()
    li = Talent.objects.get(name="李娜")
    assert li.category == dicts["JR"] and li.mobile == "13800138000"
    assert li.birth_date == date(1985, 3, 7), "the month-only birth date takes the ID's day"
    assert li.political_status == "cpc"
    ouyang = Talent.objects.get(name="歐陽明")
    assert ouyang.name_simplified == "欧阳明" and ouyang.id_number.endswith("X")
    assert Talent.objects.get(notes__startswith="=").notes == '=HYPERLINK("http://x")'
    assert CareerEntry.objects.filter(talent=li, organization=bank).count() == 1
    # Issue 22: one chained entry for the batch, listing each row's id, spreadsheet row and
    # the SHA-256 of its stored values; the talent's history finds it.
    created_entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="talents.talent")
    listed = {row[0]: (row[1], row[2]) for row in created_entry.changes["batch"]["rows"]}
    assert set(listed) == set(Talent.objects.values_list("pk", flat=True))
    assert listed[li.pk][0] == 4 and len(listed[li.pk][1]) == 64
    assert li.id_number not in json.dumps(created_entry.changes), "no personal data in the log"
    assert created_entry.covered.filter(object_type="talents.talent", object_id=str(li.pk)).exists()

    again = run_import(schema, path, context_for(users["liaison"], None, schema), commit=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert Talent.objects.count() == 3

    rows[2] = good_row(7, **{"职务": "部门经理", "出生年月": date(1985, 3, 7)})
    changed = write_roster(tmp_path / "changed.xlsx", rows)
    before = AuditEntry.objects.count()
    third = run_import(schema, changed, context_for(users["liaison"], None, schema), commit=True)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 2)
    update = AuditEntry.objects.filter(seq__gt=before, action=AuditAction.UPDATE, object_type="talents.talent").get()
    assert update.changes["position"] == ["客户经理", "部门经理"]
    call_command("verify_audit", stdout=StringIO())


def test_liaison_cannot_change_key_fields_or_touch_other_institutions(tmp_path, users, dicts, bank, other_bank):
    schema = TalentSchema()
    path = write_roster(tmp_path / "a.xlsx", [good_row(1), good_row(3)])
    run_import(schema, path, context_for(users["office"], None, schema), commit=True)
    other = Talent.objects.get(id_number_bidx=Talent.objects.first().id_number_bidx)
    other.organization = other_bank
    other.save()
    renamed = write_roster(tmp_path / "b.xlsx", [good_row(1), good_row(3, name="张志刚")])
    report = run_import(schema, renamed, context_for(users["liaison"], None, schema), commit=True)
    codes = {e.code for e in report.errors}
    assert "duplicate_in_db" in codes or "not_permitted" in codes
    assert "needs_change_request" in codes
    assert not Talent.objects.filter(name="张志刚").exists()
    office = run_import(schema, renamed, context_for(users["office"], None, schema), commit=True)
    # Issue 22: a move and a rename are conflicts the office confirms row by row.
    assert {(e.row, e.code) for e in office.errors} == {(4, "needs_confirmation"), (5, "needs_confirmation")}
    assert not office.committed and not Talent.objects.filter(name="张志刚").exists()
    context = context_for(users["office"], None, schema)
    context.extra["confirmed_rows"] = {4, 5}
    office = run_import(schema, renamed, context, commit=True)
    assert office.updated == 2, "the office moves row 1 back and renames row 2"
    assert Talent.objects.filter(name="张志刚", organization=bank).exists()


def test_imports_are_all_or_nothing_by_default(tmp_path, users, dicts, bank):
    """Issue 16, item 6: a file with a bad row writes nothing unless the importer chooses
    to commit only the valid rows."""
    schema = TalentSchema()
    path = write_roster(tmp_path / "r.xlsx", [good_row(1), good_row(3, **{"人才类别": "外星人才"})])
    report = run_import(schema, path, context_for(users["office"], None, schema), commit=True)
    assert not report.committed and report.rejected == 1
    assert Talent.objects.count() == 0
    partial = run_import(schema, path, context_for(users["office"], None, schema), commit=True, all_or_nothing=False)
    assert partial.committed and Talent.objects.count() == 1


def test_unit_from_title_or_org_option(tmp_path, users, dicts, bank, other_bank):
    schema = TalentSchema()
    path = write_roster(tmp_path / "r.xlsx", [good_row(1)], unit_column=False)
    report = run_import(schema, path, context_for(users["office"], None, schema), commit=True)
    assert report.created == 1 and Talent.objects.get().organization == bank
    untitled = write_roster(tmp_path / "u.xlsx", [good_row(3)], unit_column=False, title="花名册")
    liaison_other = context_for(users["liaison"], other_bank, schema)
    refused = run_import(schema, untitled, liaison_other)
    assert {e.code for e in refused.errors} == {"not_permitted"}


@pytest.fixture
def boom_trigger(db):
    """A real database refusal on one row: a trigger that rejects a position of BOOM."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION boom() RETURNS trigger AS $$ BEGIN "
                "IF NEW.position = 'BOOM' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute("CREATE TRIGGER boom BEFORE INSERT ON talents_talent FOR EACH ROW EXECUTE FUNCTION boom()")
        else:
            cursor.execute(
                "CREATE TRIGGER boom BEFORE INSERT ON talents_talent WHEN NEW.position = 'BOOM' "
                "BEGIN SELECT RAISE(ABORT, 'boom'); END"
            )
    yield
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER boom" + (" ON talents_talent" if connection.vendor == "postgresql" else ""))
        if connection.vendor == "postgresql":
            cursor.execute("DROP FUNCTION boom()")


def test_database_error_on_row_n_leaves_the_database_as_it_was(tmp_path, users, dicts, bank, boom_trigger):
    schema = TalentSchema()
    rows = [good_row(1), good_row(3), good_row(5, **{"职务": "BOOM"}), good_row(7)]
    path = write_roster(tmp_path / "r.xlsx", rows)
    audit_before = AuditEntry.objects.count()
    with pytest.raises(ImportFileError) as raised:
        run_import(schema, path, context_for(users["office"], None, schema), commit=True)
    assert raised.value.code == "db_error"
    assert "第 6 行" in raised.value.message
    assert Talent.objects.count() == 0 and CareerEntry.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_import_rows_command_prints_one_json_object(tmp_path, users, dicts, bank):
    wrong = id_for(3)[:17] + ("1" if id_for(3)[17] == "0" else "0")
    rows = [good_row(1), good_row(3, **{"公民身份号码": wrong})]
    path = write_roster(tmp_path / "r.xlsx", rows, unit_column=False, title="花名册")
    out = StringIO()
    call_command("import_rows", "talents", path, "--org", bank.credit_code, "--commit", "--json", stdout=out)
    whole = json.loads(out.getvalue())
    assert whole["committed"] is False and whole["created"] == 0 and Talent.objects.count() == 0
    out = StringIO()
    call_command(
        "import_rows", "talents", path, "--org", bank.credit_code, "--commit", "--valid-rows-only", "--json", stdout=out
    )
    result = json.loads(out.getvalue())
    assert {k: result[k] for k in ("data_rows", "valid_rows", "created", "updated", "unchanged")} == {
        "data_rows": 2,
        "valid_rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
    }
    assert result["errors"] == [
        {"row": 5, "column": "公民身份号码", "code": "id_checksum", "message": "身份证号码校验位错误，请核对"}
    ]
    assert set(ERROR_CODES) >= {e["code"] for e in result["errors"]}


def test_import_rows_command_rejects_a_file_that_is_not_a_spreadsheet(tmp_path, users, dicts, bank):
    fake = tmp_path / "roster.xlsx"
    fake.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("import_rows", "talents", str(fake), "--org", str(bank.pk), "--json", stdout=out)
    assert json.loads(out.getvalue())["error"]["code"] == "not_spreadsheet"


def _write_rows(path, headers, rows) -> str:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, headers)
    for index, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            sheet.write_string(index, col, value)
    workbook.close()
    return str(path)


def test_organisations_import_with_their_parent_and_credit_code(tmp_path, users, bank, region):
    from rencai.conftest import valid_credit_code
    from rencai.orgs.models import Organization

    path = _write_rows(
        tmp_path / "orgs.xlsx",
        ["单位名称", "机构简称", "机构类型", "上级单位", "所在区域", "统一社会信用代码"],
        [
            ["甲银行槐荫支行", "槐荫支行", "银行", "甲银行济南分行", "历下区", valid_credit_code(7).lower()],
            ["丙保险济南中心支公司", "", "保险公司", "", "", "91370100MA3000001Q"],
        ],
    )
    out = StringIO()
    call_command("import_rows", "organizations", path, "--commit", "--valid-rows-only", "--json", stdout=out)
    result = json.loads(out.getvalue())
    assert result["created"] == 1 and [e["code"] for e in result["errors"]] == ["credit_code_invalid"]
    branch = Organization.objects.get(name="甲银行槐荫支行")
    assert branch.parent == bank and branch.path.startswith(bank.path) and branch.credit_code == valid_credit_code(7)
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_type="orgs.organization", object_id=str(branch.pk)
    )


def test_users_import_for_the_system_administrator(tmp_path, users, bank):
    from rencai.accounts.models import User

    path = _write_rows(
        tmp_path / "users.xlsx",
        ["用户名", "姓名", "所在单位", "手机号"],
        [["zhangsan", "张三", "甲银行济南分行", "13900139000"], ["office", "重名", "甲银行济南分行", ""]],
    )
    out = StringIO()
    call_command("import_rows", "users", path, "--user", "sysadmin", "--commit", "--json", stdout=out)
    result = json.loads(out.getvalue())
    created = User.objects.get(username="zhangsan")
    assert result["created"] == 1 and result["updated"] == 1
    assert created.organization == bank and created.mobile == "13900139000" and not created.has_usable_password()
    assert User.objects.get(username="office").full_name == "重名"


def test_an_import_audits_every_career_entry_and_service_duty_it_creates(tmp_path, users, dicts, bank):
    from rencai.services.models import ServiceDuty, ServiceRule

    ServiceRule.objects.create(name="领军人才季度联系", kind="contact", tier=dicts["LJ"], interval_days=90, due_days=30)
    path = tmp_path / "roster.csv"
    lines = ["名字,公民身份号码,工作单位,人才类别,层级"]
    lines += [f"人才{n},{id_for(n)},甲银行济南分行,金融商务人才,领军人才" for n in (1, 3, 5)]
    path.write_text("\n".join(lines), encoding="utf-8")
    schema = TalentSchema()
    report = run_import(schema, str(path), context_for(users["office"], None, schema), commit=True)
    assert report.created == 3
    written = [*CareerEntry.objects.all(), *ServiceDuty.objects.all()]
    assert len(written) == 6
    for row in written:
        # Issue 22: created in bulk, each row is listed by its batch's one chained entry.
        entry = audit.entries_for(row._meta.label_lower, row.pk).get()
        assert entry.action == AuditAction.CREATE
        if row._meta.label_lower == "talents.careerentry":
            assert audit.batch_row(entry, row.pk) is not None
    out = StringIO()
    call_command("verify_audit", stdout=out)
    assert f"审计链完整，共校验 {AuditEntry.objects.count()} 条记录" in out.getvalue()
