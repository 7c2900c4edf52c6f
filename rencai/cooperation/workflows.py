"""The state machines of cooperation: a lecture requested then held or cancelled; a
secondment from arrival to the receiving unit's evaluation; a research topic from
approval to conclusion. Each transition is audited (the model save) and stamped."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rencai.cooperation import services
from rencai.cooperation.models import (
    RATING_CHOICES,
    Grade,
    LectureState,
    OutreachLecture,
    ResearchTopic,
    Secondment,
    SecondmentState,
    TopicState,
)
from rencai.core.errors import Refused
from rencai.core.objects import Transition, Workflow
from rencai.core.roles import OFFICE_AND_LIAISONS, OFFICE_ONLY


def _held_inputs() -> dict:
    return {
        "held_on": forms.DateField(label=_("宣讲日期")),
        "attendance": forms.IntegerField(label=_("听讲人数"), min_value=0),
        "rating": forms.TypedChoiceField(label=_("评价"), coerce=int, choices=RATING_CHOICES, required=False),
        "feedback": forms.CharField(label=_("反馈意见"), required=False, widget=forms.Textarea(attrs={"rows": 3})),
    }


def _check_held(lecture: OutreachLecture, user, data: dict) -> None:
    if data.get("held_on") and data["held_on"] > timezone.localdate():
        raise Refused(_("宣讲日期不能晚于今天。"))
    if data.get("rating") in ("", None):
        data["rating"] = None


LECTURE_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "hold",
            gettext_lazy("登记宣讲情况"),
            (LectureState.REQUESTED,),
            LectureState.HELD,
            OFFICE_AND_LIAISONS,
            inputs=_held_inputs,
            effect=_check_held,
            style="success",
        ),
        Transition(
            "cancel",
            gettext_lazy("取消宣讲"),
            (LectureState.REQUESTED,),
            LectureState.CANCELLED,
            OFFICE_AND_LIAISONS,
            style="outline-secondary",
        ),
    ],
)


def _arrived(secondment: Secondment, user, data: dict) -> None:
    if timezone.localdate() < secondment.starts_on:
        raise Refused(_("挂职开始日期为%(start)s，尚未到岗。") % {"start": secondment.starts_on})


def _term_over(secondment: Secondment, user, data: dict) -> None:
    if timezone.localdate() < secondment.ends_on:
        raise Refused(_("挂职期至%(end)s届满，期满后方可办理。") % {"end": secondment.ends_on})


def _evaluation_inputs() -> dict:
    return {
        "grade": forms.ChoiceField(label=_("考核等次"), choices=Grade.choices),
        "evaluation": forms.CharField(label=_("接收单位评价"), widget=forms.Textarea(attrs={"rows": 4})),
    }


def _require_evaluation(secondment: Secondment, user, data: dict) -> None:
    if not (data.get("evaluation") or "").strip():
        raise Refused(_("请填写接收单位评价。"))


SECONDMENT_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "arrive",
            gettext_lazy("确认到岗"),
            (SecondmentState.PLANNED,),
            SecondmentState.SERVING,
            OFFICE_AND_LIAISONS,
            effect=_arrived,
            condition=services.receives,
            style="primary",
        ),
        Transition(
            "finish",
            gettext_lazy("期满结束"),
            (SecondmentState.SERVING,),
            SecondmentState.ENDED,
            OFFICE_AND_LIAISONS,
            effect=_term_over,
            condition=services.receives,
        ),
        Transition(
            "evaluate",
            gettext_lazy("期满评价"),
            (SecondmentState.ENDED,),
            SecondmentState.EVALUATED,
            OFFICE_AND_LIAISONS,
            inputs=_evaluation_inputs,
            effect=_require_evaluation,
            condition=services.receives,
            style="success",
        ),
    ],
)


def _topic_started(topic: ResearchTopic, user, data: dict) -> None:
    if timezone.localdate() < topic.starts_on:
        raise Refused(_("课题尚未立项。"))


def _has_result(topic: ResearchTopic, user, data: dict) -> None:
    if not topic.results.exists():
        raise Refused(_("结题前请先登记至少一项课题成果（研究报告、论文或被采纳的政策建议）。"))


TOPIC_WORKFLOW = Workflow(
    "state",
    [
        Transition(
            "start",
            gettext_lazy("开始研究"),
            (TopicState.APPROVED,),
            TopicState.ONGOING,
            OFFICE_ONLY,
            effect=_topic_started,
        ),
        Transition(
            "conclude",
            gettext_lazy("结题"),
            (TopicState.APPROVED, TopicState.ONGOING),
            TopicState.CONCLUDED,
            OFFICE_ONLY,
            effect=_has_result,
            style="success",
        ),
    ],
)
