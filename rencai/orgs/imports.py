"""Institutions and their branches, as the office's lists of them are kept."""

from rencai.core.chinese import ChineseValueError, validate_credit_code
from rencai.core.imports import cells
from rencai.core.imports.schema import Column, ImportContext, ImportSchema
from rencai.orgs.models import Organization

ORG_LOOKUP = ("name", "short_name", "credit_code")


def credit_code() -> cells.Normaliser:
    def normalise(raw: object) -> str:
        try:
            return validate_credit_code(cells.clean_text(raw))
        except ChineseValueError as exc:
            raise cells.CellError("credit_code_invalid", str(exc)) from exc

    return normalise


class OrganizationSchema(ImportSchema):
    model = Organization
    title = "机构导入模板"
    key_fields = ("name",)
    organization_field = None
    save_each = True
    columns = [
        Column("name", ("单位名称", "名称", "机构全称", "单位全称"), example="甲银行济南分行"),
        Column("short_name", ("机构简称", "单位简称"), example="甲行济南分行"),
        Column("kind", ("类型", "机构类别", "单位类型"), example="银行"),
        Column("parent", ("上级单位", "上级", "总行/总公司"), lookup_fields=ORG_LOOKUP, note="须为系统中已有的机构"),
        Column("region", ("所在区域", "区划", "所在区县"), lookup_fields=("name", "code")),
        Column("credit_code", ("信用代码", "社会信用代码"), example="91370100MA3000001X"),
        Column("address", ("地址", "单位地址", "办公地址")),
        Column("contact_phone", ("电话", "联系电话", "办公电话")),
    ]
    instructions = [
        "每行一个机构；机构名称是唯一标识，再次导入同一名称会更新该机构。",
        "上级机构须已在系统中（或在更早的一次导入中）建立。",
    ]

    def normaliser(self, column: Column, context: ImportContext) -> cells.Normaliser:
        if column.field == "credit_code":
            return credit_code()
        return super().normaliser(column, context)

    def find_existing(self, keys: list[tuple], context: ImportContext) -> dict[tuple, Organization]:
        found = Organization.objects.filter(name__in=[k[0] for k in keys])
        return {(org.name,): org for org in found}
