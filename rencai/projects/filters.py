import django_filters
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from rencai.core.filters import yes_no_filter
from rencai.core.roles import Role
from rencai.orgs.models import Organization
from rencai.projects.models import (
    Colour,
    ColourChange,
    Instruction,
    InstructionState,
    NoticeState,
    ProgressReport,
    ProjectTask,
    SupervisionNotice,
    TalentProject,
    TaskState,
)


def _queryset_filter(label, method_name: str) -> django_filters.BooleanFilter:
    """是/否 over one of the task queryset's own selections (``overdue()``, ...)."""

    def method(queryset, name, value):
        if value is None:
            return queryset
        chosen = getattr(queryset, method_name)()
        return chosen if value else queryset.exclude(pk__in=chosen.values("pk"))

    return yes_no_filter(label, method=method)


def _units(request):
    """The units a user may pick: those they may see (a liaison: its own and branches)."""
    user = getattr(request, "user", None)
    return Organization.objects.visible_to(user) if user is not None else Organization.objects.none()


def _leaders(request):
    user = getattr(request, "user", None)
    users = get_user_model().objects
    return users.visible_to(user).filter(role=Role.LEADER) if user is not None else users.none()


class TaskFilter(django_filters.FilterSet):
    project = django_filters.ModelChoiceFilter(queryset=TalentProject.objects.all(), label=_("所属工程"))
    state = django_filters.ChoiceFilter(choices=TaskState.choices, label=_("状态"))
    colour = django_filters.ChoiceFilter(choices=Colour.choices, label=_("预警"))
    organization = django_filters.ModelChoiceFilter(queryset=_units, label=_("责任单位"))
    leader = django_filters.ModelChoiceFilter(field_name="project__lead_leader", queryset=_leaders, label=_("分管领导"))
    leader_attention = yes_no_filter(_("领导关注"))
    overdue = _queryset_filter(_("逾期"), "overdue")
    sign_overdue = _queryset_filter(_("超期未签收"), "sign_overdue")
    on_time = _queryset_filter(_("按期办结"), "closed_on_time")
    late = _queryset_filter(_("逾期办结"), "closed_late")
    returned = yes_no_filter(_("曾被退回"), method="filter_returned")

    class Meta:
        model = ProjectTask
        fields = ["project", "state", "colour", "organization", "leader", "leader_attention"]

    def filter_returned(self, queryset, name, value):
        if value is None:
            return queryset
        return queryset.filter(returned_count__gt=0) if value else queryset.filter(returned_count=0)


class TaskChildFilter(django_filters.FilterSet):
    task = django_filters.NumberFilter(field_name="task_id", label=_("任务编号"))


class ReportFilter(TaskChildFilter):
    class Meta:
        model = ProgressReport
        fields = ["task"]


class InstructionFilter(TaskChildFilter):
    state = django_filters.ChoiceFilter(choices=InstructionState.choices, label=_("状态"))

    class Meta:
        model = Instruction
        fields = ["task", "state"]


class NoticeFilter(TaskChildFilter):
    state = django_filters.ChoiceFilter(choices=NoticeState.choices, label=_("状态"))
    year = django_filters.NumberFilter(label=_("年度"))

    class Meta:
        model = SupervisionNotice
        fields = ["task", "state", "year"]


class ColourChangeFilter(TaskChildFilter):
    class Meta:
        model = ColourChange
        fields = ["task", "colour_to"]
