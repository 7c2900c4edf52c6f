"""历史评选结果录入: a past campaign's winners and unit awards, with 文号 and date, imported
from a real xlsx through the one pipeline, audited, and marked as entered, not decided."""

import io

import openpyxl
import pytest

from rencai.core.imports.pipeline import run_import
from rencai.core.imports.schema import context_for
from rencai.core.models import AuditEntry
from rencai.core.objects import registered
from rencai.selections.models import Campaign, CampaignState, HistoricResult, UnitAward
from rencai.talents.models import Honour, HonourSource

HEADERS = [
    "年度",
    "评选名称",
    "评选对象",
    "身份证号码",
    "单位",
    "获奖对象",
    "荣誉称号",
    "荣誉级别",
    "授予单位",
    "文号",
    "决定日期",
]


def xlsx(rows: list[list]) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADERS)
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def sheet(make_talent, bank, other_bank):
    first, second = make_talent("往届甲", bank), make_talent("往届乙", other_bank)
    rows = [
        [
            2023,
            "金融业务标兵",
            "个人",
            first.id_number,
            bank.name,
            "",
            "金融业务标兵",
            "市级",
            "济南市地方金融监督管理局",
            "济金办发〔2023〕15号",
            "2023-06-20",
        ],
        [
            2023,
            "金融业务标兵",
            "个人",
            second.id_number,
            other_bank.name,
            "",
            "金融业务标兵",
            "市级",
            "济南市地方金融监督管理局",
            "济金办发〔2023〕15号",
            "2023年6月20日",
        ],
        [
            2023,
            "金融系统先进单位",
            "单位",
            "",
            bank.name,
            "",
            "金融系统先进单位",
            "市级",
            "济南市地方金融监督管理局",
            "济金办发〔2023〕16号",
            "2023-06-20",
        ],
    ]
    return xlsx(rows), (first, second)


def test_a_past_campaigns_results_are_recorded_not_decided(users, sheet, bank):
    content, (first, second) = sheet
    schema = registered()["historic-results"].import_schema()
    context = context_for(users["office"], schema=schema)
    preview = run_import(schema, content, context)
    assert preview.valid_rows == 3 and not preview.errors, preview.errors
    before = AuditEntry.objects.count()
    report = run_import(schema, content, context_for(users["office"], schema=schema), commit=True)
    assert report.created == 3, report.errors
    campaign = Campaign.objects.get(year=2023, name="金融业务标兵")
    assert campaign.is_historic and campaign.state == CampaignState.RECORDED
    assert (campaign.results_number, str(campaign.decided_on)) == ("济金办发〔2023〕15号", "2023-06-20")
    assert campaign.review is None and not campaign.applications.exists()  # no draw, scoring or publicity
    for talent in (first, second):
        honour = Honour.objects.get(talent=talent)
        assert (honour.source, honour.campaign, honour.document_number) == (
            HonourSource.HISTORIC,
            campaign,
            "济金办发〔2023〕15号",
        )
    award = UnitAward.objects.get()
    assert (award.organization, award.subject_name, award.document_number, award.application) == (
        bank,
        bank.name,
        "济金办发〔2023〕16号",
        None,
    )
    assert award.campaign.is_historic
    assert set(HistoricResult.objects.values_list("campaign__name", flat=True)) == {"金融业务标兵", "金融系统先进单位"}
    assert HistoricResult.objects.filter(honour__isnull=True, unit_award__isnull=True).count() == 0
    audited = AuditEntry.objects.filter(pk__gt=0).count() - before
    assert audited >= 3 + 3 + 2  # the rows, the honours and award, the campaigns
    # re-importing the same file changes nothing
    again = run_import(schema, content, context_for(users["office"], schema=schema), commit=True)
    assert (again.created, again.unchanged) == (0, 3)
    assert Honour.objects.count() == 2 and UnitAward.objects.count() == 1


def test_a_campaign_run_in_the_platform_cannot_be_recorded_as_historic(users, sheet, campaign_in_platform):
    content, _ = sheet
    schema = registered()["historic-results"].import_schema()
    report = run_import(schema, content, context_for(users["office"], schema=schema))
    assert any("在平台上进行的" in e.message for e in report.errors)


def test_an_individual_row_needs_the_winner(users, bank):
    content = xlsx(
        [
            [
                2022,
                "优秀金融人才",
                "个人",
                "",
                bank.name,
                "",
                "优秀金融人才",
                "市级",
                "",
                "济金办发〔2022〕3号",
                "2022-12-01",
            ]
        ]
    )
    schema = registered()["historic-results"].import_schema()
    report = run_import(schema, content, context_for(users["office"], schema=schema))
    assert report.valid_rows == 0 and "身份证号码" in report.errors[0].message


def test_only_the_office_imports_historic_results(client_for, users):
    policy = registered()["historic-results"].policy
    assert policy.allows("import", users["office"])
    assert not policy.allows("import", users["liaison"]) and not policy.allows("create", users["office"])
    assert client_for("office").get("/o/historic-results/").status_code == 200


@pytest.fixture
def campaign_in_platform(db):
    from datetime import date

    return Campaign.objects.create(
        name="金融业务标兵",
        kind="individual",
        year=2023,
        opens_on=date(2023, 3, 1),
        closes_on=date(2023, 3, 31),
        quota_total=3,
    )
