"""The state machines of selections: a campaign from its call to the decision, and an
application through the eligibility check."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.core.errors import Refused
from rencai.core.objects import Transition, Workflow, reason_input
from rencai.core.roles import OFFICE_LIAISONS_AND_TALENTS, OFFICE_ONLY, Role, role_of
from rencai.selections import services
from rencai.selections.forms import decide_inputs
from rencai.selections.models import Application, ApplicationState, Campaign, CampaignState

# --- campaigns ---------------------------------------------------------------------------


def _start_review(campaign: Campaign, user, data: dict) -> None:
    services.start_review(campaign, user)


def _start_vote(campaign: Campaign, user, data: dict) -> None:
    services.start_vote(campaign)


def _start_publicity(campaign: Campaign, user, data: dict) -> None:
    services.shortlist(campaign)


def _decide(campaign: Campaign, user, data: dict) -> None:
    services.decide(campaign, data["decided_on"], data["results_number"])


def _has_vote(campaign: Campaign, user) -> bool:
    return campaign.has_public_vote


def _no_vote(campaign: Campaign, user) -> bool:
    return not campaign.has_public_vote or campaign.state == CampaignState.VOTING


CAMPAIGN_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "publish",
            gettext_lazy("发布评选通知"),
            (CampaignState.DRAFT,),
            CampaignState.OPEN,
            OFFICE_ONLY,
            style="primary",
        ),
        Transition(
            "close_applications",
            gettext_lazy("截止申报，开始资格审查"),
            (CampaignState.OPEN,),
            CampaignState.ELIGIBILITY,
            OFFICE_ONLY,
        ),
        Transition(
            "start_review",
            gettext_lazy("进入专家评审"),
            (CampaignState.ELIGIBILITY,),
            CampaignState.REVIEW,
            OFFICE_ONLY,
            effect=_start_review,
            style="primary",
        ),
        Transition(
            "start_vote",
            gettext_lazy("结束专家评分，开始公众投票"),
            (CampaignState.REVIEW,),
            CampaignState.VOTING,
            OFFICE_ONLY,
            effect=_start_vote,
            condition=_has_vote,
        ),
        Transition(
            "start_publicity",
            gettext_lazy("确定入围名单并公示"),
            (CampaignState.REVIEW, CampaignState.VOTING),
            CampaignState.PUBLICITY,
            OFFICE_ONLY,
            effect=_start_publicity,
            condition=_no_vote,
            style="primary",
        ),
        Transition(
            "decide",
            gettext_lazy("作出决定并公布结果"),
            (CampaignState.PUBLICITY,),
            CampaignState.DECIDED,
            OFFICE_ONLY,
            inputs=decide_inputs,
            effect=_decide,
            style="success",
        ),
        Transition(
            "cancel",
            gettext_lazy("取消评选"),
            (CampaignState.DRAFT, CampaignState.OPEN, CampaignState.ELIGIBILITY),
            CampaignState.CANCELLED,
            OFFICE_ONLY,
            style="outline-danger",
        ),
    ],
)


# --- applications --------------------------------------------------------------------------


def _pass(application: Application, user, data: dict) -> None:
    missing = [k for k in application.campaign.material_kinds() if not application.materials.filter(kind=k).exists()]
    if missing:
        raise Refused(_("缺少申报材料：%(kinds)s。") % {"kinds": "、".join(missing)})
    if application.talent_id and application.talent is not None:
        problems = services.ineligibility(application.campaign, application.talent)
        if problems:
            raise Refused(" ".join(problems))


def _is_owner(application: Application, user) -> bool:
    if role_of(user) == Role.TALENT:
        return (
            application.talent_id is not None
            and application.talent is not None
            and application.talent.user_id == user.pk
        )
    return True


def _resubmit(application: Application, user, data: dict) -> None:
    if application.campaign.state not in (CampaignState.OPEN, CampaignState.ELIGIBILITY):
        raise Refused(_("资格审查已结束，不能再提交。"))
    if application.talent_id and application.talent is not None:
        problems = services.ineligibility(application.campaign, application.talent)
        if problems:
            raise Refused(" ".join(problems))


def _in_checking(application: Application, user) -> bool:
    return application.campaign.state in (CampaignState.OPEN, CampaignState.ELIGIBILITY)


APPLICATION_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "pass",
            gettext_lazy("资格审查通过"),
            (ApplicationState.SUBMITTED,),
            ApplicationState.ELIGIBLE,
            OFFICE_ONLY,
            effect=_pass,
            condition=_in_checking,
            style="success",
        ),
        Transition(
            "return",
            gettext_lazy("退回修改"),
            (ApplicationState.SUBMITTED,),
            ApplicationState.RETURNED,
            OFFICE_ONLY,
            inputs=reason_input(gettext_lazy("退回理由")),
            condition=_in_checking,
        ),
        Transition(
            "reject",
            gettext_lazy("资格审查不通过"),
            (ApplicationState.SUBMITTED,),
            ApplicationState.INELIGIBLE,
            OFFICE_ONLY,
            inputs=reason_input(gettext_lazy("不通过理由")),
            condition=_in_checking,
            style="outline-danger",
        ),
        Transition(
            "resubmit",
            gettext_lazy("修改后重新提交"),
            (ApplicationState.RETURNED,),
            ApplicationState.SUBMITTED,
            OFFICE_LIAISONS_AND_TALENTS,
            effect=_resubmit,
            condition=_is_owner,
            style="primary",
        ),
        Transition(
            "withdraw",
            gettext_lazy("撤回申报"),
            (ApplicationState.SUBMITTED, ApplicationState.RETURNED),
            ApplicationState.WITHDRAWN,
            OFFICE_LIAISONS_AND_TALENTS,
            condition=lambda a, user: _is_owner(a, user) and _in_checking(a, user),
            style="outline-danger",
        ),
    ],
)
