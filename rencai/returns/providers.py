"""What returns give others: the to-dos of liaisons (returns to report) and of the office
(returns to review)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from rencai.core.roles import Role, role_of
from rencai.core.todos import Todo, todo_provider
from rencai.returns.models import EDITABLE_STATES, Submission, SubmissionState


@todo_provider
def returns_todos(user) -> list[Todo]:
    role = role_of(user)
    if role == Role.LIAISON:
        waiting = Submission.objects.visible_to(user).filter(state__in=EDITABLE_STATES, period__is_open=True).count()
        return [Todo(_("待报送的统计报表"), reverse("objects:submissions-list"), waiting)] if waiting else []
    if role == Role.OFFICE:
        pending = Submission.objects.filter(state=SubmissionState.SUBMITTED).count()
        return (
            [
                Todo(
                    _("待审核的统计报表"),
                    reverse("objects:submissions-list") + f"?state={SubmissionState.SUBMITTED}",
                    pending,
                )
            ]
            if pending
            else []
        )
    return []
