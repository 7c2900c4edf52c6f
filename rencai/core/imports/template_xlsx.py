"""The blank Excel template of an importable object, as a clerk downloads and fills it.

The data sheet holds only the header row: an example row would be imported along with
the clerk's rows, so examples go on the instructions sheet. Headers are the schema's
labels, required ones with a leading ``*`` that the pipeline's header matching ignores,
so a filled template maps back cleanly. Dropdowns read their values from a hidden
dictionary sheet because Excel limits an inline list to 255 characters.
"""

from __future__ import annotations

import io
import re

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from rencai.core.imports.schema import Column, ImportContext, ImportSchema

#: Rows 2..10001 of the data sheet get the dropdowns and cell formats.
TEMPLATE_ROWS = 10_000
DICTIONARY_SHEET = "字典"  # i18n: the Chinese template workbook
INSTRUCTIONS_SHEET = "填写说明"  # i18n: the Chinese template workbook
COMMENT_CHOICES_SHOWN = 20
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")

KIND_REQUIREMENTS = {
    "text": "文字",
    "date": "日期，写作 1985-03-07",
    "choice": "从下拉列表选择",
    "related": "从下拉列表选择",
    "id_number": "18位身份证号码，末位X大小写均可",
    "mobile": "11位手机号码",
    "email": "电子邮箱地址，如 zhang@example.com",
    "boolean": "填写“是”或“否”",
    "integer": "整数",
    "number": "数字",
}  # i18n: the Chinese template workbook
INSTRUCTION_HEADINGS = ("列名", "是否必填", "填写要求", "示例")  # i18n: the Chinese template workbook
TEXT_KINDS = {"id_number", "mobile"}
LIST_KINDS = {"choice", "related"}


def write_template(schema: ImportSchema, context: ImportContext) -> bytes:
    """The template workbook of ``schema`` for the user of ``context`` (the dropdown of
    institutions lists only those the user may see)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    data = workbook.add_worksheet(data_sheet_name(schema))
    instructions = workbook.add_worksheet(INSTRUCTIONS_SHEET)
    dictionary = workbook.add_worksheet(DICTIONARY_SHEET)
    dictionary.hide()
    data.activate()
    lists = dropdown_values(schema, context)
    _write_data_sheet(workbook, data, schema, lists)
    _write_dictionary(workbook, dictionary, schema, lists)
    _write_instructions(workbook, instructions, schema)
    workbook.close()
    return buffer.getvalue()


def data_sheet_name(schema: ImportSchema) -> str:
    """``人才信息导入模板`` → ``人才信息``; Excel forbids some characters and long names."""
    name = schema.title.removesuffix("导入模板").removesuffix("模板").strip()  # i18n: the schema's Chinese title
    if not name:
        name = f"{schema.model._meta.verbose_name}信息"  # i18n: the Chinese template workbook
    return _SHEET_NAME_FORBIDDEN.sub("", name)[:31] or "数据"  # i18n: the Chinese template workbook


def header_text(schema: ImportSchema, column: Column) -> str:
    return ("*" if schema.is_required(column) else "") + schema.label(column)


def dropdown_values(schema: ImportSchema, context: ImportContext) -> dict[str, list[str]]:
    """The allowed values of each list column (by field), in the schema's order."""
    lists: dict[str, list[str]] = {}
    for column in schema.columns:
        if schema.kind(column) not in LIST_KINDS or _depends_on_unit(schema, column):
            continue
        shown = list(dict.fromkeys(v for v in schema.choices(column, context).shown if v))
        if shown:
            lists[column.field] = shown
    return lists


def _depends_on_unit(schema: ImportSchema, column: Column) -> bool:
    """A related column whose rows belong to an institution (a department): its allowed
    values depend on the row's unit, so one flat list would offer wrong values (and name
    other institutions' departments); such a column gets no dropdown."""
    if schema.kind(column) != "related" or column.field == schema.organization_field:
        return False
    related = schema.model_field(column).related_model
    assert related is not None and not isinstance(related, str)  # a foreign key, resolved
    names = {f.name for f in related._meta.get_fields()}
    return bool(schema.organization_field) and schema.organization_field in names


def requirement(schema: ImportSchema, column: Column) -> str:
    """What the instructions sheet says a column must hold: the column's own note when
    it has one (it says more than the kind), how to fill a list column, a text's limit."""
    kind = schema.kind(column)
    listed = kind in LIST_KINDS and not _depends_on_unit(schema, column)
    parts = [KIND_REQUIREMENTS[kind]] if listed else []
    if column.note:
        parts.append(column.note)
    elif not listed:
        parts.append(KIND_REQUIREMENTS.get(kind, "文字"))  # i18n: the Chinese template workbook
        if kind == "date" and column.month_ok:
            parts[-1] += "，也可只写年月 1985-03"  # i18n: the Chinese template workbook
    max_length = getattr(schema.model_field(column), "max_length", None)
    if kind == "text" and max_length:
        parts.append(f"最多 {max_length} 个字")  # i18n: the Chinese template workbook
    return "；".join(parts)


def comment_text(schema: ImportSchema, column: Column, values: list[str] | None) -> str:
    """The note Excel shows on the header cell: the column's note and its choices."""
    parts = []
    if column.note:
        parts.append(column.note)
    elif schema.kind(column) in TEXT_KINDS | {"date"}:
        parts.append(requirement(schema, column))
    if values:
        offered = "、".join(values[:COMMENT_CHOICES_SHOWN])
        if len(values) > COMMENT_CHOICES_SHOWN:
            offered += f"等 {len(values)} 项，见下拉列表"  # i18n: the Chinese template workbook
        parts.append(f"可选：{offered}")  # i18n: the Chinese template workbook
    return "\n".join(parts)


def _write_data_sheet(workbook: Workbook, sheet: Worksheet, schema: ImportSchema, lists: dict[str, list[str]]) -> None:
    header = workbook.add_format(
        {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "valign": "vcenter"}
    )
    required = workbook.add_format(
        {"bold": True, "bg_color": "#FCE4D6", "font_color": "#C00000", "border": 1, "align": "center"}
    )
    as_text = workbook.add_format({"num_format": "@"})
    cell_formats = {"id_number": as_text, "mobile": as_text, "date": workbook.add_format({"num_format": "yyyy-mm-dd"})}
    dictionary_columns = {name: index for index, name in enumerate(lists)}
    for col, column in enumerate(schema.columns):
        kind = schema.kind(column)
        text = header_text(schema, column)
        sheet.write_string(0, col, text, required if schema.is_required(column) else header)
        sheet.set_column(col, col, column_width(schema, column), cell_formats.get(kind))
        note = comment_text(schema, column, lists.get(column.field))
        if note:
            sheet.write_comment(0, col, note, {"x_scale": 2, "y_scale": 2})
        if column.field in dictionary_columns:
            _add_dropdown(sheet, col, schema.label(column), dictionary_columns[column.field], len(lists[column.field]))
    sheet.set_row(0, 22)
    sheet.freeze_panes(1, 0)


def column_width(schema: ImportSchema, column: Column) -> int:
    """Wide enough for the header and the example (CJK characters count double)."""
    kind = schema.kind(column)
    widest = max(_display_width(header_text(schema, column)), _display_width(column.example))
    floor = {"id_number": 22, "mobile": 14, "date": 12, "email": 24}.get(kind, 10)
    return min(40, max(floor, widest + 2))


def _display_width(text: str) -> int:
    return sum(2 if ord(char) > 0x2E7F else 1 for char in text)


def _add_dropdown(sheet: Worksheet, col: int, label: str, dictionary_col: int, count: int) -> None:
    letter = xl_col_to_name(dictionary_col)
    sheet.data_validation(  # i18n: the Chinese template workbook
        1,
        col,
        TEMPLATE_ROWS,
        col,
        {
            "validate": "list",
            "source": f"='{DICTIONARY_SHEET}'!${letter}$2:${letter}${count + 1}",
            "error_type": "warning",
            "error_title": f"{label}不在列表中",
            "error_message": "请从下拉列表中选择；填写字典代码或其他写法时，导入时会再核对。",
        },
    )


def _write_dictionary(workbook: Workbook, sheet: Worksheet, schema: ImportSchema, lists: dict[str, list[str]]) -> None:
    """One column per dropdown: its label in row 1, the values below."""
    bold = workbook.add_format({"bold": True})
    labels = {c.field: schema.label(c) for c in schema.columns}
    for col, (name, values) in enumerate(lists.items()):
        sheet.write_string(0, col, labels[name], bold)
        for row, value in enumerate(values, start=1):
            sheet.write_string(row, col, value)
        sheet.set_column(col, col, min(40, max(10, *(_display_width(v) + 2 for v in values))))


def _write_instructions(workbook: Workbook, sheet: Worksheet, schema: ImportSchema) -> None:
    title = workbook.add_format({"bold": True, "font_size": 14})
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    wrapped = workbook.add_format({"text_wrap": True, "valign": "top", "border": 1})
    sheet.write_string(0, 0, schema.title or data_sheet_name(schema), title)
    lines = [
        f"在“{data_sheet_name(schema)}”工作表第 2 行起逐行填写，请勿修改或删除表头；带 * 的列为必填项。",
        *schema.instructions,
    ]  # i18n: the Chinese template workbook
    for index, line in enumerate(lines, start=1):
        sheet.write_string(index + 1, 0, f"{index}. {line}")
    start = len(lines) + 3
    for col, heading in enumerate(INSTRUCTION_HEADINGS):
        sheet.write_string(start, col, heading, bold)
    for row, column in enumerate(schema.columns, start=start + 1):
        sheet.write_string(row, 0, schema.label(column), wrapped)
        sheet.write_string(
            row, 1, "必填" if schema.is_required(column) else "选填", wrapped
        )  # i18n: the Chinese template workbook
        sheet.write_string(row, 2, requirement(schema, column), wrapped)
        sheet.write_string(row, 3, column.example, wrapped)
    for col, width in enumerate((18, 10, 60, 24)):
        sheet.set_column(col, col, width)
