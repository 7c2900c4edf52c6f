"""Demo information desk: 72 liaisons in term across the demo institutions (and three who
left this year), the periodicals 《金融动态》 (monthly) and 《金融调研专刊》 (quarterly) with
this year's issues, items in every state, commissions (two of one unit overdue),
leaders' instructions open, answered and closed, the year's scoring rule and so a ranking."""

import random
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from rencai.accounts.models import User
from rencai.bulletins.models import (
    Adoption,
    Category,
    Commission,
    CommissionState,
    InfoItem,
    InfoItemVersion,
    Instruction,
    InstructionState,
    IssueState,
    ItemState,
    Level,
    Liaison,
    Periodical,
    PeriodicalIssue,
    ScoreRule,
)
from rencai.core.roles import Role
from rencai.orgs.models import Organization

LIAISONS = 72
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ["晓明", "丽娜", "建华", "海燕", "志刚", "雪梅", "文博", "静怡", "国强", "春燕", "子涵", "俊杰"]
TOPICS = {
    Category.NEWS: [
        "召开人才工作推进会",
        "举办青年金融人才培训班",
        "开展“金融人才进社区”活动",
        "启动年度人才选拔工作",
    ],
    Category.PRACTICE: [
        "“导师带徒”机制培养业务骨干的做法",
        "构建金融科技人才梯队的经验",
        "以项目制推动人才成长的探索",
    ],
    Category.SUGGESTION: [
        "关于加大基层网点人才引进力度的建议",
        "小微金融机构人才流失问题及对策",
    ],
    Category.URGENT: ["关于近期电信诈骗新手法的紧急提示"],
}
BODIES = {
    Category.NEWS: "近日，{unit}围绕全市金融人才工作部署，{topic}。活动聚焦人才培养、团队建设和服务实体经济，"
    "共有{n}名业务骨干参加。下一步，该单位将持续完善人才培训体系，推动人才工作与业务发展深度融合。",
    Category.PRACTICE: "{unit}坚持把人才作为发展第一资源，{topic}：一是建立“一人一档”培养台账；二是选派骨干"
    "参加专题培训{n}人次；三是完善考核激励，优秀人才优先推荐参加市级评选。实践表明，该做法有效提升了队伍素质。",
    Category.SUGGESTION: "{unit}在调研中发现，{topic}值得关注。建议：一是加大政策支持；二是搭建交流平台；"
    "三是完善人才服务，切实解决{n}类实际困难。",
    Category.URGENT: "{unit}报告：{topic}。近期辖内已发现相关案例{n}起，建议各机构立即开展风险提示和员工培训。",
}


def load(stdout) -> None:
    if Liaison.objects.exists():
        stdout.write("信息报送演示数据已存在，跳过。")
        return
    rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not a secret
    today = timezone.localdate()
    year = today.year
    liaisons = _liaisons(year)
    office = User.objects.filter(role=Role.OFFICE).order_by("pk").first()
    leader = User.objects.filter(role=Role.LEADER).order_by("pk").first()
    dynamics, research = _periodicals()
    ScoreRule.objects.create(year=year, notes="每单位每月报送不少于2条；约稿逾期2篇全年计零分。")
    units = sorted({liaison.organization_id: liaison for liaison in liaisons}.values(), key=lambda x: x.pk)
    commissions = _commissions(units, year, today)
    items: list[InfoItem] = []
    for month in range(1, today.month + 1):
        for number in range(7):
            liaison = units[(month * 7 + number) % len(units)]
            day = min(1 + number * 3, 28)
            if date(year, month, day) > today:
                day = today.day
            category = [Category.NEWS, Category.NEWS, Category.PRACTICE, Category.SUGGESTION, Category.NEWS][number % 5]
            if month == 6 and number == 3:
                category = Category.URGENT
            items.append(_item(liaison, category, year, month, day, rng))
    for commission in commissions:
        if commission.state == CommissionState.DELIVERED:
            liaison = next(x for x in units if x.organization_id == commission.organization_id)
            delivered = timezone.localtime(commission.delivered_at).date()
            item = _item(liaison, Category.PRACTICE, year, delivered.month, delivered.day, rng, commission)
            items.append(item)
    monthly = _issues(dynamics, year, today, serial_before=120, months=range(1, today.month + 1))
    quarterly = _issues(
        research,
        year,
        today,
        serial_before=30,
        months=[m for m in (3, 6, 9, 12) if m <= max(today.month, 3)],
    )
    _editorial(items, monthly, quarterly, office, today)
    _instructions(items, leader, today)
    stdout.write(
        f"信息报送：联络员{LIAISONS}名，刊物2种、本年{PeriodicalIssue.objects.filter(year=year).count()}期，"
        f"信息{InfoItem.objects.count()}条。"
    )


def _slots() -> list[Organization]:
    """Two liaisons for every institution, one for every branch, more for the largest."""
    heads = list(Organization.objects.filter(parent__isnull=True).exclude(kind="government").order_by("path"))
    branches = list(Organization.objects.filter(parent__isnull=False).exclude(kind="government").order_by("path"))
    slots = [org for org in heads for _ in range(2)] + branches
    extra = iter(heads * 3)
    while len(slots) < LIAISONS:
        slots.append(next(extra))
    return slots[:LIAISONS]


def _liaisons(year: int) -> list[Liaison]:
    password = make_password("Rencai@2026")
    existing = {u.organization_id: u for u in User.objects.filter(role=Role.LIAISON).exclude(organization=None)}
    used: set[int] = set()
    result = []
    for number, org in enumerate(_slots(), start=1):
        user = existing.get(org.pk)
        if user is None or user.pk in used:
            user = _user(f"lly{number:02d}", number, org, password)
        used.add(user.pk)
        result.append(
            Liaison.objects.create(
                organization=org,
                user=user,
                phone=user.mobile or f"1370531{number:04d}",
                duties="负责本单位人才信息收集、报送和反馈",
                term_start=date(year - 1, 1 + number % 12, 1),
            )
        )
    for number, org in enumerate(_slots()[:3], start=LIAISONS + 1):
        user = _user(f"lly{number:02d}", number, org, password)
        Liaison.objects.create(
            organization=org,
            user=user,
            phone=f"1370531{number:04d}",
            term_start=date(year - 2, 3, 1),
            term_end=date(year, 2, 28),
        )
    return result


def _user(username: str, number: int, org: Organization, password: str) -> User:
    name = SURNAMES[number % len(SURNAMES)] + GIVEN[number % len(GIVEN)]
    user = User(
        username=username,
        full_name=name,
        role=Role.LIAISON,
        organization=org,
        mobile=f"1370531{number:04d}",
        password=password,
    )
    user.full_clean()
    user.save()
    return user


def _periodicals() -> tuple[Periodical, Periodical]:
    issuer = "济南市地方金融监督管理局办公室"
    dynamics = Periodical.objects.create(
        name="金融动态",
        level=Level.CITY,
        issuer=issuer,
        points_news=Decimal("20"),
        points_practice=Decimal("50"),
        points_suggestion=Decimal("50"),
        points_urgent=Decimal("80"),
        report_to="市委、市政府主要领导，分管领导；省地方金融监督管理局",
        send_to="市委办公厅、市政府办公厅，市直有关部门",
        distribute_to="各区县金融工作部门，各金融机构",
    )
    research = Periodical.objects.create(
        name="金融调研专刊",
        level=Level.CITY,
        issuer=issuer,
        points_news=Decimal("30"),
        points_practice=Decimal("80"),
        points_suggestion=Decimal("80"),
        points_urgent=Decimal("80"),
        report_to="市委、市政府主要领导，分管领导",
        send_to="市委政研室、市政府研究室",
        distribute_to="各金融机构",
    )
    return dynamics, research


def _commissions(units: list[Liaison], year: int, today: date) -> list[Commission]:
    at = timezone.make_aware(datetime.combine(date(year, 1, 1), time(10)))
    lagging = units[-1].organization
    specs = [
        (units[0].organization, "金融支持人才创新创业情况", date(year, 3, 15), date(year, 3, 10)),
        (units[3].organization, "青年金融人才培养经验", date(year, 5, 20), date(year, 5, 18)),
        (units[6].organization, "金融科技人才队伍建设调研", date(year, 7, 31), date(year, 8, 5)),
        (lagging, "小微金融服务人才保障情况", date(year, 4, 30), None),
        (lagging, "普惠金融人才下沉情况", date(year, 9, 30), None),
        (units[9].organization, "年度人才工作亮点", date(year, 12, 31), None),
    ]
    result = []
    for org, topic, deadline, delivered in specs:
        if deadline > today and delivered is not None:
            delivered = None
        commission = Commission.objects.create(
            organization=org, topic=topic, description="请围绕题目提供800字左右的信息稿。", deadline=deadline
        )
        if delivered is not None and delivered <= today:
            commission.state = CommissionState.DELIVERED
            commission.delivered_at = at.replace(month=delivered.month, day=delivered.day)
            commission.save()
        result.append(commission)
    return result


def _item(
    liaison: Liaison,
    category: str,
    year: int,
    month: int,
    day: int,
    rng: random.Random,
    commission: Commission | None = None,
) -> InfoItem:
    org = liaison.organization
    unit = org.short_name or org.name
    topic = commission.topic if commission else rng.choice(TOPICS[Category(category)])
    title = f"{unit}{topic}" if category != Category.SUGGESTION else f"{topic}（{unit}）"
    submitted_at = timezone.make_aware(datetime.combine(date(year, month, day), time(9, 30)))
    item = InfoItem.objects.create(
        organization=org,
        title=title[:150],
        body=BODIES[Category(category)].format(unit=org.name, topic=topic, n=rng.randint(3, 60)),
        category=category,
        commission=commission,
        head_signoff=True,
        signed_by=f"{org.short_name or '本单位'}负责人",
        author=liaison.user,
        submitted_at=submitted_at,
    )
    InfoItemVersion.objects.create(
        item=item, number=1, title=item.title, body=item.body, edited_by=liaison.user, note="原稿"
    )
    return item


def _issues(periodical: Periodical, year: int, today: date, serial_before: int, months) -> list[PeriodicalIssue]:
    issues = []
    for number, month in enumerate(months, start=1):
        issued_on = (
            date(year, month, 25) if date(year, month, 25) <= today else date(year, month, min(28, max(today.day, 1)))
        )
        published = date(year, month, 25) < today
        issue = PeriodicalIssue.objects.create(
            periodical=periodical,
            year=year,
            number=number,
            serial=serial_before + number,
            issued_on=issued_on,
            editor="李敏",
            copies=120,
            state=IssueState.PUBLISHED if published else IssueState.DRAFT,
            published_at=timezone.make_aware(datetime.combine(issued_on, time(16))) if published else None,
        )
        issues.append(issue)
    return issues


def _editorial(items, monthly, quarterly, office, today: date) -> None:
    """Items move on: most accepted and adopted into the month's issue (and the best of a
    quarter also into the research issue); some returned, declined or still waiting."""
    by_month: dict[int, list[InfoItem]] = {}
    for item in items:
        by_month.setdefault(timezone.localtime(item.submitted_at).month, []).append(item)
    for month, month_items in by_month.items():
        issue = monthly[month - 1] if month - 1 < len(monthly) else None
        for position, item in enumerate(month_items):
            recent = month == today.month
            if position == 5:
                _set(item, state=ItemState.RETURNED, return_reason="请补充具体数据和成效，并由单位负责人重新签发。")
                continue
            if position == 6 and not recent:
                _set(item, state=ItemState.DECLINED, return_reason="内容与已刊发信息重复，不予采用。")
                continue
            if recent and position >= 3:
                continue  # still waiting for the office
            accepted = item.submitted_at.replace(hour=15)
            _set(item, state=ItemState.ACCEPTED, accepted_at=accepted)
            if position == 4 and not recent:
                continue  # accepted, kept for a later issue
            if issue is None:
                continue
            if position == 0 and office is not None:
                item.body += "\n（编者按：该单位做法值得借鉴。）"
                item.save()
                InfoItemVersion.objects.create(
                    item=item, number=2, title=item.title, body=item.body, edited_by=office, note="办公室编辑"
                )
            _adopt(item, issue, position + 1)
            research = [q for q in quarterly if q.issued_on.month >= month]
            if item.category in (Category.PRACTICE, Category.SUGGESTION) and research and position <= 3:
                _adopt(item, research[0], research[0].adoptions.count() + 1)


def _set(item: InfoItem, **values) -> None:
    for key, value in values.items():
        setattr(item, key, value)
    item.save()


def _adopt(item: InfoItem, issue: PeriodicalIssue, order: int) -> None:
    Adoption.objects.create(issue=issue, item=item, order=order, points=issue.periodical.points_for(item.category))
    state = ItemState.PUBLISHED if issue.state == IssueState.PUBLISHED else ItemState.ADOPTED
    if item.state != ItemState.PUBLISHED:
        _set(
            item,
            state=state,
            adopted_at=item.accepted_at,
            published_at=issue.published_at if state == ItemState.PUBLISHED else None,
        )


def _instructions(items, leader, today: date) -> None:
    if leader is None:
        return
    published = [i for i in items if i.state == ItemState.PUBLISHED and i.category != Category.NEWS][:6]
    texts = ["此做法很好，请总结推广。", "请相关处室研究提出意见。", "请抓紧落实，及时报告进展。"]
    for number, item in enumerate(published):
        state = (
            [InstructionState.CLOSED, InstructionState.CLOSED, InstructionState.ANSWERED][number]
            if number < 3
            else InstructionState.OPEN
        )
        instructed_on = timezone.localtime(item.published_at).date() if item.published_at else today
        instruction = Instruction.objects.create(
            item=item,
            organization=item.organization,
            leader=leader,
            text=texts[number % 3],
            instructed_on=instructed_on,
            state=state,
        )
        if state != InstructionState.OPEN:
            instruction.response = "已按批示要求制定工作方案，相关措施正在落实。"
            instruction.answered_at = timezone.make_aware(datetime.combine(instructed_on, time(17)))
            if state == InstructionState.CLOSED:
                instruction.closed_at = instruction.answered_at
            instruction.save()
