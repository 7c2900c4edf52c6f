"""The documents of the information desk: an issue in the layout of a government 简报, the
ranking notice (通报), and a PDF of either where LibreOffice is installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.utils import timezone

from rencai.bulletins.models import PeriodicalIssue
from rencai.bulletins.scores import ScorePeriod, UnitScore
from rencai.core.documents import (
    Block,
    Bulletin,
    BulletinItem,
    OfficialDocument,
    Paragraph,
    Table,
    office_name,
    write_bulletin_docx,
    write_official_docx,
)


def issue_bulletin(issue: PeriodicalIssue) -> Bulletin:
    report_to, send_to, distribute_to = issue.distribution()
    adoptions = issue.adoptions.select_related("item__organization").order_by("order", "id")
    return Bulletin(
        name=issue.periodical.name,
        number=f"{issue.year}年第{issue.number}期（总第{issue.serial}期）",
        issuer=issue.periodical.issuer or office_name(),
        issued_on=issue.issued_on,
        items=[
            BulletinItem(
                title=a.item.title,
                unit=a.item.organization.short_name or a.item.organization.name,
                body=a.item.body,
            )
            for a in adoptions
        ],
        report_to=report_to,
        send_to=send_to,
        distribute_to=distribute_to,
        copies=issue.copies,
        editor=issue.editor,
    )


def issue_docx(issue: PeriodicalIssue) -> bytes:
    return write_bulletin_docx(issue_bulletin(issue))


RANKING_HEADERS = ["名次", "单位", "报送", "采用", "批示", "扣分", "总分"]


def ranking_notice_docx(period: ScorePeriod, rows: list[UnitScore]) -> bytes:
    """关于…信息报送情况的通报: the totals, the leading units and the ranking table."""
    submitted = sum(r.submitted for r in rows)
    adopted = sum(r.adopted for r in rows)
    instructed = sum(r.instructions for r in rows)
    leaders = "、".join(r.organization.short_name or r.organization.name for r in rows[:3] if r.total > 0)
    body = (
        f"{period.chinese}，全市各单位人才工作联络员共报送信息{submitted}条，被各级刊物采用{adopted}篇次，"
        f"获领导批示{instructed}条。"
    )
    if leaders:
        body += f"{leaders}等单位信息报送积极、质量较高，排名靠前，予以通报表扬。"
    laggards = [r for r in rows if r.missed_months or r.overdue_commissions]
    if laggards:
        names = "、".join(r.organization.short_name or r.organization.name for r in laggards[:5])
        body += f"{names}等单位未完成报送任务或约稿逾期，请对照要求抓紧整改。"
    blocks: list[Block] = [
        Paragraph(body),
        Paragraph("请各单位进一步加强信息报送工作，落实专人负责，提高信息的时效性和针对性。"),
        Table(
            headers=RANKING_HEADERS,
            rows=[
                [
                    str(r.rank),
                    r.organization.short_name or r.organization.name,
                    str(r.submitted),
                    str(r.adopted),
                    str(r.instructions),
                    str(r.quota_penalty + r.commission_penalty),
                    str(r.total),
                ]
                for r in rows
            ],
            caption=f"{period.chinese}信息报送工作得分排名",
        ),
    ]
    document = OfficialDocument(
        title=f"关于{period.chinese}信息报送工作情况的通报",
        issuer=office_name(),
        issued_on=timezone.localdate(),
        recipients="各有关单位：",
        blocks=blocks,
    )
    return write_official_docx(document)


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(docx: bytes, timeout: int = 120) -> bytes | None:
    """The PDF of a .docx through LibreOffice, or None where it is not installed (or fails)."""
    program = soffice()
    if program is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(docx)
        try:
            subprocess.run(  # noqa: S603 - fixed program and arguments, no shell
                [
                    program,
                    f"-env:UserInstallation=file://{folder}/profile",
                    "--headless",
                    "--convert-to",
                    "pdf",
                    "--outdir",
                    folder,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=timeout,
            )
        except (subprocess.SubprocessError, OSError):
            return None
        target = Path(folder) / "document.pdf"
        return target.read_bytes() if target.exists() else None
