"""The publicity notice (公示) and the results notice (结果通报) of a campaign as official
Word documents, their wording in editable templates, and the ranking as Excel."""

from django.template.loader import render_to_string

from rencai.core.documents import OfficialDocument, Paragraph, Table, chinese_date, office_name, write_official_docx
from rencai.core.errors import Refused
from rencai.core.exports import write_xlsx
from rencai.selections.models import Application, ApplicationState, Campaign, CampaignKind, ObjectionState
from rencai.talents.models import Talent

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
UNIT_WORDS: dict[str, tuple[str, str]] = {
    CampaignKind.INDIVIDUAL: ("名同志", "同志"),
    CampaignKind.UNIT: ("个单位", "单位"),
    CampaignKind.PARTY_BRANCH: ("个党支部", "党支部"),
    CampaignKind.PROJECT: ("个项目", "项目团队"),
    CampaignKind.BRAND: ("个品牌", "单位"),
}


def issuer(campaign: Campaign) -> str:
    return campaign.awarded_by or office_name()


def paragraphs(template: str, context: dict) -> list[Paragraph]:
    text = render_to_string(template, context)
    return [Paragraph(line.strip()) for line in text.splitlines() if line.strip()]


def _talent(application: Application) -> Talent:
    assert application.talent is not None  # an individual campaign's applications name a talent
    return application.talent


def name_table(entries: list[Application], individual: bool) -> Table:
    if individual:
        headers = ["序号", "姓名", "工作单位", "职务岗位"]
        rows = [[str(i), _talent(a).name, a.organization.name, _talent(a).position] for i, a in enumerate(entries, 1)]
    else:
        headers = ["序号", "名称", "所属单位"]
        rows = [[str(i), a.display_name, a.organization.name] for i, a in enumerate(entries, 1)]
    return Table(headers=headers, rows=rows)


def base_context(campaign: Campaign, entries: list[Application]) -> dict:
    unit_word, unit_short = UNIT_WORDS[campaign.kind]
    # Both documents are written once publicity has started, which sets both dates.
    assert campaign.publicity_starts_on is not None and campaign.publicity_ends_on is not None
    return {
        "campaign": campaign,
        "entries": entries,
        "unit_word": unit_word,
        "unit_short": unit_short,
        "issuer": issuer(campaign),
        "start": chinese_date(campaign.publicity_starts_on),
        "end": chinese_date(campaign.publicity_ends_on),
    }


def publicity_notice(campaign: Campaign) -> tuple[str, bytes]:
    if campaign.publicity_starts_on is None:
        raise Refused("评选尚未进入公示阶段，不能生成公示通知。")
    entries = list(
        campaign.applications.filter(
            state__in=[ApplicationState.SHORTLISTED, ApplicationState.WINNER, ApplicationState.DISQUALIFIED]
        )
        .select_related("talent", "organization")
        .order_by("rank")
    )
    title = f"关于{campaign.year}年{campaign.title_awarded()}入围对象的公示"
    document = OfficialDocument(
        title=title,
        issuer=issuer(campaign),
        issued_on=campaign.publicity_starts_on,
        blocks=[
            *paragraphs("selections/documents/publicity_notice.txt", base_context(campaign, entries)),
            name_table(entries, campaign.kind == CampaignKind.INDIVIDUAL),
        ],
    )
    return title, write_official_docx(document)


def results_notice(campaign: Campaign) -> tuple[str, bytes]:
    if campaign.decided_on is None:
        raise Refused("评选尚未作出决定，不能生成结果通报。")
    entries = list(
        campaign.applications.filter(state=ApplicationState.WINNER)
        .select_related("talent", "organization")
        .order_by("rank")
    )
    objections = list(
        campaign.applications.filter(objections__isnull=False).values_list("objections__state", flat=True)
    )
    context = {
        **base_context(campaign, entries),
        "objections": len(objections),
        "upheld": sum(1 for s in objections if s == ObjectionState.UPHELD),
    }
    title = (
        f"关于授予{len(entries)}{UNIT_WORDS[campaign.kind][0]}{campaign.year}年“{campaign.title_awarded()}”称号的通报"
    )
    document = OfficialDocument(
        title=title,
        issuer=issuer(campaign),
        issued_on=campaign.decided_on,
        document_number=campaign.results_number,
        recipients="各金融机构：",
        blocks=[
            *paragraphs("selections/documents/results_notice.txt", context),
            name_table(entries, campaign.kind == CampaignKind.INDIVIDUAL),
        ],
    )
    return title, write_official_docx(document)


def results_xlsx(campaign: Campaign) -> tuple[bytes, int]:
    """The ranking with each application's parts and outcome."""
    applications = (
        campaign.applications.exclude(state=ApplicationState.WITHDRAWN)
        .select_related("talent", "organization", "review_item")
        .order_by("rank", "id")
    )
    headers = [
        "名次",
        "姓名/名称",
        "单位",
        "申报方式",
        "专家评分",
        "资格评审得分",
        "得票数",
        "综合得分",
        "状态",
        "审查意见",
    ]
    rows = []
    for a in applications:
        item = a.review_item
        rows.append(
            [
                a.rank or "",
                a.display_name,
                a.organization.name,
                a.get_route_display(),
                str(item.expert_score) if item and item.expert_score is not None else "",
                str(item.qualification_score) if item and item.qualification_score is not None else "",
                item.votes if item else "",
                str(a.total_score) if a.total_score is not None else "",
                a.get_state_display(),
                a.reason,
            ]
        )
    return write_xlsx(f"{campaign.year}{campaign.name}"[:31], headers, rows), len(rows)
