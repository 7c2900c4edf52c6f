"""Makes the checked-in import fixtures of this folder (see README.md).

Run once by hand: ``/tmp/venv/bin/python rencai/core/tests/data/make_fixtures.py``. It needs
``xlwt``, ``msoffcrypto-tool`` and ``olefile``, which are installed only to make the fixtures and
are not requirements of the project; the tests only read the files it wrote.
"""

import datetime
import io
import re
import struct
import zipfile
from pathlib import Path
from typing import Any

import msoffcrypto.format.ooxml
import olefile
import xlsxwriter
import xlwt

HERE = Path(__file__).resolve().parent

HEADER = ["姓名", "身份证号码", "性别", "出生日期", "工作单位", "职务"]
PEOPLE = [
    ["张三", "110101199003071234", "男", datetime.date(1990, 3, 7), "中国工商银行北京分行", "客户经理"],
    ["李四", "310104198512120021", "女", datetime.date(1985, 12, 12), "交通银行上海分行", "柜员"],
    ["欧阳娜娜", "44030619920101002X", "女", datetime.date(1992, 1, 1), "招商银行深圳分行", "理财经理"],
]


def csv_text(people: list[list], delimiter: str = ",") -> str:
    lines = [delimiter.join(HEADER)]
    lines += [delimiter.join(p.isoformat() if isinstance(p, datetime.date) else p for p in row) for row in people]
    return "\r\n".join(lines) + "\r\n"


def write_csvs() -> None:
    (HERE / "roster-gbk.csv").write_bytes(csv_text(PEOPLE).encode("gbk"))
    (HERE / "roster-utf8-bom.csv").write_bytes(csv_text(PEOPLE).encode("utf-8-sig"))
    rare = [*PEOPLE, ["刘䶮", "440104199505050011", "男", datetime.date(1995, 5, 5), "广州农商银行𠀀支行", "柜员"]]
    (HERE / "roster-gb18030.csv").write_bytes(csv_text(rare).encode("gb18030"))


def write_xls(path: Path) -> None:
    """BIFF8 with an empty first sheet, a merged title, text IDs, a date and a number."""
    book = xlwt.Workbook(encoding="utf-8")
    book.add_sheet("说明")
    sheet = book.add_sheet("人员名单")
    sheet.write_merge(0, 0, 0, len(HEADER), "2024年金融人才名单", xlwt.easyxf("font: bold on; align: horiz center"))
    for column, title in enumerate([*HEADER, "年薪（万元）"]):
        sheet.write(1, column, title)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for number, person in enumerate(PEOPLE, start=2):
        for column, value in enumerate(person):
            sheet.write(
                number, column, value, date_style if isinstance(value, datetime.date) else xlwt.Style.default_style
            )
        sheet.write(number, len(HEADER), 30 + number * 2.5)
    book.save(str(path))


def write_encrypted_xls(path: Path) -> None:
    """An xls whose first record after BOF is a FilePass (MS-XLS 2.4.117) with RC4 encryption.

    No free tool writes an encrypted .xls, so the xlwt file's InterfaceHdr record (2 bytes of
    data, right after BOF) is overwritten in place with a FilePass record of the same length:
    what Excel writes for a password-protected workbook starts the same way."""
    write_xls(path)
    with olefile.OleFileIO(str(path), write_mode=True) as ole:
        stream = bytearray(ole.openstream("Workbook").read())
        bof_length = struct.unpack_from("<H", stream, 2)[0]
        at = 4 + bof_length
        assert struct.unpack_from("<HH", stream, at) == (0x00E1, 2)
        struct.pack_into("<HHH", stream, at, 0x002F, 2, 1)
        ole.write_stream("Workbook", bytes(stream))


def write_encrypted_xlsx(path: Path) -> None:
    """A real ECMA-376 agile-encrypted workbook (password 1234) made with msoffcrypto-tool."""
    plain = io.BytesIO()
    book = xlsxwriter.Workbook(plain, {"in_memory": True})
    sheet = book.add_worksheet("人员名单")
    sheet.write_row(0, 0, HEADER[:2])
    sheet.write_row(1, 0, PEOPLE[0][:2])
    book.close()
    plain.seek(0)
    with path.open("wb") as out:
        msoffcrypto.format.ooxml.OOXMLFile(plain).encrypt("1234", out)


ODS_MANIFEST = """<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2"
  manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

ODS_CONTENT = """<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"
 xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">
 <office:body>
  <office:spreadsheet>
   <table:table table:name="说明">
    <table:table-column/>
    <table:table-row><table:table-cell/></table:table-row>
   </table:table>
   <table:table table:name="人员名单">
    <table:table-column table:number-columns-repeated="5"/>
    <table:table-row>
     <table:table-cell table:number-columns-spanned="5" office:value-type="string">
      <text:p>2024年金融人才名单</text:p></table:table-cell>
     <table:covered-table-cell table:number-columns-repeated="4"/>
    </table:table-row>
{rows}
   </table:table>
  </office:spreadsheet>
 </office:body>
</office:document-content>
"""


def ods_cell(value) -> str:
    if isinstance(value, datetime.date):
        return f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"><text:p>{value}</text:p></table:table-cell>'
    if isinstance(value, float):
        return f'<table:table-cell office:value-type="float" office:value="{value}"><text:p>{value}</text:p></table:table-cell>'
    return f'<table:table-cell office:value-type="string"><text:p>{value}</text:p></table:table-cell>'


def write_ods(path: Path) -> None:
    """OpenDocument by hand: mimetype first and stored, a manifest, content.xml without the
    whitespace between elements (as LibreOffice writes it; calamine refuses text inside a row)."""
    rows: list[list[Any]] = [["姓名", "身份证号码", "出生日期", "工作单位", "年薪（万元）"]]
    rows += [[p[0], p[1], p[3], p[4], 30.5 + i] for i, p in enumerate(PEOPLE)]
    body = "\n".join("    <table:table-row>" + "".join(ods_cell(v) for v in row) + "</table:table-row>" for row in rows)
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        content = re.sub(r">\s+<", "><", ODS_CONTENT.replace("{rows}", body))
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    write_csvs()
    write_xls(HERE / "roster.xls")
    write_encrypted_xls(HERE / "encrypted.xls")
    write_encrypted_xlsx(HERE / "encrypted.xlsx")
    write_ods(HERE / "roster.ods")
