"""The submission workflow: draft → submitted → returned / approved → locked, and the
leaders' reopening of an approved or locked return."""

from django.utils.translation import gettext as _

from rencai.core.objects import Transition, Workflow, reason_input
from rencai.core.roles import LEADERS_ONLY, OFFICE_AND_LIAISONS, OFFICE_ONLY
from rencai.returns import services
from rencai.returns.forms import submit_inputs
from rencai.returns.models import EDITABLE_STATES, Severity, Submission, SubmissionState


def _submit(submission: Submission, user, data: dict) -> None:
    services.submit(submission, data.get("warning_note", ""))


def _submit_notes(submission: Submission) -> list[str]:
    """The open findings, named on the 报送 page: errors that block, warnings to explain."""
    notes = []
    for finding in services.findings(submission):
        if finding.severity == Severity.ERROR:
            notes.append(_("未通过校验（须先修改）：%(message)s") % {"message": finding.message})
        else:
            notes.append(_("提示项（请在下方说明原因）：%(message)s") % {"message": finding.message})
    return notes


SUBMISSION_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "submit",
            _("报送"),
            EDITABLE_STATES,
            SubmissionState.SUBMITTED,
            OFFICE_AND_LIAISONS,
            inputs=submit_inputs,
            effect=_submit,
            style="primary",
            notes=_submit_notes,
        ),
        Transition(
            "return",
            _("退回修改"),
            (SubmissionState.SUBMITTED,),
            SubmissionState.RETURNED,
            OFFICE_ONLY,
            inputs=reason_input(_("退回理由")),
        ),
        Transition(
            "approve",
            _("审核通过"),
            (SubmissionState.SUBMITTED,),
            SubmissionState.APPROVED,
            OFFICE_ONLY,
            style="success",
            batch=True,
        ),
        Transition("lock", _("锁定"), (SubmissionState.APPROVED,), SubmissionState.LOCKED, OFFICE_ONLY),
        Transition(
            "reopen",
            _("重新打开"),
            (SubmissionState.APPROVED, SubmissionState.LOCKED),
            SubmissionState.RETURNED,
            LEADERS_ONLY,
            inputs=reason_input(_("重开理由")),
            style="outline-danger",
        ),
    ],
)
