"""The forms of cooperation's declared objects (the fields a user types; the rest is set
by the declarations' hooks), with the rules that span many-to-many choices."""

from django import forms
from django.utils.translation import gettext as _

from rencai.cooperation.models import ActivityPhoto, JointActivity, ResearchTopic, SecondmentReport
from rencai.cooperation.services import member_units_of


class JointActivityForm(forms.ModelForm):
    class Meta:
        model = JointActivity
        fields = [
            "alliance",
            "kind",
            "title",
            "organiser",
            "co_organisers",
            "held_on",
            "place",
            "participants",
            "other_participants",
            "summary",
            "campaign",
        ]

    def clean(self) -> dict:
        data = super().clean() or {}
        alliance, organiser, held_on = data.get("alliance"), data.get("organiser"), data.get("held_on")
        co_organisers = list(data.get("co_organisers") or [])
        if alliance is None or held_on is None:
            return data
        for member in co_organisers:
            if member.alliance_id != alliance.pk:
                self.add_error(
                    "co_organisers", _("协办单位“%(unit)s”不是本联盟的成员单位。") % {"unit": member.organization}
                )
            elif organiser is not None and member.pk == organiser.pk:
                self.add_error("co_organisers", _("主办单位不必再列为协办单位。"))
            elif not member.is_member_on(held_on):
                self.add_error("co_organisers", _("活动日期时“%(unit)s”不是联盟成员。") % {"unit": member.organization})
        outsiders = member_units_of(data.get("participants") or [], alliance, held_on)
        if outsiders:
            self.add_error(
                "participants",
                _("参加人员须是联盟成员单位的人才：%(names)s 不属于成员单位。") % {"names": "、".join(outsiders[:5])},
            )
        return data


class PhotoForm(forms.ModelForm):
    class Meta:
        model = ActivityPhoto
        fields = ["activity", "caption", "file"]


class ReportForm(forms.ModelForm):
    class Meta:
        model = SecondmentReport
        fields = ["secondment", "kind", "month", "content", "late_reason"]
        widgets = {"month": forms.DateInput(attrs={"type": "date"})}


class TopicForm(forms.ModelForm):
    class Meta:
        model = ResearchTopic
        fields = [
            "agreement",
            "university",
            "title",
            "leader",
            "team_talents",
            "university_team",
            "funding_source",
            "funding",
            "starts_on",
            "due_on",
        ]
