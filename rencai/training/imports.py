"""Spreadsheets training takes: the institutions' own training reports and attendance
sheets of the office's sessions."""

from django.utils.translation import gettext as _

from rencai.core.imports import cells
from rencai.core.imports.schema import Column, ImportContext, ImportSchema, RowRejected
from rencai.talents.imports import talent_by_id_number
from rencai.training.models import Attendance, CheckMethod, EnrolmentState, OwnTraining, Session, credited_hours


class OwnTrainingSchema(ImportSchema):
    model = OwnTraining
    title = "机构自办培训导入模板"
    key_fields = ("organization_id", "title", "starts_on")
    columns = [
        Column("organization", ("单位", "单位名称", "填报单位", "机构"), lookup_fields=("name", "short_name")),
        Column("title", ("培训名称", "培训班名称", "名称"), example="2026年客户经理业务培训班"),
        Column("topic_kind", ("培训类别", "类别", "培训类型"), example="业务培训"),
        Column("starts_on", ("开始日期", "开班日期", "开始时间"), example="2026-03-02"),
        Column("ends_on", ("结束日期", "结业日期", "结束时间"), example="2026-03-04"),
        Column("sessions", ("期数", "期次"), example="1"),
        Column("participants", ("参训人次", "培训人次", "人次"), example="86"),
        Column("hours", ("人均学时", "学时"), example="16"),
        Column("notes", ("备注",)),
    ]
    instructions = [
        "每行一个培训班（同一培训分多期举办的，可在“期数”中填写期数，“参训人次”填各期合计）。",
        "单位、培训名称和开始日期相同的行视为同一条记录，再次导入会更新该记录。",
    ]

    def find_existing(self, keys: list[tuple], context: ImportContext) -> dict[tuple, OwnTraining]:
        titles = {k[1] for k in keys}
        found = OwnTraining.objects.filter(title__in=titles)
        return {(o.organization_id, o.title, o.starts_on): o for o in found}

    def check_row(self, values: dict, context: ImportContext) -> None:
        starts, ends = values.get("starts_on"), values.get("ends_on")
        if starts and ends and ends < starts:
            raise RowRejected([("ends_on", "invalid", _("结束日期不能早于开始日期。"))])


class AttendanceSchema(ImportSchema):
    """An attendance sheet: one row per person present at one session (课程编号 as shown on
    the session's page), the person found by their ID number."""

    model = Attendance
    title = "培训签到表导入模板"
    key_fields = ("session_id", "talent_id")
    organization_field = None
    save_each = True
    columns = [
        Column("session", ("课程编号", "课程ID"), lookup_fields=("id",), note="见课程安排页面的编号"),
        Column("talent", ("身份证号码", "公民身份号码", "证件号码"), label="身份证号码", example="370102199001011231"),
        Column("note", ("备注", "说明")),
    ]
    instructions = ["每行一名到课学员；只有报名已确认的学员可以签到。", "同一学员同一课程重复导入不会重复计算学时。"]

    def normaliser(self, column: Column, context: ImportContext) -> cells.Normaliser:
        if column.field == "talent":
            return talent_by_id_number()
        return super().normaliser(column, context)

    def find_existing(self, keys: list[tuple], context: ImportContext) -> dict[tuple, Attendance]:
        found = Attendance.objects.filter(session_id__in={k[0] for k in keys}, talent_id__in={k[1] for k in keys})
        return {(a.session_id, a.talent_id): a for a in found}

    def check_row(self, values: dict, context: ImportContext) -> None:
        session = context.cached(
            f"session:{values['session_id']}", lambda: Session.objects.get(pk=values["session_id"])
        )
        confirmed = session.training_class.enrollments.filter(
            talent_id=values["talent_id"], state=EnrolmentState.CONFIRMED
        ).exists()
        if not confirmed:
            raise RowRejected([("talent", "invalid", _("该学员未报名本班或报名未确认，不能签到。"))])
        values["method"] = CheckMethod.IMPORT
        values["checked_at"] = session.starts_at
        values["hours"] = credited_hours(session.mode, session.hours)
