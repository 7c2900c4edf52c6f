"""The state machine of a service request: assigned, worked on, resolved, then confirmed
(with a satisfaction rating) or reopened by the talent, or cancelled by whoever raised it."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core.errors import Refused
from rencai.core.objects import Transition, Workflow, reason_input
from rencai.core.roles import BUSINESS_ROLES, OFFICE_ONLY, Role
from rencai.services.models import SATISFACTION_CHOICES, RequestState, ServiceRequest


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
        raise Refused(_("请填写办理结果。"))


REQUEST_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "assign",
            gettext_lazy("分派"),
            (RequestState.OPEN, RequestState.ASSIGNED),
            RequestState.ASSIGNED,
            OFFICE_ONLY,
            inputs=_assign_inputs,
            effect=_keep_due_date,
            batch=True,
        ),
        Transition("start", gettext_lazy("开始办理"), (RequestState.ASSIGNED,), RequestState.IN_PROGRESS, OFFICE_ONLY),
        Transition(
            "resolve",
            gettext_lazy("办结"),
            (RequestState.ASSIGNED, RequestState.IN_PROGRESS),
            RequestState.RESOLVED,
            OFFICE_ONLY,
            inputs=reason_input(gettext_lazy("办理结果"), name="resolution"),
            effect=_require_resolution,
            style="success",
        ),
        Transition(
            "confirm",
            gettext_lazy("确认办结并评价"),
            (RequestState.RESOLVED,),
            RequestState.CONFIRMED,
            BUSINESS_ROLES,
            inputs=_confirm_inputs,
            condition=_is_own_talent,
            style="success",
        ),
        Transition(
            "reopen",
            gettext_lazy("不满意，重新办理"),
            (RequestState.RESOLVED,),
            RequestState.IN_PROGRESS,
            BUSINESS_ROLES,
            inputs=reason_input(gettext_lazy("不满意的原因"), name="feedback"),
            condition=_is_own_talent,
            style="outline-danger",
        ),
        Transition(
            "cancel",
            gettext_lazy("撤销"),
            (RequestState.OPEN,),
            RequestState.CANCELLED,
            BUSINESS_ROLES,
            condition=_is_opener,
            style="outline-secondary",
        ),
    ],
)
