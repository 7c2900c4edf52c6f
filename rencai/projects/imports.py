"""The office's task list as a spreadsheet: one row per task of a programme."""

from django.utils.translation import gettext as _

from rencai.core.imports.schema import Column, ImportContext, ImportSchema, RowRejected
from rencai.projects.models import ProjectTask


class TaskSchema(ImportSchema):
    model = ProjectTask
    title = "人才工程任务导入模板"
    key_fields = ("project_id", "title")
    columns = [
        Column("project", ("所属工程", "工程名称", "项目名称", "人才工程"), example="领军人才“高峰计划”"),
        Column("title", ("任务名称", "任务", "工作任务"), example="建立领军人才联系服务制度"),
        Column(
            "organization",
            ("责任单位", "牵头单位", "承办单位"),
            lookup_fields=("name", "short_name"),
            example="市金融工作办公室",
        ),
        Column("owner", ("责任人", "联系人"), example="张三"),
        Column("starts_on", ("开始日期", "开始时间"), example="2026-03-01"),
        Column("due_on", ("完成时限", "完成时间", "截止日期"), example="2026-06-30"),
        Column("deliverables", ("成果形式", "预期成果")),
        Column("description", ("任务内容", "具体内容", "工作内容")),
    ]
    instructions = [
        "每行一项任务；所属工程须已在平台中立项，责任单位须已在机构库中。",
        "所属工程和任务名称相同的行视为同一任务，再次导入会更新该任务（已交办的任务不会被改动）。",
        "导入的任务为“已立项”状态，由办公室逐项交办。",
    ]

    def find_existing(self, keys: list[tuple], context: ImportContext) -> dict[tuple, ProjectTask]:
        found = ProjectTask.objects.filter(title__in={k[1] for k in keys})
        return {(t.project_id, t.title): t for t in found}

    def may_update(self, instance, context: ImportContext) -> bool:
        return instance.state == "draft" and super().may_update(instance, context)

    def check_row(self, values: dict, context: ImportContext) -> None:
        starts, due = values.get("starts_on"), values.get("due_on")
        if starts and due and due < starts:
            raise RowRejected([("due_on", "invalid", _("完成时限不能早于开始日期。"))])
