"""Talent projects, their tasks, milestones, progress reports, instructions, supervision
notices and colour history, declared once for pages, export, import and API.

Office staff write; a liaison sees and acts only on its own institution's tasks; leaders
read everything, mark tasks 领导关注 and add instructions (批示)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core.errors import Conflict, Refused
from rencai.core.objects import Action, ObjectConfig, Policy, register, registered, related_sections
from rencai.core.roles import LEADERS_ONLY, NOBODY, OFFICE_AND_LIAISONS, OFFICE_ONLY, STAFF_AND_LIAISONS, Role, role_of
from rencai.core.uploads import check_upload
from rencai.projects import services
from rencai.projects.filters import ColourChangeFilter, InstructionFilter, NoticeFilter, ReportFilter, TaskFilter
from rencai.projects.forms import ReportForm, TaskForm, answer_inputs, instruct_inputs, notice_inputs
from rencai.projects.imports import TaskSchema
from rencai.projects.models import (
    WORKING_STATES,
    ColourChange,
    Instruction,
    InstructionState,
    Milestone,
    ProgressReport,
    ProjectTask,
    SupervisionNotice,
    TalentProject,
    TaskState,
)
from rencai.projects.workflows import NOTICE_WORKFLOW, TASK_WORKFLOW, _own_unit


@register
class ProjectObjects(ObjectConfig):
    model = TalentProject
    slug = "talent-projects"
    nav_section = "projects"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["name", "starts_year", "ends_year", "lead_leader", "lead_unit", "budget_line"]
    form_fields = [
        "name",
        "starts_year",
        "ends_year",
        "lead_leader",
        "lead_unit",
        "budget_line",
        "targets",
        "description",
    ]
    search_fields = ["name", "targets"]
    ordering = ["-starts_year", "name"]
    list_related = ("lead_leader", "lead_unit")
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)

    def detail_links(self, obj, user):
        return [
            (_("任务看板"), f"{reverse('projects:board')}?project={obj.pk}"),
            (_("进度甘特图"), reverse("projects:timeline", args=[obj.pk])),
        ]

    def detail_sections(self, obj, user):
        return related_sections(
            [(_("分解任务"), ProjectTask, ["title", "organization", "owner", "due_on", "state", "progress", "colour"])],
            user,
            project=obj.pk,
        )


# --- tasks -----------------------------------------------------------------------------


def _toggle_attention(task: ProjectTask, user, data: dict) -> str:
    task.leader_attention = not task.leader_attention
    task.version += 1
    task.save()
    return _("已标记领导关注。") if task.leader_attention else _("已取消领导关注。")


def _instruct(task: ProjectTask, user, data: dict) -> str:
    content = (data.get("content") or "").strip()
    if not content:
        raise Refused(_("请填写批示内容。"))
    Instruction.objects.create(task=task, content=content, given_by=user)
    if not task.leader_attention:
        task.leader_attention = True
        task.version += 1
        task.save()
    return _("批示已送责任单位办理。")


def _issue_notice(task: ProjectTask, user, data: dict) -> str:
    notice = services.issue_notice(task, data["reason"])
    if data.get("reply_by"):
        notice.reply_by = data["reply_by"]
        notice.save()
    return _("已签发%(code)s，送责任单位签收。") % {"code": notice.code}


def _not_closed(queryset, user):
    return queryset.exclude(state=TaskState.CLOSED)


@register
class TaskObjects(ObjectConfig):
    model = ProjectTask
    slug = "project-tasks"
    nav_section = "projects"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = [
        "title",
        "project",
        "organization",
        "owner",
        "due_on",
        "state",
        "progress",
        "colour",
        "leader_attention",
    ]
    detail_fields = [
        *TaskForm.Meta.fields,
        "sign_deadline",
        "state",
        "progress",
        "colour",
        "colour_since",
        "leader_attention",
        "signed_by",
        "signed_at",
        "completion_note",
        "return_reason",
        "returned_count",
        "closed_on",
    ]
    form_class = TaskForm
    form_fields = list(TaskForm.Meta.fields)
    export_columns = [
        "project",
        "title",
        "organization",
        "department",
        "owner",
        "starts_on",
        "due_on",
        "state",
        "progress",
        "colour",
        "returned_count",
        "closed_on",
        "deliverables",
    ]
    api_read_only_fields = ["state", "progress", "colour", "leader_attention", "returned_count", "closed_on"]
    filterset_class = TaskFilter
    search_fields = ["title", "owner", "organization__name"]
    ordering = ["due_on", "id"]
    list_related = ("project", "organization")
    import_schema = TaskSchema
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY, narrow_editable=_not_closed)
    actions = [
        *TASK_WORKFLOW.actions(),
        Action("attention", gettext_lazy("领导关注"), LEADERS_ONLY, _toggle_attention, style="outline-warning"),
        Action(
            "instruct",
            gettext_lazy("批示"),
            LEADERS_ONLY,
            _instruct,
            inputs=instruct_inputs,
            available=lambda t, u: t.state != TaskState.CLOSED,
        ),
        Action(
            "notice",
            gettext_lazy("签发督办单"),
            OFFICE_ONLY,
            _issue_notice,
            inputs=notice_inputs,
            available=lambda t, u: t.state != TaskState.CLOSED and t.state != TaskState.DRAFT,
            style="outline-danger",
        ),
    ]

    def list_links(self, user):
        return [(_("任务看板"), reverse("projects:board"))]

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        if "department" in form.fields:
            from rencai.orgs.models import Department

            form.fields["department"].queryset = Department.objects.filter(organization__kind="government")

    def before_delete(self, instance, user) -> None:
        if instance.state != TaskState.DRAFT:
            raise Conflict(_("任务已交办，不能删除。"))

    def after_save(self, instance, user, creating):
        services.recompute(instance)
        return None

    def detail_links(self, obj, user):
        links = [(_("预警变化"), f"{reverse('objects:colour-changes-list')}?task={obj.pk}")]
        if obj.state in WORKING_STATES and registered()["progress-reports"].can_create(user):
            links.insert(0, (_("报告进展"), f"{reverse('objects:progress-reports-create')}?task={obj.pk}"))
        return links

    def detail_sections(self, obj, user):
        return related_sections(
            [
                (_("任务节点"), Milestone, ["name", "planned_on", "planned_percent"]),
                (_("进展报告"), ProgressReport, ["reported_on", "percent", "content", "reported_by"]),
                (_("领导批示"), Instruction, ["content", "given_by", "state", "answer"]),
                (_("督办单"), SupervisionNotice, ["year", "number", "issued_on", "state", "signed_by"]),
                (_("预警变化"), ColourChange, ["changed_on", "colour_from", "colour_to", "note"]),
            ],
            user,
            task=obj.pk,
        )


@register
class MilestoneObjects(ObjectConfig):
    model = Milestone
    slug = "milestones"
    list_columns = ["task", "name", "planned_on", "planned_percent"]
    form_fields = ["task", "name", "planned_on", "planned_percent"]
    ordering = ["task", "planned_on"]
    list_related = ("task",)
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)

    def after_save(self, instance, user, creating):
        services.recompute(ProjectTask.objects.get(pk=instance.task_id))
        return None


# --- progress reports ----------------------------------------------------------------


@register
class ReportObjects(ObjectConfig):
    model = ProgressReport
    slug = "progress-reports"
    list_columns = ["task", "reported_on", "percent", "content", "reported_by", "file_type"]
    detail_fields = ["task", "reported_on", "percent", "content", "reason", "reported_by", "file_type", "sha256"]
    form_class = ReportForm
    form_fields = list(ReportForm.Meta.fields)
    filterset_class = ReportFilter
    ordering = ["-reported_on", "-id"]
    list_related = ("task", "reported_by")
    policy = Policy(view=STAFF_AND_LIAISONS, create=OFFICE_AND_LIAISONS, change=NOBODY, delete=NOBODY)

    def limit_form_choices(self, form, user) -> None:
        super().limit_form_choices(form, user)
        form.fields["attachment"].help_text = _("PDF、Word、Excel或图片，不超过20MB；按文件内容识别格式。")

    def before_save(self, instance, user, creating):
        task = ProjectTask.objects.select_for_update().get(pk=instance.task_id)
        if task.state == TaskState.CLOSED:
            raise Conflict(_("任务已办结，不能再报告进展。"))
        if task.state not in WORKING_STATES:
            raise Conflict(_("任务尚未签收（或已反馈待复核），不能报告进展。"))
        if role_of(user) == Role.LIAISON and not _own_unit(task, user):
            raise Refused(_("只能报告本单位承办任务的进展。"))
        if instance.percent < task.progress and not (instance.reason or "").strip():
            message = _("本次进度%(p)s%%低于上次报告的%(last)s%%，请说明原因。") % {
                "p": instance.percent,
                "last": task.progress,
            }
            raise Refused(errors={"reason": [message]})
        if instance.attachment:
            checked = check_upload(instance.attachment.file)
            instance.file_type = checked.kind
            instance.sha256 = checked.sha256
        instance.reported_by = user
        instance.reported_on = timezone.localdate()

    def after_save(self, instance, user, creating):
        task = ProjectTask.objects.get(pk=instance.task_id)
        task.progress = instance.percent
        if task.state == TaskState.SIGNED:
            task.state = TaskState.IN_PROGRESS
        task.version += 1
        task.save()
        services.recompute(task)
        return None


# --- instructions, notices, colour history -------------------------------------------------


def _answer(instruction: Instruction, user, data: dict) -> str:
    answer = (data.get("answer") or "").strip()
    if not answer:
        raise Refused(_("请填写落实情况。"))
    instruction.answer = answer
    instruction.answered_by = user
    instruction.answered_at = timezone.now()
    instruction.state = InstructionState.ANSWERED
    instruction.version += 1
    instruction.save()
    return _("已答复批示。")


@register
class InstructionObjects(ObjectConfig):
    model = Instruction
    slug = "task-instructions"
    list_columns = ["task", "content", "given_by", "created_at", "state", "answered_by"]
    detail_fields = ["task", "content", "given_by", "created_at", "state", "answer", "answered_by", "answered_at"]
    filterset_class = InstructionFilter
    ordering = ["-id"]
    list_related = ("task", "given_by")
    policy = Policy(view=STAFF_AND_LIAISONS, create=NOBODY, change=NOBODY, delete=NOBODY)
    actions = [
        Action(
            "answer",
            gettext_lazy("答复批示"),
            OFFICE_AND_LIAISONS,
            _answer,
            inputs=answer_inputs,
            available=lambda i, u: (
                i.state == InstructionState.OPEN and (role_of(u) == Role.OFFICE or _own_unit(i.task, u))
            ),
            style="success",
        )
    ]


@register
class NoticeObjects(ObjectConfig):
    model = SupervisionNotice
    slug = "supervision-notices"
    nav_section = "projects"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["year", "number", "task", "issued_on", "reply_by", "state", "signed_by", "signed_at"]
    detail_fields = [
        "year",
        "number",
        "task",
        "reason",
        "issued_on",
        "reply_by",
        "state",
        "signed_by",
        "signed_at",
        "sign_note",
    ]
    filterset_class = NoticeFilter
    ordering = ["-year", "-number"]
    list_related = ("task",)
    policy = Policy(view=STAFF_AND_LIAISONS, create=NOBODY, change=NOBODY, delete=NOBODY)
    actions = NOTICE_WORKFLOW.actions()

    def detail_links(self, obj, user):
        return [(_("下载督办单（Word）"), reverse("projects:notice-docx", args=[obj.pk]))]


@register
class ColourChangeObjects(ObjectConfig):
    model = ColourChange
    slug = "colour-changes"
    list_columns = ["task", "changed_on", "colour_from", "colour_to", "note"]
    filterset_class = ColourChangeFilter
    ordering = ["-changed_on", "-id"]
    list_related = ("task",)
    policy = Policy(view=STAFF_AND_LIAISONS, create=NOBODY, change=NOBODY, delete=NOBODY)
