"""Service rules, duties, visits and service requests, declared once for pages, export and API."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core.errors import Refused
from rencai.core.objects import Action, ObjectConfig, Policy, register
from rencai.core.roles import (
    ALL_BUT_EXPERTS,
    CITYWIDE_READERS,
    NOBODY,
    OFFICE_AND_LEADERS,
    OFFICE_LIAISONS_AND_TALENTS,
    OFFICE_ONLY,
    STAFF_AND_LIAISONS,
    Role,
    role_of,
)
from rencai.services import services
from rencai.services.filters import DutyFilter, RequestFilter, VisitFilter
from rencai.services.forms import complete_inputs
from rencai.services.models import ContactLeader, DutyState, ServiceDuty, ServiceRequest, ServiceRule, Visit
from rencai.services.workflows import REQUEST_WORKFLOW
from rencai.talents.models import Talent


def _apply_to_all(rule: ServiceRule, user, data: dict) -> str:
    created, cancelled = services.apply_rules_to_all()
    return _("已按规则生成 %(created)s 项服务任务，取消 %(cancelled)s 项。") % {
        "created": created,
        "cancelled": cancelled,
    }


def _complete(duty: ServiceDuty, user, data: dict) -> str:
    services.complete_duty(duty, data["completed_on"], data.get("notes", ""))
    return _("已完成：%(duty)s") % {"duty": duty}


@register
class RuleObjects(ObjectConfig):
    model = ServiceRule
    slug = "service-rules"
    nav_section = "setup"
    nav_roles = OFFICE_ONLY
    list_columns = ["name", "kind", "level", "tier", "interval_days", "due_days", "is_active"]
    form_fields = [
        "name",
        "kind",
        "level",
        "tier",
        "description",
        "interval_days",
        "due_days",
        "contact_method",
        "is_active",
    ]
    search_fields = ["name", "description"]
    ordering = ["kind", "name"]
    policy = Policy(view=STAFF_AND_LIAISONS, change=OFFICE_ONLY)
    actions = [Action("apply", gettext_lazy("按规则生成服务任务"), OFFICE_ONLY, _apply_to_all)]


@register
class ContactLeaderObjects(ObjectConfig):
    """The leader named per institution under a rule whose contact method is 按机构指定."""

    model = ContactLeader
    slug = "contact-leaders"
    nav_section = "services"
    nav_roles = OFFICE_AND_LEADERS
    list_columns = ["rule", "organization", "leader"]
    form_fields = ["rule", "organization", "leader", "note"]
    search_fields = ["organization__name", "rule__name"]
    policy = Policy(view=CITYWIDE_READERS, change=OFFICE_ONLY)


@register
class DutyObjects(ObjectConfig):
    model = ServiceDuty
    slug = "service-duties"
    nav_section = "services"
    nav_roles = ALL_BUT_EXPERTS
    list_columns = ["talent", "kind", "title", "assigned_to", "interval_days", "due_date", "state", "is_overdue"]
    form_fields = ["talent", "kind", "title", "assigned_to", "interval_days", "due_date", "notes"]
    filterset_class = DutyFilter
    search_fields = ["talent__name_simplified", "title"]
    ordering = ["state", "due_date"]
    policy = Policy(change=OFFICE_ONLY)
    actions = [
        Action(
            "complete",
            gettext_lazy("办结"),
            OFFICE_ONLY,
            _complete,
            inputs=complete_inputs,
            available=lambda duty, user: duty.state == DutyState.OPEN and duty.kind != "contact",
            style="success",
        )
    ]


@register
class VisitObjects(ObjectConfig):
    model = Visit
    slug = "visits"
    nav_section = "services"
    nav_roles = STAFF_AND_LIAISONS
    list_columns = ["talent", "visited_on", "kind", "visitor", "visitors", "matters_raised"]
    form_fields = ["talent", "visited_on", "kind", "visitor", "visitors", "matters_raised", "follow_up"]
    filterset_class = VisitFilter
    search_fields = ["talent__name_simplified", "matters_raised"]
    ordering = ["-visited_on", "-id"]
    policy = Policy(change=OFFICE_ONLY)


@register
class RequestObjects(ObjectConfig):
    model = ServiceRequest
    slug = "service-requests"
    nav_section = "services"
    nav_roles = ALL_BUT_EXPERTS
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
    policy = Policy(create=OFFICE_LIAISONS_AND_TALENTS, change=NOBODY, delete=NOBODY)
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
                raise Refused(_("您的账号尚未关联人才信息，请联系所在机构联络员。"))
            instance.talent = talent
