"""Spreadsheets that enter the history of cooperation: past joint activities, secondments
and university agreements, so that a first 工作总结 already has its earlier years."""

from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.cooperation.models import (
    Agreement,
    AllianceMember,
    JointActivity,
    Secondment,
    SecondmentState,
)
from rencai.core.imports import cells
from rencai.core.imports.schema import Column, ImportContext, ImportSchema, RowRejected
from rencai.talents.imports import talent_by_id_number


class ActivitySchema(ImportSchema):
    """Past joint activities: one row per activity; the organiser named by its unit."""

    model = JointActivity
    title = "联合活动历史记录导入模板"
    key_fields = ("alliance_id", "title", "held_on")
    organization_field = None
    columns = [
        Column("alliance", ("联盟", "党建联盟"), example="钱塘江金融港湾党建联盟"),
        Column("kind", ("类别", "活动类型"), example="联合教育"),
        Column("title", ("名称", "活动主题"), example="“党性锻炼携手行”主题党日"),
        Column("organiser", ("主办单位", "主办"), lookup_fields=("organization__name", "organization__short_name")),
        Column("held_on", ("日期", "活动时间", "时间"), example="2024-06-28"),
        Column("place", ("地点",)),
        Column("other_participants", ("参加人数", "人数"), example="60"),
        Column("summary", ("简报", "活动简介", "内容")),
    ]
    instructions = [
        "每行一次联合活动；联盟、活动名称和活动日期相同的行视为同一条记录，再次导入会更新该记录。",
        "参加人数填写活动的总人数（补录的历史活动不逐人登记）。",
    ]

    def find_existing(self, keys, context: ImportContext):
        found = JointActivity.objects.filter(title__in={k[1] for k in keys})
        return {(a.alliance_id, a.title, a.held_on): a for a in found}

    def check_row(self, values: dict, context: ImportContext) -> None:
        member = context.cached(
            f"member:{values['organiser_id']}", lambda: AllianceMember.objects.get(pk=values["organiser_id"])
        )
        if member.alliance_id != values["alliance_id"]:
            raise RowRejected([("organiser", "invalid", _("主办单位不是该联盟的成员单位。"))])
        if values.get("held_on") and not member.is_member_on(values["held_on"]):
            raise RowRejected([("held_on", "invalid", _("活动日期时主办单位不是联盟成员。"))])


class SecondmentSchema(ImportSchema):
    """Past and current secondments of talents, the person found by their ID number."""

    model = Secondment
    title = "挂职交流历史记录导入模板"
    key_fields = ("talent_id", "starts_on")
    organization_field = None
    save_each = True
    columns = [
        Column("talent", ("身份证号码", "公民身份号码", "证件号码"), label="身份证号码", example="370102199001011231"),
        Column("from_unit", ("派出单位", "原单位"), lookup_fields=("name", "short_name")),
        Column("to_unit", ("接收单位", "挂职单位"), lookup_fields=("name", "short_name")),
        Column("post", ("挂职职务", "岗位", "职务"), example="副行长"),
        Column("starts_on", ("开始日期", "挂职起始"), example="2023-03-01"),
        Column("ends_on", ("结束日期", "挂职截止"), example="2024-02-29"),
        Column("purpose", ("目的",)),
        Column("mentor", ("导师", "指导老师")),
        Column("grade", ("考核结果", "评价等次"), required=False, example="优秀"),
        Column("evaluation", ("评价意见", "鉴定意见")),
    ]
    instructions = [
        "每行一次挂职；挂职人员按身份证号码在人才信息库中查找。",
        "同一人员、同一开始日期的行视为同一条记录；同一人员挂职期间重叠的行不能导入。",
        "已期满并填写了考核结果的，导入后为“已评价”。",
    ]

    def normaliser(self, column: Column, context: ImportContext) -> cells.Normaliser:
        if column.field == "talent":
            return talent_by_id_number()
        return super().normaliser(column, context)

    def find_existing(self, keys, context: ImportContext):
        found = Secondment.objects.filter(talent_id__in={k[0] for k in keys})
        return {(s.talent_id, s.starts_on): s for s in found}

    def check_row(self, values: dict, context: ImportContext) -> None:
        starts, ends = values["starts_on"], values["ends_on"]
        if ends < starts:
            raise RowRejected([("ends_on", "invalid", _("结束日期不能早于开始日期。"))])
        if values.get("from_unit_id") == values.get("to_unit_id"):
            raise RowRejected([("to_unit", "invalid", _("接收单位不能与派出单位相同。"))])
        clash = (
            Secondment.objects.filter(talent_id=values["talent_id"], starts_on__lte=ends, ends_on__gte=starts)
            .exclude(starts_on=starts)
            .first()
        )
        if clash is not None:
            raise RowRejected(
                [
                    (
                        "starts_on",
                        "invalid",
                        _("该人员在%(starts_on)s至%(ends_on)s已有挂职安排，期间不能重叠。")
                        % {"starts_on": clash.starts_on, "ends_on": clash.ends_on},
                    )
                ]
            )
        today = timezone.localdate()
        if values.get("grade") and ends < today:
            values["state"] = SecondmentState.EVALUATED
        elif ends < today:
            values["state"] = SecondmentState.ENDED
        elif starts <= today:
            values["state"] = SecondmentState.SERVING
        else:
            values["state"] = SecondmentState.PLANNED


class AgreementSchema(ImportSchema):
    model = Agreement
    title = "院校合作协议导入模板"
    key_fields = ("university_id", "title")
    organization_field = None
    columns = [
        Column("university", ("高校", "院校", "合作院校"), lookup_fields=("name", "short_name")),
        Column("title", ("名称", "协议"), example="战略合作协议"),
        Column("parties", ("签约各方", "各方"), example="市金融工作办公室、某某大学"),
        Column("signed_on", ("签约日期", "签订时间"), example="2023-09-01"),
        Column("starts_on", ("起始日期", "生效日期"), example="2023-09-01"),
        Column("ends_on", ("截止日期", "到期日期"), example="2026-08-31"),
        Column("max_interns", ("实习人数", "最多实习人数"), example="30"),
        Column("notes", ("备注",)),
    ]
    instructions = ["每行一份协议；同一高校、同名协议的行视为同一条记录，再次导入会更新该记录。"]

    def find_existing(self, keys, context: ImportContext):
        found = Agreement.objects.filter(title__in={k[1] for k in keys})
        return {(a.university_id, a.title): a for a in found}

    def check_row(self, values: dict, context: ImportContext) -> None:
        starts, ends = values.get("starts_on"), values.get("ends_on")
        if starts and ends and ends < starts:
            raise RowRejected([("ends_on", "invalid", _("截止日期不能早于起始日期。"))])
