"""The declared state machine of key-field change requests."""

from django.utils.translation import gettext as _

from rencai.core.objects import Transition, Workflow, reason_input
from rencai.core.roles import OFFICE_LIAISONS_AND_TALENTS, OFFICE_ONLY
from rencai.talents import services
from rencai.talents.models import ChangeRequest, ChangeState


def _approve(request: ChangeRequest, user, data: dict) -> None:
    services.apply_change_request(request)


def _is_requester(request: ChangeRequest, user) -> bool:
    return request.requested_by_id == user.pk


CHANGE_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "approve",
            _("审核通过"),
            (ChangeState.PENDING,),
            ChangeState.APPROVED,
            OFFICE_ONLY,
            inputs=reason_input(_("审核意见"), required=False, name="decision_comment"),
            effect=_approve,
            style="success",
            batch=True,
        ),
        Transition(
            "return",
            _("退回"),
            (ChangeState.PENDING,),
            ChangeState.RETURNED,
            OFFICE_ONLY,
            inputs=reason_input(_("退回理由"), name="decision_comment"),
            style="outline-danger",
        ),
        Transition(
            "withdraw",
            _("撤回"),
            (ChangeState.PENDING,),
            ChangeState.WITHDRAWN,
            OFFICE_LIAISONS_AND_TALENTS,
            condition=_is_requester,
            style="outline-secondary",
        ),
    ],
)
