"""The completion certificate (结业证书) as a Word document with its number and a QR code
of its public verification page."""

import io

import segno

from rencai.core.documents import Image, OfficialDocument, Paragraph, chinese_date, office_name, write_official_docx
from rencai.training.models import Enrollment


def certificate_docx(enrollment: Enrollment, verify_url: str) -> bytes:
    klass = enrollment.training_class
    assert enrollment.certificate_issued_on is not None  # issued with the certificate number
    talent = enrollment.talent
    code = io.BytesIO()
    segno.make(verify_url, error="m").save(code, kind="png", scale=6)
    body = (
        f"{talent.name}同志于{chinese_date(klass.starts_on)}至{chinese_date(klass.ends_on)}参加"
        f"{klass.programme.name}（{klass.name}），完成培训学时{enrollment.hours}学时，经考核合格，准予结业。"
    )
    document = OfficialDocument(
        title="结业证书",
        issuer=klass.organization.name if klass.organization.kind == "government" else office_name(),
        issued_on=enrollment.certificate_issued_on,
        document_number=f"证书编号：{enrollment.certificate_number}",
        blocks=[
            Paragraph(body),
            Paragraph(f"扫描下方二维码或访问 {verify_url} 可核验本证书。"),
            Image(code.getvalue(), width_mm=35),
        ],
    )
    return write_official_docx(document)
