"""Demo of seed 004's 人才工作目标考核 ("六大类指标", "量体裁衣") and 人才工作"百点"创建 ("每年每个
部门必须建设1-2个 … 每年达标验收一次，力争五年达到一百个。目前，各单位上报示范点20个"):

* last year's assessment of the banks, finished: self-assessed, reviewed, ranked, graded,
  published with its results notice number;
* this year's, in progress: some units submitted, others still self-assessing;
* the 2021—2025 programme of 100 sites with 20 accepted (of the seed's kinds of site),
  a few being built, one to rectify and one proposal waiting.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from rencai.accounts.models import User
from rencai.assessment import services
from rencai.assessment.models import (
    AcceptanceRound,
    AcceptanceState,
    AssessmentRound,
    AssessmentScheme,
    AssessmentState,
    Decision,
    DemonstrationSite,
    Indicator,
    RoundState,
    SiteProgramme,
    SiteState,
    Source,
    UnitAssessment,
)
from rencai.evaluation.models import Criterion, Rubric
from rencai.orgs.models import Organization

#: (category, name, max, source, full value, evidence, bonus, rule)
INDICATORS = [
    (
        "组织领导",
        "主要负责人履行人才工作第一责任人职责",
        10,
        Source.MANUAL,
        None,
        "党委（党组）会议纪要",
        False,
        "年内专题研究人才工作不少于2次得满分，1次得5分。",
    ),
    (
        "组织领导",
        "单位负责人人才工作述职",
        10,
        Source.MANUAL,
        None,
        "述职报告",
        False,
        "按时述职、内容翔实得满分；未述职不得分。",
    ),
    ("队伍建设", "在库人才规模", 5, Source.TALENTS, Decimal(30), "", False, "在库人才达到30人得满分，按比例计分。"),
    ("队伍建设", "本年度新增在库人才", 10, Source.NEW_TALENTS, Decimal(5), "", False, "新增5人得满分，按比例计分。"),
    (
        "培养培训",
        "人才受训覆盖率",
        10,
        Source.TRAINING_COVERAGE,
        Decimal(60),
        "",
        False,
        "覆盖率达到60%得满分，按比例计分。",
    ),
    ("培养培训", "机构自办培训", 5, Source.OWN_TRAINING_CLASSES, Decimal(4), "", False, "自办培训4期得满分。"),
    ("评选激励", "人才获评荣誉", 5, Source.HONOURS, Decimal(2), "", False, "获评2项得满分。"),
    ("评选激励", "单位获评荣誉", 5, Source.UNIT_AWARDS, Decimal(1), "", False, "获评1项得满分。"),
    ("重点任务", "人才工程任务按期办结", 10, Source.TASKS, Decimal(2), "", False, "按期办结2项得满分。"),
    (
        "重点任务",
        "人才工作示范点创建",
        10,
        Source.MANUAL,
        None,
        "示范点申报及验收材料",
        False,
        "当年申报1—2个并按计划推进得满分；通过验收的另计加分。",
    ),
    (
        "统计信息",
        "统计报表按时报送并审核通过",
        10,
        Source.RETURNS,
        Decimal(2),
        "",
        False,
        "按期报送并审核通过2份得满分。",
    ),
    ("统计信息", "金融工作信息被采用", 10, Source.INFO, Decimal(5), "", False, "被采用5篇次得满分。"),
    ("加分项", "人才工作创新做法被上级推广", 3, Source.MANUAL, None, "推广文件", True, "每项加1.5分。"),
    ("加分项", "人才工作示范点通过验收", 3, Source.MANUAL, None, "验收结论", True, "每个加1.5分。"),
]

#: Last year's office scores (of 100 base points and 5 bonus), per bank, by indicator order.
LAST_YEAR: dict[str, list[float]] = {
    "中国工商银行股份有限公司济南分行": [10, 10, 5, 9, 9, 5, 4, 5, 9, 10, 9, 9, 3, 1.5],
    "齐鲁银行股份有限公司": [10, 9, 5, 8, 9, 4, 5, 5, 10, 10, 10, 8, 1.5, 1.5],
    "中国建设银行股份有限公司济南分行": [10, 9, 4, 7, 8, 4, 4, 5, 8, 8, 9, 7, 1.5, 0],
    "中国农业银行股份有限公司济南分行": [8, 9, 4, 6, 8, 3, 3, 5, 7, 8, 8, 7, 0, 0],
    "中国银行股份有限公司济南分行": [8, 8, 4, 6, 7, 3, 2, 0, 8, 6, 9, 6, 0, 0],
    "济南农村商业银行股份有限公司": [8, 8, 3, 5, 6, 3, 2, 0, 6, 6, 8, 5, 0, 0],
    "交通银行股份有限公司济南分行": [5, 8, 3, 4, 6, 2, 2, 0, 5, 5, 7, 4, 0, 0],
    "招商银行股份有限公司济南分行": [5, 7, 3, 4, 5, 2, 0, 0, 5, 5, 6, 3, 0, 0],
    "恒丰银行股份有限公司济南分行": [5, 6, 2, 3, 4, 1, 0, 0, 4, 3, 5, 2, 0, 0],
}

#: This year's units that have submitted (the others still self-assess).
SUBMITTED_NOW = ["中国工商银行股份有限公司济南分行", "中国建设银行股份有限公司济南分行"]

#: (organisation, site name, kind, year, accepted)
SITES = [
    ("中国工商银行股份有限公司济南分行", "工行济南分行青年金融人才培养基地", "base", 2021),
    ("齐鲁银行股份有限公司", "齐鲁银行金融科技人才创新工作室", "research", 2021),
    ("中泰证券股份有限公司", "中泰证券投研人才实训中心", "research", 2021),
    ("中国人民财产保险股份有限公司济南市分公司", "人保财险专业技术人才服务站", "enterprise", 2021),
    ("山东财经大学", "山东财经大学金融人才产学研合作基地", "base", 2022),
    ("济南市历下区鑫源小额贷款有限公司", "鑫源小贷普惠金融人才工作站", "enterprise", 2022),
    ("历下区泉城路街道金融服务站", "泉城路街道社区金融人才服务站", "community", 2022),
    ("济南产业发展投资集团有限公司", "济南产发集团金融人才创业园", "park", 2022),
    ("中国建设银行股份有限公司济南分行", "建行济南分行劳模和工匠人才创新工作室", "enterprise", 2023),
    ("中国农业银行股份有限公司济南分行", "农行济南分行乡村振兴金融人才基地", "base", 2023),
    ("济南大学", "济南大学金融学院实习实训基地", "school", 2023),
    ("济南金科数据科技有限公司", "金科数据青年科技人才创业团队", "venture", 2023),
    ("鲁证期货股份有限公司", "鲁证期货衍生品人才研发中心", "research", 2023),
    ("中国人寿保险股份有限公司济南分公司", "国寿济南分公司营销人才培训学校", "school", 2024),
    ("济南农村商业银行股份有限公司", "济南农商银行县域金融人才工作站", "community", 2024),
    ("齐鲁数字金融科技有限公司", "齐鲁数金数字金融人才创新园", "park", 2024),
    ("招商银行股份有限公司济南分行", "招行济南分行财富管理人才工作室", "enterprise", 2024),
    ("泰山财产保险股份有限公司", "泰山保险精算人才研发中心", "research", 2024),
    ("国泰君安证券股份有限公司济南分公司", "国泰君安济南分公司投顾人才实训基地", "base", 2025),
    ("济南泉城融资租赁有限公司", "泉城租赁人才创办企业孵化站", "venture", 2025),
]
#: Sites of the last year that are not accepted yet: (organisation, name, kind, state)
PENDING_SITES = [
    ("中国银行股份有限公司济南分行", "中行济南分行国际金融人才工作站", "enterprise", SiteState.BUILDING),
    ("交通银行股份有限公司济南分行", "交行济南分行青年人才之家", "community", SiteState.BUILDING),
    ("华泰证券股份有限公司济南分公司", "华泰证券济南分公司财富人才实训室", "base", SiteState.RECTIFY),
    ("恒丰银行股份有限公司济南分行", "恒丰银行济南分行金融人才服务站", "enterprise", SiteState.PROPOSED),
]


def scheme_for(year: int) -> AssessmentScheme:
    scheme = AssessmentScheme.objects.create(
        name=f"{year}年度银行业金融机构人才工作目标考核方案",
        year=year,
        unit_class="bank",
        description="六大类指标：组织领导、队伍建设、培养培训、评选激励、重点任务、统计信息；另设加分项。",
        bonus_cap=Decimal(5),
    )
    for order, (category, name, max_score, source, full, evidence, bonus, rule) in enumerate(INDICATORS, start=1):
        Indicator.objects.create(
            scheme=scheme,
            order=order,
            category=category,
            name=name,
            weight=Decimal(max_score),
            max_score=Decimal(max_score),
            rule=rule,
            source=source,
            full_value=full,
            evidence=evidence,
            is_bonus=bonus,
        )
    return scheme


def finished_year(year: int, office: User) -> AssessmentRound:
    round_ = AssessmentRound.objects.create(
        scheme=scheme_for(year), title=f"{year}年度银行业金融机构人才工作目标考核", self_due_on=date(year, 12, 20)
    )
    for name, scores in LAST_YEAR.items():
        organization = Organization.objects.get(name=name)
        assessment = services.open_assessment(round_, organization, office)
        assessment.report = f"{organization.name}{year}年度人才工作述职报告：主要负责人亲自部署，落实人才工作目标责任。"
        for line in assessment.scores.select_related("indicator"):
            score = Decimal(str(scores[line.indicator.order - 1]))
            line.office_score = score
            if line.indicator.computed:
                line.decision = Decision.ADJUSTED
                line.adjust_reason = "平台上线前的年度数据，按单位报送材料核定。"
            else:
                line.self_score = score
                line.decision = Decision.ACCEPTED
            line.save()
        lines = list(assessment.scores.select_related("indicator"))
        assessment.self_total = services.total_of(lines, "self_score", round_.scheme.bonus_cap)
        assessment.office_total = services.total_of(lines, "office_score", round_.scheme.bonus_cap)
        assessment.state = AssessmentState.REVIEWED
        assessment.reviewed_by = office
        assessment.save()
    round_.state = RoundState.REVIEW
    services.start_publicity(round_, today=date(year + 1, 1, 10))
    round_.state = RoundState.PUBLISHED
    round_.published_on = date(year + 1, 1, 20)
    round_.results_number = f"济金办〔{year + 1}〕3号"
    round_.save()
    return round_


def year_in_progress(year: int, office: User) -> AssessmentRound:
    round_ = AssessmentRound.objects.create(
        scheme=scheme_for(year),
        title=f"{year}年度银行业金融机构人才工作目标考核",
        self_due_on=timezone.localdate() + timedelta(days=20),
    )
    services.launch(round_, office)
    for name in SUBMITTED_NOW:
        assessment = UnitAssessment.objects.get(round=round_, organization__name=name)
        assessment.report = f"{name}{year}年度人才工作述职报告（自评阶段）。"
        for line in assessment.scores.select_related("indicator"):
            if not line.indicator.computed and not line.indicator.evidence:
                line.self_score = line.indicator.max_score if not line.indicator.is_bonus else Decimal("1.5")
                line.save()
        for line in assessment.scores.select_related("indicator").filter(indicator__source=Source.MANUAL):
            if line.indicator.evidence and not line.indicator.is_bonus:
                line.self_score = line.indicator.max_score - 1
                line.note = "佐证材料已报送办公室（纸质）。"
                line.save()
        lines = list(assessment.scores.select_related("indicator"))
        assessment.self_total = services.total_of(lines, "self_score", round_.scheme.bonus_cap)
        assessment.state = AssessmentState.SUBMITTED
        assessment.submitted_at = timezone.now()
        assessment.save()
    return round_


def sites(stdout) -> None:
    programme = SiteProgramme.objects.create(
        name="人才工作“百点”创建活动", number=100, start_year=2021, end_year=2025, quota_min=1, quota_max=2
    )
    rubric = Rubric.objects.create(name="人才工作示范点验收评分细则", description="验收专家现场查看，逐项打分。")
    for order, (name, score) in enumerate(
        [("组织领导有力", 20), ("创建举措扎实", 30), ("人才集聚成效", 30), ("示范带动作用", 20)], start=1
    ):
        Criterion.objects.create(rubric=rubric, order=order, name=name, max_score=Decimal(score))
    for year in range(2021, 2025):
        AcceptanceRound.objects.create(programme=programme, year=year, rubric=rubric, state=AcceptanceState.CONCLUDED)
    AcceptanceRound.objects.create(programme=programme, year=2025, rubric=rubric)
    for n, (org, name, kind, year) in enumerate(SITES):
        DemonstrationSite.objects.create(
            programme=programme,
            year=year,
            organization=Organization.objects.get(name=org),
            name=name,
            kind=kind,
            theme="金融人才培养与集聚",
            measures="建立导师带徒、岗位练兵和项目攻关机制，配备专门场地和经费。",
            expected_results="年内培养业务骨干10名以上，形成可复制推广的经验做法。",
            contact="王经理",
            state=SiteState.ACCEPTED,
            accepted_year=year,
            acceptance_score=Decimal(85 + n % 10),
            inspections=1,
        )
    for org, name, kind, state in PENDING_SITES:
        DemonstrationSite.objects.create(
            programme=programme,
            year=2025,
            organization=Organization.objects.get(name=org),
            name=name,
            kind=kind,
            theme="金融人才服务",
            measures="设立人才服务专员，定期开展联系服务。",
            expected_results="服务辖内金融人才100人次以上。",
            contact="李主任",
            state=state,
            inspections=1 if state == SiteState.RECTIFY else 0,
            acceptance_score=Decimal(68) if state == SiteState.RECTIFY else None,
        )
    stdout.write(f"  示范点：{programme}，已命名{len(SITES)}个")


def load(stdout) -> None:
    if AssessmentScheme.objects.exists():
        return
    office = User.objects.get(username="office")
    year = timezone.localdate().year
    finished = finished_year(year - 1, office)
    year_in_progress(year, office)
    stdout.write(f"  目标考核：{finished}（已公布）及{year}年度考核（自评中）")
    sites(stdout)
