"""The import template and the error copy, on real files: the template a clerk downloads
re-imports cleanly, and the error copy puts each message on the row it belongs to."""

import io
import tracemalloc
from datetime import date

import openpyxl
import pytest
from openpyxl.utils import range_boundaries

from rencai.conftest import valid_id_number
from rencai.core.imports.error_copy import ERROR_HEADER, write_error_copy
from rencai.core.imports.pipeline import ImportReport, header_key, run_import
from rencai.core.imports.schema import RowError, context_for
from rencai.core.imports.template_xlsx import write_template
from rencai.orgs.models import Department
from rencai.talents.imports import TalentSchema
from rencai.talents.models import DictionaryEntry, DictionaryKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def educations(dicts):
    for code, name in (("BK", "大学本科"), ("YJS", "硕士研究生")):
        DictionaryEntry.objects.create(kind=DictionaryKind.EDUCATION, code=code, name=name)


def template_for(user, tmp_path):
    schema = TalentSchema()
    path = tmp_path / "template.xlsx"
    path.write_bytes(write_template(schema, context_for(user, None, schema)))
    return path


def unit_label() -> str:
    schema = TalentSchema()
    return next(schema.label(c) for c in schema.columns if c.field == schema.organization_field)


def header_columns(sheet) -> dict[str, int]:
    """Label (without the required mark) → 1-based column of the header row."""
    return {str(cell.value).lstrip("*"): cell.column for cell in sheet[1] if cell.value}


def dropdown_values(workbook, sheet, column: int) -> list[str]:
    """The values a column's list validation offers, read from the range it points at."""
    for validation in sheet.data_validations.dataValidation:
        min_col, min_row, _max_col, max_row = range_boundaries(str(validation.sqref).split()[0])
        if min_col == column and validation.type == "list":
            assert (min_row, max_row) == (2, 10001)
            sheet_name, cells = validation.formula1.rsplit("!", 1)
            source = workbook[sheet_name.strip("'")]
            first_col, first_row, _last_col, last_row = range_boundaries(cells.replace("$", ""))
            return [source.cell(r, first_col).value for r in range(first_row, last_row + 1)]
    return []


def test_template_has_headers_dropdowns_notes_and_instructions(users, educations, bank, tmp_path):
    workbook = openpyxl.load_workbook(template_for(users["office"], tmp_path))
    assert workbook.sheetnames[:2] == ["人才信息", "填写说明"]
    sheet = workbook["人才信息"]
    assert workbook["字典"].sheet_state == "hidden"
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 1, "the data sheet holds no example rows"
    headers = [c.value for c in sheet[1]]
    assert "*姓名" in headers and "*身份证号码" in headers and "性别" in headers
    columns = header_columns(sheet)
    assert {"男", "女"} <= set(dropdown_values(workbook, sheet, columns["性别"]))
    assert {"金融商务人才", "专业技术人才"} == set(dropdown_values(workbook, sheet, columns["人才类别"]))
    assert dropdown_values(workbook, sheet, columns["学历"]) == ["大学本科", "硕士研究生"]
    assert bank.name in dropdown_values(workbook, sheet, columns[unit_label()])
    assert dropdown_values(workbook, sheet, columns["部门"]) == []
    assert "按身份证号码自动填写" in sheet.cell(1, columns["性别"]).comment.text
    assert "可选：金融商务人才" in sheet.cell(1, columns["人才类别"]).comment.text
    id_column = openpyxl.utils.get_column_letter(columns["身份证号码"])
    assert sheet.column_dimensions[id_column].number_format == "@"
    instructions = [c.value for row in workbook["填写说明"].iter_rows() for c in row if c.value]
    schema = TalentSchema()
    for column in schema.columns:
        assert schema.label(column) in instructions
    assert "18位，末位X大小写均可；请将该列设为文本格式" in instructions
    assert "从下拉列表选择" in instructions and "文字；最多 50 个字" in instructions
    assert any(str(line).startswith("1. ") for line in instructions)


def test_every_template_header_maps_back_to_its_column(users, dicts, tmp_path):
    sheet = openpyxl.load_workbook(template_for(users["office"], tmp_path))["人才信息"]
    schema = TalentSchema()
    labels = {header_key(schema.label(c)): c.field for c in schema.columns}
    assert [labels[header_key(c.value)] for c in sheet[1]] == [c.field for c in schema.columns]


def test_liaison_template_offers_only_their_institutions(users, dicts, bank, other_bank, tmp_path):
    workbook = openpyxl.load_workbook(template_for(users["liaison"], tmp_path))
    sheet = workbook["人才信息"]
    units = dropdown_values(workbook, sheet, header_columns(sheet)[unit_label()])
    assert bank.name in units and other_bank.name not in units


def test_filled_template_imports_without_errors(users, educations, bank, tmp_path):
    Department.objects.create(organization=bank, name="风险管理部")
    path = template_for(users["office"], tmp_path)
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["人才信息"]
    columns = header_columns(sheet)
    rows = [
        {
            "姓名": "张志强",
            "身份证号码": valid_id_number("19850307", 1),
            "出生日期": date(1985, 3, 7),
            "学历": "大学本科",
        },
        {"姓名": "李 娜", "身份证号码": valid_id_number("19900101", 2), "性别": "女", "部门": "风险管理部"},
    ]
    for number, values in enumerate(rows, start=2):
        values |= {"人才类别": "金融商务人才", unit_label(): bank.name, "手机号码": "13800138000"}
        for label, value in values.items():
            sheet.cell(number, columns[label], value)
    workbook.save(path)
    schema = TalentSchema()
    report = run_import(schema, path, context_for(users["office"], bank, schema))
    assert [e.as_dict() for e in report.errors] == []
    assert report.header_row == 1 and report.data_rows == 2 and report.valid_rows == 2
    assert set(report.columns.values()) == {c.field for c in schema.columns}
    assert report.ignored_headers == []


def roster_with_a_bad_row(path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["2025年人才信息登记表"])
    sheet.append(["填报单位：甲银行济南分行"])
    sheet.append(["姓名", "身份证号码", "人才类别", "备注"])
    good = valid_id_number("19850307", 1)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    sheet.append(["张志强", good, "金融商务人才", "=1+1"])
    sheet.append(["李娜", bad, "金融商务人才", "入选时间 2024"])
    sheet.append(["王磊", valid_id_number("19900101", 3), "专业技术人才", 12.5])
    sheet["D4"].data_type = "s"
    workbook.save(path)


def test_error_copy_puts_each_message_on_its_row(users, dicts, bank, tmp_path):
    source = tmp_path / "roster.xlsx"
    roster_with_a_bad_row(source)
    schema = TalentSchema()
    report = run_import(schema, source, context_for(users["office"], None, schema))
    assert report.header_row == 3 and [e.row for e in report.errors] == [5]
    copy = tmp_path / "errors.xlsx"
    copy.write_bytes(write_error_copy(source, report))
    sheet = openpyxl.load_workbook(copy).active
    assert sheet["A1"].value == "2025年人才信息登记表"
    assert sheet["E3"].value == ERROR_HEADER
    assert sheet["E5"].value.startswith("【身份证号码】") and "校验位" in sheet["E5"].value
    assert sheet["E4"].value is None and sheet["E6"].value is None
    assert sheet["B5"].fill.fgColor.rgb.endswith("FFC7CE")
    assert sheet["A5"].value == "李娜" and sheet["D6"].value == 12.5
    formula_like = sheet["D4"]
    assert formula_like.value == "=1+1" and formula_like.data_type == "s"


def test_error_copy_of_a_csv_goes_after_its_widest_row(users, dicts, bank, tmp_path):
    source = tmp_path / "roster.csv"
    lines = [
        "姓名,身份证号码,人才类别",
        f"张志强,{valid_id_number('19850307', 1)},金融商务人才,多出的一格",
        "李娜,12345,金融商务人才",
    ]
    source.write_bytes(("\r\n".join(lines) + "\r\n").encode("gb18030"))
    schema = TalentSchema()
    report = run_import(schema, source, context_for(users["office"], bank, schema))
    assert [e.row for e in report.errors] == [3]
    copy = tmp_path / "errors.xlsx"
    copy.write_bytes(write_error_copy(source, report))
    sheet = openpyxl.load_workbook(copy).active
    assert sheet["E1"].value == ERROR_HEADER and sheet["D2"].value == "多出的一格"
    assert sheet["E3"].value.startswith("【身份证号码】") and sheet["E2"].value is None


def error_copy_peak(tmp_path, count: int) -> int:
    """Peak traced memory of the error copy of a ``count``-row CSV with one bad row."""
    source = tmp_path / f"roster-{count}.csv"
    with source.open("w", encoding="utf-8") as handle:
        handle.write("姓名,身份证号码,人才类别\n")
        for number in range(count):
            handle.write(f"人才{number},{valid_id_number('19850307', 1)},金融商务人才\n")
    report = ImportReport(header_row=1)
    report.add_error(RowError(count + 1, "身份证号码", "id_checksum", "身份证号码校验位错误"))
    tracemalloc.start()
    try:
        content = write_error_copy(source, report)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    last = next(sheet.iter_rows(min_row=count + 1, max_row=count + 1, values_only=True))
    assert last[0] == f"人才{count - 1}" and last[3].startswith("【身份证号码】")
    return peak - len(content)


def test_error_copy_memory_stays_flat_as_rows_grow(tmp_path):
    small, large = error_copy_peak(tmp_path, 1_000), error_copy_peak(tmp_path, 10_000)
    assert large < small * 1.5 + 256 * 1024, (small, large)
