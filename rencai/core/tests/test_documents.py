"""The 公文 writer: every document is written to disk, opened again with python-docx and
its layout read back (through the XML where python-docx has no API)."""

import io
from datetime import date
from typing import Any

import docx
import pytest
import segno
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from rencai.core.documents import (
    Heading,
    Image,
    OfficialDocument,
    Paragraph,
    Table,
    chinese_date,
    write_official_docx,
)

ISSUER = "某某市地方金融监督管理局"
TITLE = "关于2026年度金融人才评选结果的公示"


def official(**changes) -> OfficialDocument:
    values: dict[str, Any] = {"title": TITLE, "issuer": ISSUER, "issued_on": date(2026, 11, 23)}
    values.update(changes)
    return OfficialDocument(**values)


def written(tmp_path, document: OfficialDocument):
    """``document`` written to a file and opened again."""
    path = tmp_path / "document.docx"
    path.write_bytes(write_official_docx(document))
    return docx.Document(str(path))


def png() -> bytes:
    buffer = io.BytesIO()
    segno.make("x").save(buffer, kind="png", scale=3)
    return buffer.getvalue()


def paragraph(doc, text: str):
    return next(p for p in doc.paragraphs if p.text == text)


def fonts(run) -> dict[str, str]:
    rfonts = run._r.rPr.rFonts
    return {name: rfonts.get(qn(f"w:{name}")) for name in ("eastAsia", "ascii", "hAnsi")}


def mm(length) -> float:
    return length.mm


def test_page_is_a4_with_the_standard_margins(tmp_path):
    section = written(tmp_path, official()).sections[0]
    assert mm(section.page_width) == pytest.approx(210, abs=0.5)
    assert mm(section.page_height) == pytest.approx(297, abs=0.5)
    assert mm(section.top_margin) == pytest.approx(37, abs=0.5)
    assert mm(section.bottom_margin) == pytest.approx(35, abs=0.5)
    assert mm(section.left_margin) == pytest.approx(28, abs=0.5)
    assert mm(section.right_margin) == pytest.approx(26, abs=0.5)


def test_every_run_names_its_chinese_font(tmp_path):
    blocks = [
        Heading("一、评选范围"),
        Heading("（一）申报条件", level=2),
        Heading("1．基本要求", level=3),
        Heading("（1）年龄", level=4),
        Paragraph("正文第1段。"),
    ]
    doc = written(tmp_path, official(blocks=blocks))
    expected = {
        TITLE: ("方正小标宋简体", Pt(22), None),
        "一、评选范围": ("黑体", Pt(16), None),
        "（一）申报条件": ("楷体_GB2312", Pt(16), None),
        "1．基本要求": ("仿宋_GB2312", Pt(16), True),
        "（1）年龄": ("仿宋_GB2312", Pt(16), None),
        "正文第1段。": ("仿宋_GB2312", Pt(16), None),
        ISSUER: ("仿宋_GB2312", Pt(16), None),
    }
    for text, (font, size, bold) in expected.items():
        (run,) = paragraph(doc, text).runs
        assert fonts(run) == {"eastAsia": font, "ascii": "Times New Roman", "hAnsi": "Times New Roman"}, text
        assert run.font.size == size, text
        assert run.font.bold is bold, text


def test_normal_style_and_defaults_are_fangsong_sanhao(tmp_path):
    doc = written(tmp_path, official())
    normal = doc.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = defaults.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert rfonts.get(qn("w:eastAsiaTheme")) is None  # a theme font would win over eastAsia
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"


def test_lines_are_exactly_spaced_and_on_a_22_by_28_grid(tmp_path):
    doc = written(tmp_path, official(blocks=[Paragraph("正文。")]))
    fmt = doc.styles["Normal"].paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing.pt == pytest.approx(28.95, abs=0.05)
    assert 22 * fmt.line_spacing <= Mm(225) < 23 * fmt.line_spacing
    assert paragraph(doc, "正文。").paragraph_format.line_spacing is None  # inherits the exact spacing

    grid = doc.sections[0]._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:type")) == "lines"
    assert int(grid.get(qn("w:linePitch"))) == 579
    spacing = paragraph(doc, "正文。").runs[0]._r.rPr.find(qn("w:spacing"))
    char_pitch_twips = 16 * 20 + int(spacing.get(qn("w:val")))
    assert 28 * char_pitch_twips <= Mm(156).twips < 29 * char_pitch_twips


def test_body_paragraphs_are_justified_and_indented_two_characters(tmp_path):
    doc = written(tmp_path, official(blocks=[Paragraph("第一段。\n\n第二段。")], recipients="各金融机构："))
    for text in ("第一段。", "第二段。"):
        body = paragraph(doc, text)
        assert body.paragraph_format.first_line_indent == Pt(32)
    assert doc.styles["Normal"].paragraph_format.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    recipients = paragraph(doc, "各金融机构：")
    assert recipients.paragraph_format.first_line_indent is None
    assert recipients.paragraph_format.left_indent is None
    texts = [p.text for p in doc.paragraphs]
    assert texts.index("各金融机构：") < texts.index("第一段。")


def footer_paragraph(footer):
    (only,) = footer.paragraphs
    return only


def test_page_numbers_are_page_fields_outside_on_odd_and_even_pages(tmp_path):
    doc = written(tmp_path, official())
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    odd, even = footer_paragraph(section.footer), footer_paragraph(section.even_page_footer)
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT
    for number in (odd, even):
        kinds = [c.get(qn("w:fldCharType")) for c in number._p.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        assert [i.text for i in number._p.iter(qn("w:instrText"))] == [" PAGE "]
        assert number.text == "— 1 —"
        for run in number.runs:
            assert run.font.size == Pt(14)
            assert fonts(run)["eastAsia"] == "宋体"


def test_table_reads_back_with_a_repeated_bold_header_row(tmp_path):
    table = Table(
        headers=["序号", "姓名", "单位"],
        rows=[["1", "张三", "甲银行济南分行"], ["2", "李四"]],
        caption="表1 评选结果",
    )
    doc = written(tmp_path, official(blocks=[table]))
    (written_table,) = doc.tables
    cells = [[cell.text for cell in row.cells] for row in written_table.rows]
    assert cells == [["序号", "姓名", "单位"], ["1", "张三", "甲银行济南分行"], ["2", "李四", ""]]
    header_flags = [row._tr.trPr.find(qn("w:tblHeader")) is not None for row in written_table.rows]
    assert header_flags == [True, False, False]
    assert all(run.font.bold for cell in written_table.rows[0].cells for run in cell.paragraphs[0].runs)
    assert written_table.rows[1].cells[1].paragraphs[0].runs[0].font.size == Pt(14)

    caption = paragraph(doc, "表1 评选结果")
    assert caption.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert fonts(caption.runs[0])["eastAsia"] == "黑体"
    body = doc.element.body
    assert body.index(caption._p) + 1 == body.index(written_table._tbl)  # the caption stands above


def test_wide_tables_get_smaller_type_and_long_rows_are_refused(tmp_path):
    headers = [f"列{n}" for n in range(10)]
    doc = written(tmp_path, official(blocks=[Table(headers=headers, rows=[["x"] * 10])]))
    assert doc.tables[0].rows[1].cells[0].paragraphs[0].runs[0].font.size == Pt(10.5)
    with pytest.raises(ValueError, match="3 cells for 2 columns"):
        write_official_docx(official(blocks=[Table(headers=["a", "b"], rows=[["1", "2", "3"]])]))


def test_date_has_no_zero_padding_and_stands_under_the_issuer(tmp_path):
    assert chinese_date(date(2026, 1, 5)) == "2026年1月5日"
    doc = written(tmp_path, official(issued_on=date(2026, 1, 5), blocks=[Paragraph("正文。")]))
    *_, blank, issuer, issued = doc.paragraphs
    assert (blank.text, issuer.text, issued.text) == ("", ISSUER, "2026年1月5日")
    assert issued.alignment == issuer.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert issued.paragraph_format.right_indent == Pt(64)  # 右空四字
    # The issuer (12 characters) is centred over the date (six digits at half a character,
    # three characters: 6 wide).
    assert issuer.paragraph_format.right_indent == Pt(16 * (4 + (6 - 12) / 2))


def test_issuer_shorter_than_the_date_is_centred_over_it(tmp_path):
    doc = written(tmp_path, official(issuer="某某局", issued_on=date(2026, 11, 23)))
    issuer = paragraph(doc, "某某局")
    # "2026年11月23日" is 4 × 0.5 + 1 + 1 + 1 + 1 + 1 = 7 characters, "某某局" 3.
    assert issuer.paragraph_format.right_indent == Pt(16 * (4 + (7 - 3) / 2))


def test_document_number_is_written_only_when_given(tmp_path):
    doc = written(tmp_path, official(document_number="济金办〔2026〕12号"))
    texts = [p.text for p in doc.paragraphs]
    assert texts[:3] == [TITLE, "济金办〔2026〕12号", ""]
    assert paragraph(doc, "济金办〔2026〕12号").alignment == WD_ALIGN_PARAGRAPH.CENTER

    without = written(tmp_path, official())
    assert [p.text for p in without.paragraphs][:2] == [TITLE, ""]
    assert not any("〔" in p.text for p in without.paragraphs)


def test_image_is_embedded_centred_and_off_the_exact_line_grid(tmp_path):
    data = png()
    doc = written(tmp_path, official(blocks=[Image(data, width_mm=40, caption="图1 二维码")]))
    (shape,) = doc.inline_shapes
    assert shape.width.mm == pytest.approx(40, abs=0.1)
    (blip,) = doc.element.body.iter(qn("a:blip"))
    assert doc.part.related_parts[blip.get(qn("r:embed"))].blob == data
    holder = next(p for p in doc.paragraphs if p._p.findall(".//" + qn("w:drawing")))
    assert holder.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert holder.paragraph_format.line_spacing_rule == WD_LINE_SPACING.SINGLE  # exact would crop it
    texts = [p.text for p in doc.paragraphs]
    assert texts[texts.index("图1 二维码") - 1] == holder.text  # the caption stands below


def test_image_wider_than_the_text_block_is_narrowed(tmp_path):
    doc = written(tmp_path, official(blocks=[Image(png(), width_mm=300)]))
    assert doc.inline_shapes[0].width.mm == pytest.approx(156, abs=0.1)


def test_attachments_are_numbered_with_aligned_numbers(tmp_path):
    doc = written(tmp_path, official(attachments=["评选结果名单", "评选办法"]))
    first, second = paragraph(doc, "附件：1．评选结果名单"), paragraph(doc, "2．评选办法")
    # 附件 starts two characters in, "2．" under "1．", wrapped lines under the names.
    assert (first.paragraph_format.left_indent + first.paragraph_format.first_line_indent) == Pt(32)
    assert (second.paragraph_format.left_indent + second.paragraph_format.first_line_indent) == Pt(80)
    assert first.paragraph_format.left_indent == second.paragraph_format.left_indent == Pt(104)

    single = written(tmp_path, official(attachments=["评选结果名单"]))
    assert paragraph(single, "附件：评选结果名单").paragraph_format.left_indent == Pt(80)


def test_round_trip_with_no_blocks(tmp_path):
    doc = written(tmp_path, official(title="关于公示的\n通知"))
    assert [p.text for p in doc.paragraphs] == ["关于公示的\n通知", "", "", ISSUER, "2026年11月23日"]
    assert doc.core_properties.title == "关于公示的通知"
    assert doc.core_properties.author == ISSUER
    assert doc.tables == []


def test_awkward_text_does_not_break_the_writer(tmp_path):
    blocks = [
        Heading(""),
        Paragraph("𠀀𪚥 出自扩展B区\x00\x0b的字"),
        Paragraph(""),
        Table(headers=[], rows=[]),
        Table(headers=["姓名"], rows=[[]]),
    ]
    doc = written(tmp_path, official(title="", issuer="", recipients="", blocks=blocks))
    assert "𠀀𪚥 出自扩展B区的字" in [p.text for p in doc.paragraphs]
    assert [[c.text for c in row.cells] for row in doc.tables[0].rows] == [["姓名"], [""]]
    assert doc.core_properties.title == ""
