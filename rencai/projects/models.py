"""Talent projects (人才工程) broken into tasks with a responsible unit, a deadline,
milestones, progress reports, leaders' instructions (批示), supervision notices (督办单) and
three-colour warnings computed from dates and reports (seed 004: 项目化管理)."""

from datetime import date

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rencai.core.models import ScopedModel, ScopedQuerySet


class TalentProject(ScopedModel):
    """A programme of the office (领军人才"高峰计划"): reference data every business role reads."""

    name = models.CharField(_("项目名称"), max_length=100, unique=True)
    starts_year = models.PositiveSmallIntegerField(_("起始年度"))
    ends_year = models.PositiveSmallIntegerField(_("截止年度"))
    lead_leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分管领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        limit_choices_to={"role": "leader"},
    )
    lead_unit = models.ForeignKey(
        "orgs.Organization", verbose_name=_("牵头单位"), on_delete=models.PROTECT, related_name="+"
    )
    budget_line = models.CharField(_("预算科目"), max_length=100, blank=True)
    targets = models.TextField(_("目标任务"), blank=True, help_text=_("例如：到2025年引进培育领军人才50名。"))
    description = models.TextField(_("项目说明"), blank=True)

    shared = True
    scope_path = "lead_unit__path"

    class Meta:
        ordering = ["-starts_year", "name"]
        verbose_name = _("人才工程")
        verbose_name_plural = _("人才工程项目")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_year and self.ends_year and self.ends_year < self.starts_year:
            raise ValidationError({"ends_year": _("截止年度不能早于起始年度。")})


class TaskState(models.TextChoices):
    DRAFT = "draft", _("已立项")
    ASSIGNED = "assigned", _("已交办")
    SIGNED = "signed", _("已签收")
    IN_PROGRESS = "in_progress", _("办理中")
    REPORTED = "reported", _("已反馈待复核")
    CLOSED = "closed", _("已办结")


OPEN_TASK_STATES = (TaskState.ASSIGNED, TaskState.SIGNED, TaskState.IN_PROGRESS, TaskState.REPORTED)
#: States in which the unit reports progress.
WORKING_STATES = (TaskState.SIGNED, TaskState.IN_PROGRESS)


class Colour(models.TextChoices):
    NONE = "none", _("正常")
    BLUE = "blue", _("蓝色预警")
    YELLOW = "yellow", _("黄色预警")
    RED = "red", _("红色预警")


class TaskQuerySet(ScopedQuerySet):
    def overdue(self, today: date | None = None) -> "TaskQuerySet":
        return self.filter(state__in=OPEN_TASK_STATES, due_on__lt=today or timezone.localdate())

    def sign_overdue(self, today: date | None = None) -> "TaskQuerySet":
        """Assigned tasks whose unit has not signed for them by the signing deadline."""
        return self.filter(state=TaskState.ASSIGNED, sign_deadline__lt=today or timezone.localdate())

    def closed_on_time(self) -> "TaskQuerySet":
        return self.filter(state=TaskState.CLOSED, closed_on__lte=models.F("due_on"))

    def closed_late(self) -> "TaskQuerySet":
        return self.filter(state=TaskState.CLOSED, closed_on__gt=models.F("due_on"))


class ProjectTask(ScopedModel):
    """One task of a programme, owned by a responsible unit (an institution, or a
    department of the office) and followed up by the office."""

    project = models.ForeignKey(
        TalentProject, verbose_name=_("所属工程"), on_delete=models.PROTECT, related_name="tasks"
    )
    title = models.CharField(_("任务名称"), max_length=200)
    description = models.TextField(_("任务内容"), blank=True)
    deliverables = models.TextField(_("成果形式"), blank=True)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("责任单位"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "orgs.Department",
        verbose_name=_("责任处室"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("由办公室处室承办时填写（须属于责任单位）。"),
    )
    cooperating = models.ManyToManyField("orgs.Organization", verbose_name=_("配合单位"), blank=True, related_name="+")
    owner = models.CharField(_("责任人"), max_length=50)
    starts_on = models.DateField(_("开始日期"))
    due_on = models.DateField(_("完成时限"))
    sign_deadline = models.DateField(_("签收期限"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=20, choices=TaskState.choices, default=TaskState.DRAFT)
    leader_attention = models.BooleanField(_("领导关注"), default=False, editable=False)
    progress = models.PositiveSmallIntegerField(_("当前进度（%）"), default=0, editable=False)
    colour = models.CharField(_("预警"), max_length=10, choices=Colour.choices, default=Colour.NONE, editable=False)
    colour_since = models.DateField(_("预警起始日"), null=True, blank=True, editable=False)
    behind_since = models.DateField(_("滞后起始日"), null=True, blank=True, editable=False)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    completion_note = models.TextField(_("办理情况反馈"), blank=True, editable=False)
    return_reason = models.TextField(_("退回理由"), blank=True, editable=False)
    returned_count = models.PositiveSmallIntegerField(_("退回次数"), default=0, editable=False)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True, editable=False)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True, editable=False)
    reported_at = models.DateTimeField(_("反馈时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    closed_on = models.DateField(_("办结日期"), null=True, blank=True, editable=False)

    objects = TaskQuerySet.as_manager()  # type: ignore[misc]  # as_manager() override: django-stubs#1713

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("工程任务")
        verbose_name_plural = _("工程任务")
        indexes = [models.Index(fields=["state", "colour"]), models.Index(fields=["organization", "state"])]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, object] = {}
        if self.starts_on and self.due_on and self.due_on < self.starts_on:
            errors["due_on"] = _("完成时限不能早于开始日期。")
        if self.sign_deadline and self.due_on and self.sign_deadline > self.due_on:
            # On the due date, which every form of the task holds (the deadline is an input
            # of 交办, not of the form).
            errors.setdefault("due_on", _("完成时限不能早于签收期限。"))
        department = self.department if self.department_id else None
        if department is not None and self.organization_id and department.organization_id != self.organization_id:
            errors["department"] = _("责任处室须属于责任单位。")
        if errors:
            raise ValidationError(errors)

    @admin.display(description=_("逾期"), boolean=True)
    def is_overdue(self, today: date | None = None) -> bool:
        return self.state in OPEN_TASK_STATES and self.due_on < (today or timezone.localdate())


class Milestone(ScopedModel):
    """A planned percentage by a date (节点): the plan the colour compares reports with."""

    task = models.ForeignKey(ProjectTask, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="milestones")
    name = models.CharField(_("节点名称"), max_length=100)
    planned_on = models.DateField(_("计划日期"))
    planned_percent = models.PositiveSmallIntegerField(
        _("计划进度（%）"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )

    scope_path = "task__organization__path"

    class Meta:
        ordering = ["task", "planned_on"]
        verbose_name = _("任务节点")
        verbose_name_plural = _("任务节点")
        constraints = [models.UniqueConstraint(fields=["task", "planned_on"], name="projects_one_milestone_per_day")]

    def __str__(self) -> str:
        return f"{self.task} · {self.name}"

    def clean(self) -> None:
        if self.planned_percent is not None and self.planned_percent > 100:
            raise ValidationError({"planned_percent": _("计划进度应在0到100之间。")})
        if self.task_id and self.planned_on:
            task = self.task
            if not task.starts_on <= self.planned_on <= task.due_on:
                raise ValidationError({"planned_on": _("节点日期应在任务开始日期和完成时限之间。")})


class ProgressReport(ScopedModel):
    """What the unit reports: a percentage, what was done and an attachment."""

    task = models.ForeignKey(ProjectTask, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="reports")
    reported_on = models.DateField(_("报告日期"), default=timezone.localdate, editable=False)
    percent = models.PositiveSmallIntegerField(
        _("完成进度（%）"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    content = models.TextField(_("进展情况"))
    reason = models.TextField(_("进度下调说明"), blank=True, help_text=_("进度低于上次报告时必填。"))
    attachment = models.FileField(_("附件"), upload_to="projects/%Y/%m/", blank=True)
    file_type = models.CharField(_("附件类型"), max_length=20, blank=True, editable=False)
    sha256 = models.CharField(_("附件摘要"), max_length=64, blank=True, editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    scope_path = "task__organization__path"

    class Meta:
        ordering = ["-reported_on", "-id"]
        verbose_name = _("进展报告")
        verbose_name_plural = _("任务进展报告")

    def __str__(self) -> str:
        return f"{self.task} · {self.percent}%"

    def clean(self) -> None:
        if self.percent is not None and self.percent > 100:
            raise ValidationError({"percent": _("完成进度应在0到100之间。")})


class InstructionState(models.TextChoices):
    OPEN = "open", _("待答复")
    ANSWERED = "answered", _("已答复")


class Instruction(ScopedModel):
    """A leader's instruction (批示) on a task, which the unit must answer."""

    task = models.ForeignKey(ProjectTask, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="instructions")
    content = models.TextField(_("批示内容"))
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("批示领导"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=InstructionState.choices, default=InstructionState.OPEN, editable=False
    )
    answer = models.TextField(_("落实情况"), blank=True, editable=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True, editable=False)

    scope_path = "task__organization__path"

    class Meta:
        ordering = ["-id"]
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")

    def __str__(self) -> str:
        return f"{self.task} · {self.content[:20]}"


class NoticeState(models.TextChoices):
    SENT = "sent", _("待签收")
    SIGNED = "signed", _("已签收")


class SupervisionNotice(ScopedModel):
    """A supervision notice (督办单), numbered per year, which the unit signs for."""

    task = models.ForeignKey(ProjectTask, verbose_name=_("任务"), on_delete=models.PROTECT, related_name="notices")
    year = models.PositiveSmallIntegerField(_("年度"), editable=False)
    number = models.PositiveIntegerField(_("序号"), editable=False)
    reason = models.TextField(_("督办事由"))
    issued_on = models.DateField(_("签发日期"), default=timezone.localdate, editable=False)
    reply_by = models.DateField(_("反馈期限"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=20, choices=NoticeState.choices, default=NoticeState.SENT, editable=False
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True, editable=False)
    sign_note = models.TextField(_("签收意见"), blank=True, editable=False)

    scope_path = "task__organization__path"

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="projects_notice_number_per_year")]

    def __str__(self) -> str:
        return self.code

    @property
    def code(self) -> str:
        return f"督办〔{self.year}〕{self.number}号"  # i18n: document number


class ColourChange(ScopedModel):
    """One change of a task's warning colour, as the recompute found it."""

    task = models.ForeignKey(
        ProjectTask, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="colour_changes"
    )
    changed_on = models.DateField(_("日期"))
    colour_from = models.CharField(_("原预警"), max_length=10, choices=Colour.choices)
    colour_to = models.CharField(_("新预警"), max_length=10, choices=Colour.choices)
    note = models.CharField(_("原因"), max_length=200)

    scope_path = "task__organization__path"

    class Meta:
        ordering = ["task", "changed_on", "id"]
        verbose_name = _("预警变化")
        verbose_name_plural = _("预警变化记录")

    def __str__(self) -> str:
        return f"{self.task} · {self.get_colour_from_display()}→{self.get_colour_to_display()}"
