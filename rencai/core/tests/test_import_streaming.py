"""Issue 22: a large xlsx is read row by row (rencai.core.imports.xlsx_stream) and gives
exactly what calamine gives, on files written by xlsxwriter and by openpyxl."""

from datetime import date, datetime

import openpyxl
import pytest
import xlsxwriter
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from python_calamine import CalamineWorkbook

from rencai.core.imports import reading, xlsx_stream


def calamine_rows(path) -> list[list]:
    return [list(row) for row in CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).iter_rows()]


def streamed_rows(path) -> list[list]:
    with open(path, "rb") as handle:
        sheet = xlsx_stream.open_stream(handle, threshold=0)
        assert sheet is not None
        return list(sheet.rows())


def test_xlsxwriter_roster_reads_as_calamine_reads_it(tmp_path):
    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet("花名册")
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    moment = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.merge_range(0, 2, 0, 6, "标题 & <名单>")
    sheet.write_row(2, 2, ["姓名", "身份证号码", "出生年月", "人数", "是否"])
    sheet.write_string(3, 2, "张三")
    sheet.write_string(3, 3, "110105198503071230")
    sheet.write_datetime(3, 4, datetime(1985, 3, 7), day)
    sheet.write_number(3, 5, 19950723)
    sheet.write_boolean(3, 6, True)
    sheet.write_datetime(5, 4, datetime(1985, 3, 7, 9, 30), moment)
    sheet.write_formula(5, 5, "=1+1", None, 2)
    sheet.write_number(5, 6, 1.5)
    workbook.close()
    assert streamed_rows(path) == calamine_rows(path)
    assert streamed_rows(path)[3][2:4] == [date(1985, 3, 7), 19950723.0]


def test_openpyxl_workbook_with_shared_and_rich_strings_reads_as_calamine_reads_it(tmp_path):
    path = tmp_path / "b.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    hidden = workbook.create_sheet("说明")
    hidden.sheet_state = "hidden"
    sheet["B2"] = "姓名"
    sheet["C2"] = "出生日期"
    sheet["D2"] = "备注"
    sheet["B3"] = "李 娜"
    sheet["C3"] = date(1990, 1, 2)
    sheet["C3"].number_format = "yyyy年m月d日"
    sheet["D3"] = CellRichText([TextBlock(InlineFont(b=True), "重点"), "人才 & 专家"])
    sheet["B6"] = 42
    sheet["C6"] = "=B6*2"
    sheet["D6"] = False
    workbook.save(path)
    assert streamed_rows(path) == calamine_rows(path)
    assert streamed_rows(path)[2] == ["李 娜", date(1990, 1, 2), "重点人才 & 专家"]


def test_unusual_xml_is_read_by_the_general_expression(tmp_path):
    """Attributes in another order and whitespace between elements (some exporters)."""
    path = tmp_path / "c.xlsx"
    xlsxwriter.Workbook(str(path)).close()
    import zipfile

    sheet_xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<dimension ref="A1:C3"/><sheetData>\n'
        '<row r="1">\n  <c t="inlineStr" r="A1">\n    <is><t>姓名</t></is>\n  </c>\n'
        '  <c r="C1"><v>7</v></c>\n</row>\n'
        '<row r="3"><c r="B3" t="inlineStr"><is><r><t>王</t></r><r><t>五</t></r></is></c></row>\n'
        "</sheetData></worksheet>"
    )
    rewritten = tmp_path / "d.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rewritten, "w") as target:
        for item in source.infolist():
            data = sheet_xml.encode() if item.filename == "xl/worksheets/sheet1.xml" else source.read(item)
            target.writestr(item, data)
    assert streamed_rows(rewritten) == [["姓名", "", 7.0], ["", "", ""], ["", "王五", ""]]
    assert streamed_rows(rewritten) == calamine_rows(rewritten)


def test_large_sheets_stream_small_ones_go_to_calamine(tmp_path, settings):
    path = tmp_path / "e.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for row in range(50):
        sheet.write_row(row, 0, [f"名{row}", row])
    workbook.close()
    with open(path, "rb") as handle:
        assert xlsx_stream.open_stream(handle) is None, "a small sheet is left to calamine"
    settings.RENCAI_IMPORT_STREAM_BYTES = 0
    table = reading.open_table(str(path))
    assert list(table.rows()) == calamine_rows(path)
    with pytest.raises(reading.ImportFileError) as refused:
        reading.open_table(str(path), max_rows=10)
    assert refused.value.code == "too_many_rows"


def test_a_part_with_a_dtd_is_left_to_calamine(tmp_path):
    import zipfile

    path = tmp_path / "f.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet().write_row(0, 0, ["a", "b"])
    workbook.close()
    evil = tmp_path / "g.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(evil, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/styles.xml":
                data = data.replace(b"<styleSheet", b'<!DOCTYPE x [<!ENTITY a "aaaa">]><styleSheet', 1)
            target.writestr(item, data)
    with open(evil, "rb") as handle:
        assert xlsx_stream.open_stream(handle, threshold=0) is None


def test_a_streamed_roster_imports_as_a_loaded_one(tmp_path, settings, users, dicts, bank):
    from rencai.core.imports.pipeline import run_import
    from rencai.core.imports.schema import context_for
    from rencai.core.tests.test_imports import good_row, write_roster
    from rencai.talents.imports import TalentSchema

    rows = [good_row(1), good_row(3, **{"出生年月": date(1985, 3, 7)}), good_row(5, **{"人才类别": "外星人才"})]
    rows.append(["合计：3人", "", "", "", "", "", "", "", "", "", "", ""])
    path = write_roster(tmp_path / "r.xlsx", rows)
    schema = TalentSchema()
    loaded = run_import(schema, path, context_for(users["office"], None, schema)).summary()
    settings.RENCAI_IMPORT_STREAM_BYTES = 0
    streamed = run_import(schema, path, context_for(users["office"], None, schema)).summary()
    loaded.pop("timings"), streamed.pop("timings")
    assert streamed == loaded
    assert (streamed["data_rows"], streamed["valid_rows"], streamed["rejected"]) == (3, 2, 1)
