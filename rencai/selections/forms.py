"""The forms of selections: nominations and own applications, materials, objections, and
the input of the decision."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _

from rencai.selections.models import Application, Material, Objection


class ApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["campaign", "talent", "subject_name", "organization", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}


class SelfApplicationForm(forms.ModelForm):
    class Meta:
        model = Application
        fields = ["campaign", "summary"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 8})}


def own_application_form(talent) -> type[SelfApplicationForm]:
    """A talent's own application form: the applicant is the talent themself, set before
    the model's checks run."""

    class OwnApplicationForm(SelfApplicationForm):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if self.instance.talent_id is None:
                self.instance.talent = talent
                self.instance.organization = talent.organization

    return OwnApplicationForm


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["application", "kind", "file"]


class ObjectionForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["application", "content", "contact"]
        widgets = {"content": forms.Textarea(attrs={"rows": 6})}


def decide_inputs() -> dict[str, forms.Field]:
    """The inputs of the final decision: its date and the number of the results notice."""
    return {
        "decided_on": forms.DateField(label=_("决定日期"), initial=timezone.localdate),
        "results_number": forms.CharField(label=_("结果文号"), max_length=100, help_text=_("例如：济金办〔2026〕18号")),
    }
