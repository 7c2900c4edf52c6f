"""Forms of the information desk and the inputs of its actions."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.bulletins.models import InfoAttachment, InfoItem, Instruction, IssueState, PeriodicalIssue


class ItemForm(forms.ModelForm):
    class Meta:
        model = InfoItem
        fields = ["organization", "category", "title", "body", "commission", "head_signoff", "signed_by"]
        widgets = {"body": forms.Textarea(attrs={"rows": 12})}


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = InfoAttachment
        fields = ["item", "file"]


class InstructionForm(forms.ModelForm):
    class Meta:
        model = Instruction
        fields = ["item", "text", "instructed_on"]
        widgets = {"text": forms.Textarea(attrs={"rows": 4})}


def adopt_inputs() -> dict[str, forms.Field]:
    return {
        "issue": forms.ModelChoiceField(
            label=_("编入期刊"),
            queryset=PeriodicalIssue.objects.filter(state=IssueState.DRAFT).select_related("periodical"),
        ),
        "order": forms.IntegerField(label=_("排序"), min_value=1, required=False, help_text=_("留空排在本期最后。")),
    }


def revise_inputs() -> dict[str, forms.Field]:
    return {
        "title": forms.CharField(label=_("标题"), max_length=150),
        "body": forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 12})),
        "note": forms.CharField(label=_("修订说明"), max_length=200),
    }


def instruct_inputs() -> dict[str, forms.Field]:
    return {"text": forms.CharField(label=_("批示内容"), widget=forms.Textarea(attrs={"rows": 4}))}
