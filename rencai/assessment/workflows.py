"""The state machines of the assessment: a round from self-assessment to published
results, a unit's assessment from its self-assessment to the office's review, and a
demonstration site from its proposal to its acceptance."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.assessment import services
from rencai.assessment.models import (
    AcceptanceRound,
    AcceptanceState,
    AssessmentRound,
    AssessmentState,
    RoundState,
    SiteState,
    UnitAssessment,
)
from rencai.core.objects import Transition, Workflow, reason_input
from rencai.core.roles import OFFICE_AND_LIAISONS, OFFICE_ONLY

# --- rounds -----------------------------------------------------------------------------------


def publish_inputs() -> dict[str, forms.Field]:
    return {
        "published_on": forms.DateField(label=_("公布日期"), initial=timezone.localdate),
        "results_number": forms.CharField(label=_("结果文号"), max_length=100, help_text=_("例如：济金办〔2026〕3号")),
    }


def _close_self(round_: AssessmentRound, user, data: dict) -> None:
    services.close_self_assessment(round_)


def _start_publicity(round_: AssessmentRound, user, data: dict) -> None:
    services.start_publicity(round_)


def _publish(round_: AssessmentRound, user, data: dict) -> None:
    services.publish(round_)


ROUND_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "close_self",
            gettext_lazy("截止自评，进入审核评审"),
            (RoundState.OPEN,),
            RoundState.REVIEW,
            OFFICE_ONLY,
            effect=_close_self,
            style="primary",
        ),
        Transition(
            "start_publicity",
            gettext_lazy("计算得分排名并公示"),
            (RoundState.REVIEW,),
            RoundState.PUBLICITY,
            OFFICE_ONLY,
            effect=_start_publicity,
            style="primary",
        ),
        Transition(
            "publish",
            gettext_lazy("公示期满，公布结果"),
            (RoundState.PUBLICITY,),
            RoundState.PUBLISHED,
            OFFICE_ONLY,
            inputs=publish_inputs,
            effect=_publish,
            style="success",
        ),
    ],
)


# --- a unit's assessment ----------------------------------------------------------------------


def _submit(assessment: UnitAssessment, user, data: dict) -> None:
    services.submit(assessment, user)


def _finish(assessment: UnitAssessment, user, data: dict) -> None:
    services.finish_review(assessment, user)


def _in_open_round(assessment: UnitAssessment, user) -> bool:
    return assessment.round.state == RoundState.OPEN


def _return(assessment: UnitAssessment, user, data: dict) -> None:
    services.check_not_own_unit(user, assessment)


ASSESSMENT_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "submit",
            gettext_lazy("提交自评"),
            (AssessmentState.DRAFT,),
            AssessmentState.SUBMITTED,
            OFFICE_AND_LIAISONS,
            effect=_submit,
            condition=_in_open_round,
            style="primary",
        ),
        Transition(
            "return",
            gettext_lazy("退回修改"),
            (AssessmentState.SUBMITTED,),
            AssessmentState.DRAFT,
            OFFICE_ONLY,
            inputs=reason_input(gettext_lazy("退回理由")),
            effect=_return,
            condition=_in_open_round,
        ),
        Transition(
            "finish_review",
            gettext_lazy("完成审核"),
            (AssessmentState.SUBMITTED,),
            AssessmentState.REVIEWED,
            OFFICE_ONLY,
            effect=_finish,
            style="success",
        ),
    ],
)


def adjust_inputs() -> dict[str, forms.Field]:
    return {
        "office_score": forms.DecimalField(label=_("审核得分"), max_digits=6, decimal_places=2, min_value=Decimal(0)),
        "adjust_reason": forms.CharField(label=_("调整理由"), widget=forms.Textarea(attrs={"rows": 3})),
    }


# --- demonstration sites ----------------------------------------------------------------------


SITE_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "approve",
            gettext_lazy("批准创建"),
            (SiteState.PROPOSED,),
            SiteState.BUILDING,
            OFFICE_ONLY,
            inputs=reason_input(gettext_lazy("审批意见"), required=False),
            style="success",
        ),
        Transition(
            "reject",
            gettext_lazy("不予批准"),
            (SiteState.PROPOSED,),
            SiteState.REJECTED,
            OFFICE_ONLY,
            inputs=reason_input(gettext_lazy("不予批准理由")),
            style="outline-danger",
        ),
    ],
)


def _start_acceptance(acceptance: AcceptanceRound, user, data: dict) -> None:
    services.start_acceptance(acceptance, user)


def _conclude(acceptance: AcceptanceRound, user, data: dict) -> None:
    services.conclude_acceptance(acceptance)


ACCEPTANCE_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "start",
            gettext_lazy("组织专家验收"),
            (AcceptanceState.PREPARING,),
            AcceptanceState.INSPECTING,
            OFFICE_ONLY,
            effect=_start_acceptance,
            style="primary",
        ),
        Transition(
            "conclude",
            gettext_lazy("结束验收，作出结论"),
            (AcceptanceState.INSPECTING,),
            AcceptanceState.CONCLUDED,
            OFFICE_ONLY,
            effect=_conclude,
            style="success",
        ),
    ],
)
