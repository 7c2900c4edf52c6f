"""The results notice (考核结果通报) of a round as an official Word document, and the
ranking as Excel."""

from rencai.assessment.models import AssessmentRound, Grade, UnitAssessment
from rencai.core.documents import OfficialDocument, Paragraph, Table, chinese_date, office_name, write_official_docx
from rencai.core.errors import Refused
from rencai.core.exports import write_xlsx

RANKING_HEADERS = [
    "名次",
    "单位",
    "自评得分",
    "审核得分",
    "专家评分（折算）",
    "最终得分",
    "等次",
    "上年得分",
    "上年名次",
    "得分变化",
]


def ranked(round_: AssessmentRound) -> list[UnitAssessment]:
    return list(
        round_.assessments.select_related("organization", "department").order_by(
            "rank", "organization__path", "department__order"
        )
    )


def results_notice(round_: AssessmentRound) -> tuple[str, bytes]:
    if round_.published_on is None:
        raise Refused("考核结果尚未公布，不能生成结果通报。")
    entries = ranked(round_)
    counts = {g: sum(1 for a in entries if a.grade == g) for g in Grade.values}
    title = f"关于{round_.scheme.year}年度{round_.scheme.get_unit_class_display()}人才工作目标考核结果的通报"
    excellent = "、".join(a.unit_name for a in entries if a.grade == Grade.EXCELLENT) or "无"
    text = [
        f"根据{round_.scheme.name}，市金融工作办公室组织开展了{round_.scheme.year}年度人才工作目标考核。"
        f"考核采取单位自评、办公室审核{'、专家评审' if round_.review_id else ''}相结合的方式，"
        f"结果于{chinese_date(round_.publicity_starts_on) if round_.publicity_starts_on else ''}起公示"
        f"{round_.publicity_days}天。现将考核结果通报如下。",
        f"参加考核单位{len(entries)}个，其中优秀{counts[Grade.EXCELLENT]}个、良好{counts[Grade.GOOD]}个、"
        f"一般{counts[Grade.FAIR]}个、较差{counts[Grade.POOR]}个。评为优秀的单位是：{excellent}。",
        "考核结果纳入各单位年度综合考核。希望各单位对照考核指标查漏补缺，进一步压实人才工作第一责任人职责，推动人才工作再上新台阶。",
    ]
    table = Table(
        headers=["名次", "单位", "最终得分", "等次"],
        rows=[[str(a.rank or ""), a.unit_name, str(a.final_score or ""), a.get_grade_display()] for a in entries],
    )
    document = OfficialDocument(
        title=title,
        issuer=office_name(),
        issued_on=round_.published_on,
        document_number=round_.results_number,
        recipients="各有关单位：",
        blocks=[*(Paragraph(t) for t in text), table],
    )
    return title, write_official_docx(document)


def ranking_rows(entries: list[tuple[UnitAssessment, UnitAssessment | None]]) -> list[list[object]]:
    rows: list[list[object]] = []
    for a, before in entries:
        change = ""
        if before is not None and before.final_score is not None and a.final_score is not None:
            change = f"{a.final_score - before.final_score:+}"
        rows.append(
            [
                a.rank or "",
                a.unit_name,
                str(a.self_total or ""),
                str(a.office_total or ""),
                str(a.expert_score or ""),
                str(a.final_score or ""),
                a.get_grade_display(),
                str(before.final_score or "") if before else "",
                (before.rank or "") if before else "",
                change,
            ]
        )
    return rows


def ranking_xlsx(round_: AssessmentRound, entries) -> bytes:
    return write_xlsx(f"{round_.scheme.year}考核排名", RANKING_HEADERS, ranking_rows(entries))
