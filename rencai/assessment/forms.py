"""The forms of the assessment: evidence uploads, appeals, site proposals."""

from django import forms

from rencai.assessment.models import Appeal, DemonstrationSite, Evidence, UnitAssessment


class EvidenceForm(forms.ModelForm):
    class Meta:
        model = Evidence
        fields = ["score", "title", "file"]


class AppealForm(forms.ModelForm):
    class Meta:
        model = Appeal
        fields = ["assessment", "content"]
        widgets = {"content": forms.Textarea(attrs={"rows": 6})}


class ReportForm(forms.ModelForm):
    class Meta:
        model = UnitAssessment
        fields = ["report"]
        widgets = {"report": forms.Textarea(attrs={"rows": 12})}


class NewAssessmentForm(forms.ModelForm):
    class Meta:
        model = UnitAssessment
        fields = ["round", "organization", "department"]


class SiteForm(forms.ModelForm):
    class Meta:
        model = DemonstrationSite
        fields = [
            "programme",
            "year",
            "organization",
            "name",
            "kind",
            "theme",
            "measures",
            "expected_results",
            "contact",
        ]
        widgets = {
            "measures": forms.Textarea(attrs={"rows": 4}),
            "expected_results": forms.Textarea(attrs={"rows": 4}),
        }
