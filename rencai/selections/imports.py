"""历史评选结果录入: the results of selections decided before the platform, imported through
the one pipeline: one row per winner (by ID number) or unit award, with 文号 and date."""

from typing import Any

from django.utils.translation import gettext as _

from rencai.core.imports import cells
from rencai.core.imports.schema import Column, ImportContext, ImportSchema, Key, RowRejected
from rencai.orgs.models import Organization
from rencai.selections import services
from rencai.selections.models import Campaign, CampaignKind, HistoricResult
from rencai.talents.imports import talent_by_id_number


class HistoricResultSchema(ImportSchema):
    model = HistoricResult
    title = "历史评选结果录入模板"
    columns = [
        Column("year", ("年度", "评选年份"), example="2023"),
        Column("campaign_name", ("评选活动", "评选项目"), example="金融业务标兵"),
        Column("kind", ("对象类别", "类别"), example="个人", values={"个人": "个人", "单位": "单位"}),
        Column(
            "talent",
            ("身份证号码", "公民身份号码", "证件号码"),
            label="身份证号码",
            required=False,
            note="个人类评选填写",
            example="370102199001011231",
        ),
        Column("organization", ("单位", "单位名称", "所在单位", "获奖单位"), lookup_fields=("name", "short_name")),
        Column("subject_name", ("获奖对象名称", "获奖集体"), note="单位类评选填写（留空则为单位名称）"),
        Column("title", ("称号", "荣誉"), example="金融业务标兵"),
        Column("level", ("级别",), example="市级"),
        Column("awarded_by", ("授予机关", "发文单位"), example="济南市地方金融监督管理局"),
        Column("document_number", ("结果文号", "发文字号"), example="济金办发〔2023〕15号"),
        Column("decided_on", ("决定时间", "发文日期", "授予时间"), example="2023-06-20"),
    ]
    instructions = [
        "用于录入平台上线前已经作出决定的评选结果：不再进行专家抽取、评分和公示，录入后标记为“历史评选结果录入”。",
        "每行一名当选个人（以身份证号码对应人才信息库）或一个获奖单位；同一年度、同一评选活动的各行归入同一评选活动。",
        "同一评选活动、同一当选人或获奖对象再次导入不会重复录入。",
    ]

    def normaliser(self, column: Column, context: ImportContext) -> cells.Normaliser:
        if column.field == "talent":
            return talent_by_id_number()
        return super().normaliser(column, context)

    def allowed_organizations(self, context: ImportContext) -> set[int]:
        return context.visible_org_ids

    def key_of(self, values: dict[str, Any]) -> Key | None:
        return (
            values.get("year"),
            values.get("campaign_name"),
            values.get("organization_id"),
            values.get("talent_id") or 0,
            values.get("subject_name") or "",
        )

    def find_existing(self, keys: list[Key], context: ImportContext) -> dict[Key, HistoricResult]:
        found = HistoricResult.objects.filter(campaign_name__in={k[1] for k in keys})
        return {(r.year, r.campaign_name, r.organization_id, r.talent_id or 0, r.subject_name): r for r in found}

    def check_row(self, values: dict[str, Any], context: ImportContext) -> None:
        individual = values.get("kind") == CampaignKind.INDIVIDUAL
        if individual and not values.get("talent_id"):
            raise RowRejected([("talent", "required", _("个人类评选须填写当选人的身份证号码。"))])
        if not individual:
            if values.get("talent_id"):
                raise RowRejected([("talent", "invalid", _("单位类评选不填写身份证号码。"))])
            if not values.get("subject_name"):
                name = context.cached(
                    f"org:{values['organization_id']}",
                    lambda: Organization.objects.get(pk=values["organization_id"]).name,
                )
                values["subject_name"] = name
        decided, year = values.get("decided_on"), values.get("year")
        if decided and year and not year <= decided.year <= year + 1:
            raise RowRejected([("decided_on", "invalid", _("决定时间应在评选年度或其次年。"))])
        name = str(values.get("campaign_name") or "")
        platform = context.cached(
            f"campaign:{year}:{name}",
            lambda: Campaign.objects.filter(year=int(year or 0), name=name, is_historic=False).exists(),
        )
        if platform:
            raise RowRejected(
                [("campaign_name", "invalid", _("该评选活动是在平台上进行的，其结果不能作为历史结果录入。"))]
            )

    def after_insert(self, instances: list[HistoricResult], context: ImportContext) -> None:
        services.record_historic(instances)
