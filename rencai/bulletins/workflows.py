"""The state machines of the information desk: an item is accepted, returned with reasons
(and resubmitted), declined, adopted and published; an issue is published; a leader's
instruction is answered and closed (or sent back for more); a commission is cancelled."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.bulletins import services
from rencai.bulletins.models import (
    CommissionState,
    InfoItem,
    Instruction,
    InstructionState,
    IssueState,
    ItemState,
    PeriodicalIssue,
)
from rencai.core.errors import Refused
from rencai.core.objects import Transition, Workflow
from rencai.core.objects.workflow import reason_input
from rencai.core.roles import OFFICE_AND_LEADERS, OFFICE_AND_LIAISONS, OFFICE_ONLY, Role


def _author_unit(item: InfoItem, user) -> bool:
    return services.is_liaison_of(user, item.organization_id)


def _resubmit(item: InfoItem, user, data: dict) -> None:
    item.return_reason = ""


def _decline(item: InfoItem, user, data: dict) -> None:
    if item.adoptions.exists():
        raise Refused(_("该信息已被采用，不能改为不予采用。"))


ITEM_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "accept", gettext_lazy("受理"), (ItemState.SUBMITTED,), ItemState.ACCEPTED, OFFICE_ONLY, style="success"
        ),
        Transition(
            "return",
            gettext_lazy("退回修改"),
            (ItemState.SUBMITTED, ItemState.ACCEPTED),
            ItemState.RETURNED,
            OFFICE_ONLY,
            inputs=reason_input(gettext_lazy("退回理由"), name="return_reason"),
            style="outline-danger",
        ),
        Transition(
            "resubmit",
            gettext_lazy("重新报送"),
            (ItemState.RETURNED,),
            ItemState.SUBMITTED,
            frozenset({Role.LIAISON}),
            effect=_resubmit,
            condition=_author_unit,
            style="primary",
        ),
        Transition(
            "decline",
            gettext_lazy("不予采用"),
            (ItemState.SUBMITTED, ItemState.ACCEPTED),
            ItemState.DECLINED,
            OFFICE_ONLY,
            inputs=reason_input(gettext_lazy("理由"), name="return_reason"),
            effect=_decline,
            style="outline-secondary",
        ),
    ],
)


def _publish(issue: PeriodicalIssue, user, data: dict) -> None:
    data["count"] = services.publish_issue(issue)


ISSUE_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "publish",
            gettext_lazy("印发"),
            (IssueState.DRAFT,),
            IssueState.PUBLISHED,
            OFFICE_ONLY,
            effect=_publish,
            style="success",
        ),
    ],
)


def _answer(instruction: Instruction, user, data: dict) -> None:
    if not str(data.get("response", "")).strip():
        raise Refused(_("请填写落实反馈。"))


INSTRUCTION_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "answer",
            gettext_lazy("反馈落实情况"),
            (InstructionState.OPEN,),
            InstructionState.ANSWERED,
            OFFICE_AND_LIAISONS,
            inputs=reason_input(gettext_lazy("落实反馈"), name="response"),
            effect=_answer,
            condition=services.may_answer,
            style="primary",
        ),
        Transition(
            "close",
            gettext_lazy("办结"),
            (InstructionState.ANSWERED,),
            InstructionState.CLOSED,
            OFFICE_AND_LEADERS,
            style="success",
        ),
        Transition(
            "reopen",
            gettext_lazy("要求继续落实"),
            (InstructionState.ANSWERED,),
            InstructionState.OPEN,
            OFFICE_AND_LEADERS,
            style="outline-danger",
        ),
    ],
)

COMMISSION_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "cancel",
            gettext_lazy("撤销约稿"),
            (CommissionState.OPEN,),
            CommissionState.CANCELLED,
            OFFICE_ONLY,
            style="outline-danger",
        ),
    ],
)
