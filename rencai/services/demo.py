"""Demo service rules (seed 004: 百 → 定期联系, 千 → 扶持奖励, 万 → 登记入库), a few visits
and service requests in every state."""

from datetime import timedelta

from django.utils import timezone

from rencai.accounts.models import User
from rencai.services.models import (
    DutyKind,
    RequestCategory,
    RequestState,
    ServiceDuty,
    ServiceRequest,
    ServiceRule,
    Visit,
    VisitKind,
)
from rencai.services.services import apply_rules
from rencai.talents.models import DictionaryEntry, DictionaryKind, Talent

RULES = [
    (
        "百层次人才一对一定期联系",
        "B",
        DutyKind.CONTACT,
        90,
        "市级领导一对一联系，每季度至少联系一次，了解工作生活情况。",
    ),
    ("千层次人才扶持奖励", "Q", DutyKind.SUPPORT, 60, "申报人才津贴和扶持奖励资金，落实健康查体、休假疗养。"),
    ("万层次人才登记入库", "W", DutyKind.REGISTRATION, 30, "登记入库管理，办理户口，免费办理档案关系转接。"),
]

REQUESTS = [
    ("子女入学咨询", RequestCategory.SCHOOLING, RequestState.OPEN, 0),
    ("人才公寓申请进度", RequestCategory.HOUSING, RequestState.ASSIGNED, -3),
    ("档案关系转接", RequestCategory.HOUSEHOLD, RequestState.IN_PROGRESS, 6),
    ("科创企业首贷对接", RequestCategory.FINANCING, RequestState.RESOLVED, 2),
    ("健康查体安排", RequestCategory.MEDICAL, RequestState.CONFIRMED, 10),
]


def load(stdout) -> None:
    if ServiceRule.objects.exists():
        return
    leader = User.objects.get(username="leader")
    office = User.objects.get(username="office")
    for name, level_code, kind, days, description in RULES:
        level = DictionaryEntry.objects.get(kind=DictionaryKind.LEVEL, code=level_code)
        ServiceRule.objects.create(
            name=name,
            level=level,
            kind=kind,
            description=description,
            interval_days=days if kind == DutyKind.CONTACT else None,
            due_days=days,
        )
    for talent in Talent.objects.filter(level__isnull=False).order_by("id"):
        apply_rules(talent)
    today = timezone.localdate()
    contacts = list(ServiceDuty.objects.filter(kind=DutyKind.CONTACT).order_by("id"))
    for index, duty in enumerate(contacts):
        duty.assigned_to = leader
        if index % 4 == 0:
            duty.due_date = today - timedelta(days=5 + index)
        duty.save()
        if index % 3 == 1:
            Visit.objects.create(
                talent=duty.talent,
                visited_on=today - timedelta(days=20 + index),
                kind=VisitKind.VISIT,
                visitor=leader,
                visitors="赵志远、王建国",
                matters_raised="希望增加金融科技方向的专题培训名额。",
                follow_up="已转人才工作处纳入下期培训计划。",
            )
    talent = Talent.objects.get(user__username="talent")
    others = list(Talent.objects.exclude(pk=talent.pk).order_by("id")[:4])
    for (title, category, state, due_in), subject in zip(REQUESTS, [talent, *others], strict=True):
        ServiceRequest.objects.create(
            talent=subject,
            title=title,
            category=category,
            description=f"{subject.name}反映：{title}，请协调办理。",
            opened_by=subject.user or office,
            state=state,
            assigned_to=office if state != RequestState.OPEN else None,
            due_date=today + timedelta(days=due_in) if due_in else None,
            resolution="已协调相关部门办理完毕。" if state in (RequestState.RESOLVED, RequestState.CONFIRMED) else "",
            satisfaction=5 if state == RequestState.CONFIRMED else None,
        )
    stdout.write(f"分层服务：{ServiceDuty.objects.count()} 项服务任务、{ServiceRequest.objects.count()} 件服务诉求。")
