"""The Excel round trip of a return: an institution's own template (its prefill in it,
input checks on the cells, labels locked) and reading a filled one back, with errors by
cell. The template carries a signed mark of form, edition, period and institution, so that
another institution's file, an older edition or a forged mark is refused."""

import io

import xlsxwriter
from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from rencai.core.errors import Refused
from rencai.core.imports.reading import ImportFileError, open_table
from rencai.returns.models import IndicatorType, Submission, plain_number
from rencai.returns.services import Entry, EntryErrors, save_values

MARK_ROW = 3  # 1-based row of the template mark
HEADER_ROW = 4
FIRST_ROW = 5
VALUE_COLUMN = "E"
REASON_COLUMN = "G"
HEADERS = ["栏目", "指标代码", "指标名称", "计量单位", "填报值", "系统预填", "修正理由（与预填不一致时必填）"]


def _signature(text: str) -> str:
    return salted_hmac("rencai.returns.template", text, algorithm="sha256").hexdigest()[:16]


def mark_of(submission: Submission) -> str:
    form = submission.period.form
    body = f"{form.code}|{form.edition}|{submission.period_id}|{submission.organization_id}"
    return f"{body}|{_signature(body)}"


def template_xlsx(submission: Submission) -> bytes:
    form = submission.period.form
    values = {v.indicator_id: v for v in submission.values.all()}
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    sheet = book.add_worksheet("填报")
    title = book.add_format({"bold": True, "font_size": 14, "align": "center"})
    header = book.add_format({"bold": True, "bg_color": "#E9ECEF", "border": 1, "locked": True})
    label = book.add_format({"border": 1, "locked": True})
    grey = book.add_format({"font_color": "#999999", "font_size": 8, "locked": True})
    editable = book.add_format({"border": 1, "locked": False, "bg_color": "#FFF9DB"})
    sheet.merge_range(0, 0, 0, len(HEADERS) - 1, f"{form.name}（{submission.period.label}）", title)
    sheet.write_string(1, 0, f"填报单位：{submission.organization.name}    表号：{form.code}（第{form.edition}版）")
    sheet.write_string(MARK_ROW - 1, 0, "模板标识（请勿修改）", grey)
    sheet.write_string(MARK_ROW - 1, 1, mark_of(submission), grey)
    sheet.write_row(HEADER_ROW - 1, 0, HEADERS, header)
    for offset, indicator in enumerate(form.indicators.all()):
        row = FIRST_ROW - 1 + offset
        value = values.get(indicator.pk)
        name = " × ".join(filter(None, [indicator.row_label, indicator.column_label])) or indicator.name
        sheet.write_string(row, 0, indicator.section, label)
        sheet.write_string(row, 1, indicator.code, label)
        sheet.write_string(row, 2, name if name != indicator.name else indicator.name, label)
        sheet.write_string(row, 3, indicator.unit, label)
        shown = value.display() if value else ""
        if indicator.is_number and shown and value is not None:
            sheet.write_number(row, 4, float(value.number), editable)
        else:
            sheet.write_string(row, 4, shown, editable)
        prefilled = value.prefilled if value and value.prefilled is not None else None
        sheet.write_string(row, 5, plain_number(prefilled), label)
        sheet.write_string(row, 6, value.correction_reason if value else "", editable)
        _validate(sheet, row, indicator)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, 30)
    sheet.set_column(3, 3, 8)
    sheet.set_column(4, 4, 14)
    sheet.set_column(5, 5, 10)
    sheet.set_column(6, 6, 32)
    sheet.protect("", {"format_columns": True})
    book.close()
    return buffer.getvalue()


def _validate(sheet, row: int, indicator) -> None:
    message = {"input_title": indicator.name[:32], "error_title": "填写有误"}
    if indicator.kind == IndicatorType.INTEGER:
        rule = {"validate": "integer", "criteria": ">=", "value": 0, "error_message": "请填写不小于0的整数。"}
    elif indicator.kind == IndicatorType.DECIMAL:
        rule = {"validate": "decimal", "criteria": ">=", "value": 0, "error_message": "请填写不小于0的数。"}
    elif indicator.kind == IndicatorType.PERCENTAGE:
        rule = {
            "validate": "decimal",
            "criteria": "between",
            "minimum": 0,
            "maximum": 100,
            "error_message": "请填写0到100之间的数。",
        }
    elif indicator.kind == IndicatorType.CHOICE:
        rule = {"validate": "list", "source": indicator.choice_list()[:50], "error_message": "请从下拉列表中选择。"}
    else:
        return
    sheet.data_validation(row, 4, row, 4, {**rule, **message})


def read_upload(submission: Submission, content: bytes) -> EntryErrors:
    """Read a filled template into ``submission``; refuses a file that is not this
    institution's template of this edition and period, and reports bad cells by address."""
    try:
        table = open_table(content, max_bytes=settings.RENCAI_IMPORT_MAX_BYTES, max_rows=5000)
    except ImportFileError as exc:
        raise Refused(str(exc)) from exc
    rows = list(table.rows())
    mark = _cell(rows, MARK_ROW, 2, table.first_column)
    check_mark(submission, mark)
    entries = {}
    for number, row in enumerate(rows[FIRST_ROW - 1 :], start=FIRST_ROW):
        code = _text(_at(row, 2, table.first_column))
        if not code:
            continue
        entries[code] = Entry(
            raw=_at(row, 5, table.first_column),
            reason=_text(_at(row, 7, table.first_column)),
            place=f"{VALUE_COLUMN}{number}",
        )
    return save_values(submission, entries)


def check_mark(submission: Submission, mark: str) -> None:
    parts = mark.split("|")
    if len(parts) != 5 or not constant_time_compare(_signature("|".join(parts[:4])), parts[4]):
        raise Refused("该文件不是从本系统下载的填报模板（模板标识缺失或被修改），请重新下载模板填写。")
    code, edition, period_id, organization_id = parts[:4]
    form = submission.period.form
    if code != form.code:
        raise Refused(f"该文件是表号 {code} 的模板，不是“{form.name}”。")
    if edition != str(form.edition):
        raise Refused(f"该文件是第{edition}版报表的模板，现行为第{form.edition}版，请重新下载模板填写。")
    if period_id != str(submission.period_id):
        raise Refused("该文件是其他报告期的模板，请下载本期模板填写。")
    if organization_id != str(submission.organization_id):
        raise Refused(f"该文件是其他单位的填报模板，不能上传为{submission.organization.name}的报表。")


def _at(row: list, column: int, first_column: int):
    index = column - first_column
    return row[index] if 0 <= index < len(row) else ""


def _cell(rows: list, row: int, column: int, first_column: int) -> str:
    return _text(_at(rows[row - 1], column, first_column)) if len(rows) >= row else ""


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip() if value is not None else ""
