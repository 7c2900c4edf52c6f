"""Demo cooperation in the seeds' words: a party-building alliance of banks, securities and
futures firms, insurers and a fintech firm with its 轮值主席单位 since 2019, the five 联合
kinds of joint activity, the 金融讲师团 going out to units (seed 001); secondments to and
from the office (挂职锻炼、交流任职, seeds 000 and 002); and the cooperation with
universities in 四大领域十个项目, 顶岗实习 and 课题研究 (seed 003)."""

import random
from datetime import date, timedelta

from django.utils import timezone

from rencai.accounts.models import User
from rencai.cooperation import services
from rencai.cooperation.models import (
    ActivityKind,
    Agreement,
    AgreementArea,
    AgreementProject,
    Alliance,
    AllianceMember,
    Grade,
    Internship,
    JointActivity,
    LectureState,
    Milestone,
    OutreachLecture,
    ReportKind,
    ResearchTopic,
    ResultKind,
    Secondment,
    SecondmentReport,
    SecondmentState,
    TopicResult,
    TopicState,
)
from rencai.orgs.models import Organization
from rencai.selections.models import Campaign, CampaignKind
from rencai.talents.models import Talent
from rencai.training.models import Lecturer

ALLIANCE = "泉城金融党建联盟"
MEMBER_KINDS = ["bank", "securities", "futures", "insurance", "fintech", "bank"]
ACTIVITIES = [
    (ActivityKind.EDUCATION, "共建学习大讲堂：党建理论专题", "联合党校"),
    (ActivityKind.EDUCATION, "“党性锻炼携手行”主题党日", "红色教育基地"),
    (ActivityKind.EXCELLENCE, "“最强党支部”创建经验交流会", "联盟活动阵地"),
    (ActivityKind.TALENT, "金融讲师团举荐与“党建+业务”复合型讲师培训", "市金融学会报告厅"),
    (ActivityKind.DEVELOPMENT, "“党建+民企”融资服务对接会", "济南产发集团"),
    (ActivityKind.ACTIVITY, "支部结对讨论学暨演讲征文竞赛", "联盟活动阵地"),
]
LECTURES = [
    ("面对面宣讲金融政策举措", "历下区泉城路街道金融服务站"),
    ("手把手传授金融理财知识", "历下区泉城路街道金融服务站"),
    ("心贴心讲好金融故事", "济南产业发展投资集团有限公司"),
    ("防范非法集资和电信诈骗", "济南市历下区鑫源小额贷款有限公司"),
]
AREAS = {
    "理论研究": ["金融人才发展理论研究", "地方金融监管课题合作", "《金融调研专刊》联合供稿"],
    "互聘互派": ["高校教师到机构挂职", "机构专家受聘兼职导师"],
    "教育培训": ["全市大讲堂专家授课", "金融从业人员在职研修", "国际金融资格认证培训"],
    "实践教学": ["重点专业学生顶岗实习", "案例教学与现场教学基地"],
}


def load(stdout) -> None:
    if Alliance.objects.exists():
        stdout.write("党建联盟与交流合作演示数据已存在，跳过。")
        return
    rng = random.Random(1101)  # noqa: S311 - reproducible demo data, not a secret
    today = timezone.localdate()
    alliance = _alliance(today)
    activities = _activities(alliance, rng, today)
    lectures = _lectures(alliance, today)
    secondments = _secondments(rng, today)
    agreements = _universities(rng, today)
    stdout.write(
        f"党建联盟与交流合作：{alliance.members.count()} 家成员单位、{alliance.terms.count()} 届轮值主席、"
        f"{activities} 次联合活动、{lectures} 场宣讲、{secondments} 人次挂职、{agreements} 份院校合作协议。"
    )


def _alliance(today: date) -> Alliance:
    alliance = Alliance.objects.create(
        name=ALLIANCE,
        founded_on=date(2019, 11, 1),
        term_months=12,
        description=(
            "由银行、证券、期货、保险以及金融科技企业等在济金融机构组建，推广“开门做党建”工作模式，"
            "建立联合教育、联合争先、联合育人、联合发展、联合活动等联合建设机制和联盟成员轮值主席单位制度。"
        ),
        branch_campaign=Campaign.objects.filter(kind=CampaignKind.PARTY_BRANCH).order_by("-year").first(),
    )
    used: set[int] = set()
    for order, kind in enumerate(MEMBER_KINDS, start=1):
        unit = (
            Organization.objects.filter(parent__isnull=True, kind=kind, is_active=True)
            .exclude(pk__in=used)
            .order_by("path")
            .first()
        )
        if unit is None:
            continue
        used.add(unit.pk)
        AllianceMember.objects.create(
            alliance=alliance,
            organization=unit,
            rotation_order=order,
            joined_on=date(2019, 11, 1) if order <= 5 else date(2022, 3, 1),
            party_branches=f"{unit.short_name or unit.name}机关党支部\n{unit.short_name or unit.name}营业部党支部",
            contact="党建工作部",
        )
    term = services.start_rotation(alliance, date(2019, 11, 1))
    while term.ends_on < today - timedelta(days=30):
        term = services.hand_over(term, "移交联盟工作台账、年度活动计划和阵地共建清单。", on=term.ends_on)
    return alliance


def _talents_of(member: AllianceMember) -> list[Talent]:
    return list(
        Talent.objects.filter(is_active=True, organization__path__startswith=member.organization.path).order_by("pk")[
            :12
        ]
    )


def _activities(alliance: Alliance, rng: random.Random, today: date) -> int:
    members = list(alliance.members.select_related("organization").order_by("rotation_order"))
    count = 0
    for year in (today.year - 2, today.year - 1, today.year):
        for n, (kind, title, place) in enumerate(ACTIVITIES):
            held = date(year, 2 * n + 1, rng.randint(5, 25))
            if held > today:
                continue
            organiser = members[(n + year) % len(members)]
            if not organiser.is_member_on(held):
                organiser = members[0]
            others = [m for m in members if m.pk != organiser.pk and m.is_member_on(held)]
            co = rng.sample(others, 2)
            activity = JointActivity.objects.create(
                alliance=alliance,
                kind=kind,
                title=f"{year}年{title}",
                organiser=organiser,
                held_on=held,
                place=place,
                other_participants=rng.randint(10, 40),
                summary=f"{organiser.organization.short_name or organiser.organization}主办，"
                f"{'、'.join(str(m.organization.short_name or m.organization) for m in co)}协办，"
                "通过主题党日共同学、支部结对讨论学等方式，推动党建与业务融合。",
                campaign=alliance.branch_campaign if kind == ActivityKind.EXCELLENCE else None,
            )
            activity.co_organisers.set(co)
            people: list[Talent] = []
            for unit in [organiser, *co]:
                pool = _talents_of(unit)
                people += rng.sample(pool, min(len(pool), rng.randint(2, 4)))
            activity.participants.set(people)
            count += 1
    return count


def _lectures(alliance: Alliance, today: date) -> int:
    lecturers = list(Lecturer.objects.order_by("pk")[:4])
    if not lecturers:
        return 0
    count = 0
    for n, (topic, unit_name) in enumerate(LECTURES):
        unit = Organization.objects.filter(name=unit_name).first()
        if unit is None:
            continue
        held = today - timedelta(days=30 * (len(LECTURES) - n))
        last = n == len(LECTURES) - 1
        OutreachLecture.objects.create(
            lecturer=lecturers[n % len(lecturers)],
            alliance=alliance,
            requesting_unit=unit,
            topic=topic,
            requested_on=held - timedelta(days=20),
            planned_on=today + timedelta(days=14) if last else held,
            place="会议室",
            state=LectureState.REQUESTED if last else LectureState.HELD,
            held_on=None if last else held,
            attendance=None if last else 40 + 15 * n,
            rating=None if last else 5 - n % 2,
            feedback="" if last else "贴近群众、通俗易懂，希望多来宣讲。",
        )
        count += 1
    return count


def _secondments(rng: random.Random, today: date) -> int:
    office_org = User.objects.get(username="office").organization
    banks = list(Organization.objects.filter(parent__isnull=True, kind="bank").order_by("path")[:3])
    plans = [
        # (from, months ago started, months long, state, grade)
        (banks[0], 20, 12, SecondmentState.EVALUATED, Grade.EXCELLENT),
        (banks[1], 11, 10, SecondmentState.ENDED, ""),
        (banks[2], 4, 12, SecondmentState.SERVING, ""),
    ]
    count = 0
    for unit, ago, months, state, grade in plans:
        talent = Talent.objects.filter(organization=unit, is_active=True).order_by("pk").first()
        if talent is None:
            continue
        starts = services.add_months(today.replace(day=1), -ago)
        secondment = Secondment.objects.create(
            talent=talent,
            from_unit=unit,
            to_unit=office_org,
            post="金融服务处挂职副处长",
            starts_on=starts,
            ends_on=services.term_end(starts, months),
            purpose="瞄准主要金融机构引进金融管理人才到我市挂职，促进人才常态交流。",
            mentor="金融服务处处长",
            state=state,
            grade=grade,
            evaluation="政治素质过硬，工作扎实，较好完成了挂职任务。" if grade else "",
            evaluated_at=timezone.now() if grade else None,
        )
        _reports(secondment, today)
        count += 1
    staff = User.objects.filter(username="office2").first()
    if staff is not None and banks:
        starts = services.add_months(today.replace(day=1), -2)
        secondment = Secondment.objects.create(
            staff=staff,
            from_unit=office_org,
            to_unit=banks[0],
            post="行长助理（交流任职）",
            starts_on=starts,
            ends_on=services.term_end(starts, 12),
            purpose="公务员跨地区挂职锻炼、交流任职，熟悉金融机构经营管理。",
            mentor="分行行长",
            state=SecondmentState.SERVING,
        )
        _reports(secondment, today)
        count += 1
    return count


def _reports(secondment: Secondment, today: date) -> None:
    month = secondment.starts_on.replace(day=1)
    last = min(secondment.ends_on, today)
    while month <= last and month < today.replace(day=1):
        SecondmentReport.objects.create(
            secondment=secondment,
            kind=ReportKind.MONTHLY,
            month=month,
            content="本月参与重点项目融资服务保障和金融风险排查，跟班学习政策制定流程。",
            submitted_on=min(services.add_months(month, 1), today),
        )
        month = services.add_months(month, 1)
    if secondment.state in (SecondmentState.ENDED, SecondmentState.EVALUATED):
        SecondmentReport.objects.create(
            secondment=secondment,
            kind=ReportKind.FINAL,
            content="挂职期满总结：开阔了视野，提升了统筹协调和服务实体经济的能力。",
            submitted_on=secondment.ends_on,
        )


def _universities(rng: random.Random, today: date) -> int:
    universities = list(Organization.objects.filter(kind="university").order_by("path"))
    if not universities:
        return 0
    hosts = list(Organization.objects.filter(parent__isnull=True, kind__in=["bank", "securities", "insurance"])[:4])
    agreements = 0
    for n, university in enumerate(universities[:2]):
        starts = date(today.year - 3 + n, 9, 1)
        agreement = Agreement.objects.create(
            university=university,
            title=f"{university.short_name or university.name}战略合作协议",
            parties=f"市金融工作办公室、{university.name}",
            signed_on=starts - timedelta(days=10),
            starts_on=starts,
            ends_on=services.term_end(starts, 36),
            max_interns=30,
            notes="院校合作启动会暨院校合作共育高素质人才队伍座谈会上签订。",
        )
        agreements += 1
        for order, (area_name, projects) in enumerate(AREAS.items(), start=1):
            area = AgreementArea.objects.create(agreement=agreement, name=area_name, order=order)
            for project in projects:
                AgreementProject.objects.create(area=area, name=project, lead_unit=university)
        if agreement.ends_on < today + timedelta(days=180):
            services.renew(
                agreement,
                services.term_end(agreement.ends_on + timedelta(days=1), 36),
                agreement.ends_on - timedelta(days=30),
            )
            agreements += 1
        for k, host in enumerate(hosts[:2]):
            year = max(starts.year + 1, today.year - 1)
            Internship.objects.create(
                agreement=agreement,
                host_unit=host,
                major=["金融学", "保险学"][k],
                starts_on=date(year, 7, 1),
                ends_on=date(year, 8, 31),
                students=rng.randint(4, 8),
                grade=Grade.EXCELLENT if k == 0 else Grade.COMPETENT,
                evaluation="实习学生吃苦耐劳，顶岗实习效果良好。",
            )
        _topic(agreement, university, rng, today, n)
    return agreements


def _topic(agreement: Agreement, university: Organization, rng: random.Random, today: date, n: int) -> None:
    titles = ["金融人才集聚与产业升级互动研究", "地方金融组织风险监测与监管对策研究"]
    starts = date(today.year - 1, 3, 1)
    topic = ResearchTopic.objects.create(
        agreement=agreement,
        university=university,
        title=titles[n % 2],
        leader=["周明德", "陈立新"][n % 2],
        university_team="课题组教师3名、研究生4名",
        funding_source=["国家社科基金", "市社科规划项目"][n % 2],
        funding=[200000, 80000][n % 2],
        starts_on=starts,
        due_on=date(today.year, 12, 31),
        state=TopicState.CONCLUDED if n == 0 else TopicState.ONGOING,
    )
    talents = Talent.objects.filter(is_active=True).order_by("pk")
    topic.team_talents.set(rng.sample(list(talents[:60]), 3) if talents.count() >= 3 else list(talents))
    Milestone.objects.create(
        topic=topic, title="开题论证", due_on=starts + timedelta(days=60), done_on=starts + timedelta(days=55)
    )
    Milestone.objects.create(topic=topic, title="中期检查", due_on=starts + timedelta(days=240))
    TopicResult.objects.create(
        topic=topic, kind=ResultKind.REPORT, title=f"{topic.title}研究报告", result_on=starts + timedelta(days=200)
    )
    if n == 0:
        TopicResult.objects.create(
            topic=topic,
            kind=ResultKind.POLICY,
            title="关于优化金融人才服务保障的建议",
            result_on=starts + timedelta(days=260),
            published_in="市委组织部",
        )
