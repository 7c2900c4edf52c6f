"""Demo selections, run through the same services the pages use: 最美青年金融工作者 finished
(draw, five reviewers' scores, publicity with an objection, honours), 业务标兵 in expert
review (the demo account ``expert`` has items to score), and 最强党支部 open for nominations."""

import hashlib
import random
from datetime import date, timedelta
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from rencai.accounts.demo import DEMO_PASSWORD
from rencai.accounts.models import User
from rencai.core.roles import Role
from rencai.evaluation import services as evaluation
from rencai.evaluation.draw import run_draw
from rencai.evaluation.models import Criterion, Draw, ReviewerState, Rubric
from rencai.orgs.models import Organization
from rencai.selections import services
from rencai.selections.models import (
    Application,
    ApplicationRoute,
    ApplicationState,
    Campaign,
    CampaignKind,
    CampaignQuota,
    CampaignState,
    Material,
    Objection,
)
from rencai.talents.models import (
    EntrySource,
    PoolKind,
    PoolLevel,
    PoolMembership,
    Talent,
    TalentPool,
)

RUBRICS = {
    "最强党支部评分细则": [
        ("支部班子强", "班子配备齐全，书记履职尽责，班子成员团结协作。", 20),
        ("运行机制强", "制度健全，“三会一课”等基本制度落实到位。", 20),
        ("组织生活强", "组织生活规范，主题党日内容丰富、形式多样。", 20),
        ("党员队伍强", "党员发展和教育管理规范，党员先锋模范作用明显。", 20),
        ("作用发挥强", "党建与业务深度融合，服务实体经济成效突出。", 20),
    ],
    "最美青年金融工作者评分细则": [
        ("思想政治素质", "政治立场坚定，爱岗敬业，遵纪守法。", 20),
        ("业务能力", "专业素养扎实，取得相关资格，业务技能突出。", 30),
        ("工作业绩", "业绩突出，在服务实体经济、防范风险等方面贡献显著。", 30),
        ("示范引领", "事迹感人，在行业内外有较好的示范带动作用。", 20),
    ],
    "业务标兵评分细则": [
        ("业务技能", "岗位技能全面、精湛，在技能比赛中成绩突出。", 40),
        ("工作业绩", "业务指标完成情况和服务质量。", 40),
        ("创新贡献", "在流程优化、产品创新方面的贡献。", 20),
    ],
}
SUMMARIES = [
    "扎根基层网点，创新推出“首贷服务驿站”，年内为小微企业发放首贷2.3亿元。",
    "牵头建设智能风控模型，全年识别并阻断可疑交易1,200余笔，守住了风险底线。",
    "深入田间地头开展普惠金融宣传，建立乡村振兴金融服务站12个。",
    "带领团队完成核心系统迁移，实现业务零中断，获总行科技进步奖。",
    "服务科创企业上市，协助3家企业完成股份制改造并申报上市。",
    "连续三年业绩排名全行第一，多次获评省分行“服务明星”。",
    "主动承担反诈宣传，累计为群众挽回损失860余万元。",
    "开发“惠农保”产品，覆盖种植户5,000余户。",
]


def load(stdout) -> None:
    if Campaign.objects.exists():
        stdout.write("评选演示数据已存在，跳过。")
        return
    rng = random.Random(35)  # noqa: S311 - reproducible demo data, not a secret
    office = User.objects.get(username="office")
    leader = User.objects.get(username="leader")
    rubrics = {name: _rubric(name, rows) for name, rows in RUBRICS.items()}
    tank = TalentPool.objects.get(kind=PoolKind.THINK_TANK)
    _give_experts_accounts(tank)
    business_pool, _ = TalentPool.objects.get_or_create(
        name="业务人才库",
        defaults={
            "kind": PoolKind.BUSINESS,
            "level": PoolLevel.CITY,
            "description": "最美青年金融工作者、业务标兵、业务能手等评选的当选者入库",
        },
    )
    finished = _finished_campaign(rng, rubrics["最美青年金融工作者评分细则"], tank, business_pool, office, leader)
    in_review = _campaign_in_review(rng, rubrics["业务标兵评分细则"], tank, business_pool, office, leader)
    open_call = _open_campaign(rubrics["最强党支部评分细则"])
    historic = _historic_results(rng, office)
    stdout.write(
        f"评选：{finished}（已公布结果）、{in_review}（专家评审中）、{open_call}（申报中）、"
        f"{historic}（历史评选结果录入）；"
        f"抽取记录 {Draw.objects.count()} 条，可用 python manage.py verify_draw --all 核对。"
    )


def _rubric(name: str, rows) -> Rubric:
    rubric = Rubric.objects.create(name=name, description="评审专家按细则逐项打分。")
    for order, (criterion, description, maximum) in enumerate(rows, start=1):
        Criterion.objects.create(
            rubric=rubric, order=order, name=criterion, description=description, max_score=Decimal(maximum)
        )
    return rubric


def _give_experts_accounts(tank: TalentPool) -> None:
    """Every think-tank expert gets a reviewer account; the demo accounts ``expert`` and
    ``expert2`` become experts of the tank themselves."""
    template = User(username="template")
    template.set_password(DEMO_PASSWORD)
    batch = tank.batches.order_by("term_start").first()
    assert batch is not None  # the talents demo seeds the think tank's batches first
    for username in ("expert", "expert2"):
        user = User.objects.get(username=username)
        talent = Talent.objects.filter(user=user).first()
        if talent is None:
            first = PoolMembership.objects.filter(pool=tank).select_related("talent").first()
            assert first is not None  # the talents demo seeds the think tank's members first
            model = first.talent
            talent = Talent(
                name=user.full_name,
                organization=user.organization,
                category=model.category,
                tier=model.tier,
                title=model.title,
                birth_date=date(1972, 4, 18) if username == "expert" else date(1969, 9, 2),
                gender="M",
                position="教授" if username == "expert" else "秘书长",
                user=user,
            )
            talent.full_clean()
            talent.save()
        PoolMembership.objects.get_or_create(
            pool=tank,
            talent=talent,
            defaults={
                "batch": batch,
                "specialty": "金融科技" if username == "expert" else "银行信贷",
                "source": EntrySource.NOMINATION,
                "joined_on": batch.term_start,
                "term_end": batch.term_end,
            },
        )
    members = PoolMembership.objects.filter(pool=tank, talent__user__isnull=True).select_related("talent__organization")
    for n, membership in enumerate(members.order_by("talent_id"), start=1):
        talent = membership.talent
        user = User(
            username=f"zj{n:03d}",
            full_name=talent.name,
            role=Role.REVIEWER,
            organization=talent.organization,
            password=template.password,
        )
        user.save()
        talent.user = user
        talent.save()


def _young_talents(rng, on: date, count: int, exclude=()) -> list[Talent]:
    born_after = date(on.year - 36, on.month, on.day)
    pool = list(
        Talent.objects.filter(birth_date__gt=born_after, is_active=True, has_disciplinary_record=False)
        .exclude(pk__in=exclude)
        .select_related("organization")
        .order_by("pk")
    )
    chosen, seen = [], set()
    for talent in rng.sample(pool, len(pool)):
        head = talent.organization.path[:7]
        if head in seen:
            continue
        seen.add(head)
        chosen.append(talent)
        if len(chosen) == count:
            break
    return chosen


def _nominate(campaign: Campaign, talents: list[Talent], rng, submitted_by_org: dict) -> list[Application]:
    applications = []
    for talent in talents:
        head = talent.organization if talent.organization.parent_id is None else talent.organization.parent
        assert head is not None  # a unit with a parent_id has its parent
        CampaignQuota.objects.get_or_create(campaign=campaign, organization=head, defaults={"quota": 2})
        liaison = submitted_by_org.get(head.pk) or User.objects.get(username="office")
        application = Application(
            campaign=campaign,
            route=ApplicationRoute.NOMINATION,
            talent=talent,
            organization=talent.organization,
            summary=rng.choice(SUMMARIES),
            submitted_by=liaison,
        )
        application.full_clean()
        application.save()
        _attach_materials(application)
        applications.append(application)
    return applications


def demo_pdf(title: str) -> bytes:
    """A one-page PDF that any reader opens (the demo's stand-in for a scanned form)."""
    stream = f"BT /F1 18 Tf 72 760 Td ({title}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _attach_materials(application: Application) -> None:
    for n, kind in enumerate(application.campaign.material_kinds(), start=1):
        content = demo_pdf(f"Rencai demo material {application.pk}-{n}")
        Material.objects.create(
            application=application,
            kind=kind,
            file=ContentFile(content, name=f"material-{application.pk}-{n}.pdf"),
            file_name=f"{kind}.pdf",
            file_type="pdf",
            file_size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )


def _liaisons() -> dict[int, User]:
    return {u.organization_id: u for u in User.objects.filter(role=Role.LIAISON)}


def _draw(review, tank, office, leader, wanted: int, backups: int, number: str, want_expert: bool = False) -> Draw:
    draw = Draw(review=review, wanted=wanted, backups=backups, recusal_years=3, prepared_by=office)
    draw.save()
    draw.pools.set([tank])
    evaluation.prepare_draw(draw)
    if want_expert:
        number = _number_drawing(draw, User.objects.get(username="expert"), int(number))
    evaluation.execute_draw(draw, leader, number)
    evaluation.sign_draw(draw, leader)
    return draw


def _number_drawing(draw: Draw, user: User, start: int) -> str:
    """The first number from ``start`` whose draw seats the demo account ``expert`` (so that
    the demo has something to score); the record stays verifiable like any other."""
    target = Talent.objects.get(user=user).pk
    ids = [c["id"] for c in draw.candidates]
    for number in range(start, start + 5000):
        _, chosen = run_draw(ids, draw.parameters, str(number), draw.wanted + draw.backups)
        if target in chosen[: draw.wanted]:
            return str(number)
    return str(start)


def _score(review, rng, complete: bool = True, skip_user: User | None = None) -> None:
    criteria = list(review.rubric.criteria.all())
    strength = {item.pk: rng.uniform(0.62, 0.95) for item in review.items.all()}
    for n, reviewer in enumerate(review.reviewers.filter(state=ReviewerState.ACTIVE).order_by("position")):
        if skip_user is not None and reviewer.user_id == skip_user.pk:
            continue
        harsh = n == 0  # one reviewer scores far below the others: flagged as an outlier
        for sheet in reviewer.sheets.select_related("item"):
            if not complete and sheet.item.order % 2 == 0:
                continue
            values = {}
            for c in criteria:
                share = (
                    strength[sheet.item_id]
                    + rng.uniform(-0.06, 0.06)
                    - (0.35 if harsh and sheet.item.order == 1 else 0)
                )
                values[c.pk] = (c.max_score * Decimal(str(round(min(max(share, 0.2), 1.0), 2)))).quantize(
                    Decimal("0.5")
                )
            evaluation.submit_sheet(sheet, values, {}, "材料翔实，事迹突出。", final=True)


def _finished_campaign(rng, rubric, tank, pool, office, leader) -> Campaign:
    """Decided in the platform: its winners hold the honour and entered the winners' pool."""
    today = timezone.localdate()
    year = today.year if today >= date(today.year, 7, 1) else today.year - 1
    campaign = Campaign.objects.create(
        name="最美青年金融工作者",
        kind=CampaignKind.INDIVIDUAL,
        year=year,
        notice_number=f"济金办发〔{year}〕9号",
        call_notice="为弘扬新时代金融青年奋斗精神，开展最美青年金融工作者评选活动。",
        opens_on=date(year, 3, 1),
        closes_on=date(year, 3, 31),
        quota_total=5,
        max_age=35,
        age_on=date(year, 5, 4),
        required_materials="推荐表\n主要事迹材料",
        honour_name="最美青年金融工作者",
        awarded_by="济南市地方金融监督管理局",
        winners_pool=pool,
        rubric=rubric,
        state=CampaignState.OPEN,
    )
    liaisons = _liaisons()
    assert campaign.age_on is not None  # set just above
    applications = _nominate(campaign, _young_talents(rng, campaign.age_on, 9), rng, liaisons)
    for application in applications[:-1]:
        application.state = ApplicationState.ELIGIBLE
        application.save()
    last = applications[-1]
    last.state, last.reason = ApplicationState.INELIGIBLE, "推荐表未加盖单位公章，补正期限内未补正。"
    last.save()
    campaign.state = CampaignState.ELIGIBILITY
    services.start_review(campaign, office)
    campaign.state = CampaignState.REVIEW
    campaign.save()
    _draw(campaign.review, tank, office, leader, wanted=5, backups=2, number="20260418")
    _score(campaign.review, rng)
    publicity_start = date(year, 5, 6)
    services.shortlist(campaign, today=publicity_start)
    campaign.state = CampaignState.PUBLICITY
    campaign.save()
    target = campaign.applications.filter(state=ApplicationState.SHORTLISTED).order_by("rank").last()
    assert target is not None  # shortlist() above chose the top applications
    objection = Objection.objects.create(
        application=target, filed_by=User.objects.get(username="talent2"), content="反映其事迹材料中业绩数据有夸大。"
    )
    services.handle_objection(
        objection, upheld=False, reason="经向所在单位核实，业绩数据与年度考核结果一致，异议不成立。"
    )
    decided = publicity_start + timedelta(days=campaign.publicity_days + 2)
    services.decide(campaign, decided, f"济金办发〔{year}〕21号", today=decided)
    campaign.state = CampaignState.DECIDED
    campaign.save()
    return campaign


def _campaign_in_review(rng, rubric, tank, pool, office, leader) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="金融业务标兵",
        kind=CampaignKind.INDIVIDUAL,
        year=today.year,
        notice_number=f"济金办发〔{today.year}〕30号",
        call_notice="在全市金融系统开展业务标兵评选，当选者进入业务人才库。",
        opens_on=today - timedelta(days=40),
        closes_on=today - timedelta(days=10),
        quota_total=4,
        required_materials="推荐表",
        honour_name="金融业务标兵",
        awarded_by="济南市地方金融监督管理局",
        winners_pool=pool,
        rubric=rubric,
        state=CampaignState.OPEN,
    )
    finished = Application.objects.exclude(campaign=campaign).values_list("talent_id", flat=True)
    talents = _young_talents(rng, today, 7, exclude=finished)
    applications = _nominate(campaign, talents, rng, _liaisons())
    for application in applications:
        application.state = ApplicationState.ELIGIBLE
        application.save()
    campaign.state = CampaignState.ELIGIBILITY
    services.start_review(campaign, office)
    campaign.state = CampaignState.REVIEW
    campaign.save()
    _draw(campaign.review, tank, office, leader, wanted=5, backups=2, number="10000", want_expert=True)
    _score(campaign.review, rng, complete=False, skip_user=User.objects.get(username="expert"))
    return campaign


def _open_campaign(rubric) -> Campaign:
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="最强党支部",
        kind=CampaignKind.PARTY_BRANCH,
        year=today.year,
        notice_number=f"济金工委〔{today.year}〕6号",
        call_notice="在全市金融系统党建联盟成员单位中开展“最强党支部”评选：支部班子强、运行机制强、组织生活强、党员队伍强、作用发挥强。",
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=27),
        quota_total=10,
        require_clean_record=False,
        required_materials="推荐表\n支部工作总结",
        honour_name="最强党支部",
        awarded_by="中共济南市金融工作委员会",
        rubric=rubric,
        state=CampaignState.OPEN,
    )
    for organization in Organization.objects.filter(parent__isnull=True).exclude(kind="government")[:12]:
        CampaignQuota.objects.create(campaign=campaign, organization=organization, quota=1)
    return campaign


def _historic_results(rng, office) -> Campaign:
    """A campaign decided before the platform (2 years ago), its results entered through the
    历史评选结果录入 import as an office user would: four winners and two unit awards."""
    import io

    import openpyxl

    from rencai.core.imports.pipeline import run_import
    from rencai.core.imports.schema import context_for
    from rencai.core.objects import registered

    year = timezone.localdate().year - 2
    taken = Application.objects.values_list("talent_id", flat=True)
    candidates = (
        Talent.objects.filter(is_active=True, organization__kind__in=["bank", "securities", "insurance"])
        .exclude(pk__in=taken)
        .select_related("organization")
        .order_by("pk")
    )
    winners = rng.sample(list(candidates[:40]), 4)
    units = list(Organization.objects.filter(parent__isnull=True, kind="bank").order_by("pk")[:2])
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
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
    )
    for talent in winners:
        sheet.append(
            [
                year,
                "金融业务标兵",
                "个人",
                talent.id_number,
                talent.organization.name,
                "",
                "金融业务标兵",
                "市级",
                "济南市地方金融监督管理局",
                f"济金办发〔{year}〕15号",
                f"{year}-06-20",
            ]
        )
    for unit in units:
        sheet.append(
            [
                year,
                "金融系统先进单位",
                "单位",
                "",
                unit.name,
                "",
                "金融系统先进单位",
                "市级",
                "济南市地方金融监督管理局",
                f"济金办发〔{year}〕16号",
                f"{year}-06-20",
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    schema_class = registered()["historic-results"].import_schema
    assert schema_class is not None  # declared in objects.py
    schema = schema_class()
    report = run_import(schema, buffer.getvalue(), context_for(office, schema=schema), commit=True)
    assert report.created == len(winners) + len(units), report.errors
    return Campaign.objects.get(year=year, name="金融业务标兵")
