"""Exports through the generic export page: streamed as written (no temporary file), masked
unless asked and allowed, formulas neutralised, scoped to what the user may see, audited."""

import io
import tracemalloc
from collections.abc import Iterator

import openpyxl
import pytest
from django.http import StreamingHttpResponse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from rencai.conftest import many_talents
from rencai.core.exports import write_xlsx, write_xlsx_file
from rencai.core.models import AuditEntry
from rencai.talents.models import Talent

pytestmark = pytest.mark.django_db
EXPORT_URL = "/o/talents/export/"
FORMULA_NAME = '=HYPERLINK("http://x")'


def downloaded(response) -> openpyxl.worksheet.worksheet.Worksheet:
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="talents-')
    return openpyxl.load_workbook(io.BytesIO(b"".join(streamed(response)))).active


def column(sheet, label: str) -> list:
    headers = [c.value for c in sheet[1]]
    index = headers.index(label)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


@pytest.fixture
def roster(make_talent, bank, bank_branch, other_bank):
    return {
        "zhang": make_talent("张志强", bank),
        "formula": make_talent(FORMULA_NAME, bank_branch),
        "other": make_talent("李娜", other_bank),
    }


def test_office_export_unmasked_on_request(users, client_for, roster):
    sheet = downloaded(client_for("office").get(EXPORT_URL, {"unmask": "1"}))
    ids = {c.value for c in column(sheet, "身份证号码")}
    assert ids == {t.id_number for t in roster.values()}
    entry = AuditEntry.objects.filter(action="export", object_type="talents.talent").latest("seq")
    assert entry.username == "office"
    assert entry.changes["rows"] == 3 and entry.changes["unmasked"] is True
    assert entry.changes["filters"] == {"unmask": "1"}


def test_export_masks_by_default_and_neutralises_formulas(users, client_for, roster):
    sheet = downloaded(client_for("office").get(EXPORT_URL))
    ids = [c.value for c in column(sheet, "身份证号码")]
    assert roster["zhang"].id_number not in ids and all("*" in i for i in ids)
    names = {c.value: c for c in column(sheet, "姓名")}
    formula = names[FORMULA_NAME]
    assert formula.data_type == "s" and formula.quotePrefix
    assert AuditEntry.objects.filter(action="export").latest("seq").changes["unmasked"] is False


def test_liaison_exports_only_their_institution_and_masked(users, client_for, roster):
    sheet = downloaded(client_for("liaison").get(EXPORT_URL, {"unmask": "1"}))
    assert {c.value for c in column(sheet, "姓名")} == {"张志强", FORMULA_NAME}
    assert roster["zhang"].id_number not in {c.value for c in column(sheet, "身份证号码")}
    entry = AuditEntry.objects.filter(action="export").latest("seq")
    assert entry.username == "liaison" and entry.changes["rows"] == 2 and entry.changes["unmasked"] is False


def test_export_of_a_filtered_set(users, client_for, roster):
    sheet = downloaded(client_for("office").get(EXPORT_URL, {"q": "李娜"}))
    assert [c.value for c in column(sheet, "姓名")] == ["李娜"]


def test_five_thousand_talents_export_in_a_few_queries(users, client_for, dicts, bank, django_assert_max_num_queries):
    many_talents(5000, bank, dicts["JR"])
    client = client_for("office")
    with django_assert_max_num_queries(15):
        response = client.get(EXPORT_URL)
    sheet = downloaded(response)
    assert sum(1 for _row in sheet.iter_rows()) == 5001  # (no <dimension>: its size is known only at the end)
    assert AuditEntry.objects.filter(action="export").latest("seq").changes["rows"] == 5000


def peak_memory_of_export(count: int) -> int:
    """Peak traced memory of writing ``count`` generated rows; checks the file too."""
    rows = ([f"第{n}行", "=1+1", str(n)] for n in range(count))
    tracemalloc.start()
    try:
        export = write_xlsx_file("大表", ["名称", "公式", "序号"], rows)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    with export.file:
        assert export.rows == count
        sheet = openpyxl.load_workbook(export.file, read_only=True).active
        assert next(sheet.iter_rows(min_row=3, max_row=3, values_only=True)) == ("第1行", "=1+1", "1")
    return peak


def test_writer_memory_stays_flat_as_rows_grow():
    """Rows come from a generator and are never collected: ten times the rows, about the
    same peak (an in-memory workbook would grow with them)."""
    small, large = peak_memory_of_export(1_000), peak_memory_of_export(10_000)
    assert large < small * 1.5 + 256 * 1024, (small, large)
    assert large < 4 * 1024 * 1024


def test_write_xlsx_still_returns_bytes():
    content = write_xlsx("审计日志", ["序号", "内容"], [["1", "+86"], ["2", None]])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["序号", "内容"], ["1", "+86"], ["2", None]]
    assert sheet["B2"].quotePrefix and sheet.auto_filter.ref == "A1:B3"


def streamed(response) -> Iterator[bytes]:
    """The body of a streaming response (a synchronous one: the test client's)."""
    return iter(response.streaming_content)


# --- streamed exports, formatted by column (issue 25) ------------------------------------


def test_the_column_formatters_give_exactly_the_cells_of_display_value(users, roster, dicts, settings):
    """Every export column of the registry, masked and unmasked, as ``export_value`` of a
    model instance gives it (FKs, choices, dates, booleans, encrypted fields)."""
    from rencai.core.objects import registered
    from rencai.core.objects.exporting import export_rows, fast_columns

    roster["zhang"].tier = dicts["LJ"]
    roster["zhang"].email = "zhang@example.cn"
    roster["zhang"].mobile = "13800138000"
    roster["zhang"].save()
    config = registered()["talents"]
    columns = config.get_export_columns()
    assert fast_columns(config, columns) is not None
    queryset = Talent.objects.order_by("pk")
    for unmasked in (False, True):
        fast = list(export_rows(config, queryset, columns, unmasked))
        slow = [[config.export_value(obj, c, unmasked) for c in columns] for obj in queryset]
        assert fast == slow
    assert any("13800138000" in row for row in fast)  # the unmasked pass shows it whole


def test_an_export_streams_its_first_bytes_before_reading_every_row():
    from rencai.core.exports import stream_xlsx

    read = []

    def rows():
        for number in range(5000):
            read.append(number)
            yield [f"第{number}行"]

    chunks = stream_xlsx("大表", ["名称"], rows())
    head = next(chunks)  # the package's head and the header row …
    assert head and len(read) <= 200  # … after only the rows that set the column widths
    content = head + b"".join(chunks)
    assert len(read) == 5000
    sheet = openpyxl.load_workbook(io.BytesIO(content), read_only=True).active
    assert sum(1 for _row in sheet.iter_rows()) == 5001  # (no <dimension>: its size is known only at the end)


def test_a_streamed_workbook_opens_with_its_cells_styles_and_filter():
    from rencai.core.exports import stream_xlsx

    content = b"".join(stream_xlsx("审计日志", ["序号", "内容"], [["1", "+86"], ["2", None], ["3", " a&b<c> "]]))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.title == "审计日志"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["序号", "内容"],
        ["1", "+86"],
        ["2", None],
        ["3", " a&b<c> "],
    ]
    assert sheet["B2"].quotePrefix and not sheet["A2"].quotePrefix
    assert sheet.auto_filter.ref == "A1:B4" and sheet.freeze_panes == "A2" and sheet["A1"].font.b


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from("甲a1 =+-@&<>\t\r\n\x00\x0b\u3000\ufffe"), max_size=4), max_size=5))
def test_a_row_is_written_as_each_of_its_cells_would_be_alone(texts):
    """The row-wide look for characters to escape changes no cell: each is the plain cell
    or ``_cell``'s, as when every cell was looked at by itself; and the workbook reads back
    the texts (less the characters XML cannot hold), formula-looking ones quoted."""
    from rencai.core.exports import _ILLEGAL_XML, _NEEDS_ESCAPE, _SPECIAL_FIRST, _cell, _row_xml, stream_xlsx

    letters = ["A", "B", "C", "D", "E"]
    one_by_one = [
        f'<c r="{letter}7" t="inlineStr"><is><t>{text}</t></is></c>'
        if text[0] not in _SPECIAL_FIRST and not text[-1].isspace() and not _NEEDS_ESCAPE.search(text)
        else _cell(f"{letter}7", text, "")
        for letter, text in zip(letters, texts, strict=False)
        if text
    ]
    assert _row_xml(7, texts, letters) == f'<row r="7">{"".join(one_by_one)}</row>'
    content = b"".join(stream_xlsx("表", letters[: max(len(texts), 1)], [texts]))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    read = [c.value for c in next(sheet.iter_rows(min_row=2, max_row=2))] if texts else []
    expected = [_ILLEGAL_XML.sub("", t) or None for t in texts]

    def lines(value: str | None) -> str | None:  # XML reads a line end as \n; an empty cell as nothing
        return value.replace("\r\n", "\n").replace("\r", "\n") if value else None

    assert [lines(v) for v in read][: len(expected)] == [lines(e) for e in expected]


def test_a_failing_export_leaves_no_file_and_was_audited(users, client_for, roster, monkeypatch):
    """The rows fail half-way: the download breaks off, nothing is left on disk, and the
    disclosure that did happen is in the audit log."""
    import glob
    import os
    import tempfile

    from rencai.core.objects import exporting

    def failing(*args, **kwargs):
        yield ["张志强"] + [""] * 20
        raise RuntimeError("数据库连接中断")

    monkeypatch.setattr("rencai.core.objects.pages.export_rows", failing)
    before = set(glob.glob(os.path.join(tempfile.gettempdir(), "rencai-export-*")))
    response = client_for("office").get(EXPORT_URL)
    assert response.status_code == 200
    with pytest.raises(RuntimeError):
        b"".join(streamed(response))
    assert set(glob.glob(os.path.join(tempfile.gettempdir(), "rencai-export-*"))) == before
    entry = AuditEntry.objects.filter(action="export", object_type="talents.talent").latest("seq")
    assert entry.changes["rows"] == 3
    assert exporting.export_rows is not failing
