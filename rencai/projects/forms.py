"""Forms and action inputs of the projects."""

from django import forms
from django.utils.translation import gettext as _

from rencai.projects.models import ProgressReport, ProjectTask


class TaskForm(forms.ModelForm):
    class Meta:
        model = ProjectTask
        fields = [
            "project",
            "title",
            "description",
            "deliverables",
            "organization",
            "department",
            "cooperating",
            "owner",
            "starts_on",
            "due_on",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}),
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
            "deliverables": forms.Textarea(attrs={"rows": 2}),
        }


class ReportForm(forms.ModelForm):
    class Meta:
        model = ProgressReport
        fields = ["task", "percent", "content", "reason", "attachment"]
        widgets = {"content": forms.Textarea(attrs={"rows": 4}), "reason": forms.Textarea(attrs={"rows": 2})}


def instruct_inputs() -> dict[str, forms.Field]:
    return {"content": forms.CharField(label=_("批示内容"), widget=forms.Textarea(attrs={"rows": 3}))}


def notice_inputs() -> dict[str, forms.Field]:
    return {
        "reason": forms.CharField(label=_("督办事由"), widget=forms.Textarea(attrs={"rows": 3})),
        "reply_by": forms.DateField(label=_("反馈期限"), required=False),
    }


def answer_inputs() -> dict[str, forms.Field]:
    return {"answer": forms.CharField(label=_("落实情况"), widget=forms.Textarea(attrs={"rows": 3}))}
