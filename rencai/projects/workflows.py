"""The supervision flow of a task, as government offices run it: 立项 → 交办 (assigned to
the unit) → 签收 (the unit's liaison signs receipt before the signing deadline) → 办理
(progress reports) → 反馈 (the unit reports completion) → 复核 (the office checks and may
send it back with reasons) → 办结. A liaison never closes its own task.

A supervision notice (督办单) is signed for by the unit's liaison."""

from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core.errors import NotPermitted, Refused
from rencai.core.objects import Transition, Workflow, reason_input
from rencai.core.roles import OFFICE_AND_LIAISONS, OFFICE_ONLY, Role, role_of
from rencai.projects.models import NoticeState, ProjectTask, SupervisionNotice, TaskState


def _own_unit(task: ProjectTask, user) -> bool:
    """The liaison of the responsible unit (or of its head office)."""
    organization = getattr(user, "organization", None)
    return bool(organization and task.organization.path.startswith(organization.path))


def _assign_inputs() -> dict:
    return {
        "sign_deadline": forms.DateField(label=_("签收期限"), required=False, help_text=_("不填则为交办后3天。")),
    }


def _assign(task: ProjectTask, user, data: dict) -> None:
    if not data.get("sign_deadline"):
        data["sign_deadline"] = min(timezone.localdate() + timedelta(days=3), task.due_on)
    elif data["sign_deadline"] < timezone.localdate():
        raise Refused(_("签收期限不能早于今天。"))
    elif data["sign_deadline"] > task.due_on:
        raise Refused(_("签收期限不能晚于完成时限。"))


def _sign(task: ProjectTask, user, data: dict) -> None:
    if role_of(user) != Role.LIAISON or not _own_unit(task, user):
        raise NotPermitted(_("只有责任单位的联络员可以签收本单位的任务。"))
    data["signed_by"] = user


def _require_note(task: ProjectTask, user, data: dict) -> None:
    if not (data.get("completion_note") or "").strip():
        raise Refused(_("请填写办理情况。"))


def _send_back(task: ProjectTask, user, data: dict) -> None:
    if not (data.get("return_reason") or "").strip():
        raise Refused(_("请填写退回理由。"))
    data["returned_count"] = task.returned_count + 1


def _close(task: ProjectTask, user, data: dict) -> None:
    if role_of(user) != Role.OFFICE:
        raise NotPermitted(_("任务须经办公室复核后办结，责任单位不能自行办结。"))
    data["closed_on"] = timezone.localdate()
    data["progress"] = 100


def _after(task: ProjectTask) -> None:
    from rencai.projects.services import recompute

    recompute(task)


class TaskWorkflow(Workflow):
    def apply(self, obj, transition, user, data) -> str:
        message = super().apply(obj, transition, user, data)
        _after(obj)
        return message


TASK_WORKFLOW = TaskWorkflow(
    "state",
    [
        Transition(
            "assign", gettext_lazy("交办"), (TaskState.DRAFT,), TaskState.ASSIGNED, OFFICE_ONLY, _assign_inputs, _assign
        ),
        Transition(
            "sign",
            gettext_lazy("签收"),
            (TaskState.ASSIGNED,),
            TaskState.SIGNED,
            frozenset({Role.LIAISON}),
            effect=_sign,
            condition=_own_unit,
            style="success",
        ),
        Transition(
            "feedback",
            gettext_lazy("反馈办结情况"),
            (TaskState.SIGNED, TaskState.IN_PROGRESS),
            TaskState.REPORTED,
            OFFICE_AND_LIAISONS,
            reason_input(gettext_lazy("办理情况"), name="completion_note"),
            _require_note,
        ),
        Transition(
            "send_back",
            gettext_lazy("复核退回"),
            (TaskState.REPORTED,),
            TaskState.IN_PROGRESS,
            OFFICE_ONLY,
            reason_input(gettext_lazy("退回理由"), name="return_reason"),
            _send_back,
            style="outline-danger",
        ),
        Transition(
            "close",
            gettext_lazy("复核通过并办结"),
            (TaskState.REPORTED,),
            TaskState.CLOSED,
            # Liaisons are offered nothing (the roles) and refused by the effect if asked.
            OFFICE_ONLY,
            effect=_close,
            style="success",
        ),
    ],
)


def _sign_notice(notice: SupervisionNotice, user, data: dict) -> None:
    if role_of(user) != Role.LIAISON or not _own_unit(notice.task, user):
        raise NotPermitted(_("只有责任单位的联络员可以签收督办单。"))
    data["signed_by"] = user


NOTICE_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "sign",
            gettext_lazy("签收督办单"),
            (NoticeState.SENT,),
            NoticeState.SIGNED,
            frozenset({Role.LIAISON}),
            reason_input(gettext_lazy("签收意见"), required=False, name="sign_note"),
            _sign_notice,
            condition=lambda notice, user: _own_unit(notice.task, user),
            style="success",
        )
    ],
)
