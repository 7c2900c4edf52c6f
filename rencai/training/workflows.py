"""The state machines of training: a class opens, closes and finishes (hours settled,
certificates issued); an enrolment is confirmed or withdrawn (its place passing to the
waiting list)."""

from django.utils.translation import gettext_lazy

from rencai.core.objects import Transition, Workflow
from rencai.core.roles import OFFICE_LIAISONS_AND_TALENTS, OFFICE_ONLY, Role, role_of
from rencai.training import services
from rencai.training.models import ClassState, Enrollment, EnrolmentState, TrainingClass


def _finish(klass: TrainingClass, user, data: dict) -> None:
    data["issued"] = services.finish_class(klass)


CLASS_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "open",
            gettext_lazy("开放报名"),
            (ClassState.PLANNED, ClassState.CLOSED),
            ClassState.OPEN,
            OFFICE_ONLY,
            style="primary",
        ),
        Transition("close", gettext_lazy("截止报名"), (ClassState.OPEN,), ClassState.CLOSED, OFFICE_ONLY),
        Transition(
            "finish",
            gettext_lazy("结业（认定学时、颁发证书）"),
            (ClassState.OPEN, ClassState.CLOSED),
            ClassState.FINISHED,
            OFFICE_ONLY,
            effect=_finish,
            style="success",
        ),
    ],
)


def _confirm(enrollment: Enrollment, user, data: dict) -> None:
    services.confirm(enrollment)


def _withdraw(enrollment: Enrollment, user, data: dict) -> None:
    data["moved_up"] = services.withdraw(enrollment)


def _may_withdraw(enrollment: Enrollment, user) -> bool:
    if role_of(user) == Role.TALENT:
        return enrollment.talent.user_id == user.pk
    return True


ENROLMENT_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "confirm",
            gettext_lazy("确认报名"),
            (EnrolmentState.PENDING, EnrolmentState.WAITLISTED),
            EnrolmentState.CONFIRMED,
            OFFICE_ONLY,
            effect=_confirm,
            style="success",
            batch=True,
        ),
        Transition(
            "withdraw",
            gettext_lazy("退出（名额让给候补）"),
            (EnrolmentState.PENDING, EnrolmentState.CONFIRMED, EnrolmentState.WAITLISTED),
            EnrolmentState.WITHDRAWN,
            OFFICE_LIAISONS_AND_TALENTS,
            effect=_withdraw,
            condition=_may_withdraw,
            style="outline-danger",
        ),
    ],
)
