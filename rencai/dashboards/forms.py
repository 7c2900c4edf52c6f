"""The forms of the dashboards: a document template's wording (every placeholder, table
and chart checked against what the platform can give) and the request of a document."""

from django import forms
from django.utils.translation import gettext_lazy as _

from rencai.dashboards.models import DocumentTemplate
from rencai.dashboards.placeholders import unknown_names
from rencai.orgs.models import Organization


class TemplateForm(forms.ModelForm):
    class Meta:
        model = DocumentTemplate
        fields = ["kind", "title", "recipients", "body", "issuer", "is_active"]
        widgets = {"body": forms.Textarea(attrs={"rows": 18})}

    def clean(self) -> dict:
        cleaned = super().clean()
        assert cleaned is not None  # a ModelForm's clean() returns cleaned_data
        problems = unknown_names(f"{cleaned.get('title', '')}\n{cleaned.get('body', '')}")
        if problems:
            self.add_error("body", problems)
        return cleaned


class GenerateForm(forms.Form):
    template = forms.ModelChoiceField(label=_("模板"), queryset=DocumentTemplate.objects.filter(is_active=True))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    organization = forms.ModelChoiceField(
        label=_("范围（机构）"), queryset=Organization.objects.none(), required=False, help_text=_("不选表示全市。")
    )
    background = forms.BooleanField(label=_("后台生成（长文稿）"), required=False)
