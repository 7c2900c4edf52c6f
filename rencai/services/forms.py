"""Inputs of the services' declared actions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _


def complete_inputs() -> dict[str, forms.Field]:
    """What the office records when it completes a duty."""
    return {
        "completed_on": forms.DateField(label=_("完成日期"), initial=timezone.localdate),
        "notes": forms.CharField(label=_("办理情况"), required=False, widget=forms.Textarea(attrs={"rows": 3})),
    }
