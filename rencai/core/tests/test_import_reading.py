"""The READ stage of imports: real files of every kind, and every refusal, judged by content."""

import datetime
import io
import random
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

from rencai.core.imports.reading import ImportFileError, Table, open_table, sniff

DATA = Path(__file__).resolve().parent / "data"
HEADER = ["姓名", "身份证号码", "性别", "出生日期", "工作单位", "职务"]


def read(source, **limits) -> tuple[Table, list[list]]:
    table = open_table(source, **limits)
    return table, list(table.rows())


def refusal(source, **limits) -> ImportFileError:
    with pytest.raises(ImportFileError) as raised:
        table = open_table(source, **limits)
        list(table.rows())
    return raised.value


def write_xlsx(path: Path, rows: list[list], *, title: str | None = None, blank_first_sheet: bool = False) -> Path:
    """An xlsx by xlsxwriter: an optional empty 说明 sheet, a merged title, a date column."""
    book = xlsxwriter.Workbook(str(path))
    if blank_first_sheet:
        book.add_worksheet("说明")
    sheet = book.add_worksheet("人员名单")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    start = 0
    if title:
        sheet.merge_range(0, 0, 0, 5, title, book.add_format({"bold": True, "align": "center"}))
        start = 1
    for number, row in enumerate(rows, start=start):
        for column, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(number, column, value, date)
            else:
                sheet.write(number, column, value)
    book.close()
    return path


def zip_file(path: Path, members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def ole_stub(*stream_names: str) -> bytes:
    """A compound file header and one directory sector naming ``stream_names`` (enough for the
    sniffing; no stream has content)."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 24, 0x3E, 3, 0xFFFE, 9)
    directory = bytearray()
    for kind, name in [(5, "Root Entry"), *((2, name) for name in stream_names)]:
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[: len(encoded)] = encoded
        struct.pack_into("<HB", entry, 64, len(encoded), kind)
        directory += entry
    return bytes(header + directory.ljust(512, b"\x00"))


# --- the kinds ----------------------------------------------------------------------------


def test_xlsx_by_xlsxwriter_keeps_calamine_values(tmp_path):
    rows = [
        HEADER + ["年薪（万元）", "工号"],
        [
            "张三",
            "110101199003071234",
            "男",
            datetime.date(1990, 3, 7),
            "ＡＢＣ银行　北京分行",
            "客户经理",
            35,
            110101199003071234,
        ],
        ["李四", "310104198512120021", "女", datetime.date(1985, 12, 12), "交通银行", "柜员", 37.5, 42],
    ]
    path = write_xlsx(tmp_path / "名单.xlsx", rows, title="2024年金融人才名单")
    table, got = read(path)
    assert (table.kind, table.sheet_name, table.total_rows, table.first_row, table.first_column) == (
        "xlsx",
        "人员名单",
        4,
        1,
        1,
    )
    assert got[0] == ["2024年金融人才名单"] + [""] * 7
    assert got[1] == rows[0]
    assert got[2][:6] == [
        "张三",
        "110101199003071234",
        "男",
        datetime.date(1990, 3, 7),
        "ＡＢＣ银行　北京分行",
        "客户经理",
    ]
    # xlsx keeps every number as a double: integers come back as floats, long IDs lose digits.
    assert got[2][6] == 35.0 and type(got[2][6]) is float
    assert type(got[2][7]) is float and int(got[2][7]) != 110101199003071234
    assert got[3][6:] == [37.5, 42.0]


def test_xlsx_by_openpyxl_with_a_blank_first_sheet_reads_the_roster(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    hidden = book.create_sheet("字典")
    hidden["A1"] = "隐藏的数据"
    hidden.sheet_state = "hidden"
    sheet = book.create_sheet("名单")
    sheet.merge_cells("B2:D2")
    sheet["B2"] = "人员名单"
    sheet.append([])
    sheet["B3"], sheet["C3"], sheet["D3"] = "姓名", "出生日期", "入职时间"
    sheet["B4"], sheet["C4"], sheet["D4"] = "王五", datetime.datetime(1990, 3, 7), datetime.datetime(2015, 7, 1, 9, 30)
    sheet["C4"].number_format = "yyyy-mm-dd"
    path = tmp_path / "roster.xlsx"
    book.save(path)
    table, got = read(path)
    assert (table.sheet_name, table.first_row, table.first_column, table.total_rows) == ("名单", 1, 2, 4)
    assert got == [
        ["", "", ""],
        ["人员名单", "", ""],
        ["姓名", "出生日期", "入职时间"],
        ["王五", datetime.date(1990, 3, 7), datetime.datetime(2015, 7, 1, 9, 30)],
    ]


def test_bytes_read_like_the_path(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, ["张三", "1", "男", datetime.date(1990, 1, 1), "某行", "柜员"]])
    assert read(path.read_bytes())[1] == read(path)[1] == read(str(path))[1]


def test_xls_roster():
    table, got = read(DATA / "roster.xls")
    assert (table.kind, table.sheet_name, table.total_rows) == ("xls", "人员名单", 5)
    assert got[0][0] == "2024年金融人才名单"
    assert got[1] == [*HEADER, "年薪（万元）"]
    assert got[2] == [
        "张三",
        "110101199003071234",
        "男",
        datetime.date(1990, 3, 7),
        "中国工商银行北京分行",
        "客户经理",
        35,
    ]
    # BIFF keeps small whole numbers as integers (RK records); xlsx would give 35.0.
    assert type(got[2][6]) is int and got[3][6] == 37.5


def test_ods_roster():
    table, got = read(DATA / "roster.ods")
    assert (table.kind, table.sheet_name) == ("ods", "人员名单")
    assert got[0] == ["2024年金融人才名单", "", "", "", ""]
    assert got[2] == ["张三", "110101199003071234", datetime.date(1990, 3, 7), "中国工商银行北京分行", 30.5]
    assert len(got) == 5


@pytest.mark.parametrize("name", ["roster-gbk.csv", "roster-utf8-bom.csv", "roster-gb18030.csv"])
def test_csv_encodings(name):
    table, got = read(DATA / name)
    assert (table.kind, table.sheet_name, table.first_row) == ("csv", "", 1)
    assert got[0] == HEADER  # no BOM left on 姓名
    assert got[1] == ["张三", "110101199003071234", "男", "1990-03-07", "中国工商银行北京分行", "客户经理"]
    assert table.total_rows >= len(got)


def test_gb18030_only_characters_survive():
    with pytest.raises(UnicodeEncodeError):
        "䶮".encode("gbk")
    _, got = read(DATA / "roster-gb18030.csv")
    assert got[-1][0] == "刘䶮" and got[-1][4] == "广州农商银行𠀀支行"


def test_csv_values_stay_strings_and_quotes_keep_commas_and_newlines():
    data = '姓名,身份证号码,备注\n张三,0012,"北京,朝阳"\n李四,1.5e3,"两行\r\n备注"\n'.encode()
    table, got = read(data)
    assert got == [["姓名", "身份证号码", "备注"], ["张三", "0012", "北京,朝阳"], ["李四", "1.5e3", "两行\r\n备注"]]
    assert table.total_rows >= 3


@pytest.mark.parametrize(("delimiter", "branch"), [("\t", "某行,支行"), (";", "某行,支行"), (",", "某行;支行")])
def test_csv_delimiter_sniffed_from_the_head(delimiter, branch):
    lines = [delimiter.join(HEADER)] + [delimiter.join(["张三", "1101", "男", "1990-03-07", branch, "柜员"])] * 3
    data = "\n".join(lines).encode("gbk")
    _, got = read(data)
    assert got[0] == HEADER and got[1][4] == branch


def test_one_column_csv_uses_the_comma():
    assert read("姓名\n张三\n李四\n".encode())[1] == [["姓名"], ["张三"], ["李四"]]


def test_rows_can_be_taken_once(tmp_path):
    table = open_table(DATA / "roster-gbk.csv")
    list(table.rows())
    with pytest.raises(RuntimeError):
        table.rows()


# --- the refusals -------------------------------------------------------------------------


def test_file_too_large_before_any_parsing(tmp_path):
    garbage = tmp_path / "big.xlsx"
    garbage.write_bytes(b"%PDF" + b"x" * 3 * 1024 * 1024)
    error = refusal(garbage, max_bytes=2 * 1024 * 1024)
    assert error.code == "file_too_large" and "2 MB" in error.message and str(error) == error.message
    assert refusal(b"a,b\n" * 400, max_bytes=1000).code == "file_too_large"


def test_default_limits_come_from_settings(settings):
    settings.RENCAI_IMPORT_MAX_BYTES = 100
    assert refusal(b"a,b\n" * 100).code == "file_too_large"
    settings.RENCAI_IMPORT_MAX_BYTES = 10_000
    settings.RENCAI_IMPORT_MAX_ROWS = 3
    assert refusal(b"a,b\n" * 10).code == "too_many_rows"


def test_too_many_rows_in_a_workbook_is_refused_before_reading(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER] + [["张三"]] * 10)
    error = refusal(path, max_rows=10)
    assert error.code == "too_many_rows" and "10 行" in error.message and "拆分" in error.message
    assert len(read(path, max_rows=11)[1]) == 11


def test_too_many_rows_in_a_csv_is_refused_while_streaming():
    table = open_table(b"a,b\n" * 6, max_rows=5)
    rows = table.rows()
    assert [next(rows) for _ in range(5)] == [["a", "b"]] * 5
    with pytest.raises(ImportFileError) as raised:
        next(rows)
    assert raised.value.code == "too_many_rows" and "5 行" in raised.value.message
    assert len(read(b"a,b\n" * 5, max_rows=5)[1]) == 5


@pytest.mark.parametrize(
    "head",
    [
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
        random.Random(7).randbytes(4096),
        "姓名,身份证号码\n张三,1101\x00\x00\n".encode(),
        b"",
    ],
    ids=["pdf", "png", "jpeg", "random", "text-with-nul", "empty"],
)
def test_not_a_spreadsheet(head):
    assert refusal(head).code == "not_spreadsheet"


def test_nul_bytes_past_the_sniffed_head_are_refused():
    data = "姓名,身份证号码\n".encode() + "张三,1101\n".encode() * 2000 + b"\x00\x01\x02"
    assert len(data) > 8192 and sniff(data[:8192]) == "csv"
    assert refusal(data).code == "not_spreadsheet"


def test_a_web_page_named_xls_is_refused_with_advice(tmp_path):
    page = tmp_path / "export.xls"
    page.write_text("<html><body><table><tr><td>姓名</td></tr></table></body></html>", encoding="gbk")
    error = refusal(page)
    assert error.code == "not_spreadsheet" and "HTML" in error.message and "另存为 .xlsx" in error.message


def test_a_word_document_zip_is_not_a_spreadsheet(tmp_path):
    docx = zip_file(
        tmp_path / "roster.xlsx",
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>", "_rels/.rels": b"<Relationships/>"},
    )
    assert sniff(docx.read_bytes()[:8192]) == "zip"
    assert refusal(docx).code == "not_spreadsheet"


def test_a_word_97_document_is_not_a_spreadsheet():
    doc = ole_stub("WordDocument", "1Table")
    assert sniff(doc) == "ole"
    assert refusal(doc).code == "not_spreadsheet"


def test_encrypted_xlsx():
    data = (DATA / "encrypted.xlsx").read_bytes()
    assert sniff(data[:8192]) in ("ole", "xls")
    error = refusal(data)
    assert (error.code, error.message) == ("encrypted", "文件设有打开密码，请取消密码后重新上传")


def test_encrypted_ole_container_is_recognised_from_its_directory():
    assert refusal(ole_stub("EncryptionInfo", "EncryptedPackage")).code == "encrypted"


def test_encrypted_xls():
    assert refusal(DATA / "encrypted.xls").code == "encrypted"


def test_zip_bomb_by_ratio(tmp_path):
    bomb = zip_file(
        tmp_path / "bomb.xlsx",
        {"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": bytes(50 * 1024 * 1024)},
    )
    assert bomb.stat().st_size < 200 * 1024
    assert refusal(bomb).code == "zip_bomb"


def test_zip_bomb_by_total_size(tmp_path):
    """Eight members of 5 MB each: no single one is absurd, together they are 40 MB."""
    members = {f"xl/media/image{n}.bin": bytes(5 * 1024 * 1024) for n in range(8)}
    archive = zip_file(tmp_path / "big.xlsx", {"xl/workbook.xml": b"<workbook/>", **members})
    assert archive.stat().st_size < 1024 * 1024
    assert refusal(archive, max_bytes=1024 * 1024).code == "zip_bomb"
    assert refusal(archive).code == "corrupt"


def test_truncated_xlsx_is_corrupt(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER] + [["张三", "1101"]] * 200)
    data = path.read_bytes()
    error = refusal(data[: len(data) // 2])
    assert (error.code, error.message) == ("corrupt", "文件已损坏或格式不完整，请在 Excel 中打开后另存为 .xlsx 再上传")


def test_xlsx_with_broken_xml_is_corrupt(tmp_path):
    path = write_xlsx(tmp_path / "r.xlsx", [HEADER, ["张三"]])
    broken = io.BytesIO()
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(broken, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(info, data)
    assert refusal(broken.getvalue()).code == "corrupt"


def test_an_ole_file_that_is_not_really_xls_is_corrupt():
    assert refusal(ole_stub("Workbook")).code == "corrupt"


def test_empty_workbook(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.create_sheet("名单")["C3"] = "   "
    path = tmp_path / "empty.xlsx"
    book.save(path)
    assert refusal(path).code == "empty"


def test_only_hidden_sheets_have_data(tmp_path):
    book = openpyxl.Workbook()
    hidden = book.create_sheet("字典")
    hidden["A1"] = "男"
    hidden.sheet_state = "hidden"
    path = tmp_path / "hidden.xlsx"
    book.save(path)
    error = refusal(path)
    assert error.code == "empty" and "隐藏" in error.message


@pytest.mark.parametrize("data", [b",,,\r\n,,\r\n", b"\xef\xbb\xbf\n\n", b" \t\n"])
def test_empty_csv(data):
    assert refusal(data).code == "empty"


@pytest.mark.parametrize(
    "data",
    [
        "姓名,备注\n张三,".encode("gbk") + b"\x80\x80\n",
        "姓名,身份证号码\n".encode("utf-16"),
    ],
    ids=["neither-utf8-nor-gb18030", "utf16"],
)
def test_unknown_encoding(data):
    error = refusal(data)
    assert error.code == "encoding"
    assert error.message == "无法识别文件编码，请另存为 UTF-8 或 GBK 编码的 CSV，或直接上传 Excel 文件"


def test_unparseable_csv_is_corrupt_with_its_line():
    data = "姓名,备注\n张三,".encode() + b'"' + b"x" * 200_000 + b'"\n'
    error = refusal(data)
    assert error.code == "corrupt" and "第 2 行" in error.message


# --- sniffing -----------------------------------------------------------------------------


def test_sniff_by_content(tmp_path):
    xlsx = write_xlsx(tmp_path / "a.pdf", [HEADER])
    book = openpyxl.Workbook()
    book.save(tmp_path / "b.xlsx")
    assert sniff(xlsx.read_bytes()[:8192]) == "xlsx"
    assert sniff((tmp_path / "b.xlsx").read_bytes()[:8192]) == "xlsx"
    assert sniff((DATA / "roster.ods").read_bytes()[:8192]) == "ods"
    assert sniff((DATA / "roster.xls").read_bytes()[:8192]) == "xls"
    assert sniff((DATA / "roster-gbk.csv").read_bytes()) == "csv"
    assert sniff(ole_stub()) == "ole"
    assert sniff(b"PK\x03\x04" + bytes(40)) == "zip"
    assert sniff(b"") == sniff(b"%PDF-1.4") == sniff(b"<?xml version='1.0'?><Workbook/>") == "unknown"
    assert sniff(b"\x01\x02\x03\x04 binary without NUL \x05\x06\x07") == "unknown"
