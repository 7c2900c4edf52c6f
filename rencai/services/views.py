"""Service rules, duties, visits and service requests, declared once for pages, export and API."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.core.actions import Action, ActionRefused, Transition, Workflow, reason_input
from rencai.core.objects import ObjectConfig, Section, register, related_sections, section_provider
from rencai.core.roles import BUSINESS_ROLES, Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.services.filters import DutyFilter, RequestFilter, VisitFilter
from rencai.services.models import (
    SATISFACTION_CHOICES,
    DutyState,
    RequestState,
    ServiceDuty,
    ServiceRequest,
    ServiceRule,
    Visit,
)
from rencai.services.rules import apply_rules
from rencai.talents.models import Talent

OFFICE = frozenset({Role.OFFICE})


def _apply_to_all(rule: ServiceRule, user, data: dict) -> str:
    created = cancelled = 0
    for talent in Talent.objects.filter(is_active=True).iterator():
        made, dropped = apply_rules(talent)
        created, cancelled = created + made, cancelled + dropped
    return _("已按规则生成 %(created)s 项服务任务，取消 %(cancelled)s 项。") % {
        "created": created,
        "cancelled": cancelled,
    }


@register
class RuleObjects(ObjectConfig):
    model = ServiceRule
    slug = "service-rules"
    nav_section = "services"
    list_columns = ["name", "kind", "level", "tier", "interval_days", "due_days", "is_active"]
    form_fields = ["name", "kind", "level", "tier", "description", "interval_days", "due_days", "is_active"]
    search_fields = ["name", "description"]
    ordering = ["kind", "name"]
    view_roles = frozenset({Role.OFFICE, Role.LEADER, Role.LIAISON})
    change_roles = OFFICE
    actions = [Action("apply", _("按规则生成服务任务"), OFFICE, _apply_to_all)]


def _complete(duty: ServiceDuty, user, data: dict) -> str:
    duty.state = DutyState.DONE
    duty.completed_on = data["completed_on"]
    duty.notes = "\n".join(filter(None, [duty.notes, data.get("notes", "")]))
    duty.full_clean()
    duty.version += 1
    duty.save()
    return _("已完成：%(duty)s") % {"duty": duty}


def _complete_inputs() -> dict:
    return {
        "completed_on": forms.DateField(label=_("完成日期"), initial=timezone.localdate),
        "notes": forms.CharField(label=_("办理情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})),
    }


@register
class DutyObjects(ObjectConfig):
    model = ServiceDuty
    slug = "service-duties"
    nav_section = "services"
    list_columns = ["talent", "kind", "title", "assigned_to", "interval_days", "due_date", "state", "is_overdue"]
    form_fields = ["talent", "kind", "title", "assigned_to", "interval_days", "due_date", "notes"]
    filterset_class = DutyFilter
    search_fields = ["talent__name_simplified", "title"]
    ordering = ["state", "due_date"]
    change_roles = OFFICE
    actions = [
        Action(
            "complete",
            _("办结"),
            OFFICE,
            _complete,
            inputs=_complete_inputs,
            available=lambda duty, user: duty.state == DutyState.OPEN and duty.kind != "contact",
            style="success",
        )
    ]


@register
class VisitObjects(ObjectConfig):
    model = Visit
    slug = "visits"
    nav_section = "services"
    list_columns = ["talent", "visited_on", "kind", "visitor", "visitors", "matters_raised"]
    form_fields = ["talent", "visited_on", "kind", "visitor", "visitors", "matters_raised", "follow_up"]
    filterset_class = VisitFilter
    search_fields = ["talent__name_simplified", "matters_raised"]
    ordering = ["-visited_on", "-id"]
    change_roles = OFFICE


def _is_own_talent(request: ServiceRequest, user) -> bool:
    """Confirmation belongs to the talent; without an account, to whoever raised it."""
    if request.talent.user_id:
        return request.talent.user_id == user.pk
    return request.opened_by_id == user.pk


def _is_opener(request: ServiceRequest, user) -> bool:
    return request.opened_by_id == user.pk


def _assign_inputs() -> dict:
    return {
        "assigned_to": forms.ModelChoiceField(
            label=_("承办人"), queryset=get_user_model().objects.filter(role=Role.OFFICE, is_active=True)
        ),
        "due_date": forms.DateField(label=_("办理期限"), required=False),
    }


def _keep_due_date(request: ServiceRequest, user, data: dict) -> None:
    if data.get("due_date") is None:
        data.pop("due_date", None)


def _confirm_inputs() -> dict:
    return {
        "satisfaction": forms.TypedChoiceField(label=_("满意度"), coerce=int, choices=SATISFACTION_CHOICES[::-1]),
        "feedback": forms.CharField(label=_("评价意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})),
    }


def _require_resolution(request: ServiceRequest, user, data: dict) -> None:
    if not (data.get("resolution") or "").strip():
        raise ActionRefused(_("请填写办理结果。"))


REQUEST_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "assign",
            _("分派"),
            (RequestState.OPEN, RequestState.ASSIGNED),
            RequestState.ASSIGNED,
            OFFICE,
            inputs=_assign_inputs,
            effect=_keep_due_date,
        ),
        Transition("start", _("开始办理"), (RequestState.ASSIGNED,), RequestState.IN_PROGRESS, OFFICE),
        Transition(
            "resolve",
            _("办结"),
            (RequestState.ASSIGNED, RequestState.IN_PROGRESS),
            RequestState.RESOLVED,
            OFFICE,
            inputs=reason_input(_("办理结果"), name="resolution"),
            effect=_require_resolution,
            style="success",
        ),
        Transition(
            "confirm",
            _("确认办结并评价"),
            (RequestState.RESOLVED,),
            RequestState.CONFIRMED,
            BUSINESS_ROLES,
            inputs=_confirm_inputs,
            condition=_is_own_talent,
            style="success",
        ),
        Transition(
            "reopen",
            _("不满意，重新办理"),
            (RequestState.RESOLVED,),
            RequestState.IN_PROGRESS,
            BUSINESS_ROLES,
            inputs=reason_input(_("不满意的原因"), name="feedback"),
            condition=_is_own_talent,
            style="outline-danger",
        ),
        Transition(
            "cancel",
            _("撤销"),
            (RequestState.OPEN,),
            RequestState.CANCELLED,
            BUSINESS_ROLES,
            condition=_is_opener,
            style="outline-secondary",
        ),
    ],
)


@register
class RequestObjects(ObjectConfig):
    model = ServiceRequest
    slug = "service-requests"
    nav_section = "services"
    list_columns = ["talent", "title", "category", "opened_by", "state", "assigned_to", "due_date", "is_overdue"]
    detail_fields = [
        "talent",
        "title",
        "category",
        "description",
        "opened_by",
        "created_at",
        "state",
        "assigned_to",
        "due_date",
        "is_overdue",
        "resolution",
        "satisfaction",
        "feedback",
        "assigned_at",
        "resolved_at",
        "confirmed_at",
    ]
    form_fields = ["talent", "title", "category", "description"]
    api_read_only_fields = ["opened_by", "state", "assigned_to", "due_date", "resolution", "satisfaction"]
    api_fields = ["id", *form_fields, *api_read_only_fields]
    filterset_class = RequestFilter
    search_fields = ["talent__name_simplified", "title"]
    ordering = ["-id"]
    create_roles = frozenset({Role.OFFICE, Role.LIAISON, Role.TALENT})
    change_roles = frozenset()
    delete_roles = frozenset()
    actions = REQUEST_WORKFLOW.actions()

    def get_form_class(self, user, instance=None):
        fields = self.form_fields[1:] if role_of(user) == Role.TALENT else self.form_fields
        return forms.modelform_factory(ServiceRequest, fields=fields)

    def before_save(self, instance, user, creating):
        if not creating:
            return
        instance.opened_by = user
        if role_of(user) == Role.TALENT:
            talent = Talent.objects.filter(user=user).first()
            if talent is None:
                raise ActionRefused(_("您的账号尚未关联人才信息，请联系所在机构联络员。"))
            instance.talent = talent


@section_provider("talents")
def talent_services(talent: Talent, user) -> list[Section]:
    parts = [
        (_("服务任务"), ServiceDuty, ["title", "kind", "assigned_to", "due_date", "state", "is_overdue"]),
        (_("走访联系"), Visit, ["visited_on", "kind", "visitor", "matters_raised"]),
        (_("服务诉求"), ServiceRequest, ["title", "category", "state", "due_date", "is_overdue"]),
    ]
    return related_sections(parts, user, talent=talent.pk)


@todo_provider
def overdue_services(user) -> list[Todo]:
    if role_of(user) not in (Role.OFFICE, Role.LEADER, Role.LIAISON):
        return []
    todos = []
    duties = ServiceDuty.objects.visible_to(user).overdue().count()
    if duties:
        todos.append(Todo(_("%(n)s 项分层服务任务已逾期") % {"n": duties}, "/o/service-duties/?overdue=true", duties))
    requests = ServiceRequest.objects.visible_to(user).overdue().count()
    if requests:
        todos.append(
            Todo(_("%(n)s 件服务诉求超过办理期限") % {"n": requests}, "/o/service-requests/?overdue=true", requests)
        )
    waiting = ServiceRequest.objects.visible_to(user).filter(state=RequestState.OPEN).count()
    if waiting and role_of(user) == Role.OFFICE:
        todos.append(Todo(_("%(n)s 件服务诉求待分派") % {"n": waiting}, "/o/service-requests/?state=open", waiting))
    return todos
