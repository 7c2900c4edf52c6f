"""Generated official documents: a template's wording with ``{{名称}}`` placeholders filled
from the data of a year and scope, headings, tables and a chart, written as a GB/T 9704
.docx. A figure the platform cannot give is printed as 【数据缺失：名称】 and the document
says so at its end; nothing is left blank or made up."""

import io
from pathlib import Path

from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw, ImageFont

from rencai.core.documents import Heading, Image, OfficialDocument, Paragraph, Table, office_name, write_official_docx
from rencai.dashboards.data import Scope, compute
from rencai.dashboards.models import DocumentTemplate
from rencai.dashboards.placeholders import BLOCK, PLACEHOLDER
from rencai.selections.models import Application, ApplicationState
from rencai.talents.models import DictionaryEntry, DictionaryKind

CJK_FONTS = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]


def fill(text: str, values: dict, missing: list) -> str:
    def replace(match) -> str:
        name = match.group(1)
        value = values.get(name)
        if value is None:
            if name not in missing:
                missing.append(name)
            return f"【数据缺失：{name}】"
        return str(value)

    return PLACEHOLDER.sub(replace, text)


def distribution(scope: Scope, kind: str) -> list[tuple[str, int]]:
    entries = DictionaryEntry.objects.filter(kind=kind, enabled=True, parent__isnull=True).order_by("order", "code")
    key = "tier" if kind == DictionaryKind.TIER else "category"
    return [(e.name, scope.talents(**{key: e.pk}).value or 0) for e in entries]


def table(scope: Scope, name: str) -> Table:
    if name in ("人才层级", "人才类别"):
        kind = DictionaryKind.TIER if name == "人才层级" else DictionaryKind.CATEGORY
        rows = distribution(scope, kind)
        return Table(
            ["序号", name, "人数"],
            [[str(i), label, str(n)] for i, (label, n) in enumerate(rows, 1)],
            caption=f"{name}分布",
        )
    if name == "机构培训":
        ranked = sorted(
            (r for r in scope.training_by_institution().rows if r.own_classes), key=lambda r: -r.own_participants
        )[:15]
        return Table(
            ["序号", "单位", "期数", "人次"],
            [
                [str(i), r.organization.name, str(r.own_classes), str(r.own_participants)]
                for i, r in enumerate(ranked, 1)
            ],
            caption="金融机构组织培训情况（人次前15位）",
        )
    winners = (
        Application.objects.visible_to(scope.user)
        .filter(campaign__year=scope.period.year, state=ApplicationState.WINNER)
        .select_related("campaign", "organization", "talent")
    )
    return Table(
        ["序号", "评选", "当选", "单位"],
        [[str(i), a.campaign.name, a.display_name, a.organization.name] for i, a in enumerate(winners, 1)],
        caption="评选结果",
    )


def _font(size: int):
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return None


def chart_png(title: str, rows: list[tuple[str, int]]) -> bytes:
    """A bar chart; labels in Chinese when a CJK font is installed, numbered otherwise."""
    width, height, margin = 1200, 640, 80
    image = PILImage.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    cjk = _font(26)
    plain = cjk or ImageFont.load_default(size=26)
    top = max((n for _, n in rows), default=0) or 1
    slot = (width - 2 * margin) / max(len(rows), 1)
    draw.line((margin, height - margin, width - margin, height - margin), fill="black", width=2)
    if cjk:
        draw.text((margin, 20), title, fill="black", font=cjk)
    for i, (label, count) in enumerate(rows):
        bar = (height - 2 * margin - 40) * count / top
        x0 = margin + i * slot + slot * 0.2
        x1 = x0 + slot * 0.6
        draw.rectangle((x0, height - margin - bar, x1, height - margin), fill="#1f5fbf")
        draw.text((x0, height - margin - bar - 32), str(count), fill="black", font=plain)
        draw.text((x0, height - margin + 10), label if cjk else str(i + 1), fill="black", font=plain)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def chart(scope: Scope, name: str) -> Image:
    kind = DictionaryKind.TIER if name == "人才层级" else DictionaryKind.CATEGORY
    rows = distribution(scope, kind)
    legend = "；".join(f"{i}.{label}" for i, (label, _) in enumerate(rows, 1))
    caption = f"图 {scope.label}{name}分布" + ("" if _font(10) else f"（{legend}）")
    return Image(chart_png(f"{scope.label}{name}分布", rows), width_mm=150, caption=caption)


def build(template: DocumentTemplate, scope: Scope) -> tuple[OfficialDocument, list[str]]:
    """The document and the names of the figures that were missing."""
    text = f"{template.title}\n{template.body}"
    values = compute(set(PLACEHOLDER.findall(text)), scope)
    missing: list[str] = []
    blocks: list[Heading | Paragraph | Table | Image] = []
    for raw in template.body.splitlines():
        line = raw.strip()
        if not line:
            continue
        found = BLOCK.match(line)
        if found:
            blocks.append(table(scope, found.group(2)) if found.group(1) == "表格" else chart(scope, found.group(2)))
        elif line.startswith("## "):
            blocks.append(Heading(fill(line[3:], values, missing), level=2))
        elif line.startswith("# "):
            blocks.append(Heading(fill(line[2:], values, missing), level=1))
        else:
            blocks.append(Paragraph(fill(line, values, missing)))
    if missing:
        blocks.append(
            Paragraph(
                f"说明：本文中标注“数据缺失”的{len(missing)}项数据（{'、'.join(missing)}）未能从平台取得，请核实后补充。"
            )
        )
    title = fill(template.title, values, missing)
    document = OfficialDocument(
        title=title,
        issuer=template.issuer or office_name(),
        issued_on=timezone.localdate(),
        recipients=template.recipients,
        blocks=blocks,
    )
    return document, missing


def render(template: DocumentTemplate, scope: Scope) -> tuple[bytes, list[str]]:
    document, missing = build(template, scope)
    return write_official_docx(document), missing
