"""Demo programmes of seed 003: 领军人才"高峰计划" and 业务人才"高地计划", broken into tasks in
every state of the supervision flow and every warning colour (computed, not set)."""

from datetime import timedelta

from django.utils import timezone

from rencai.accounts.models import User
from rencai.orgs.demo import OFFICE
from rencai.orgs.models import Department, Organization
from rencai.projects import services
from rencai.projects.models import (
    Colour,
    Instruction,
    Milestone,
    ProgressReport,
    ProjectTask,
    SupervisionNotice,
    TalentProject,
    TaskState,
)

ICBC = "中国工商银行股份有限公司济南分行"
QLBANK = "齐鲁银行股份有限公司"
ZTS = "中泰证券股份有限公司"
PICC = "中国人民财产保险股份有限公司济南市分公司"
FINTECH = "济南金科数据科技有限公司"

PROJECTS = [
    (
        "领军人才“高峰计划”",
        "到2025年，引进培育金融领军人才50名，形成一支引领全市金融业发展的高端人才队伍。",
        "人才发展专项资金·高峰计划",
    ),
    (
        "业务人才“高地计划”",
        "到2025年，培养金融业务骨干1000名，建设一批金融人才培养基地。",
        "人才发展专项资金·高地计划",
    ),
]

#: (project index, title, unit, office department or "", state, start (days from today),
#:  due (days from today), progress, returned)
TASKS = [
    (0, "制定领军人才遴选办法", OFFICE, "人才工作处", TaskState.CLOSED, -200, -60, 100, 0),
    (0, "建立领军人才一对一联系服务制度", ICBC, "", TaskState.IN_PROGRESS, -60, 120, 50, 0),
    (0, "开展首批领军人才申报推荐", QLBANK, "", TaskState.IN_PROGRESS, -90, 30, 20, 0),
    (0, "领军人才金融创新项目库建设", ZTS, "", TaskState.IN_PROGRESS, -120, -5, 60, 0),
    (0, "领军人才专项津贴发放", OFFICE, "银行保险处", TaskState.REPORTED, -100, 40, 90, 1),
    (0, "领军人才休假疗养安排", PICC, "", TaskState.SIGNED, 0, 4, 0, 0),
    (0, "领军人才年度考核办法", OFFICE, "人才工作处", TaskState.DRAFT, 10, 180, 0, 0),
    (1, "业务骨干分层培训计划", ICBC, "", TaskState.ASSIGNED, 3, 150, 0, 0),
    (1, "金融人才实训基地建设", FINTECH, "", TaskState.IN_PROGRESS, -150, 60, 30, 0),
    (1, "业务标兵评选组织实施", QLBANK, "", TaskState.CLOSED, -180, -20, 100, 1),
    (1, "校企合作顶岗实习", ZTS, "", TaskState.IN_PROGRESS, -30, 200, 20, 0),
]


def load(stdout) -> None:
    if TalentProject.objects.exists():
        return
    today = timezone.localdate()
    office = Organization.objects.get(name=OFFICE)
    leader = User.objects.get(username="leader")
    office_user = User.objects.get(username="office")
    projects = [
        TalentProject.objects.create(
            name=name,
            starts_year=today.year - 1,
            ends_year=today.year + 2,
            lead_leader=leader,
            lead_unit=office,
            budget_line=budget,
            targets=targets,
        )
        for name, targets, budget in PROJECTS
    ]
    liaisons = {u.organization_id: u for u in User.objects.filter(role="liaison")}
    for index, title, unit, department, state, start, due, progress, returned in TASKS:
        organization = Organization.objects.get(name=unit)
        task = ProjectTask.objects.create(
            project=projects[index],
            title=title,
            organization=organization,
            department=Department.objects.get(organization=organization, name=department) if department else None,
            owner=liaisons[organization.pk].full_name if organization.pk in liaisons else "李敏",
            starts_on=today + timedelta(days=start),
            due_on=today + timedelta(days=due),
            sign_deadline=today + timedelta(days=start + 3),
            state=state,
            progress=progress,
            returned_count=returned,
            return_reason="佐证材料不全，请补充发放明细。" if returned else "",
            signed_by=liaisons.get(organization.pk) if state != TaskState.ASSIGNED else None,
            completion_note="已按要求完成。" if state in (TaskState.REPORTED, TaskState.CLOSED) else "",
            closed_on=today + timedelta(days=due + (5 if returned else -3)) if state == TaskState.CLOSED else None,
        )
        midpoint = task.starts_on + (task.due_on - task.starts_on) / 2
        Milestone.objects.create(task=task, name="中期节点", planned_on=midpoint, planned_percent=50)
        if progress and state != TaskState.DRAFT:
            ProgressReport.objects.create(
                task=task,
                percent=progress,
                content=f"{title}：已完成{progress}%。",
                reported_by=liaisons.get(organization.pk, office_user),
                reported_on=today - timedelta(days=3),
            )
    attention = ProjectTask.objects.get(title="开展首批领军人才申报推荐")
    ProjectTask.objects.filter(pk=attention.pk).update(leader_attention=True)
    Instruction.objects.create(task=attention, content="请加快申报推荐进度，月底前报送首批名单。", given_by=leader)
    # A yellow warning that has lasted past the grace period: red, with a 督办单.
    ProjectTask.objects.filter(title="金融人才实训基地建设").update(
        colour=Colour.YELLOW, behind_since=today - timedelta(days=services.grace_days() + 5)
    )
    services.recompute_all(today)
    signed = SupervisionNotice.objects.filter(task__title="领军人才金融创新项目库建设").first()
    if signed is not None:
        liaison = liaisons[signed.task.organization_id]
        SupervisionNotice.objects.filter(pk=signed.pk).update(
            state="signed", signed_by=liaison, signed_at=timezone.now()
        )
    colours = {c: ProjectTask.objects.filter(colour=c).count() for c in (Colour.RED, Colour.YELLOW, Colour.BLUE)}
    stdout.write(
        f"人才工程：{TalentProject.objects.count()} 项工程、{ProjectTask.objects.count()} 项任务"
        f"（红{colours[Colour.RED]}、黄{colours[Colour.YELLOW]}、蓝{colours[Colour.BLUE]}），"
        f"督办单 {SupervisionNotice.objects.count()} 份。"
    )
