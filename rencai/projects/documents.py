"""The supervision notice (督办单) as a Word document in the official layout."""

from rencai.core.documents import OfficialDocument, Paragraph, Table, chinese_date, office_name, write_official_docx
from rencai.projects.models import SupervisionNotice


def notice_docx(notice: SupervisionNotice) -> bytes:
    task = notice.task
    unit = task.department.name if task.department_id and task.department else task.organization.name
    rows = [
        ["所属工程", task.project.name],
        ["督办事项", task.title],
        ["责任单位", unit],
        ["责任人", task.owner],
        ["完成时限", chinese_date(task.due_on)],
        ["当前进度", f"{task.progress}%"],
        ["预警等级", task.get_colour_display()],
    ]
    reply = f"请于{chinese_date(notice.reply_by)}前" if notice.reply_by else "请在5个工作日内"
    document = OfficialDocument(
        title="督办通知单",
        issuer=office_name(),
        issued_on=notice.issued_on,
        document_number=notice.code,
        recipients=f"{task.organization.name}：",
        blocks=[
            Paragraph(notice.reason),
            Table(headers=["项目", "内容"], rows=rows),
            Paragraph(f"{reply}将办理情况书面反馈市金融工作办公室，并在平台签收本督办单、报告任务进展。"),
        ],
    )
    return write_official_docx(document)
