"""Word documents in the layout of GB/T 9704-2012 《党政机关公文格式》.

An :class:`OfficialDocument` (title, issuer, date, and a list of blocks) becomes a .docx
file that Word and WPS open as a plain 公文 without a red 版头: the document is meant to be
printed on headed paper or pasted into an office's own template, so only the 主体 and the
page numbers are laid out here.

Layout choices, with the clause of the standard they follow:

* Page (5.2.1, 5.2.2): A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm, which
  leaves a 156 × 225 mm text block.
* Lines and characters (5.2.3): 22 lines of 28 characters. Every paragraph has an exact
  line spacing of 225 mm / 22 (579 twips, 28.95 pt) on a line grid (``w:docGrid
  type="lines"``), and 三号 text carries a slightly negative character spacing so that 28
  characters fill the 156 mm line (a character grid, ``linesAndChars``, is what Word's own
  公文 templates use, but LibreOffice spreads snapped characters far apart).
  Paragraphs holding a picture or a table cell leave the grid (``w:snapToGrid val=0``,
  single spacing): an exact line height would crop the picture and spread the table.
* Fonts (5.1, 7.2 to 7.4): body 仿宋_GB2312 三号 (16 pt); title 方正小标宋简体 二号 (22 pt);
  headings 黑体 "一、", 楷体_GB2312 "（一）", 仿宋_GB2312 bold "1．", 仿宋_GB2312 "（1）".
  python-docx's ``font.name`` leaves ``w:rFonts/@w:eastAsia`` alone, so every run and the
  Normal style get their fonts written here: the Chinese font as eastAsia, Times New Roman
  for digits and Latin letters, and ``w:hint="eastAsia"`` so that quotation marks and
  dashes, which Unicode shares with Western text, are drawn full-width in the Chinese font.
  The theme fonts of python-docx's template (Calibri, MS Mincho) are removed.
* 发文字号 is centred under the title when given, 主送机关 follows after one blank line,
  flush left; body paragraphs are justified with a first-line indent of two characters.
* 附件说明 (7.3.4): one blank line after the body, "附件：" indented two characters; with
  several attachments they are numbered "1．" "2．" by this module (callers pass the names
  only) and the numbers line up under each other, long names wrap under their first
  character.
* 署名 and 成文日期 (7.3.5.1, the sealed layout): one blank line, then the date right-aligned
  with four characters of space on its right ("右空四字"), written in Arabic numerals
  without zero padding ("2026年1月5日"); the issuer stands on the line above, centred over
  the date, as the standard asks (so its right indent is four characters only when it is
  as long as the date).
* Page numbers (7.5): 宋体 四号 "— 1 —" in the footer, a real PAGE field; odd pages
  right-aligned with one character of space, even pages left-aligned likewise
  (``w:evenAndOddHeaders``). The footer sits about 7 mm under the text block.
* Tables: a grid the width of the text block, centred, header row bold and repeated on
  every page, rows not split across pages, cells 仿宋_GB2312 四号 (smaller when there are
  many columns); the caption (黑体) stands above. Picture captions stand below (表上图下).

Text is cleaned of the characters XML cannot hold (control characters, lone surrogates),
so that no user input can make the writer fail; characters outside the BMP are kept.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Emu, Mm, Pt, RGBColor, Twips
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run

if TYPE_CHECKING:
    from docx.oxml.text.font import CT_Fonts
    from docx.oxml.text.parfmt import CT_PPr

# -- page (GB/T 9704-2012 5.2) ---------------------------------------------------------
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 37
MARGIN_BOTTOM_MM = 35
MARGIN_LEFT_MM = 28
MARGIN_RIGHT_MM = 26
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
#: 225 mm / 22 lines, rounded down to whole twips so that 22 lines surely fit: 579 twips.
LINE_PITCH = Twips(Mm(TEXT_HEIGHT_MM).twips // LINES_PER_PAGE)
HEADER_DISTANCE_MM = 15
#: The footer line (exactly FOOTER_LINE high) then has its middle, where the dashes are,
#: about 7 mm under the text block (7.5).
FOOTER_DISTANCE_MM = 25
FOOTER_LINE = Pt(16)

# -- fonts (GB/T 9704-2012 5.1, 7.2, 7.3) --------------------------------------------------
FANGSONG = "仿宋_GB2312"
KAITI = "楷体_GB2312"
HEITI = "黑体"
SONGTI = "宋体"
TITLE_FONT = "方正小标宋简体"
WESTERN_FONT = "Times New Roman"
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
PAGE_NUMBER_SIZE = Pt(14)  # 四号
CHAR = BODY_SIZE  # one character of body text, the unit of every indent
#: (font, bold) of headings by level; deeper levels than 4 are written as level 4.
HEADING_FONTS = {1: (HEITI, False), 2: (KAITI, False), 3: (FANGSONG, True), 4: (FANGSONG, False)}
#: Cell font size by the largest number of columns it still fits: 四号, 小四, 五号.
TABLE_SIZES = ((6, Pt(14)), (9, Pt(12)), (math.inf, Pt(10.5)))

DEFAULT_IMAGE_WIDTH_MM = 150
#: Core properties refuse longer values.
CORE_PROPERTY_LIMIT = 255

#: Characters XML 1.0 cannot hold (lxml refuses them).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

#: Elements that follow ``w:snapToGrid`` inside ``w:pPr`` (ECMA-376 schema order).
_AFTER_SNAP_TO_GRID = (
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


@dataclass
class Heading:
    """A heading; the caller writes its numbering ("一、", "（一）", "1．", "（1）")."""

    text: str
    level: int = 1


@dataclass
class Paragraph:
    """Body text. Line breaks in ``text`` start new (indented) paragraphs."""

    text: str


@dataclass
class Table:
    """A grid table. Rows shorter than ``headers`` are padded with empty cells; longer
    ones are refused. Without headers the longest row sets the columns."""

    headers: list[str]
    rows: list[list[str]]
    caption: str = ""


@dataclass
class Image:
    """A PNG or JPEG picture, centred, ``width_mm`` wide (at most the text block)."""

    data: bytes
    width_mm: float = DEFAULT_IMAGE_WIDTH_MM
    caption: str = ""


Block = Heading | Paragraph | Table | Image


@dataclass
class OfficialDocument:
    """The 主体 of a 公文 (GB/T 9704-2012 7.3)."""

    title: str
    issuer: str
    issued_on: date
    blocks: list[Block] = field(default_factory=list)
    document_number: str = ""
    recipients: str = ""
    attachments: list[str] = field(default_factory=list)


def write_official_docx(document: OfficialDocument) -> bytes:
    """The .docx file as bytes."""
    docx = _new_document()
    _add_title(docx, document.title)
    if document.document_number:
        _add_centred(docx, document.document_number)
    _add_blank(docx)
    if document.recipients:
        _add_line(docx, document.recipients)
    for block in document.blocks:
        _add_block(docx, block)
    if document.attachments:
        _add_blank(docx)
        _add_attachments(docx, document.attachments)
    _add_signature(docx, document.issuer, document.issued_on)
    for paragraph in docx.element.body.iter(qn("w:p")):
        _keep_punctuation_inside(paragraph.get_or_add_pPr())
    _set_core_properties(docx, document)
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


def chinese_date(value: date) -> str:
    """成文日期 in Arabic numerals, without zero padding: 2026年1月5日 (7.3.5.1)."""
    return f"{value.year}年{value.month}月{value.day}日"


def clean_text(text: str) -> str:
    """``text`` without the characters a Word document cannot hold."""
    return _XML_ILLEGAL.sub("", text or "")


# -- the empty document ----------------------------------------------------------------


def _new_document() -> DocxDocument:
    docx = Document()
    _set_default_fonts(docx)
    _set_normal_style(docx)
    section = docx.sections[0]
    _set_page(section)
    _set_grid(section)
    docx.settings.odd_and_even_pages_header_footer = True
    _add_page_number(section.footer.paragraphs[0], WD_ALIGN_PARAGRAPH.RIGHT)
    _add_page_number(section.even_page_footer.paragraphs[0], WD_ALIGN_PARAGRAPH.LEFT)
    return docx


def _set_default_fonts(docx: DocxDocument) -> None:
    """Document defaults: 仿宋_GB2312 三号 instead of the template's theme fonts, Chinese
    as the East Asian language."""
    r_pr = docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_rfonts(r_pr.get_or_add_rFonts(), FANGSONG, WESTERN_FONT)
    lang = r_pr.find(qn("w:lang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")
    theme_lang = docx.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


#: What follows ``w:overflowPunct`` in a paragraph's properties (the schema fixes the order).
P_PR_AFTER_OVERFLOW_PUNCT = (
    "w:topLinePunct",
    "w:autoSpaceDE",
    "w:autoSpaceDN",
    "w:bidi",
    "w:adjustRightInd",
    "w:snapToGrid",
    "w:spacing",
    "w:ind",
    "w:contextualSpacing",
    "w:mirrorIndents",
    "w:suppressOverlap",
    "w:jc",
    "w:textDirection",
    "w:textAlignment",
    "w:textboxTightWrap",
    "w:outlineLvl",
    "w:divId",
    "w:cnfStyle",
    "w:rPr",
    "w:sectPr",
    "w:pPrChange",
)


def _keep_punctuation_inside(p_pr: CT_PPr) -> None:
    """No hanging punctuation: LibreOffice hangs a line-end comma outside the margin by
    default and reads the switch only from each paragraph."""
    if p_pr.find(qn("w:overflowPunct")) is None:
        overflow = OxmlElement("w:overflowPunct")
        overflow.set(qn("w:val"), "0")
        p_pr.insert_element_before(overflow, *P_PR_AFTER_OVERFLOW_PUNCT)


def _set_normal_style(docx: DocxDocument) -> None:
    normal = docx.styles["Normal"]
    normal.font.size = BODY_SIZE
    _set_rfonts(normal.element.get_or_add_rPr().get_or_add_rFonts(), FANGSONG, WESTERN_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE_PITCH
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    fmt.widow_control = False  # a widow line would break the 22-line grid
    # Punctuation stays inside the margins (LibreOffice hangs it outside by default).
    _keep_punctuation_inside(normal.element.get_or_add_pPr())


def _set_page(section: Section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.header_distance = Mm(HEADER_DISTANCE_MM)
    section.footer_distance = Mm(FOOTER_DISTANCE_MM)
    section.gutter = Mm(0)


def body_char_spacing() -> int:
    """Character spacing of 三号 text, in twentieths of a point (``w:spacing``), that fits
    exactly 28 characters in the 156 mm line: a little negative."""
    pitch_twips: float = Mm(TEXT_WIDTH_MM).twips / CHARS_PER_LINE
    body_twips: float = BODY_SIZE.pt * 20
    return math.floor(pitch_twips - body_twips)


def _set_grid(section: Section) -> None:
    """A line grid of 22 lines. Characters are not snapped to a character grid (Word's
    ``linesAndChars``): LibreOffice spreads snapped characters far apart; the 28 characters
    a line come from the body text's character spacing instead (:func:`body_char_spacing`)."""
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(LINE_PITCH.twips))
    grid.attrib.pop(qn("w:charSpace"), None)


def _add_page_number(paragraph: DocxParagraph, alignment: WD_ALIGN_PARAGRAPH) -> None:
    """ "— 1 —" with a PAGE field, one character in from the outer edge (7.5)."""
    fmt = paragraph.paragraph_format
    fmt.alignment = alignment
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = FOOTER_LINE
    if alignment == WD_ALIGN_PARAGRAPH.RIGHT:
        fmt.right_indent = PAGE_NUMBER_SIZE
    else:
        fmt.left_indent = PAGE_NUMBER_SIZE
    _snap_off(paragraph)
    _footer_run(paragraph, "— ")
    _field_char(_footer_run(paragraph), "begin")
    _instruction(_footer_run(paragraph), " PAGE ")
    _field_char(_footer_run(paragraph), "separate")
    _footer_run(paragraph, "1")  # shown until the field is updated
    _field_char(_footer_run(paragraph), "end")
    _footer_run(paragraph, " —")


def _footer_run(paragraph: DocxParagraph, text: str = "") -> Run:
    run = paragraph.add_run(text)
    _set_font(run, SONGTI, PAGE_NUMBER_SIZE, western=SONGTI)
    return run


def _field_char(run: Run, kind: str) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    run._r.append(element)


def _instruction(run: Run, code: str) -> None:
    element = OxmlElement("w:instrText")
    element.set(qn("xml:space"), "preserve")
    element.text = code
    run._r.append(element)


# -- fonts and paragraph details -------------------------------------------------------


def _set_rfonts(rfonts: CT_Fonts, east_asian: str, western: str) -> None:
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(theme), None)
    rfonts.set(qn("w:ascii"), western)
    rfonts.set(qn("w:hAnsi"), western)
    rfonts.set(qn("w:cs"), western)
    rfonts.set(qn("w:eastAsia"), east_asian)
    rfonts.set(qn("w:hint"), "eastAsia")


def _set_font(run: Run, east_asian: str, size: Pt, *, bold: bool = False, western: str = WESTERN_FONT) -> None:
    run.font.size = size
    if bold:
        run.font.bold = True
    r_pr = run._r.get_or_add_rPr()
    _set_rfonts(r_pr.get_or_add_rFonts(), east_asian, western)
    if size == BODY_SIZE:
        spacing = OxmlElement("w:spacing")
        spacing.set(qn("w:val"), str(body_char_spacing()))
        r_pr.append(spacing)


def _snap_off(paragraph: DocxParagraph) -> None:
    """Take the paragraph off the document grid (pictures, table cells, footer)."""
    p_pr = paragraph._p.get_or_add_pPr()
    snap = p_pr.find(qn("w:snapToGrid"))
    if snap is None:
        snap = OxmlElement("w:snapToGrid")
        p_pr.insert_element_before(snap, *_AFTER_SNAP_TO_GRID)
    snap.set(qn("w:val"), "0")


def _leave_grid(paragraph: DocxParagraph) -> None:
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _snap_off(paragraph)


def text_width(text: str) -> float:
    """Width of ``text`` in characters of body text: digits and Latin letters count half."""
    return sum(0.5 if unicodedata.east_asian_width(char) in ("Na", "H") else 1.0 for char in text)


# -- the 主体 ----------------------------------------------------------------------------


def _add_line(
    docx: DocxDocument, text: str, font: str = FANGSONG, size: Pt = BODY_SIZE, *, bold: bool = False
) -> DocxParagraph:
    """A paragraph of one run, with no indent."""
    paragraph = docx.add_paragraph()
    _set_font(paragraph.add_run(clean_text(text)), font, size, bold=bold)
    return paragraph


def _add_blank(docx: DocxDocument) -> None:
    docx.add_paragraph()


def _add_centred(docx: DocxDocument, text: str, font: str = FANGSONG) -> DocxParagraph:
    paragraph = _add_line(docx, text, font)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return paragraph


def _add_title(docx: DocxDocument, title: str) -> None:
    """The title, centred; a "\\n" in it breaks the line (7.3.2)."""
    paragraph = _add_line(docx, title, TITLE_FONT, TITLE_SIZE)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _add_block(docx: DocxDocument, block: Block) -> None:
    if isinstance(block, Heading):
        _add_heading(docx, block)
    elif isinstance(block, Paragraph):
        _add_paragraph(docx, block)
    elif isinstance(block, Table):
        _add_table(docx, block)
    elif isinstance(block, Image):
        _add_image(docx, block)
    else:
        raise TypeError(f"not a document block: {block!r}")


def _add_heading(docx: DocxDocument, heading: Heading) -> None:
    level = min(max(heading.level, 1), max(HEADING_FONTS))
    font, bold = HEADING_FONTS[level]
    paragraph = _add_line(docx, heading.text, font, bold=bold)
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = CHAR * 2
    fmt.keep_with_next = True
    paragraph._p.get_or_add_pPr().get_or_add_outlineLvl().val = level - 1  # navigation pane


def _add_paragraph(docx: DocxDocument, block: Paragraph) -> None:
    lines = [line for line in clean_text(block.text).splitlines() if line.strip()] or [""]
    for line in lines:
        paragraph = _add_line(docx, line)
        paragraph.paragraph_format.first_line_indent = CHAR * 2


def _add_caption(docx: DocxDocument, text: str, *, above: bool) -> None:
    paragraph = _add_centred(docx, text, HEITI)
    paragraph.paragraph_format.keep_with_next = above


def _add_table(docx: DocxDocument, block: Table) -> None:
    columns = _column_count(block)
    if columns == 0:
        return
    if block.caption:
        _add_caption(docx, block.caption, above=True)
    size = next(size for limit, size in TABLE_SIZES if columns <= limit)
    table = docx.add_table(rows=0, cols=columns)
    table.style = docx.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if block.headers:
        _add_row(table, block.headers, columns, size, header=True)
    for row in block.rows:
        _add_row(table, row, columns, size, header=False)
    if not table.rows:
        _add_row(table, [], columns, size, header=False)  # Word refuses a table without rows
    _set_column_widths(table, columns)


def _column_count(block: Table) -> int:
    if not block.headers:
        return max((len(row) for row in block.rows), default=0)
    for number, row in enumerate(block.rows, start=1):
        if len(row) > len(block.headers):
            raise ValueError(f"table row {number} has {len(row)} cells for {len(block.headers)} columns")
    return len(block.headers)


def _add_row(table: DocxTable, values: Sequence[str], columns: int, size: Pt, *, header: bool) -> None:
    # python-docx leaves Table.add_row unannotated: calling it is an error under --strict
    # only (hence unused-ignore for the whole-project run in the default mode).
    row = table.add_row()  # type: ignore[no-untyped-call, unused-ignore]
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))
    padded = [*values, *[""] * (columns - len(values))]
    for cell, value in zip(row.cells, padded, strict=True):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _leave_grid(paragraph)
        _set_font(paragraph.add_run(clean_text(str(value))), FANGSONG, size, bold=header)


def _set_column_widths(table: DocxTable, columns: int) -> None:
    width = Emu(Mm(TEXT_WIDTH_MM) // columns)
    for column in table.columns:
        column.width = width
    for row in table.rows:
        for cell in row.cells:
            cell.width = width


def _add_image(docx: DocxDocument, block: Image) -> None:
    """The picture centred in a paragraph of its own; the caption below it."""
    width_mm = min(max(block.width_mm, 1), TEXT_WIDTH_MM)
    paragraph = docx.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.keep_with_next = bool(block.caption)
    _leave_grid(paragraph)
    paragraph.add_run().add_picture(io.BytesIO(block.data), width=Mm(width_mm))
    if block.caption:
        _add_caption(docx, block.caption, above=False)


def _add_attachments(docx: DocxDocument, names: Sequence[str]) -> None:
    """附件说明 (7.3.4): "附件：" two characters in; several attachments numbered "1．",
    their numbers aligned, long names wrapping under their first character."""
    if len(names) == 1:
        _add_attachment_line(docx, "附件：", "", names[0])
        return
    for number, name in enumerate(names, start=1):
        _add_attachment_line(docx, "附件：" if number == 1 else "", f"{number}．", name)


def _add_attachment_line(docx: DocxDocument, lead: str, label: str, name: str) -> None:
    paragraph = _add_line(docx, f"{lead}{label}{clean_text(name)}")
    start = 2 + text_width("附件：")  # where every label starts
    wrap = start + text_width(label)  # where the names start
    fmt = paragraph.paragraph_format
    fmt.left_indent = Emu(round(CHAR * wrap))
    fmt.first_line_indent = Emu(round(CHAR * ((start if not lead else 2) - wrap)))


def _add_signature(docx: DocxDocument, issuer: str, issued_on: date) -> None:
    """One blank line, the issuer centred over the date, the date 右空四字 (7.3.5.1)."""
    _add_blank(docx)
    date_text = chinese_date(issued_on)
    issuer_line = _add_line(docx, issuer)
    issuer_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    issuer_line.paragraph_format.right_indent = Emu(round(CHAR * issuer_right_indent(issuer, date_text)))
    issuer_line.paragraph_format.keep_with_next = True
    date_line = _add_line(docx, date_text)
    date_line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    date_line.paragraph_format.right_indent = CHAR * 4


def issuer_right_indent(issuer: str, date_text: str) -> float:
    """Right indent of the issuer, in characters, that centres it over the date (which
    has four characters on its right); never past the right margin."""
    return max(0.0, 4 + (text_width(date_text) - text_width(clean_text(issuer))) / 2)


def _set_core_properties(docx: DocxDocument, document: OfficialDocument) -> None:
    properties = docx.core_properties
    title = "".join(clean_text(document.title).splitlines())
    properties.title = title[:CORE_PROPERTY_LIMIT]
    properties.author = clean_text(document.issuer)[:CORE_PROPERTY_LIMIT]
    properties.last_modified_by = properties.author
    properties.comments = ""
    properties.subject = ""
    properties.keywords = ""
    properties.revision = 1
    now = datetime.now(UTC).replace(microsecond=0)
    properties.created = now
    properties.modified = now


# -- 简报 (bulletin) layout ------------------------------------------------------------------
#
# An issue of a periodical in the usual layout of a government 简报: the red masthead (the
# periodical's name in red 小标宋, the issue number under it, the issuing unit on the left
# and the date on the right, then a red line across the text block), the items each with
# its title and unit, and at the end the distribution block (报/送/发) between two thin
# lines with the number of copies. Page, grid, fonts and page numbers are those above.

RED = "FF0000"
MASTHEAD_SIZE = Pt(40)
ITEM_TITLE_SIZE = Pt(18)  # 小二
DISTRIBUTION_SIZE = Pt(14)  # 四号


@dataclass
class BulletinItem:
    """One item of an issue: its title, the unit it came from and its text."""

    title: str
    unit: str
    body: str


@dataclass
class Bulletin:
    """An issue of a periodical (简报): masthead, items and distribution."""

    name: str
    number: str
    issuer: str
    issued_on: date
    items: list[BulletinItem] = field(default_factory=list)
    report_to: str = ""
    send_to: str = ""
    distribute_to: str = ""
    copies: int | None = None
    editor: str = ""


def write_bulletin_docx(bulletin: Bulletin) -> bytes:
    """The issue as a .docx file, as bytes."""
    docx = _new_document()
    masthead = _add_line(docx, bulletin.name, TITLE_FONT, MASTHEAD_SIZE)
    masthead.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _leave_grid(masthead)
    for run in masthead.runs:
        run.font.color.rgb = RGBColor.from_string(RED)
    _add_centred(docx, bulletin.number)
    line = _add_line(docx, f"{bulletin.issuer}\t{chinese_date(bulletin.issued_on)}")
    line.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM), WD_TAB_ALIGNMENT.RIGHT)
    _border(line, "bottom", RED, 18)
    for item in bulletin.items:
        _add_blank(docx)
        title = _add_line(docx, item.title, TITLE_FONT, ITEM_TITLE_SIZE)
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        title.paragraph_format.keep_with_next = True
        if item.unit:
            unit = _add_centred(docx, f"（{item.unit}）", KAITI)
            unit.paragraph_format.keep_with_next = True
        _add_paragraph(docx, Paragraph(item.body))
    _add_blank(docx)
    rows = [("报：", bulletin.report_to), ("送：", bulletin.send_to), ("发：", bulletin.distribute_to)]
    rows = [(label, text) for label, text in rows if text.strip()]
    for number, (label, text) in enumerate(rows):
        paragraph = _add_line(docx, f"{label}{text}", FANGSONG, DISTRIBUTION_SIZE)
        fmt = paragraph.paragraph_format
        fmt.left_indent = Emu(round(DISTRIBUTION_SIZE * 3))
        fmt.first_line_indent = Emu(-round(DISTRIBUTION_SIZE * 2))
        fmt.keep_with_next = True
        if number == 0:
            _border(paragraph, "top", "000000", 6)
    closing = " ".join(
        part
        for part in (
            f"责任编辑：{bulletin.editor}" if bulletin.editor else "",
            f"（共印{bulletin.copies}份）" if bulletin.copies else "",
        )
        if part
    )
    last = _add_line(docx, closing, FANGSONG, DISTRIBUTION_SIZE)
    last.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _border(last, "bottom", "000000", 6)
    if not rows:
        _border(last, "top", "000000", 6)
    for paragraph in docx.element.body.iter(qn("w:p")):
        _keep_punctuation_inside(paragraph.get_or_add_pPr())
    properties = docx.core_properties
    properties.title = clean_text(f"{bulletin.name} {bulletin.number}")[:CORE_PROPERTY_LIMIT]
    properties.author = clean_text(bulletin.issuer)[:CORE_PROPERTY_LIMIT]
    properties.last_modified_by = properties.author
    now = datetime.now(UTC).replace(microsecond=0)
    properties.created = now
    properties.modified = now
    buffer = io.BytesIO()
    docx.save(buffer)
    return buffer.getvalue()


#: What follows ``w:pBdr`` inside ``w:pPr`` (schema order).
_AFTER_P_BDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", *P_PR_AFTER_OVERFLOW_PUNCT)


def _border(paragraph: DocxParagraph, side: str, color: str, size: int) -> None:
    """A line above or below the paragraph (``size`` in eighths of a point)."""
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        p_pr.insert_element_before(borders, *_AFTER_P_BDR)
    edge = OxmlElement(f"w:{side}")
    edge.set(qn("w:val"), "single")
    edge.set(qn("w:sz"), str(size))
    edge.set(qn("w:space"), "1")
    edge.set(qn("w:color"), color)
    if side == "top":
        borders.insert(0, edge)
    else:
        borders.append(edge)


#: ``RENCAI_OFFICE_NAME`` of a deployment that has not set it (see rencai/settings.py).
UNCONFIGURED_OFFICE_NAME = "市地方金融监督管理局"


def office_name() -> str:
    """The office's name in full as it signs a generated document (发文机关署名):
    ``RENCAI_OFFICE_NAME`` when the deployment sets it, else the name of the organisation
    the office's staff act for as the platform records it (济南市地方金融监督管理局…),
    rather than the unconfigured placeholder."""
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from rencai.core.roles import Role

    configured = str(getattr(settings, "RENCAI_OFFICE_NAME", "") or "")
    if configured and configured != UNCONFIGURED_OFFICE_NAME:
        return configured
    name = (
        get_user_model()
        .objects.filter(role=Role.OFFICE, is_active=True, organization__isnull=False)
        .order_by("pk")
        .values_list("organization__name", flat=True)
        .first()
    )
    return str(name or configured or UNCONFIGURED_OFFICE_NAME)
